/* Metrics: bin sizing, counter placement, Unbound histogram buckets, totals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sim/metrics.h"

static void test_bins_and_counters(void **state)
{
	(void)state;
	struct metrics m;
	/* 25 s in 10 s bins: [0,10) [10,20) [20,30) plus one for events at the very end. */
	assert_int_equal(metrics_init(&m, 3, 25 * SIM_S, 10 * SIM_S), 0);
	assert_int_equal(m.bins, 4);
	assert_int_equal(metrics_init(&(struct metrics){0}, 0, SIM_S, SIM_S), -1);
	metrics_add(&m, 0, 0, CTR_QUERIES, 1);
	metrics_add(&m, 0, 9 * SIM_S, CTR_QUERIES, 2);
	metrics_add(&m, 2, 10 * SIM_S, CTR_QUERIES, 5);
	metrics_add(&m, 1, 1000 * SIM_S, CTR_UPSTREAM, 1); /* past the end: last bin */
	metrics_add(&m, 1, -5, CTR_UPSTREAM, 1);           /* before the start: first bin */
	metrics_set(&m, 2, 12 * SIM_S, CTR_CACHE_ENTRIES, 40);
	metrics_set(&m, 2, 13 * SIM_S, CTR_CACHE_ENTRIES, 41);
	assert_int_equal(m.counters[(0 * 4 + 0) * CTR__COUNT + CTR_QUERIES], 3);
	assert_int_equal(m.counters[(2 * 4 + 1) * CTR__COUNT + CTR_QUERIES], 5);
	assert_int_equal(m.counters[(1 * 4 + 3) * CTR__COUNT + CTR_UPSTREAM], 1);
	assert_int_equal(m.counters[(1 * 4 + 0) * CTR__COUNT + CTR_UPSTREAM], 1);
	assert_int_equal(m.counters[(2 * 4 + 1) * CTR__COUNT + CTR_CACHE_ENTRIES], 41);
	assert_int_equal(metrics_total(&m, CTR_QUERIES), 8);
	assert_int_equal(metrics_total(&m, CTR_UPSTREAM), 2);
	assert_int_equal(metrics_total(&m, CTR_HITS_OWN), 0);
	metrics_free(&m);
}

static void test_unbound_buckets(void **state)
{
	(void)state;
	assert_int_equal(metrics_latency_bucket(0), 0);
	assert_int_equal(metrics_latency_bucket(999), 0);      /* < 1 us */
	assert_int_equal(metrics_latency_bucket(SIM_US), 1);   /* [1,2) us */
	assert_int_equal(metrics_latency_bucket(2 * SIM_US - 1), 1);
	assert_int_equal(metrics_latency_bucket(2 * SIM_US), 2);
	assert_int_equal(metrics_latency_bucket(3 * SIM_US), 2);
	assert_int_equal(metrics_latency_bucket(4 * SIM_US), 3);
	assert_int_equal(metrics_latency_bucket(SIM_MS), 10);  /* 1000 us in [512,1024) */
	assert_int_equal(metrics_latency_bucket(INT64_MAX), METRICS_HIST_BUCKETS - 1);
	assert_int_equal(metrics_bucket_low_us(0), 0);
	assert_int_equal(metrics_bucket_low_us(1), 1);
	assert_int_equal(metrics_bucket_low_us(10), 512);
	assert_int_equal(metrics_bucket_low_us(39), (uint64_t)1 << 38);
}

static void test_latency_histogram(void **state)
{
	(void)state;
	struct metrics m;
	assert_int_equal(metrics_init(&m, 2, SIM_S, SIM_S), 0);
	metrics_latency(&m, 1, LAT_MISS, 30 * SIM_MS);
	metrics_latency(&m, 1, LAT_MISS, 20 * SIM_MS);
	metrics_latency(&m, 0, LAT_HIT_OWN, 100 * SIM_US);
	size_t miss = (size_t)1 * LAT__COUNT + LAT_MISS;
	/* 30000 us and 20000 us are both in [16384, 32768): bucket 15. */
	assert_int_equal(m.latency[miss * METRICS_HIST_BUCKETS + 15], 2);
	assert_int_equal(m.latency_sum_ns[miss], 50 * SIM_MS);
	assert_int_equal(m.latency[(size_t)LAT_HIT_OWN * METRICS_HIST_BUCKETS + 7], 1);
	assert_string_equal(metrics_latency_class_name(LAT_HIT_SHARED), "hit.shared");
	assert_string_equal(metrics_counter_name(CTR_HITS_OWN), "num.cachehits");
	assert_string_equal(metrics_counter_name(CTR_REJ_BADSIG), "share.rejected.badsig");
	metrics_free(&m);
}

static void test_quantiles(void **state)
{
	(void)state;
	uint64_t h[METRICS_HIST_BUCKETS] = { 0 };
	assert_true(metrics_histogram_quantile(h, 0.5) == 0);
	h[10] = 50; /* [512, 1024) us */
	h[15] = 50; /* [16384, 32768) us */
	/* The median is the last of bucket 10: its upper bound; p75 is halfway through bucket 15. */
	assert_true(metrics_histogram_quantile(h, 0.5) == 1024);
	assert_true(metrics_histogram_quantile(h, 0.75) == 16384 + 8192);
	assert_true(metrics_histogram_quantile(h, 0.25) == 768);
	h[METRICS_HIST_BUCKETS - 1] = 100; /* open-ended: its lower bound */
	assert_true(metrics_histogram_quantile(h, 0.99) == (double)((uint64_t)1 << 38));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bins_and_counters),
		cmocka_unit_test(test_unbound_buckets),
		cmocka_unit_test(test_latency_histogram),
		cmocka_unit_test(test_quantiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
