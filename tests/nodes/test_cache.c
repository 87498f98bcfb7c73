/* The flat cache: slots, expiry as data, growth keeping every entry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "nodes/cache.h"

static void test_slots_and_growth(void **state)
{
	(void)state;
	struct cache c;
	assert_int_equal(cache_init(&c, 10), 0);
	assert_int_equal(c.cap, 64);
	assert_null(cache_find(&c, cache_key(1, 1, 1)));
	struct cache_entry *e = cache_slot(&c, cache_key(1, 1, 1));
	assert_non_null(e);
	assert_true(e->expires == INT64_MIN);
	e->expires = 5 * SIM_S;
	assert_ptr_equal(cache_slot(&c, cache_key(1, 1, 1)), e);
	assert_int_equal(cache_live(&c, 4 * SIM_S), 1);
	assert_int_equal(cache_live(&c, 5 * SIM_S), 0); /* expired at its expiry instant */
	for (uint32_t i = 2; i < 20000; i++) {
		e = cache_slot(&c, cache_key(i, 28, 1));
		assert_non_null(e);
		e->expires = (sim_time)i;
	}
	assert_int_equal(c.used, 19999);
	assert_int_equal(c.cap, 65536);
	for (uint32_t i = 2; i < 20000; i++)
		assert_int_equal(cache_find(&c, cache_key(i, 28, 1))->expires, (sim_time)i);
	assert_null(cache_find(&c, cache_key(2, 1, 1)));
	assert_int_equal(cache_find(&c, cache_key(1, 1, 1))->expires, 5 * SIM_S);
	cache_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_slots_and_growth) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
