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

static void test_remove_keeps_chains(void **state)
{
	(void)state;
	/* Random inserts and removals against a reference: every present key stays findable. */
	struct cache c;
	assert_int_equal(cache_init(&c, 64), 0);
	static uint8_t present[4096];
	uint64_t x = 12345;
	for (int step = 0; step < 200000; step++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		uint32_t k = (uint32_t)(x % 4096);
		if (x & (1u << 20)) {
			assert_non_null(cache_slot(&c, cache_key(k, 1, 1)));
			present[k] = 1;
		} else {
			struct cache_entry *e = cache_find(&c, cache_key(k, 1, 1));
			assert_true((e != NULL) == present[k]);
			if (e) {
				cache_remove(&c, (uint32_t)(e - c.slots));
				present[k] = 0;
			}
		}
	}
	uint32_t count = 0;
	for (uint32_t k = 0; k < 4096; k++) {
		assert_true((cache_find(&c, cache_key(k, 1, 1)) != NULL) == present[k]);
		count += present[k];
	}
	assert_int_equal(c.used, count);
	cache_free(&c);
}

static void test_capacity_and_sampled_lru(void **state)
{
	(void)state;
	struct cache c;
	assert_int_equal(cache_init(&c, 64), 0);
	c.capacity = 100;
	uint64_t evicted = 0;
	for (uint32_t i = 0; i < 1000; i++) {
		struct cache_entry *e = cache_slot_evict(&c, cache_key(i, 1, 1), &evicted);
		assert_non_null(e);
		e->last_used = i;
		assert_true(c.used <= 100);
		/* The entry used last is never the one evicted next. */
		if (i > 0)
			assert_non_null(cache_find(&c, cache_key(i - 1, 1, 1)));
	}
	assert_int_equal(c.used, 100);
	assert_int_equal(evicted, 900);
	/* Sampled LRU keeps mostly recent entries: most of the last 100 inserted survive. */
	uint32_t recent = 0;
	for (uint32_t i = 900; i < 1000; i++)
		recent += cache_find(&c, cache_key(i, 1, 1)) != NULL;
	assert_true(recent > 60);
	/* An entry with a resolution in flight is never evicted. */
	struct cache_entry *pinned = cache_find(&c, cache_key(999, 1, 1));
	pinned->inflight = 1;
	pinned->last_used = 0; /* the least recent of all */
	for (uint32_t i = 1000; i < 2000; i++)
		cache_slot_evict(&c, cache_key(i, 1, 1), &evicted)->last_used = i;
	assert_non_null(cache_find(&c, cache_key(999, 1, 1)));
	cache_free(&c);
}

static uint32_t weight(const void *ctx, uint64_t key)
{
	(void)ctx;
	return (uint32_t)(key >> 32) % 2 ? 300 : 100; /* odd names weigh 300 bytes, even ones 100 */
}

/* cache.capacity_bytes: entries evicted until the newcomer fits; the byte count stays exact. */
static void test_byte_capacity(void **state)
{
	(void)state;
	struct cache c;
	assert_int_equal(cache_init(&c, 64), 0);
	c.capacity_bytes = 1000;
	c.size_of = weight;
	uint64_t evicted = 0, expected = 0;
	for (uint32_t i = 0; i < 200; i++) {
		struct cache_entry *e = cache_slot_evict(&c, cache_key(i, 1, 1), &evicted);
		assert_non_null(e);
		e->last_used = i;
		/* The byte count is the sum of what the entries held weigh. */
		expected = 0;
		for (uint32_t k = 0; k < c.cap; k++)
			if (c.slots[k].used)
				expected += weight(NULL, c.slots[k].key);
		assert_int_equal(c.bytes, expected);
		assert_true(c.bytes <= 1000);
	}
	assert_true(evicted > 0);
	assert_int_equal(c.used + evicted, 200);
	/* A key already held costs nothing more. */
	uint64_t before = c.bytes;
	assert_non_null(cache_slot_evict(&c, cache_key(199, 1, 1), &evicted));
	assert_int_equal(c.bytes, before);
	cache_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slots_and_growth),
		cmocka_unit_test(test_remove_keeps_chains),
		cmocka_unit_test(test_capacity_and_sampled_lru),
		cmocka_unit_test(test_byte_capacity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
