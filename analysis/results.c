/*
 * results — the SQLite results database (schema in the shape of OMNeT++ 6's SQLite output).
 *
 * A run row is committed as 'running' before the run; its results and final status go in one
 * transaction, so a crash or an interruption leaves earlier runs untouched and the unfinished
 * one visibly not 'done'. A file that is not a sharesim database is never modified.
 */
#include "analysis/results.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "analysis/results_db.h"
#include "sim/version.h"

#define SCHEMA_VERSION "1"

static const char schema[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE run(runId INTEGER PRIMARY KEY, runName TEXT, experiment TEXT, status TEXT,"
	" reason TEXT, seed INTEGER, repetition INTEGER, tracePath TEXT, traceDigest TEXT,"
	" version TEXT, startedAt TEXT, wallSeconds REAL, events INTEGER, queries INTEGER,"
	" simulatedSeconds REAL, nodes INTEGER, binSeconds REAL);"
	"CREATE TABLE runAttr(runId INTEGER REFERENCES run ON DELETE CASCADE, attrName TEXT, attrValue TEXT);"
	"CREATE TABLE runItervar(runId INTEGER REFERENCES run ON DELETE CASCADE, itervarName TEXT, value TEXT);"
	"CREATE TABLE runParam(runId INTEGER REFERENCES run ON DELETE CASCADE, paramKey TEXT, paramValue TEXT);"
	"CREATE TABLE counter(runId INTEGER REFERENCES run ON DELETE CASCADE, node INTEGER, bin INTEGER,"
	" binStart REAL, name TEXT, value INTEGER);"
	"CREATE TABLE scalar(runId INTEGER REFERENCES run ON DELETE CASCADE, node INTEGER, name TEXT, value REAL);"
	"CREATE TABLE histogramBin(runId INTEGER REFERENCES run ON DELETE CASCADE, node INTEGER, name TEXT,"
	" binLowerBound REAL, value INTEGER);"
	"CREATE INDEX counter_run ON counter(runId, name);"
	"CREATE INDEX scalar_run ON scalar(runId, name);"
	"CREATE INDEX param_run ON runParam(runId, paramKey);"
	"CREATE INDEX itervar_run ON runItervar(runId);"
	"CREATE VIEW counter_total AS SELECT runId, name, sum(value) AS value FROM counter GROUP BY runId, name;"
	"CREATE VIEW timeseries AS SELECT runId, binStart, name, sum(value) AS value FROM counter"
	" GROUP BY runId, bin, name;"
	"CREATE VIEW run_summary AS SELECT r.runId, r.experiment, r.runName, r.status, r.reason,"
	" (SELECT group_concat(itervarName || '=' || value, ' ') FROM runItervar i WHERE i.runId = r.runId) AS itervars,"
	" r.queries, r.nodes, r.wallSeconds,"
	" (SELECT value FROM scalar s WHERE s.runId = r.runId AND s.node = -1 AND s.name = 'hitrate') AS hitrate,"
	" (SELECT value FROM scalar s WHERE s.runId = r.runId AND s.node = -1 AND s.name = 'hitrate.own') AS hitrateOwn,"
	" (SELECT value FROM scalar s WHERE s.runId = r.runId AND s.node = -1 AND s.name = 'hitrate.shared') AS hitrateShared,"
	" (SELECT value FROM scalar s WHERE s.runId = r.runId AND s.node = -1 AND s.name = 'num.upstream') AS upstream,"
	" (SELECT value FROM scalar s WHERE s.runId = r.runId AND s.node = -1 AND s.name = 'share.msgs.per.node.per.s') AS shareMsgsPerNodePerS,"
	" (SELECT value FROM scalar s WHERE s.runId = r.runId AND s.node = -1 AND s.name = 'share.bytes.per.node.per.s') AS shareBytesPerNodePerS,"
	" (SELECT value FROM scalar s WHERE s.runId = r.runId AND s.node = -1 AND s.name = 'share.rejected') AS rejected,"
	" (SELECT value FROM scalar s WHERE s.runId = r.runId AND s.node = -1 AND s.name = 'latency.p95') AS latencyP95"
	" FROM run r;"
	"INSERT INTO meta VALUES('application', 'sharesim'), ('schema_version', '" SCHEMA_VERSION "');";

struct results_db {
	sqlite3 *db;
	char path[4096];
};

static int db_error(char *err, size_t err_size, const char *path, sqlite3 *db, const char *what)
{
	snprintf(err, err_size, "%s: %s: %s", path, what, db ? sqlite3_errmsg(db) : "cannot open");
	return -1;
}

int results_db_check(const char *path, sqlite3 *db, int may_create, char *err, size_t err_size)
{
	sqlite3_stmt *st;
	int tables = 0, ours = 0;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, err_size, "%s: not a sharesim results database (%s)", path, sqlite3_errmsg(db));
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		tables = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (tables == 0 && may_create) {
		char *msg = NULL;
		if (sqlite3_exec(db, "BEGIN;", NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, schema, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(err, err_size, "%s: cannot create the schema: %s", path, msg ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			return -1;
		}
		return 0;
	}
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'application'", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), "sharesim"))
			ours = 1;
		sqlite3_finalize(st);
	}
	if (!ours) {
		snprintf(err, err_size, "%s: not a sharesim results database", path);
		return -1;
	}
	return 0;
}

/* Refuse files that are not SQLite before SQLite touches them. */
int results_file_is_sqlite_or_new(const char *path, char *err, size_t err_size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? 0 : (snprintf(err, err_size, "%s: %s", path, strerror(errno)), -1);
	char magic[16] = { 0 };
	size_t n = fread(magic, 1, 16, f);
	fclose(f);
	if (n == 0)
		return 0;
	if (n < 16 || memcmp(magic, "SQLite format 3", 16) != 0) {
		snprintf(err, err_size, "%s: not a sharesim results database", path);
		return -1;
	}
	return 0;
}

int results_open(const char *path, struct results_db **out, char *err, size_t err_size)
{
	if (results_file_is_sqlite_or_new(path, err, err_size))
		return -1;
	struct results_db *r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, err_size, "%s: out of memory", path);
		return -1;
	}
	snprintf(r->path, sizeof(r->path), "%s", path);
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		db_error(err, err_size, path, r->db, "cannot open");
		results_close(r);
		return -1;
	}
	sqlite3_busy_timeout(r->db, 120000); /* parallel workers (-j) take turns */
	sqlite3_exec(r->db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;", NULL, NULL, NULL);
	if (results_db_check(path, r->db, 1, err, err_size)) {
		results_close(r);
		return -1;
	}
	*out = r;
	return 0;
}

void results_close(struct results_db *r)
{
	if (!r)
		return;
	sqlite3_close(r->db);
	free(r);
}

static int insert_kv(sqlite3 *db, const char *sql, int64_t run_id, const struct results_kv *kv, size_t n)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		sqlite3_bind_int64(st, 1, run_id);
		sqlite3_bind_text(st, 2, kv[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, kv[i].value, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Hash of what determines a run's results; experiment.trace (the digest stands for it) and
 * experiment.repeat (a repetition's results do not depend on how many there are) are left out. */
void results_config_digest(const struct results_run_info *info, char out[RESULTS_DIGEST_SIZE])
{
	XXH3_state_t *state = XXH3_createState();
	if (!state) {
		snprintf(out, RESULTS_DIGEST_SIZE, "unhashed");
		return;
	}
	XXH3_128bits_reset(state);
	char rep[32];
	snprintf(rep, sizeof(rep), "repetition=%u", info->repetition);
	const char *parts[] = { "sharesim-run-v1", SHARESIM_VERSION, info->experiment, info->trace_digest, rep };
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		XXH3_128bits_update(state, parts[i], strlen(parts[i]) + 1);
	for (size_t i = 0; i < info->param_count; i++) {
		if (!strcmp(info->params[i].name, "experiment.trace") || !strcmp(info->params[i].name, "experiment.repeat"))
			continue;
		XXH3_128bits_update(state, info->params[i].name, strlen(info->params[i].name) + 1);
		XXH3_128bits_update(state, info->params[i].value, strlen(info->params[i].value) + 1);
	}
	XXH128_hash_t h = XXH3_128bits_digest(state);
	XXH3_freeState(state);
	snprintf(out, RESULTS_DIGEST_SIZE, "%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
}

int results_find_done(struct results_db *r, const struct results_run_info *info, int64_t *run_id)
{
	char digest[RESULTS_DIGEST_SIZE];
	results_config_digest(info, digest);
	sqlite3_stmt *st;
	int found = 0;
	if (sqlite3_prepare_v2(r->db, "SELECT r.runId FROM run r JOIN runAttr a ON a.runId = r.runId"
	                              " AND a.attrName = 'configDigest' WHERE a.attrValue = ?1 AND r.status = 'done'"
	                              " ORDER BY r.runId LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*run_id = sqlite3_column_int64(st, 0);
		found = 1;
	} else if (step != SQLITE_DONE) {
		found = -1;
	}
	sqlite3_finalize(st);
	return found;
}

int results_run_begin(struct results_db *r, const struct results_run_info *info, int64_t *run_id,
                      char *err, size_t err_size)
{
	sqlite3_stmt *st;
	char started[32], host[256] = "", seed[32], rep[16], digest[RESULTS_DIGEST_SIZE];
	results_config_digest(info, digest);
	time_t now = time(NULL);
	strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	gethostname(host, sizeof(host) - 1);
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)info->seed);
	snprintf(rep, sizeof(rep), "%u", info->repetition);
	if (sqlite3_exec(r->db, "BEGIN IMMEDIATE;", NULL, NULL, NULL) != SQLITE_OK)
		return db_error(err, err_size, r->path, r->db, "cannot start a transaction");
	int rc = sqlite3_prepare_v2(r->db,
		"INSERT INTO run(runName, experiment, status, seed, repetition, tracePath, traceDigest,"
		" version, startedAt) VALUES(?, ?, 'running', ?, ?, ?, ?, ?, ?)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, info->run_name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, info->experiment, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)info->seed);
		sqlite3_bind_int(st, 4, (int)info->repetition);
		sqlite3_bind_text(st, 5, info->trace_path, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, info->trace_digest, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, SHARESIM_VERSION, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, started, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
		sqlite3_finalize(st);
	}
	*run_id = sqlite3_last_insert_rowid(r->db);
	const struct results_kv attrs[] = {
		{ "experiment", info->experiment }, { "runName", info->run_name },
		{ "seed", seed }, { "repetition", rep }, { "traceDigest", info->trace_digest },
		{ "tracePath", info->trace_path }, { "version", SHARESIM_VERSION }, { "hostname", host },
		{ "configDigest", digest },
	};
	if (rc != SQLITE_OK ||
	    insert_kv(r->db, "INSERT INTO runAttr VALUES(?, ?, ?)", *run_id, attrs, sizeof(attrs) / sizeof(attrs[0])) ||
	    insert_kv(r->db, "INSERT INTO runParam VALUES(?, ?, ?)", *run_id, info->params, info->param_count) ||
	    insert_kv(r->db, "INSERT INTO runItervar VALUES(?, ?, ?)", *run_id, info->itervars, info->itervar_count) ||
	    sqlite3_exec(r->db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK) {
		db_error(err, err_size, r->path, r->db, "cannot record the run");
		sqlite3_exec(r->db, "ROLLBACK;", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

static int add_scalar(sqlite3_stmt *st, int64_t run_id, int node, const char *name, double value)
{
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int(st, 2, node);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 4, value);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(st);
	return rc;
}

/* latency.p50/p95/p99[.class] in ms, from Unbound-style buckets (interpolated). */
static int add_quantiles(sqlite3_stmt *st, int64_t run_id, int node, const char *cls,
                         const uint64_t *hist)
{
	static const struct { const char *name; double q; } qs[] = {
		{ "p50", 0.50 }, { "p95", 0.95 }, { "p99", 0.99 },
	};
	int rc = 0, empty = 1;
	/* No sample: NULL (no latency of that class), not 0 ms. */
	for (int b = 0; b < METRICS_HIST_BUCKETS && empty; b++)
		empty = hist[b] == 0;
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]) && rc == 0; i++) {
		char name[64];
		snprintf(name, sizeof(name), "latency.%s%s%s", qs[i].name, cls ? "." : "", cls ? cls : "");
		rc = add_scalar(st, run_id, node, name, empty ? NAN : metrics_histogram_quantile(hist, qs[i].q) / 1e3);
	}
	return rc;
}

/* Totals of one node (or all, node = -1) and the figures derived from them. */
static int store_scalars(sqlite3_stmt *st, int64_t run_id, const struct metrics *m, int node,
                         double seconds)
{
	uint64_t total[CTR__COUNT] = { 0 };
	uint32_t from = node < 0 ? 0 : (uint32_t)node, to = node < 0 ? m->nodes : (uint32_t)node + 1;
	for (uint32_t n = from; n < to; n++)
		for (uint32_t b = 0; b < m->bins; b++)
			for (int c = 0; c < CTR__COUNT; c++)
				total[c] += m->counters[((size_t)n * m->bins + b) * CTR__COUNT + c];
	int rc = 0;
	for (int c = 0; c < CTR__COUNT && rc == 0; c++)
		rc = add_scalar(st, run_id, node, metrics_counter_name(c), (double)total[c]);
	double q = (double)total[CTR_QUERIES], nodes = (double)(to - from);
	/* Answered from a cache: the node's own, data its peers shared, or the central one (pull). */
	double hits = (double)(total[CTR_HITS_OWN] + total[CTR_HITS_SHARED] + total[CTR_PULL_HITS]);
	uint64_t rejected = 0;
	for (int c = CTR_REJ_MALFORMED; c <= CTR_REJ_PROFILE; c++)
		rejected += total[c];
	rc = rc ? rc : add_scalar(st, run_id, node, "hitrate", q > 0 ? hits / q : 0);
	rc = rc ? rc : add_scalar(st, run_id, node, "hitrate.own", q > 0 ? (double)total[CTR_HITS_OWN] / q : 0);
	rc = rc ? rc : add_scalar(st, run_id, node, "hitrate.shared", q > 0 ? (double)total[CTR_HITS_SHARED] / q : 0);
	rc = rc ? rc : add_scalar(st, run_id, node, "hitrate.pull", q > 0 ? (double)total[CTR_PULL_HITS] / q : 0);
	/* The busiest bin's upstream rate: the load authorities see at peak. */
	double peak = 0;
	for (uint32_t b = 0; b < m->bins; b++) {
		uint64_t in_bin = 0;
		for (uint32_t k = from; k < to; k++)
			in_bin += m->counters[((size_t)k * m->bins + b) * CTR__COUNT + CTR_UPSTREAM];
		if ((double)in_bin > peak)
			peak = (double)in_bin;
	}
	rc = rc ? rc : add_scalar(st, run_id, node, "upstream.peak.per.s", peak / ((double)m->bin_width / 1e9));
	rc = rc ? rc : add_scalar(st, run_id, node, "upstream.per.query", q > 0 ? (double)total[CTR_UPSTREAM] / q : 0);
	rc = rc ? rc : add_scalar(st, run_id, node, "share.rejected", (double)rejected);
	rc = rc ? rc : add_scalar(st, run_id, node, "share.recv.bytes.per.node.per.s",
	                          seconds > 0 ? (double)total[CTR_SHARE_RECV_BYTES] / nodes / seconds : 0);
	/* Every byte the sharing puts on a link: resolvers' sends (with retransmissions), a hub's
	 * and relays' forwarding, subscription control, QUIC and TCP/TLS set-up (a multicast send
	 * counts once). */
	double link_bytes = (double)(total[CTR_SHARE_SENT_BYTES] + total[CTR_HUB_RELAYED_BYTES] +
	                             total[CTR_RELAY_FORWARDED_BYTES] + total[CTR_PUBSUB_CONTROL_BYTES] +
	                             total[CTR_PUBSUB_SESSION_BYTES] + total[CTR_SESSION_BYTES]);
	rc = rc ? rc : add_scalar(st, run_id, node, "share.link.bytes.per.s", seconds > 0 ? link_bytes / seconds : 0);
	rc = rc ? rc : add_scalar(st, run_id, node, "stale.per.query", q > 0 ? (double)total[CTR_ANSWERS_STALE] / q : 0);
	rc = rc ? rc : add_scalar(st, run_id, node, "consistency.mismatch.rate",
	                          total[CTR_CONSISTENCY_CHECKS] ? (double)total[CTR_CONSISTENCY_MISMATCH] /
	                                                                  (double)total[CTR_CONSISTENCY_CHECKS] : 0);
	rc = rc ? rc : add_scalar(st, run_id, node, "share.msgs.per.node.per.s",
	                          seconds > 0 ? (double)total[CTR_SHARE_SENT_MSGS] / nodes / seconds : 0);
	rc = rc ? rc : add_scalar(st, run_id, node, "share.bytes.per.node.per.s",
	                          seconds > 0 ? (double)total[CTR_SHARE_SENT_BYTES] / nodes / seconds : 0);
	uint64_t all[METRICS_HIST_BUCKETS] = { 0 };
	for (int c = 0; c < LAT__COUNT && rc == 0; c++) {
		uint64_t count = 0, sum = 0, hist[METRICS_HIST_BUCKETS] = { 0 };
		for (uint32_t n = from; n < to; n++) {
			for (int b = 0; b < METRICS_HIST_BUCKETS; b++)
				hist[b] += m->latency[((size_t)n * LAT__COUNT + c) * METRICS_HIST_BUCKETS + b];
			sum += m->latency_sum_ns[(size_t)n * LAT__COUNT + c];
		}
		for (int b = 0; b < METRICS_HIST_BUCKETS; b++) {
			count += hist[b];
			if (c != LAT_STALE_AGE && c != LAT_UPDATE_DELAY) /* ages, not client latencies */
				all[b] += hist[b];
		}
		char name[64];
		snprintf(name, sizeof(name), c == LAT_STALE_AGE || c == LAT_UPDATE_DELAY ? "%s.mean" : "latency.mean.%s",
		         metrics_latency_class_name(c));
		rc = add_scalar(st, run_id, node, name, count ? (double)sum / (double)count / 1e6 : NAN);
		rc = rc ? rc : add_quantiles(st, run_id, node, metrics_latency_class_name(c), hist);
	}
	return rc ? rc : add_quantiles(st, run_id, node, NULL, all);
}

static int store_histograms(sqlite3 *db, int64_t run_id, const struct metrics *m)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "INSERT INTO histogramBin VALUES(?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = 0;
	for (int node = -1; node < (int)m->nodes && rc == 0; node++)
		for (int c = 0; c < LAT__COUNT && rc == 0; c++) {
			char name[64];
			snprintf(name, sizeof(name), "latency.%s", metrics_latency_class_name(c));
			for (int b = 0; b < METRICS_HIST_BUCKETS && rc == 0; b++) {
				uint64_t v = 0;
				for (uint32_t n = node < 0 ? 0 : (uint32_t)node; n < (node < 0 ? m->nodes : (uint32_t)node + 1); n++)
					v += m->latency[((size_t)n * LAT__COUNT + c) * METRICS_HIST_BUCKETS + b];
				if (!v)
					continue;
				sqlite3_bind_int64(st, 1, run_id);
				sqlite3_bind_int(st, 2, node);
				sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
				sqlite3_bind_double(st, 4, (double)metrics_bucket_low_us((unsigned)b));
				sqlite3_bind_int64(st, 5, (sqlite3_int64)v);
				rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
				sqlite3_reset(st);
			}
		}
	sqlite3_finalize(st);
	return rc;
}

static int store_counters(sqlite3 *db, int64_t run_id, const struct metrics *m)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "INSERT INTO counter VALUES(?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = 0;
	for (uint32_t n = 0; n < m->nodes && rc == 0; n++)
		for (uint32_t b = 0; b < m->bins && rc == 0; b++)
			for (int c = 0; c < CTR__COUNT && rc == 0; c++) {
				uint64_t v = m->counters[((size_t)n * m->bins + b) * CTR__COUNT + c];
				if (!v)
					continue; /* sparse: absent rows are zeros */
				sqlite3_bind_int64(st, 1, run_id);
				sqlite3_bind_int(st, 2, (int)n);
				sqlite3_bind_int(st, 3, (int)b);
				sqlite3_bind_double(st, 4, (double)b * (double)m->bin_width / 1e9);
				sqlite3_bind_text(st, 5, metrics_counter_name(c), -1, SQLITE_STATIC);
				sqlite3_bind_int64(st, 6, (sqlite3_int64)v);
				rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
				sqlite3_reset(st);
			}
	sqlite3_finalize(st);
	return rc;
}

int results_run_finish(struct results_db *r, int64_t run_id, const struct metrics *m,
                       const struct run_summary *s, char *err, size_t err_size)
{
	if (sqlite3_exec(r->db, "BEGIN IMMEDIATE;", NULL, NULL, NULL) != SQLITE_OK)
		return db_error(err, err_size, r->path, r->db, "cannot start a transaction");
	double seconds = sim_time_to_s(s->simulated);
	sqlite3_stmt *st = NULL;
	int rc = store_counters(r->db, run_id, m);
	rc = rc ? rc : store_histograms(r->db, run_id, m);
	rc = rc ? rc : (sqlite3_prepare_v2(r->db, "INSERT INTO scalar VALUES(?, ?, ?, ?)", -1, &st, NULL) == SQLITE_OK ? 0 : -1);
	for (int node = -1; node < (int)m->nodes && rc == 0; node++)
		rc = store_scalars(st, run_id, m, node, seconds);
	rc = rc ? rc : add_scalar(st, run_id, -1, "wallSeconds", s->wall_seconds);
	rc = rc ? rc : add_scalar(st, run_id, -1, "cpuSeconds", s->cpu_seconds);
	sqlite3_finalize(st);
	if (rc == 0 && sqlite3_prepare_v2(r->db,
		"UPDATE run SET status = 'done', wallSeconds = ?, events = ?, queries = ?,"
		" simulatedSeconds = ?, nodes = ?, binSeconds = ? WHERE runId = ?", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_double(st, 1, s->wall_seconds);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)s->events);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)s->queries);
		sqlite3_bind_double(st, 4, seconds);
		sqlite3_bind_int(st, 5, (int)m->nodes);
		sqlite3_bind_double(st, 6, (double)m->bin_width / 1e9);
		sqlite3_bind_int64(st, 7, run_id);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
		sqlite3_finalize(st);
	} else {
		rc = -1;
	}
	if (rc || sqlite3_exec(r->db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK) {
		db_error(err, err_size, r->path, r->db, "cannot store the run's results");
		sqlite3_exec(r->db, "ROLLBACK;", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int results_run_fail(struct results_db *r, int64_t run_id, const char *status, const char *reason,
                     char *err, size_t err_size)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(r->db, "UPDATE run SET status = ?, reason = ? WHERE runId = ?", -1, &st, NULL) != SQLITE_OK)
		return db_error(err, err_size, r->path, r->db, "cannot mark the run");
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, run_id);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc ? db_error(err, err_size, r->path, r->db, "cannot mark the run") : 0;
}
