/* route.h - the engine of enq-route (man/enq-route.1): route rules
 * (teams, hours, holidays, away owners, routes), loaded once; each record
 * given a team, an owner and a due time.  MIT licence. */
#ifndef OP_ROUTE_H
#define OP_ROUTE_H
#include "assign.h"
#include "rules.h"
#include "stream.h"

typedef struct op_route op_route;

/* The statements; pass an op_route_new() as the rules' ctx. */
extern const op_stmt op_route_statements[];
op_route *op_route_new(void);
/* Load the rules (NULL: the built-in route.rules) and check what needs
 * them all (teams, owners, hours); exits 66 or 78 with the reasons. */
op_route *op_route_load(const char *rules, const op_cli *cli, op_err *e);
/* The teams and owners, for --state and --close. */
op_assigner *op_route_assigner(op_route *c);
/* An op_record_fn: route r and write it (or reject it). */
int op_route_record(op_stream *st, op_rec *r, void *route);
/* Replay (enq-route --replay): each record's received_at is the time of
 * its routing (who is away, least-open's counts, now() in conditions),
 * assignments are remembered in memory as with --state; quiet: records
 * are routed, not written (--compare reads op_route_result instead). */
void op_route_replay(op_route *c, int quiet);
/* --explain: an `explain` field in each routed record (man/enq-route.1). */
void op_route_explain(op_route *c);
/* The fields the last record was given, NULL when it was not routed
 * (no route, or rejected). */
const op_kv *op_route_result(op_route *c, size_t *n);
unsigned long long op_route_unrouted(const op_route *c);	/* passed without a route */
/* The zone a time without one is read in (--tz, else the rules'). */
const op_tz *op_route_naive_tz(const op_route *c);
/* The rules as loaded (--check). */
const op_rules *op_route_rules(const op_route *c);
void op_route_free(op_route *c);
#endif
