/* assign.h - who gets an enquiry: teams of owners and the ways to share
 * work among them (round-robin, least-open, first, none), owners away until
 * a date, and the memory of past assignments that --state keeps between
 * runs.  MIT licence.
 *
 * Without state an assignment is a pure function of the enquiry id (a hash
 * over the owners present), so re-running a pipeline gives every record
 * the same owner.  With state, each id is assigned once: its owner is
 * remembered with whether it is still open, round-robin positions persist,
 * and least-open counts the open enquiries each owner holds.
 *
 * The state may hold millions of ids, so an entry is small (32 bytes): a
 * hash of the id, where its text is in one blob (kept %XX-escaped, as the
 * file writes it), the time it was closed, and its team and owner as
 * indexes; an open-addressing table of 4-byte slots finds it.
 */
#ifndef OP_ASSIGN_H
#define OP_ASSIGN_H

#include <stdint.h>
#include "arena.h"
#include "hmap.h"
#include "opflow.h"
#include "operr.h"
#include "timefmt.h"

enum { OP_ASSIGN_ROUND_ROBIN, OP_ASSIGN_LEAST_OPEN, OP_ASSIGN_FIRST, OP_ASSIGN_NONE };
extern const char *const op_assign_modes[];	/* by the enum, NULL-terminated */

typedef struct {
	const char *name;
	const char *json;	/* the name as a JSON string, for splicing */
	size_t jsonlen;
	op_time away_until;	/* skipped while now < away_until */
	long long open;		/* open enquiries held (with state) */
	uint32_t index;		/* in the assigner's ov */
} op_owner;

typedef struct op_team {
	const char *name;
	op_owner **owners;
	size_t n;
	int mode;
	uint64_t rr;		/* next round-robin position */
	void *cal;		/* the team's own hours (enq-route), or NULL */
	unsigned line;		/* where the rules define it */
	uint32_t name_ix;	/* its index in the assigner's tnames */
} op_team;

#define OP_ASSIGN_OPEN INT64_MIN	/* closed_at of an open enquiry */

typedef struct {
	uint64_t hash;		/* of the id */
	uint64_t text;		/* offset of the id in ids: length, then %XX text */
	op_time closed_at;	/* OP_ASSIGN_OPEN while open */
	uint32_t team, owner;	/* indexes in tnames and ov */
} op_assigned;

typedef struct {
	op_hmap owners, teams;
	op_hmap names;		/* team names: index + 1 in tnames */
	op_team **tv;		/* teams in the order defined */
	size_t nt;
	op_owner **ov;		/* owners by index */
	size_t nov, capov;
	const char **tnames;	/* team names, of the rules and of the state */
	size_t ntn, captn;
	op_assigned *av;	/* assignments in the order made */
	size_t na, capa;
	uint32_t *slot;		/* index + 1 in av, 0 empty; at most 2/3 full */
	size_t nslot;
	op_buf ids, key;	/* the ids' text; an id escaped, for a lookup */
	op_arena arena;
	int stateful;
	op_time now;		/* when --close closes, and when a closed line
				 * of a version 1 file (no time) is taken to */
	op_time forget_before;	/* enquiries closed before are not written */
	unsigned long long fresh;	/* assignments made this run */
} op_assigner;

int op_assign_mode(const char *s);	/* -1 when not a mode */
void op_assign_init(op_assigner *a);
void op_assign_free(op_assigner *a);
/* The owner or team of that name, created when new. */
op_owner *op_assign_owner(op_assigner *a, const char *name);
op_team *op_assign_team(op_assigner *a, const char *name, int *isnew);

/* State (the body of an op_state file): "rr TEAM POS" and
 * "a ID TEAM OWNER open" or "a ID TEAM OWNER closed TIME" lines (version 1
 * wrote "closed" without the time), fields %XX-escaped.  Loading (in
 * chunks of whole lines, as they are read) makes the assigner stateful;
 * 0, or -1 with err (78, "FILE:LINE: what").  Reserving room for the n
 * entries a file holds spares the copies of growing. */
void op_assign_reserve(op_assigner *a, size_t n);
int op_assign_load(op_assigner *a, const char *body, size_t n, const char *file,
		   unsigned long line0, op_err *err);
/* Appends the state from entry *at on, about 64 KiB of lines a call,
 * leaving out enquiries closed before forget_before; 1 while more is to
 * come (an op_state_commit source), 0 after the last. */
int op_assign_dump(op_assigner *a, op_buf *out, size_t *at);
/* The enquiry id is closed at a->now (--close, or a record saying so). */
void op_assign_close(op_assigner *a, const char *id, size_t n);
/* An enquiry id the state can hold: not empty (a state line's fields are
 * never empty).  The loader reads back every id this accepts (the state
 * fuzzer holds it to that); callers refuse the others. */
int op_assign_id_ok(const char *id, size_t n);
/* The owner of enquiry id in team t, NULL when the team has nobody present
 * or assigns to none, or the id is not op_assign_id_ok.  closed: the
 * record itself is closed already.  An open enquiry the state gave to an
 * owner since removed from t, or away, goes to one present, and *from is
 * set to the owner it had (else NULL); a closed one keeps its owner. */
const op_owner *op_assign_pick(op_assigner *a, op_team *t, const char *id, size_t n, op_time now,
			       int closed, const op_owner **from);
#endif
