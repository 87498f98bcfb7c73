/*
 * event — 4-ary min-heap of pending events keyed by (time, seq).
 *
 * seq is assigned at push, so two events at the same instant leave in scheduling order; the
 * order never depends on addresses or on the heap's internal layout. Position i's children are
 * 4i+1 .. 4i+4; keys are stored from index EV_ROOT of a 64-byte aligned block, which puts every
 * group of four siblings in one cache line, so a sift-down step costs one line of keys.
 */
#include "sim/event.h"

#include <stdlib.h>
#include <string.h>

#define EV_ROOT 3
#define EV_ARITY 4

static inline ev_key ev_make_key(sim_time time, uint64_t seq)
{
	return (ev_key)((uint64_t)time ^ (UINT64_C(1) << 63)) << 64 | seq;
}

static inline sim_time ev_key_time(ev_key k)
{
	return (sim_time)((uint64_t)(k >> 64) ^ (UINT64_C(1) << 63));
}

static int ev_reserve(struct event_queue *q, size_t cap)
{
	size_t bytes = (cap + EV_ROOT + EV_ARITY) * sizeof(ev_key);
	bytes = (bytes + 63) & ~(size_t)63;
	void *block = aligned_alloc(64, bytes);
	struct ev_payload *payload = realloc(q->payload, cap * sizeof(*payload));
	if (!block || !payload) {
		free(block);
		if (payload)
			q->payload = payload;
		return -1;
	}
	if (q->key_block)
		memcpy((ev_key *)block + EV_ROOT, q->keys, q->len * sizeof(ev_key));
	free(q->key_block);
	q->key_block = block;
	q->keys = (ev_key *)block + EV_ROOT;
	q->payload = payload;
	q->cap = cap;
	return 0;
}

int ev_init(struct event_queue *q, size_t initial_cap)
{
	memset(q, 0, sizeof(*q));
	return ev_reserve(q, initial_cap ? initial_cap : 64);
}

void ev_free(struct event_queue *q)
{
	free(q->key_block);
	free(q->payload);
	memset(q, 0, sizeof(*q));
}

int ev_push(struct event_queue *q, sim_time time, uint32_t kind, uint32_t node, uint64_t arg)
{
	if (q->len == q->cap && ev_reserve(q, q->cap * 2))
		return -1;
	ev_key key = ev_make_key(time, q->next_seq++);
	ev_key *keys = q->keys;
	size_t i = q->len++;
	while (i > 0) {
		size_t parent = (i - 1) / EV_ARITY;
		if (key >= keys[parent])
			break;
		keys[i] = keys[parent];
		q->payload[i] = q->payload[parent];
		i = parent;
	}
	keys[i] = key;
	q->payload[i] = (struct ev_payload){ .kind = kind, .node = node, .arg = arg };
	return 0;
}

int ev_pop(struct event_queue *q, struct event *out)
{
	if (q->len == 0)
		return -1;
	ev_key *keys = q->keys;
	struct ev_payload *payload = q->payload;
	out->time = ev_key_time(keys[0]);
	out->seq = (uint64_t)keys[0];
	out->kind = payload[0].kind;
	out->node = payload[0].node;
	out->arg = payload[0].arg;
	size_t n = --q->len;
	if (n == 0)
		return 0;
	ev_key last = keys[n];
	size_t i = 0;
	for (;;) {
		size_t first = EV_ARITY * i + 1;
		if (first >= n)
			break;
		size_t best = first;
		size_t end = first + EV_ARITY < n ? first + EV_ARITY : n;
		for (size_t c = first + 1; c < end; c++)
			if (keys[c] < keys[best])
				best = c;
		if (keys[best] >= last)
			break;
		keys[i] = keys[best];
		payload[i] = payload[best];
		i = best;
	}
	keys[i] = last;
	payload[i] = payload[n];
	return 0;
}

sim_time ev_peek_time(const struct event_queue *q)
{
	return q->len ? ev_key_time(q->keys[0]) : INT64_MAX;
}
