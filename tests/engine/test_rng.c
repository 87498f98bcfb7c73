/* RNG streams: reproducible by seed, independent per purpose, hash-unit stateless. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <xxhash.h>

#include "sim/rng.h"

/*
 * The streams are GSL's mt19937 written out: the same words, the same uniform doubles and
 * integers, the same log-normal values, bit for bit, across several regenerations of the state
 * and for seed 0 (GSL's default 4357). Results recorded before the rewrite depend on it.
 */
static void test_streams_are_gsl_mt19937(void **state)
{
	(void)state;
	const unsigned long seeds[] = { 0, 1, 4357, 0xdeadbeefUL, 0xffffffffUL };
	const uint32_t bounds[] = { 1, 2, 3, 16, 1000, 65537, 3000000000u, UINT32_MAX };
	for (size_t s = 0; s < sizeof(seeds) / sizeof(seeds[0]); s++) {
		struct rng_streams r;
		assert_int_equal(rng_init(&r, 9, 0), 0);
		gsl_rng *ours = rng_gsl(&r, RNG_UPSTREAM_LATENCY), *gsl = gsl_rng_alloc(gsl_rng_mt19937);
		assert_non_null(gsl);
		gsl_rng_set(ours, seeds[s]);
		gsl_rng_set(gsl, seeds[s]);
		for (int i = 0; i < 3 * 624 + 5; i++)
			assert_int_equal(gsl_rng_get(ours), gsl_rng_get(gsl));
		for (int i = 0; i < 20000; i++) {
			uint32_t n = bounds[i % (sizeof(bounds) / sizeof(bounds[0]))];
			assert_int_equal(rng_uniform_int(&r, RNG_UPSTREAM_LATENCY, n), gsl_rng_uniform_int(gsl, n));
			double a = rng_uniform(&r, RNG_UPSTREAM_LATENCY), b = gsl_rng_uniform(gsl);
			assert_memory_equal(&a, &b, sizeof(a));
			a = rng_lognormal(&r, RNG_UPSTREAM_LATENCY, log(30.0), 1.2);
			b = gsl_ran_lognormal(gsl, log(30.0), 1.2);
			assert_memory_equal(&a, &b, sizeof(a));
		}
		/* GSL's own distributions draw from the same stream. */
		double a = gsl_ran_exponential(ours, 2.0), b = gsl_ran_exponential(gsl, 2.0);
		assert_memory_equal(&a, &b, sizeof(a));
		gsl_rng_free(gsl);
		rng_free(&r);
	}
}

/* A bound drawn against again and again: the same integers as GSL (and rng_uniform_int), its
 * division by a reciprocal exact at the edges of every quotient. */
static void test_bounded_draws_are_gsl(void **state)
{
	(void)state;
	const uint32_t bounds[] = { 1, 2, 3, 7, 16, 1000, 65537, 100000, 0x7fffffffu };
	for (size_t i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		struct rng_bound b = rng_bound_of(bounds[i]);
		uint32_t scale = UINT32_MAX / bounds[i];
		const uint32_t words[] = { 0, 1, scale - 1, scale, scale + 1, 2 * scale - 1, 2 * scale,
			                   UINT32_MAX - 1, UINT32_MAX, (bounds[i] - 1) * scale, bounds[i] * scale - 1 };
		for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
			assert_int_equal((uint32_t)(((unsigned __int128)b.scale_reciprocal * words[w]) >> 64), words[w] / scale);
		struct rng_streams r;
		assert_int_equal(rng_init(&r, 9, 0), 0);
		gsl_rng *gsl = gsl_rng_alloc(gsl_rng_mt19937);
		assert_non_null(gsl);
		gsl_rng_set(rng_gsl(&r, RNG_FRONTEND), 77);
		gsl_rng_set(gsl, 77);
		for (int k = 0; k < 20000; k++)
			assert_int_equal(rng_uniform_bounded(&r, RNG_FRONTEND, b), gsl_rng_uniform_int(gsl, bounds[i]));
		gsl_rng_free(gsl);
		rng_free(&r);
	}
}

static void test_same_seed_same_draws(void **state)
{
	(void)state;
	struct rng_streams a, b;
	assert_int_equal(rng_init(&a, 42, 0), 0);
	assert_int_equal(rng_init(&b, 42, 0), 0);
	for (int i = 0; i < 1000; i++) {
		assert_true(rng_uniform(&a, RNG_UPSTREAM_LATENCY) == rng_uniform(&b, RNG_UPSTREAM_LATENCY));
		assert_int_equal(rng_uniform_int(&a, RNG_FRONTEND, 16), rng_uniform_int(&b, RNG_FRONTEND, 16));
	}
	rng_free(&a);
	rng_free(&b);
}

static void test_purposes_are_independent(void **state)
{
	(void)state;
	/* Drawing from one purpose must not shift another purpose's sequence. */
	struct rng_streams a, b;
	assert_int_equal(rng_init(&a, 7, 0), 0);
	assert_int_equal(rng_init(&b, 7, 0), 0);
	for (int i = 0; i < 500; i++)
		(void)rng_uniform(&a, RNG_LINK_LOSS);
	for (int i = 0; i < 100; i++)
		assert_true(rng_uniform(&a, RNG_UPSTREAM_LATENCY) == rng_uniform(&b, RNG_UPSTREAM_LATENCY));
	rng_free(&a);
	rng_free(&b);
}

static void test_seed_and_repetition_change_draws(void **state)
{
	(void)state;
	struct rng_streams a, b, c;
	assert_int_equal(rng_init(&a, 1, 0), 0);
	assert_int_equal(rng_init(&b, 2, 0), 0);
	assert_int_equal(rng_init(&c, 1, 1), 0);
	int differ_seed = 0, differ_rep = 0;
	for (int i = 0; i < 10; i++) {
		double x = rng_uniform(&a, RNG_FRONTEND);
		differ_seed += x != rng_uniform(&b, RNG_FRONTEND);
		differ_rep += x != rng_uniform(&c, RNG_FRONTEND);
	}
	assert_int_equal(differ_seed, 10);
	assert_int_equal(differ_rep, 10);
	rng_free(&a);
	rng_free(&b);
	rng_free(&c);
}

static void test_uniform_int_range_and_spread(void **state)
{
	(void)state;
	struct rng_streams r;
	assert_int_equal(rng_init(&r, 3, 0), 0);
	unsigned counts[4] = { 0 };
	for (int i = 0; i < 40000; i++) {
		uint32_t v = rng_uniform_int(&r, RNG_FRONTEND, 4);
		assert_true(v < 4);
		counts[v]++;
	}
	for (int k = 0; k < 4; k++) /* 10000 expected each; 5 sigma is about 430 */
		assert_in_range(counts[k], 9500, 10500);
	rng_free(&r);
}

/* The written-out 16-byte hash is XXH64's: for edge words, and many seeds and words. */
static void test_hash_words_are_xxh64(void **state)
{
	(void)state;
	const uint64_t edges[] = { 0, 1, UINT32_MAX, 1ull << 63, UINT64_MAX };
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint64_t seed = i < 125 ? edges[i % 5] : x;
		uint64_t a = i < 125 ? edges[i / 5 % 5] : x * 31, b = i < 125 ? edges[i / 25] : x >> 3;
		unsigned char bytes[16]; /* the words as little-endian bytes, as the hash reads them */
		for (int k = 0; k < 8; k++) {
			bytes[k] = (unsigned char)(a >> (8 * k));
			bytes[8 + k] = (unsigned char)(b >> (8 * k));
		}
		assert_int_equal(rng_hash_words(seed, a, b), XXH64(bytes, sizeof(bytes), seed));
		assert_true(rng_hash_unit(seed, a, b) == (double)(XXH64(bytes, sizeof(bytes), seed) >> 11) * 0x1.0p-53);
	}
}

static void test_hash_unit(void **state)
{
	(void)state;
	double x = rng_hash_unit(1, 10, 0);
	assert_true(x >= 0.0 && x < 1.0);
	assert_true(x == rng_hash_unit(1, 10, 0));
	assert_true(x != rng_hash_unit(2, 10, 0));
	assert_true(x != rng_hash_unit(1, 11, 0));
	assert_true(x != rng_hash_unit(1, 10, 1));
	double sum = 0;
	for (uint64_t i = 0; i < 100000; i++)
		sum += rng_hash_unit(9, i, 0);
	assert_in_range((uint64_t)(sum / 100000 * 1000), 495, 505);
	assert_string_equal(rng_purpose_name(RNG_LINK_LOSS), "link-loss");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_streams_are_gsl_mt19937),
		cmocka_unit_test(test_same_seed_same_draws),
		cmocka_unit_test(test_purposes_are_independent),
		cmocka_unit_test(test_seed_and_repetition_change_draws),
		cmocka_unit_test(test_bounded_draws_are_gsl),
		cmocka_unit_test(test_uniform_int_range_and_spread),
		cmocka_unit_test(test_hash_words_are_xxh64),
		cmocka_unit_test(test_hash_unit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
