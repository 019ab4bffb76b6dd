/* uniq.c - see uniq.h.  MIT licence, see COPYING. */
#include <stdint.h>
#include <string.h>

#include "uniq.h"

int op_uniq_take(op_uniq *u, const char *name)
{
	int isnew;
	*op_hmap_put(&u->taken, name, strlen(name), &isnew) = u;	/* not NULL */
	return isnew;
}

int op_uniq_has(const op_uniq *u, const char *name)
{
	return op_hmap_get(&u->taken, name, strlen(name)) != NULL;
}

void op_uniq_make(op_uniq *u, const char *base, op_buf *out)
{
	op_buf_reset(out);
	op_buf_adds(out, base);
	if (op_uniq_take(u, out->p))
		return;
	int isnew;
	void **next = op_hmap_put(&u->next, base, strlen(base), &isnew);
	for (uintptr_t k = (uintptr_t)*next + 2;; k++) {
		op_buf_reset(out);
		op_buf_printf(out, "%s_%lu", base, (unsigned long)k);
		if (op_uniq_take(u, out->p)) {
			*next = (void *)(k - 1);
			return;
		}
	}
}

void op_uniq_free(op_uniq *u)
{
	op_hmap_free(&u->taken, NULL);
	op_hmap_free(&u->next, NULL);
}
