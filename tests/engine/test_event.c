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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_ties),
		cmocka_unit_test(test_many_equal_times_stay_fifo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
