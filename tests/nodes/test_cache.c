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
	assert_int_equal(c.cap, 32768); /* 19,999 <= 3/4 of it */
	for (uint32_t i = 2; i < 20000; i++)
		assert_int_equal(cache_find(&c, cache_key(i, 28, 1))->expires, (sim_time)i);
	assert_null(cache_find(&c, cache_key(2, 1, 1)));
	assert_int_equal(cache_find(&c, cache_key(1, 1, 1))->expires, 5 * SIM_S);
	cache_free(&c);
}

/* An unbounded table grows past 3/4 load, a bounded one past 1/2 (its eviction samples slots). */
static void test_growth_thresholds(void **state)
{
	(void)state;
	struct cache unbounded, bounded;
	assert_int_equal(cache_init(&unbounded, 64), 0);
	assert_int_equal(cache_init(&bounded, 64), 0);
	bounded.capacity = 1000;
	for (uint32_t i = 0; i < 48; i++) {
		assert_non_null(cache_slot(&unbounded, cache_key(i, 1, 1)));
		if (i < 32)
			assert_non_null(cache_slot(&bounded, cache_key(i, 1, 1)));
	}
	assert_int_equal(unbounded.cap, 64);
	assert_int_equal(bounded.cap, 64);
	assert_non_null(cache_slot(&unbounded, cache_key(48, 1, 1)));
	assert_non_null(cache_slot(&bounded, cache_key(32, 1, 1)));
	assert_int_equal(unbounded.cap, 128);
	assert_int_equal(bounded.cap, 128);
	assert_true(cache_full(&unbounded, 97) && !cache_full(&unbounded, 96));
	assert_true(cache_full(&bounded, 65) && !cache_full(&bounded, 64));
	/* Presized for 1,000 entries: they all go in without growth. */
	struct cache presized;
	assert_int_equal(cache_init(&presized, (uint32_t)cache_unbounded_slots(1000)), 0);
	uint32_t cap = presized.cap;
	for (uint32_t i = 0; i < 1000; i++)
		assert_non_null(cache_slot(&presized, cache_key(i, 1, 1)));
	assert_int_equal(presized.cap, cap);
	cache_free(&presized);
	cache_free(&unbounded);
	cache_free(&bounded);
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

/* Exact LRU: the list walked from the newest holds every entry once, in the order of the
 * reference's last uses (stamp[k]: when key k was last inserted or touched). */
static void check_lru_list(const struct cache *c, const uint64_t *stamp)
{
	uint32_t count = 0, prev = CACHE_NIL;
	uint64_t last = UINT64_MAX;
	for (uint32_t i = c->newest; i != CACHE_NIL; prev = i, i = c->links[i].older) {
		assert_true(c->slots[i].used);
		assert_int_equal(c->links[i].newer, prev);
		uint64_t s = stamp[(uint32_t)(c->slots[i].key >> 32)];
		assert_true(s < last);
		last = s;
		count++;
	}
	assert_int_equal(c->oldest, prev);
	assert_int_equal(count, c->used);
}

/* Insert key at second t (or use it again): a use, as the resolver's. */
static struct cache_entry *use(struct cache *c, uint32_t k, int t, uint64_t *evicted)
{
	struct cache_entry *e = cache_slot_evict(c, cache_key(k, 1, 1), evicted);
	assert_non_null(e);
	cache_touch(c, e, (sim_time)t * SIM_S);
	return e;
}

static int held(const struct cache *c, uint32_t k) { return cache_find(c, cache_key(k, 1, 1)) != NULL; }

enum { A = 1, B, C, D, E, F, G };

/* cache.eviction = lru: exactly the least recently used entry goes, O(1) each. */
static void test_exact_lru_order(void **state)
{
	(void)state;
	struct cache c;
	assert_int_equal(cache_init(&c, 64), 0);
	assert_int_equal(cache_use_lru(&c), 0);
	c.capacity = 4;
	uint64_t evicted = 0;
	use(&c, A, 1, &evicted), use(&c, B, 2, &evicted), use(&c, C, 3, &evicted), use(&c, D, 4, &evicted);
	use(&c, A, 5, &evicted);              /* touch A: B is now the least recently used */
	use(&c, E, 6, &evicted);              /* B goes, and only B */
	assert_int_equal(evicted, 1);
	assert_false(held(&c, B));
	assert_true(held(&c, A) && held(&c, C) && held(&c, D) && held(&c, E));
	use(&c, F, 7, &evicted);              /* then C */
	assert_false(held(&c, C));
	use(&c, D, 8, &evicted);              /* touch D: A is the oldest */
	use(&c, G, 9, &evicted);
	assert_false(held(&c, A));
	assert_true(held(&c, E) && held(&c, F) && held(&c, D) && held(&c, G));
	assert_int_equal(evicted, 3);
	/* An entry with a resolution in flight is passed over: E is the oldest, F goes. */
	cache_find(&c, cache_key(E, 1, 1))->inflight = 1;
	use(&c, A, 10, &evicted);
	assert_true(held(&c, E));
	assert_false(held(&c, F));
	cache_free(&c);

	/* Capacity 3: A B C, touch A, insert D: B goes. */
	assert_int_equal(cache_init(&c, 64), 0);
	assert_int_equal(cache_use_lru(&c), 0);
	c.capacity = 3;
	evicted = 0;
	use(&c, A, 1, &evicted), use(&c, B, 2, &evicted), use(&c, C, 3, &evicted);
	use(&c, A, 4, &evicted);
	use(&c, D, 5, &evicted);
	assert_int_equal(evicted, 1);
	assert_false(held(&c, B));
	assert_true(held(&c, A) && held(&c, C) && held(&c, D));
	cache_free(&c);
}

/* cache.eviction = sampled (the default): the same sequence, capacity 4. With the cache's
 * default sampler seed one of the 5 draws lands on B, which goes as under exact LRU; with the
 * seed the sixth resolver gets (resolver.c: seed ^ 5 * 0xbf58476d1ce4e5b9), no draw lands on B
 * and C, the oldest entry drawn, goes: an approximation of LRU. */
static void test_sampled_lru_victim(void **state)
{
	(void)state;
	const uint64_t seeds[] = { 0, 5 * 0xbf58476d1ce4e5b9ULL };
	const uint32_t victims[] = { B, C };
	for (int s = 0; s < 2; s++) {
		struct cache c;
		assert_int_equal(cache_init(&c, 64), 0);
		c.capacity = 4;
		c.sampler ^= seeds[s];
		uint64_t evicted = 0;
		use(&c, A, 1, &evicted), use(&c, B, 2, &evicted), use(&c, C, 3, &evicted), use(&c, D, 4, &evicted);
		use(&c, A, 5, &evicted);
		use(&c, E, 6, &evicted);
		assert_int_equal(evicted, 1);
		for (uint32_t k = A; k <= E; k++)
			assert_int_equal(held(&c, k), k != victims[s]);
		cache_free(&c);
	}
}

/* cache.capacity_bytes under exact LRU: the oldest entries go until the newcomer fits. */
static void test_exact_lru_bytes(void **state)
{
	(void)state;
	struct cache c;
	assert_int_equal(cache_init(&c, 64), 0);
	assert_int_equal(cache_use_lru(&c), 0);
	c.capacity_bytes = 1000;
	c.size_of = weight; /* odd names 300 bytes, even ones 100 */
	uint64_t evicted = 0;
	use(&c, 1, 1, &evicted), use(&c, 2, 2, &evicted), use(&c, 3, 3, &evicted), use(&c, 4, 4, &evicted);
	assert_int_equal(c.bytes, 800);
	use(&c, 5, 5, &evicted);                 /* 800 + 300 > 1000: 1 (300) goes */
	assert_int_equal(evicted, 1);
	assert_false(held(&c, 1));
	assert_int_equal(c.bytes, 800);
	use(&c, 2, 6, &evicted);                 /* touch 2: oldest first 3, 4, 5, 2 */
	use(&c, 7, 7, &evicted);                 /* 3 (300) goes */
	assert_false(held(&c, 3));
	assert_int_equal(c.bytes, 800);
	use(&c, 9, 8, &evicted);                 /* 4 (100) goes: 700 + 300 = 1000 fits */
	assert_false(held(&c, 4));
	assert_int_equal(evicted, 3);
	assert_int_equal(c.bytes, 1000);
	assert_true(held(&c, 5) && held(&c, 2) && held(&c, 7) && held(&c, 9));
	use(&c, 11, 9, &evicted);                /* 5 (300) goes: 700 + 300 */
	assert_false(held(&c, 5));
	assert_int_equal(c.bytes, 1000);
	cache_free(&c);
}

/* The LRU list survives growth and backward-shift deletion (entries moving between slots). */
static void test_exact_lru_links(void **state)
{
	(void)state;
	struct cache c;
	assert_int_equal(cache_init(&c, 64), 0);
	assert_int_equal(cache_use_lru(&c), 0);
	static uint64_t stamp[4096];
	static uint8_t present[4096];
	uint64_t x = 987654321, clock = 0;
	for (int step = 0; step < 100000; step++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		uint32_t k = (uint32_t)(x % 4096);
		if (x & (1u << 20)) {
			struct cache_entry *e = cache_slot(&c, cache_key(k, 1, 1));
			assert_non_null(e);
			cache_touch(&c, e, 0);
			present[k] = 1;
			stamp[k] = ++clock;
		} else {
			struct cache_entry *e = cache_find(&c, cache_key(k, 1, 1));
			assert_true((e != NULL) == present[k]);
			if (e) {
				cache_remove(&c, (uint32_t)(e - c.slots));
				present[k] = 0;
			}
		}
		if (step % 997 == 0)
			check_lru_list(&c, stamp);
	}
	check_lru_list(&c, stamp);
	assert_true(c.cap >= 4096); /* it grew */
	/* Emptied, then with a capacity: what stays is exactly the most recently used. */
	for (uint32_t k = 0; k < 4096; k++)
		if (present[k])
			cache_remove(&c, (uint32_t)(cache_find(&c, cache_key(k, 1, 1)) - c.slots));
	assert_int_equal(c.used, 0);
	assert_int_equal(c.newest, CACHE_NIL);
	assert_int_equal(c.oldest, CACHE_NIL);
	c.capacity = 100;
	for (uint32_t k = 0; k < 4096; k++) {
		cache_touch(&c, cache_slot_evict(&c, cache_key(k, 1, 1), NULL), 0);
		stamp[k] = ++clock;
	}
	assert_int_equal(c.used, 100);
	for (uint32_t k = 0; k < 4096; k++)
		assert_int_equal(held(&c, k), k >= 3996);
	check_lru_list(&c, stamp);
	cache_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slots_and_growth),
		cmocka_unit_test(test_growth_thresholds),
		cmocka_unit_test(test_remove_keeps_chains),
		cmocka_unit_test(test_capacity_and_sampled_lru),
		cmocka_unit_test(test_byte_capacity),
		cmocka_unit_test(test_exact_lru_order),
		cmocka_unit_test(test_sampled_lru_victim),
		cmocka_unit_test(test_exact_lru_bytes),
		cmocka_unit_test(test_exact_lru_links),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
