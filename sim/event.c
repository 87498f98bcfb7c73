/*
 * event — binary min-heap of pending events keyed by (time, seq).
 *
 * seq is assigned at push, so two events at the same instant leave in scheduling order; the
 * order never depends on addresses or on the heap's internal layout.
 */
#include "sim/event.h"

#include <stdlib.h>

static inline int ev_before(const struct event *a, const struct event *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

int ev_init(struct event_queue *q, size_t initial_cap)
{
	q->len = 0;
	q->next_seq = 0;
	q->cap = initial_cap ? initial_cap : 64;
	q->heap = malloc(q->cap * sizeof(*q->heap));
	return q->heap ? 0 : -1;
}

void ev_free(struct event_queue *q)
{
	free(q->heap);
	q->heap = NULL;
	q->len = q->cap = 0;
}

int ev_push(struct event_queue *q, sim_time time, uint32_t kind, uint32_t node, uint64_t arg)
{
	if (q->len == q->cap) {
		size_t cap = q->cap * 2;
		struct event *heap = realloc(q->heap, cap * sizeof(*heap));
		if (!heap)
			return -1;
		q->heap = heap;
		q->cap = cap;
	}
	struct event e = { .time = time, .seq = q->next_seq++, .kind = kind, .node = node, .arg = arg };
	size_t i = q->len++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!ev_before(&e, &q->heap[parent]))
			break;
		q->heap[i] = q->heap[parent];
		i = parent;
	}
	q->heap[i] = e;
	return 0;
}

int ev_pop(struct event_queue *q, struct event *out)
{
	if (q->len == 0)
		return -1;
	*out = q->heap[0];
	struct event last = q->heap[--q->len];
	size_t i = 0, n = q->len;
	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= n)
			break;
		if (child + 1 < n && ev_before(&q->heap[child + 1], &q->heap[child]))
			child++;
		if (!ev_before(&q->heap[child], &last))
			break;
		q->heap[i] = q->heap[child];
		i = child;
	}
	if (n > 0)
		q->heap[i] = last;
	return 0;
}

sim_time ev_peek_time(const struct event_queue *q)
{
	return q->len ? q->heap[0].time : INT64_MAX;
}
