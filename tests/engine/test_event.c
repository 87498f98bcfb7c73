/* Event queue: time order, FIFO among equal times, growth, empty behaviour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/event.h"

static void test_order_and_ties(void **state)
{
	(void)state;
	struct event_queue q;
	assert_int_equal(ev_init(&q, 2), 0);
	assert_true(ev_peek_time(&q) == INT64_MAX);
	/* (time, tag) pushed out of order; equal times must leave in push order. */
	const int64_t times[] = { 50, 10, 30, 10, 50, 0, 30, 10 };
	for (uint64_t i = 0; i < 8; i++)
		assert_int_equal(ev_push(&q, times[i], 7, (uint32_t)i, i * 100), 0);
	assert_int_equal(ev_count(&q), 8);
	assert_int_equal(ev_peek_time(&q), 0);
	const uint32_t expected_nodes[] = { 5, 1, 3, 7, 2, 6, 0, 4 };
	struct event e;
	for (int i = 0; i < 8; i++) {
		assert_int_equal(ev_pop(&q, &e), 0);
		assert_int_equal(e.node, expected_nodes[i]);
		assert_int_equal(e.arg, (uint64_t)expected_nodes[i] * 100);
		assert_int_equal(e.kind, 7);
	}
	assert_int_equal(ev_pop(&q, &e), -1);
	ev_free(&q);
}

static void test_many_equal_times_stay_fifo(void **state)
{
	(void)state;
	struct event_queue q;
	assert_int_equal(ev_init(&q, 0), 0);
	/* Interleave pushes and pops: FIFO among equals must survive heap reshuffles. */
	for (uint64_t i = 0; i < 10000; i++)
		assert_int_equal(ev_push(&q, (int64_t)(i % 3), 0, 0, i), 0);
	uint64_t last_arg[3] = { 0, 0, 0 };
	int seen[3] = { 0, 0, 0 };
	int64_t last_time = -1;
	struct event e;
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(ev_pop(&q, &e), 0);
		assert_true(e.time >= last_time);
		if (seen[e.time])
			assert_true(e.arg > last_arg[e.time]);
		seen[e.time] = 1;
		last_arg[e.time] = e.arg;
		last_time = e.time;
	}
	assert_int_equal(ev_count(&q), 0);
	ev_free(&q);
}

/* Against a reference: random pushes and pops (few distinct times, so many ties) must leave in
 * exactly the (time, push order) order a linear scan finds. */
static void test_matches_reference(void **state)
{
	(void)state;
	enum { OPS = 50000, MAX = OPS };
	static int64_t ref_time[MAX];
	static uint64_t ref_seq[MAX];
	static uint8_t ref_live[MAX];
	struct event_queue q;
	assert_int_equal(ev_init(&q, 1), 0);
	uint64_t x = 88172645463325252ull, pushed = 0, popped = 0;
	int64_t now = 0;
	for (int op = 0; op < OPS; op++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (x % 5 < 3 || ev_count(&q) == 0) {
			int64_t t = now + (int64_t)(x >> 40) % 50 - (op % 1000 == 0 ? 60 : 0); /* sometimes in the past */
			ref_time[pushed] = t;
			ref_seq[pushed] = pushed;
			ref_live[pushed] = 1;
			assert_int_equal(ev_push(&q, t, (uint32_t)(pushed & 7), (uint32_t)pushed, pushed), 0);
			pushed++;
		} else {
			uint64_t best = UINT64_MAX;
			for (uint64_t i = 0; i < pushed; i++)
				if (ref_live[i] && (best == UINT64_MAX || ref_time[i] < ref_time[best]))
					best = i; /* the first of equal times is the earliest pushed */
			/* An arrival kept outside the queue (its seq the next one) goes first exactly when
			 * its time is before the earliest queued event's. */
			int64_t probe = now + (int64_t)(x >> 50) % 60 - 5;
			assert_int_equal(ev_precedes_queue(&q, probe, q.next_seq), probe < ref_time[best]);
			if (best > 0) /* the same time with an earlier seq */
				assert_int_equal(ev_precedes_queue(&q, ref_time[best], 0), 1);
			assert_true(ev_peek_time(&q) == ref_time[best]);
			struct event e;
			assert_int_equal(ev_pop(&q, &e), 0);
			assert_int_equal(e.arg, best);
			assert_int_equal(e.node, (uint32_t)best);
			assert_int_equal(e.kind, (uint32_t)(best & 7));
			assert_true(e.time == ref_time[best]);
			assert_int_equal(e.seq, ref_seq[best]);
			ref_live[best] = 0;
			now = e.time > now ? e.time : now;
			popped++;
		}
		assert_int_equal(ev_count(&q), pushed - popped);
	}
	assert_true(popped > OPS / 4);
	while (ev_count(&q) > 0) { /* emptied: nothing is left to come first */
		struct event e;
		assert_int_equal(ev_pop(&q, &e), 0);
	}
	assert_int_equal(ev_precedes_queue(&q, INT64_MAX - 1, q.next_seq), 1);
	ev_free(&q);
}

/* A queue too large for the bottom-up pop (over 262,144 pending): still (time, push order). */
static void test_large_queue_order(void **state)
{
	(void)state;
	enum { N = 300000 };
	struct event_queue q;
	assert_int_equal(ev_init(&q, 0), 0);
	uint64_t x = 2463534242ull, pushed = N;
	for (uint64_t i = 0; i < N; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		assert_int_equal(ev_push(&q, (int64_t)(x % 1000), 0, 0, i), 0);
	}
	struct event e, prev = { .time = -1 };
	for (uint64_t i = 0; i < N; i++) { /* N pops; the refills stay behind */
		assert_int_equal(ev_pop(&q, &e), 0);
		assert_true(e.time > prev.time || (e.time == prev.time && e.seq > prev.seq));
		assert_int_equal(e.arg, e.seq); /* the payload travelled with its key */
		prev = e;
		if (i % 3 == 0 && i < N / 2) /* keep refilling while large */
			assert_int_equal(ev_push(&q, e.time + (int64_t)(i % 7), 0, 0, pushed++), 0);
	}
	assert_int_equal(ev_count(&q), (N / 2 + 2) / 3);
	ev_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_ties),
		cmocka_unit_test(test_many_equal_times_stay_fifo),
		cmocka_unit_test(test_matches_reference),
		cmocka_unit_test(test_large_queue_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
