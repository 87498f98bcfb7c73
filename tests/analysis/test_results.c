/* The results database: exact rows for a known run, failed runs isolated, foreign files refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "analysis/report.h"
#include "analysis/results.h"

static char path[64];

static double query_double(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	double v = -1;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void fill(struct metrics *m)
{
	assert_int_equal(metrics_init(m, 2, 20 * SIM_S, 10 * SIM_S), 0);
	metrics_add(m, 0, 0, CTR_QUERIES, 10);
	metrics_add(m, 0, 0, CTR_HITS_OWN, 6);
	metrics_add(m, 0, 0, CTR_HITS_SHARED, 2);
	metrics_add(m, 1, 15 * SIM_S, CTR_QUERIES, 10);
	metrics_add(m, 1, 15 * SIM_S, CTR_HITS_OWN, 5);
	metrics_add(m, 1, 15 * SIM_S, CTR_SHARE_SENT_MSGS, 4);
	metrics_add(m, 1, 15 * SIM_S, CTR_SHARE_SENT_BYTES, 400);
	metrics_add(m, 0, 12 * SIM_S, CTR_UPSTREAM, 3);
	metrics_add(m, 1, 15 * SIM_S, CTR_UPSTREAM, 4);
	metrics_add(m, 1, 1 * SIM_S, CTR_UPSTREAM, 2);
	metrics_latency(m, 0, LAT_MISS, 30 * SIM_MS);
}

static const struct results_kv params[] = { { "resolvers.nodes", "2" }, { "share.transport", "unicast" } };

static void test_store_and_isolate(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/sharesim-results-%d.sqlite", (int)getpid());
	unlink(path);
	struct results_db *db;
	char err[512];
	assert_int_equal(results_open(path, &db, err, sizeof(err)), 0);
	struct results_run_info info = { .experiment = "t", .run_name = "t-nodes=2-r0", .trace_path = "x.trace",
		                         .trace_digest = "abc", .seed = 7, .params = params, .param_count = 2,
		                         .itervars = params, .itervar_count = 1 };
	int64_t id;
	assert_int_equal(results_run_begin(db, &info, &id, err, sizeof(err)), 0);
	assert_int_equal(id, 1);
	struct metrics m;
	fill(&m);
	struct run_summary s = { .events = 99, .queries = 20, .wall_seconds = 0.5, .simulated = 20 * SIM_S };
	assert_int_equal(results_run_finish(db, id, &m, &s, err, sizeof(err)), 0);
	metrics_free(&m);
	assert_int_equal(results_run_begin(db, &info, &id, err, sizeof(err)), 0);
	assert_int_equal(results_run_fail(db, id, "failed", "trace vanished", err, sizeof(err)), 0);
	results_close(db);

	assert_true(query_double("select count(*) from counter where runId = 1") == 10);
	assert_true(query_double("select value from counter where runId = 1 and node = 1 and name = 'share.sent.bytes'") == 400);
	assert_true(query_double("select binStart from counter where runId = 1 and node = 1 and name = 'num.queries'") == 10);
	assert_true(query_double("select value from scalar where runId = 1 and node = -1 and name = 'hitrate'") == 0.65);
	assert_true(query_double("select value from scalar where runId = 1 and node = 0 and name = 'hitrate.shared'") == 0.2);
	assert_true(query_double("select value from scalar where runId = 1 and node = -1 and name = 'share.msgs.per.node.per.s'") == 0.1);
	assert_true(query_double("select value from scalar where runId = 1 and node = -1 and name = 'latency.mean.miss'") == 30);
	assert_true(query_double("select value from histogramBin where runId = 1 and node = -1 and name = 'latency.miss' and binLowerBound = 16384") == 1);
	assert_true(query_double("select count(*) from histogramBin where runId = 1") == 2);
	assert_true(query_double("select nodes * 1000 + events from run where runId = 1 and status = 'done'") == 2099);
	assert_true(query_double("select count(*) from run where runId = 2 and status = 'failed' and reason = 'trace vanished'") == 1);
	assert_true(query_double("select count(*) from counter where runId = 2") == 0);
	assert_true(query_double("select count(*) from runParam where runId = 2") == 2);
	assert_true(query_double("select hitrate from run_summary where runId = 1") == 0.65);
	/* 7 upstream queries in the busiest 10 s bin (3 from node 0 and 4 from node 1 in bin 1). */
	assert_true(query_double("select value from scalar where runId = 1 and node = -1 and name = 'upstream.peak.per.s'") == 0.7);
	/* One 30 ms miss: bucket [16384, 32768) us, so p95 is 95 % of the way through it. */
	assert_true(query_double("select value from scalar where runId = 1 and node = -1 and name = 'latency.p95.miss'") == 31.9488);
	assert_true(query_double("select value from scalar where runId = 1 and node = -1 and name = 'latency.p50'") == 24.576);

	FILE *out = tmpfile();
	assert_int_equal(report_print(path, NULL, REPORT_CSV, out, err, sizeof(err)), 0);
	rewind(out);
	char line[512];
	assert_non_null(fgets(line, sizeof(line), out));
	assert_string_equal(line, "run,parameters,status,queries,hit%,own%,peers%,p95 ms,upstream,share msg/node/s,share B/node/s,rejected,wall s\n");
	assert_non_null(fgets(line, sizeof(line), out));
	assert_string_equal(line, "1,resolvers.nodes=2,done,20,65.00,55.00,10.00,31.95,9,0.100,10.0,0,0.50\n");
	assert_non_null(fgets(line, sizeof(line), out));
	assert_string_equal(line, "2,resolvers.nodes=2,failed: trace vanished,-,-,-,-,-,-,-,-,-,-\n");
	fclose(out);
	unlink(path);
}

static void test_foreign_files_untouched(void **state)
{
	(void)state;
	char err[512];
	struct results_db *db;
	snprintf(path, sizeof(path), "/tmp/sharesim-foreign-%d.sqlite", (int)getpid());
	sqlite3 *other;
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "create table foo(x); insert into foo values(1);", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	FILE *f = fopen(path, "rb");
	char before[8192], after[8192];
	size_t n = fread(before, 1, sizeof(before), f);
	fclose(f);
	assert_int_not_equal(results_open(path, &db, err, sizeof(err)), 0);
	char expected[128];
	snprintf(expected, sizeof(expected), "%s: not a sharesim results database", path);
	assert_string_equal(err, expected);
	f = fopen(path, "rb");
	assert_int_equal(fread(after, 1, sizeof(after), f), n);
	fclose(f);
	assert_memory_equal(before, after, n);
	unlink(path);
	f = fopen(path, "w");
	fputs("just text\n", f);
	fclose(f);
	assert_int_not_equal(results_open(path, &db, err, sizeof(err)), 0);
	assert_string_equal(err, expected);
	assert_int_not_equal(report_print(path, NULL, REPORT_TEXT, stdout, err, sizeof(err)), 0);
	assert_string_equal(err, expected);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_and_isolate),
		cmocka_unit_test(test_foreign_files_untouched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
