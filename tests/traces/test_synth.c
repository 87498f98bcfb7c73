/* The synthetic workload's TTL model against the published OpenDNS 2012 breakpoints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "traces/synth.h"

static void test_ttl_breakpoints(void **state)
{
	(void)state;
	const uint32_t n = 1000000;
	uint32_t zero = 0, le60 = 0, le120 = 0, le300 = 0, le3600 = 0, at60 = 0, above_day = 0;
	for (uint32_t r = 0; r < n; r++) {
		uint32_t ttl = synth_ttl(1, r);
		zero += ttl == 0;
		le60 += ttl <= 60;
		le120 += ttl <= 120;
		le300 += ttl <= 300;
		le3600 += ttl <= 3600;
		at60 += ttl == 60;
		above_day += ttl > 86400;
		assert_int_equal(ttl, synth_ttl(1, r)); /* a pure function of (seed, rank) */
	}
	/* Published: 0.16 %, 9.84 %, 16.32 %, 39.88 %, 70.07 %; 1 M draws: within 0.2 points. */
	assert_in_range(zero, 1600 - 200, 1600 + 200);
	assert_in_range(le60, 98400 - 2000, 98400 + 2000);
	assert_in_range(le120, 163200 - 2000, 163200 + 2000);
	assert_in_range(le300, 398800 - 2000, 398800 + 2000);
	assert_in_range(le3600, 700700 - 2000, 700700 + 2000);
	/* Half of the (0, 60] step sits on the 60 s spike: 4.84 %. */
	assert_in_range(at60, 48400 - 1500, 48400 + 1500);
	assert_int_equal(above_day, 0);
	int differ = 0;
	for (uint32_t r = 0; r < 100; r++)
		differ += synth_ttl(1, r) != synth_ttl(2, r);
	assert_true(differ > 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_ttl_breakpoints) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
