/* link.c - unit tests of lib/idmap (the ids enq-link threads by): numbers
 * dense in first-seen order, the same id the same number across table
 * growth, and numbers without an id that no id finds. */
#include <stdio.h>

#include "idmap.h"
#include "tap.h"

int main(void)
{
	op_idmap m = {0};
	char id[32];
	int isnew, fresh = 1, same = 1;
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(id, sizeof id, "m%d@example.com", i);
		fresh &= op_idmap_put(&m, id, (size_t)n, &isnew) == (uint32_t)i && isnew;
	}
	ok(fresh, "100,000 new ids numbered 0..99,999 in order");
	for (int i = 99999; i >= 0; i--) {
		int n = snprintf(id, sizeof id, "m%d@example.com", i);
		same &= op_idmap_put(&m, id, (size_t)n, &isnew) == (uint32_t)i && !isnew;
	}
	ok(same, "each found again, in reverse, after the table grew");
	is_num(m.n, 100000, "no id added by looking");
	uint32_t anon = op_idmap_new(&m);
	is_num(anon, 100000, "a number without an id is the next one");
	is_num(op_idmap_put(&m, "", 0, &isnew), 100001, "the empty id is an id, not that number");
	ok(isnew, "the empty id is new");
	op_idmap_free(&m);
	return done_testing();
}
