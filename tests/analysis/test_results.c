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
#include <math.h>
#include <sqlite3.h>

#include "analysis/report.h"
#include "analysis/results.h"
#include "analysis/sweep.h"

static char path[64];

/* cmocka 1.1 has no assert_double_equal. */
#define assert_close(a, b, tolerance) assert_true(fabs((double)(a) - (double)(b)) <= (tolerance))

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
	assert_int_equal(report_print(path, NULL, REPORT_CSV, 0, out, err, sizeof(err)), 0);
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

/* One finished run with `hits` of 10 queries answered from cache. */
static const char *trace_digest = "abc";

static void store_run(struct results_db *db, const char *nodes, const char *transport, unsigned repetition,
                      uint64_t hits)
{
	const struct results_kv vars[] = { { "resolvers.nodes", nodes }, { "share.transport", transport } };
	struct results_run_info info = { .experiment = "rep", .run_name = "rep", .trace_path = "x.trace",
		                         .trace_digest = trace_digest, .seed = 1, .repetition = repetition, .params = vars,
		                         .param_count = 2, .itervars = vars, .itervar_count = 2 };
	int64_t id;
	char err[512];
	struct metrics m;
	assert_int_equal(results_run_begin(db, &info, &id, err, sizeof(err)), 0);
	assert_int_equal(metrics_init(&m, 1, 10 * SIM_S, 10 * SIM_S), 0);
	metrics_add(&m, 0, 0, CTR_QUERIES, 10);
	metrics_add(&m, 0, 0, CTR_HITS_OWN, hits);
	struct run_summary s = { .events = 10, .queries = 10, .wall_seconds = 0.1, .simulated = 10 * SIM_S };
	assert_int_equal(results_run_finish(db, id, &m, &s, err, sizeof(err)), 0);
	metrics_free(&m);
}

/* Repetitions fold into a mean with Student's t interval: 0.6, 0.7, 0.8 -> 0.7 +- t(0.975, 2) * 0.1 / sqrt(3). */
static void test_sweep_means(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/sharesim-sweep-%d.sqlite", (int)getpid());
	unlink(path);
	struct results_db *db;
	char err[512];
	assert_int_equal(results_open(path, &db, err, sizeof(err)), 0);
	store_run(db, "16", "unicast", 0, 9);
	store_run(db, "4", "unicast", 0, 6);
	store_run(db, "4", "unicast", 1, 7);
	store_run(db, "4", "unicast", 2, 8);
	results_close(db);

	sqlite3 *raw;
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	struct sweep s;
	assert_int_equal(sweep_load(raw, "rep", NULL, &s, err, sizeof(err)), 0);
	assert_string_equal(s.x_key, "resolvers.nodes");
	assert_int_equal(s.x_numeric, 1);
	assert_int_equal(s.nx, 2);
	assert_string_equal(s.xs[0], "4"); /* numeric order, not first seen */
	assert_string_equal(s.xs[1], "16");
	assert_int_equal(s.nseries, 1);
	assert_string_equal(s.series[0], "all runs"); /* the transport does not vary */
	assert_int_equal(s.nruns, 4);
	assert_int_equal(s.max_repetitions, 3);
	struct sweep_stat stat[2];
	assert_int_equal(sweep_stats(raw, &s, "hitrate", stat, err, sizeof(err)), 0);
	assert_int_equal(stat[0].n, 3);
	assert_close(stat[0].mean, 0.7, 1e-12);
	assert_close(stat[0].ci95, 4.302652729911275 * 0.1 / sqrt(3.0), 1e-9);
	assert_close(stat[0].min, 0.6, 1e-12);
	assert_close(stat[0].max, 0.8, 1e-12);
	assert_int_equal(stat[1].n, 1);
	assert_close(stat[1].mean, 0.9, 1e-12);
	assert_close(stat[1].ci95, 0, 0);
	sweep_free(&s);
	/* The axis by its short name; a key that does not vary cannot be one. */
	assert_int_equal(sweep_load(raw, "rep", "nodes", &s, err, sizeof(err)), 0);
	assert_string_equal(s.x_key, "resolvers.nodes");
	sweep_free(&s);
	assert_int_not_equal(sweep_load(raw, "rep", "transport", &s, err, sizeof(err)), 0);
	assert_string_equal(err, "experiment rep does not sweep 'transport'");
	sqlite3_close(raw);

	FILE *out = tmpfile();
	assert_int_equal(report_print(path, NULL, REPORT_CSV, 1, out, err, sizeof(err)), 0);
	rewind(out);
	char line[512];
	assert_non_null(fgets(line, sizeof(line), out));
	assert_string_equal(line, "point,runs,hit%,+-95%,peers%,+-95%,upstream/query,+-95%,p95 ms,+-95%,share B/node/s,+-95%,stale%,+-95%\n");
	assert_non_null(fgets(line, sizeof(line), out));
	assert_string_equal(line, "nodes=4,3,70.00,24.84,0.00,0.00,0.0000,0.0000,0.00,0.00,0.0,0.0,0.000,0.000\n");
	assert_non_null(fgets(line, sizeof(line), out));
	assert_string_equal(line, "nodes=16,1,90.00,0.00,0.00,0.00,0.0000,0.0000,0.00,0.00,0.0,0.0,0.000,0.000\n");
	assert_null(fgets(line, sizeof(line), out));
	fclose(out);
	/* Run by run, the parameters column names the varying keys only, as the figures do. */
	out = tmpfile();
	assert_int_equal(report_print(path, NULL, REPORT_CSV, 0, out, err, sizeof(err)), 0);
	rewind(out);
	assert_non_null(fgets(line, sizeof(line), out));
	assert_non_null(fgets(line, sizeof(line), out));
	assert_string_equal(line, "1,resolvers.nodes=16,done,10,90.00,90.00,0.00,0.00,0,0.000,0.0,0,0.10\n");
	fclose(out);

	/* A run stored later with another transport (a sweep in two parts): now the transport
	 * varies, and labels every run. */
	assert_int_equal(results_open(path, &db, err, sizeof(err)), 0);
	store_run(db, "4", "none", 0, 5);
	results_close(db);
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(sweep_load(raw, "rep", NULL, &s, err, sizeof(err)), 0);
	assert_int_equal(s.nseries, 2);
	assert_string_equal(s.series[0], "transport=unicast");
	assert_string_equal(s.series[1], "transport=none");
	struct sweep_stat four[4];
	assert_int_equal(sweep_stats(raw, &s, "hitrate", four, err, sizeof(err)), 0);
	assert_int_equal(four[1 * s.nx + 0].n, 1); /* none at 4 */
	assert_close(four[1 * s.nx + 0].mean, 0.5, 1e-12);
	assert_int_equal(four[1 * s.nx + 1].n, 0); /* none at 16: no run */
	sweep_free(&s);
	sqlite3_close(raw);
	out = tmpfile();
	assert_int_equal(report_print(path, NULL, REPORT_CSV, 0, out, err, sizeof(err)), 0);
	rewind(out);
	for (int i = 0; i < 6; i++) /* the header, the first part's four runs, the later one */
		assert_non_null(fgets(line, sizeof(line), out));
	assert_string_equal(line, "5,resolvers.nodes=4 share.transport=none,done,10,50.00,50.00,0.00,0.00,0,0.000,0.0,0,0.10\n");
	fclose(out);
	/* The trace made again (another digest, same path): its runs are not repetitions of the
	 * first ones. */
	assert_int_equal(results_open(path, &db, err, sizeof(err)), 0);
	trace_digest = "abd";
	store_run(db, "4", "none", 0, 5);
	trace_digest = "abc";
	results_close(db);
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(sweep_load(raw, "rep", NULL, &s, err, sizeof(err)), 0);
	assert_int_equal(s.nseries, 3);
	assert_string_equal(s.series[0], "transport=unicast, digest=abc");
	assert_string_equal(s.series[2], "transport=none, digest=abd");
	sweep_free(&s);
	sqlite3_close(raw);
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
	assert_int_not_equal(report_print(path, NULL, REPORT_TEXT, 0, stdout, err, sizeof(err)), 0);
	assert_string_equal(err, expected);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_and_isolate),
		cmocka_unit_test(test_sweep_means),
		cmocka_unit_test(test_foreign_files_untouched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
