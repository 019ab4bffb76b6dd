/* arena.c - block allocator.  MIT licence. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "opflow.h"

struct op_arena_block {
	op_arena_block *next;
	size_t size;
	_Alignas(16) unsigned char data[];
};

void *op_arena_alloc(op_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!a->head || a->used + n > a->head->size) {
		size_t size = n > 8192 ? n : 8192;
		if (size > SIZE_MAX - sizeof(op_arena_block))
			op_die(OP_EXIT_SOFTWARE, "out of memory");
		op_arena_block *b = op_xmalloc(sizeof *b + size);
		b->size = size;
		b->next = a->head;
		a->head = b;
		a->used = 0;
	}
	void *p = a->head->data + a->used;
	a->used += n;
	memset(p, 0, n);
	return p;
}

char *op_arena_strndup(op_arena *a, const char *s, size_t n)
{
	char *p = op_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	return p;
}

void op_arena_reset(op_arena *a)
{
	if (!a->head)
		return;
	while (a->head->next) {
		op_arena_block *b = a->head;
		a->head = b->next;
		free(b);
	}
	a->used = 0;
}

void op_arena_free(op_arena *a)
{
	op_arena_reset(a);
	free(a->head);
	a->head = NULL;
}
