/*
 * event — the pending-event set of the discrete-event engine.
 *
 * A 4-ary min-heap keyed by (time, seq): seq is the insertion number, so events at the same
 * instant come out in the order they were scheduled, independent of memory layout. The heap
 * holds only what is in flight (trace arrivals are fed one at a time), so its size is the
 * number of outstanding resolutions and deliveries, not the trace length.
 *
 * Keys and payloads live in two parallel arrays: a sift compares keys only, and the four
 * children of a node share one 64-byte cache line in each (the hold-model benchmark,
 * tests/bench/bench_hold.c, is what this layout was measured with).
 */
#ifndef SHARESIM_EVENT_H
#define SHARESIM_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"

struct event {
	sim_time time;
	uint64_t seq;
	uint32_t kind;  /**< what happens; meaning owned by the caller (sim/run.c) */
	uint32_t node;  /**< which node it happens at */
	uint64_t arg;   /**< kind-specific: an index into a pool, a packed key, ... */
};

/* (time, seq) as one unsigned 128-bit number: time's sign bit flipped into the high half. */
typedef unsigned __int128 ev_key;
struct ev_payload {
	uint32_t kind, node;
	uint64_t arg;
};

struct event_queue {
	ev_key *keys;               /**< keys[ROOT + i]: heap position i (ROOT aligns the children) */
	struct ev_payload *payload; /**< payload[i]: heap position i */
	void *key_block;            /**< what was allocated for keys */
	void *payload_block;        /**< and for payloads, aligned alike */
	size_t len, cap;            /**< positions in use, counting a vacant root */
	int root_vacant;            /**< the last pop left the root empty for the next push to fill */
	size_t top;                 /**< position of the earliest event, while there is one */
	ev_key top_key;             /**< its key; all ones when the queue is empty */
	int top_stale;              /**< a pop left the root vacant: top not yet looked for */
	uint64_t next_seq;
};

int ev_init(struct event_queue *q, size_t initial_cap);
void ev_free(struct event_queue *q);
/** Schedule an event; returns 0 or -1 on allocation failure. */
int ev_push(struct event_queue *q, sim_time time, uint32_t kind, uint32_t node, uint64_t arg);
/** Remove the earliest event into *out; returns 0, or -1 if the queue is empty. */
int ev_pop(struct event_queue *q, struct event *out);
static inline size_t ev_count(const struct event_queue *q) { return q->len - (size_t)q->root_vacant; }
/**
 * For an event kept outside the queue (the next trace arrival, which sim/run.c merges with the
 * queue instead of pushing it): the sequence number a push now would have given it, and
 * whether it comes before every queued event, so the order is exactly as if it were queued.
 */
static inline uint64_t ev_take_seq(struct event_queue *q) { return q->next_seq++; }
static inline int ev_precedes_queue(struct event_queue *q, sim_time time, uint64_t seq);
/** What the earliest event is about (kind, node, arg), or NULL if empty: to prepare for it. */
const struct ev_payload *ev_peek_payload(struct event_queue *q);
/** Time of the earliest event, or INT64_MAX if empty. */
sim_time ev_peek_time(struct event_queue *q);

/* Inline below: the replay asks ev_precedes_queue before every arrival. */
static inline ev_key ev_make_key(sim_time time, uint64_t seq)
{
	return (ev_key)((uint64_t)time ^ (UINT64_C(1) << 63)) << 64 | seq;
}

/** Looks for the earliest event after a pop (not in the pop itself: in the hold model a
 * push nearly always follows and finds the top anyway). */
void ev_find_top(struct event_queue *q);

/* The earliest event's key, found once after a pop. The replay asks before each arrival, ~2.5
 * times per pop. */
static inline ev_key ev_top_key(struct event_queue *q)
{
	if (q->top_stale)
		ev_find_top(q);
	return q->top_key;
}

static inline int ev_precedes_queue(struct event_queue *q, sim_time time, uint64_t seq)
{
	return ev_make_key(time, seq) < ev_top_key(q); /* an empty queue's all-ones key follows any time */
}

#endif
