/* defmodel.c - no built-in model: op_defmodel for the programs that are
 * linked without build/defmodel.o (every one but enq-classify: the
 * generated object, named first on enq-classify's link line, keeps this
 * member of libopflow.a out).  MIT licence. */
#include "model.h"

const unsigned char *op_defmodel(const char *label, size_t *n)
{
	(void)label;
	*n = 0;
	return NULL;
}
