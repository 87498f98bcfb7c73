/* network.latency_matrix: the reader's values, and its exact error positions on bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sim/latency_matrix.h"

static void test_good(void **state)
{
	(void)state;
	const char *text = "# one-way ms, from row to column\n"
	                   "0.5, 20, 80\n"
	                   "\n"
	                   "  20\t0.5   75   # Frankfurt\r\n"
	                   "90,75,0.5";
	double *m;
	uint32_t n;
	char err[256];
	assert_int_equal(latency_matrix_parse(text, strlen(text), &m, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	const double expected[] = { 0.5, 20, 80, 20, 0.5, 75, 90, 75, 0.5 }; /* not symmetric: fine */
	for (int i = 0; i < 9; i++)
		assert_true(m[i] == expected[i]);
	free(m);
	assert_int_equal(latency_matrix_parse("7\n", 2, &m, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_true(m[0] == 7);
	free(m);
}

static void bad(const char *text, const char *message)
{
	double *m = (double *)1;
	uint32_t n = 99;
	char err[256];
	assert_int_equal(latency_matrix_parse(text, strlen(text), &m, &n, err, sizeof(err)), -1);
	assert_string_equal(err, message);
	assert_null(m);
	assert_int_equal(n, 0);
}

static void test_bad_inputs(void **state)
{
	(void)state;
	bad("", "1:1: no rows: expected one row of latencies per site");
	bad("# nothing\n\n", "1:1: no rows: expected one row of latencies per site");
	bad("0 20\n20 -1\n", "2:4: negative latency -1");
	bad("0 20\n20 abc\n", "2:4: 'abc' is not a latency in ms");
	bad("0 2O\n20 0\n", "1:3: '2O' is not a latency in ms");
	bad("0 nan\n", "1:3: 'nan' is not a latency in ms");
	bad("0 inf\n", "1:3: 'inf' is not a latency in ms");
	bad("0 20\n20 60001\n", "2:4: latency 60001 above 60000 ms");
	bad("0 20 30\n20 0\n30 20 0\n", "2:5: row 2 has 2 entries, expected 3 (the first row's)");
	bad("0 20\n20 0 5\n", "2:6: row 2 has more than 2 entries (the first row's)");
	bad("0 20\n20 0\n1 1\n", "3:1: more rows than the 2 columns: the matrix must be square");
	bad("0 20 30\n20 0 1\n", "2:1: 2 rows for 3 columns: the matrix must be square");
	bad("0 1\n  # comment\n1 x0\n", "3:3: 'x0' is not a latency in ms");
}

static void test_load(void **state)
{
	(void)state;
	char path[64];
	snprintf(path, sizeof(path), "/tmp/sharesim-matrix-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "0 10\n10 0 3\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	double *m;
	uint32_t n;
	char err[512], expected[512];
	assert_int_equal(latency_matrix_load(path, &m, &n, err, sizeof(err)), -1);
	snprintf(expected, sizeof(expected), "%s:2:6: error: row 2 has more than 2 entries (the first row's)", path);
	assert_string_equal(err, expected);
	unlink(path);
	assert_int_equal(latency_matrix_load("/nonexistent/m.txt", &m, &n, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/m.txt: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
