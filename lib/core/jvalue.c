/* jvalue - a record's value span as a jansson tree, for the few programs
 * that need one (kpi-report); kept out of jsonl.h so that the header every
 * program includes does not pull in jansson.  MIT licence (COPYING). */
#include <string.h>

#include "jvalue.h"
#include "opflow.h"

json_t *op_jvalue(const char *v, size_t vlen)
{
	json_t *j = json_loadb(v, vlen, JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, NULL);
	/* the scanner has validated the span, and the one span jansson then
	 * refuses holds \u0000 in a key (DEVIATIONS): the caller treats that
	 * as a bad value.  Any other failure is jansson out of memory (it
	 * does not say so reliably), which must not pass for a bad value and
	 * cost the record. */
	if (!j && !memmem(v, vlen, "\\u0000", 6))
		op_die(OP_EXIT_SOFTWARE, "out of memory");
	return j;
}
