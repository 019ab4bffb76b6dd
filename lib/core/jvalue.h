/* jvalue - a value span (lib/jsonl) as a jansson value. */
#ifndef OP_JVALUE_H
#define OP_JVALUE_H
#include <stddef.h>
#include <jansson.h>

/* A value span as a jansson value (new reference), for what needs a tree;
 * NULL for a span jansson refuses (a key holding \u0000), exit 70 if it
 * runs out of memory. */
json_t *op_jvalue(const char *v, size_t vlen);

#endif
