/* arena.h - bump allocation in blocks that never move: rule files allocate
 * their trees from one (freed in one go, also after a parse error), and
 * evaluation keeps per-record scratch in one reset per record.  MIT. */
#ifndef OP_ARENA_H
#define OP_ARENA_H
#include <stddef.h>

typedef struct op_arena_block op_arena_block;
typedef struct {
	op_arena_block *head;
	size_t used;
} op_arena;

void *op_arena_alloc(op_arena *a, size_t n);	/* zeroed, 16-aligned */
char *op_arena_strndup(op_arena *a, const char *s, size_t n);
void op_arena_reset(op_arena *a);		/* keeps the first block */
void op_arena_free(op_arena *a);
#endif
