/* fields.c - lib/fields (the members a program sets in a record) and
 * op_grow / op_reserve (lib/opflow.h).  MIT licence. */
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fields.h"
#include "tap.h"

/* the record line with f's members spliced in */
static char *spliced(const char *line, op_fields *f)
{
	op_rec r = {0};
	op_buf out = {0};
	if (op_rec_scan(&r, line, strlen(line), NULL))
		return NULL;
	size_t n;
	const op_kv *kv = op_fields_kv(f, &n);
	op_rec_splice(&out, &r, kv, n);
	op_rec_free(&r);
	return out.p;
}

int main(void)
{
	op_fields f = {0};
	op_fields_cstr(&f, "team", "sales \"east\"");
	op_fields_cstr(&f, "owner", NULL);
	op_fields_int(&f, "sla", -240);
	op_fields_bool(&f, "needs_human", 1);
	op_fields_time(&f, "due_at", 86400);
	op_fields_str(&f, "task", "a\nb", 3);
	op_buf_adds(op_fields_add(&f, "tags"), "[\"x\"]");
	char *s = spliced("{\"id\":\"E1\",\"sla\":5}", &f);
	is(s, "{\"id\":\"E1\",\"sla\":-240,\"team\":\"sales \\\"east\\\"\",\"owner\":null,\"needs_human\":true,"
	      "\"due_at\":\"1970-01-02T00:00:00Z\",\"task\":\"a\\nb\",\"tags\":[\"x\"]}",
	   "each kind of value, a present key replaced in place");
	free(s);

	/* values that move the buffer many times over keep their own text */
	op_fields_reset(&f);
	char key[40][8];
	for (int i = 0; i < 40; i++) {
		snprintf(key[i], sizeof key[i], "k%d", i);
		op_fields_int(&f, key[i], (int64_t)i * 1000003);
	}
	size_t n;
	const op_kv *kv = op_fields_kv(&f, &n);
	is_num(n, 40, "40 members after a reset");
	ok(kv[39].vlen == 8 && !memcmp(kv[39].val, "39000117", 8) && kv[0].vlen == 1 && kv[0].val[0] == '0',
	   "first and last values whole after the buffer grew");
	op_fields_free(&f);

	size_t cap = 0;
	int *v = NULL;
	for (int i = 0; i < 100; i++) {
		v = op_grow(v, (size_t)i, &cap, sizeof *v);
		v[i] = i;
	}
	ok(cap >= 100 && cap < 200 && v[99] == 99, "op_grow: 100 appends, capacity doubled (%zu)", cap);
	v = op_reserve(v, 1000, &cap, sizeof *v);
	ok(cap >= 1000 && v[50] == 50, "op_reserve: room for 1000, the elements kept");
	int *same = op_reserve(v, 10, &cap, sizeof *v);
	ok(same == v, "op_reserve: room enough already, nothing moves");
	free(v);

	/* a byte count past SIZE_MAX is out of memory, not a small block */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		size_t c2 = 0;
		op_reserve(NULL, SIZE_MAX / 4, &c2, 8);
		_exit(0);
	}
	int status;
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 70,
	   "op_reserve: an overflowing size exits 70");
	return done_testing();
}
