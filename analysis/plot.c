/*
 * plot — figures of every experiment in a results database, from the database alone. Per
 * experiment and measure: the plotted data (.tsv), the gnuplot script (.gp) and the figure in
 * each format asked for. gnuplot is started with an argument vector (posix_spawnp), never
 * through a shell.
 */
#include "analysis/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "analysis/plot_scripts.h"
#include "analysis/results_db.h"
#include "analysis/sweep.h"
#include "sim/config.h"
#include "sim/version.h"

extern char **environ;

/* The measures drawn for every experiment; optional ones only when some run has them non-zero. */
static const struct figure {
	const char *file, *scalar, *title, *ylabel;
	double scale;
	int percent, optional;
} figures[] = {
	{ "hitrate", "hitrate", "Cache hit rate", "hit rate (% of client queries)", 100, 1, 0 },
	{ "hitrate-shared", "hitrate.shared", "Hits on data shared by peers", "hits on shared data (% of client queries)", 100, 0, 1 },
	{ "hitrate-pull", "hitrate.pull", "Hits in the central cache (pull)", "central cache hits (% of client queries)", 100, 0, 1 },
	{ "upstream", "upstream.per.query", "Load on authorities", "upstream queries per client query", 1, 0, 0 },
	{ "upstream-peak", "upstream.peak.per.s", "Peak load on authorities", "upstream queries/s in the busiest bin", 1, 0, 0 },
	{ "share-msgs", "share.msgs.per.node.per.s", "Share messages", "share messages sent per resolver per second", 1, 0, 1 },
	{ "share-bytes", "share.bytes.per.node.per.s", "Share traffic", "share bytes sent per resolver per second", 1, 0, 1 },
	{ "share-recv-bytes", "share.recv.bytes.per.node.per.s", "Share traffic received", "share bytes received per resolver per second", 1, 0, 1 },
	{ "share-link-bytes", "share.link.bytes.per.s", "All sharing traffic", "bytes/s sent by resolvers, hubs and relays (with control)", 1, 0, 1 },
	{ "relay-busiest", "relay.busiest.msgs", "Load of the busiest relay", "copies forwarded by the busiest relay", 1, 0, 1 },
	{ "latency-p50", "latency.p50", "Client latency, median", "median client latency (ms)", 1, 0, 0 },
	{ "latency-p95", "latency.p95", "Client latency, 95th percentile", "95th percentile client latency (ms)", 1, 0, 0 },
	{ "stale", "stale.per.query", "Stale answers", "stale answers (% of client queries)", 100, 0, 1 },
	{ "stale-age", "stale.age.mean", "Age of stale answers", "mean age of stale answers (ms)", 1, 0, 1 },
	{ "update-delay", "update.delay.mean", "Update delay", "mean delay from a change to a fresh copy (ms)", 1, 0, 1 },
	{ "mismatch", "consistency.mismatch.rate", "Answer consistency", "answers a random peer held in another version (%)", 100, 0, 1 },
	{ "rejected", "share.rejected", "Rejected shares", "shares rejected (all reasons)", 1, 0, 1 },
};

/* gnuplot's messages go to log (removed on success; named in the error otherwise), so that
 * its warnings about series without data do not reach the terminal. */
static int run_gnuplot(char *const argv[], const char *log, char *err, size_t err_size)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	pid_t pid;
	int rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		snprintf(err, err_size, "cannot run gnuplot: %s (install gnuplot-nox)", strerror(rc));
		return -1;
	}
	int status;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, err_size, "gnuplot failed on %s (its messages: %s)", argv[2], log);
		return -1;
	}
	remove(log);
	return 0;
}

static int write_text(const char *path, const char *text, char *err, size_t err_size)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int make_dir(const char *dir, char *err, size_t err_size)
{
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		snprintf(err, err_size, "%s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

static void caption_of(sqlite3 *db, const char *experiment, const struct sweep *s, char *out, size_t size)
{
	sqlite3_stmt *st;
	snprintf(out, size, "experiment %s, sharesim %s", experiment, SHARESIM_VERSION);
	if (sqlite3_prepare_v2(db, "SELECT substr(min(traceDigest), 1, 12), count(DISTINCT traceDigest),"
	                           " min(version) FROM run WHERE experiment = ?1 AND status = 'done'",
	                       -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, experiment, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		char reps[96] = "";
		if (s->max_repetitions > 1)
			snprintf(reps, sizeof(reps), "; mean of up to %u seeds with its 95%% confidence interval",
			         s->max_repetitions);
		snprintf(out, size, "experiment %s: %zu runs, trace sha256 %s...%s, sharesim %s%s", experiment,
		         s->nruns, sqlite3_column_text(st, 0), sqlite3_column_int(st, 1) > 1 ? " (and others)" : "",
		         sqlite3_column_text(st, 2), reps);
	}
	sqlite3_finalize(st);
}

/* The figure's data, one block per series; 0 when every value is zero, 1 otherwise, -1 on error. */
static int write_data(const char *path, const struct sweep *s, const struct sweep_stat *stat, double scale,
                      char *err, size_t err_size)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	int nonzero = 0;
	for (size_t k = 0; k < s->nseries; k++) {
		/* A series without a value here keeps its block (so every series keeps its colour in
		 * every figure) with an empty label (so it takes no place in the key). */
		int any = 0;
		for (size_t x = 0; x < s->nx; x++)
			any |= stat[k * s->nx + x].n > 0;
		fprintf(f, "%s\"%s\"\tmean\tci95.low\tci95.high\truns\n", k ? "\n\n" : "", any ? s->series[k] : "");
		for (size_t x = 0; x < s->nx; x++) {
			const struct sweep_stat *p = &stat[k * s->nx + x];
			if (p->n == 0)
				continue;
			nonzero |= p->mean != 0 || p->max != 0;
			fprintf(f, "%s\t%.6g\t%.6g\t%.6g\t%u\n", s->xs[x], scale * p->mean, scale * (p->mean - p->ci95),
			        scale * (p->mean + p->ci95), p->n);
		}
	}
	if (fclose(f) != 0) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	return nonzero;
}

static int plot_experiment(sqlite3 *db, const char *experiment, const struct plot_options *o, size_t *made,
                           char *err, size_t err_size)
{
	struct sweep s;
	if (sweep_load(db, experiment, o->x_key, &s, err, err_size))
		return -1;
	char dir[4096], caption[512], options[64], nseries[16], path[3][4096 + 64];
	snprintf(dir, sizeof(dir), "%s/%s", o->dir, experiment);
	int rc = make_dir(dir, err, err_size);
	caption_of(db, experiment, &s, caption, sizeof(caption));
	snprintf(nseries, sizeof(nseries), "%zu", s.nseries);
	char xlabel[160];
	snprintf(xlabel, sizeof(xlabel), "%s", s.x_key[0] ? s.x_key : "(nothing swept)");
	struct param_doc doc;
	for (size_t i = 0; config_param_doc(i, &doc) == 0; i++)
		if (!strcmp(doc.name, s.x_key) && doc.unit[0])
			snprintf(xlabel, sizeof(xlabel), "%s (%s)", s.x_key, doc.unit);
	double lo = 0, hi = 0, lowest_positive = 0;
	for (size_t x = 0; s.x_numeric && x < s.nx; x++) {
		double v = strtod(s.xs[x], NULL);
		lo = x == 0 || v < lo ? v : lo;
		hi = x == 0 || v > hi ? v : hi;
		if (v > 0 && (lowest_positive == 0 || v < lowest_positive))
			lowest_positive = v;
	}
	/* Values from 0 over several orders of magnitude (0, 5, 60, ..., 86400 s) fit neither a
	 * linear nor a log axis: drawn as evenly spaced categories. */
	int categorical = !s.x_numeric || (lo <= 0 && lowest_positive > 0 && hi / lowest_positive >= 100);
	struct sweep_stat *stat = calloc(s.nseries * s.nx + 1, sizeof(*stat));
	if (!stat) {
		snprintf(err, err_size, "out of memory");
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < sizeof(figures) / sizeof(figures[0]); i++) {
		const struct figure *fig = &figures[i];
		snprintf(path[0], sizeof(path[0]), "%s/%s.tsv", dir, fig->file);
		snprintf(path[1], sizeof(path[1]), "%s/%s.gp", dir, fig->file);
		if (sweep_stats(db, &s, fig->scalar, stat, err, err_size)) {
			rc = -1;
			break;
		}
		int nonzero = write_data(path[0], &s, stat, fig->scale, err, err_size);
		if (nonzero < 0) {
			rc = -1;
			break;
		}
		if (!nonzero && fig->optional) {
			remove(path[0]);
			continue;
		}
		snprintf(options, sizeof(options), "%s%s%s", fig->percent ? "percent " : "",
		         categorical ? "categorical " : "", !categorical && lo > 0 && hi / lo >= 8 ? "logx" : "");
		if ((rc = write_text(path[1], plot_script_sweep, err, err_size)))
			break;
		for (const char *fmt = o->formats; rc == 0 && *fmt;) {
			size_t len = strcspn(fmt, ",");
			char ext[8];
			snprintf(ext, sizeof(ext), "%.*s", (int)(len < sizeof(ext) - 1 ? len : sizeof(ext) - 1), fmt);
			snprintf(path[2], sizeof(path[2]), "%s/%s.%s", dir, fig->file, ext);
			char *argv[] = { "gnuplot", "-c", path[1], path[0], path[2], ext, (char *)fig->title,
				         xlabel, (char *)fig->ylabel, caption, options,
				         nseries, NULL };
			char log[4096 + 80];
			snprintf(log, sizeof(log), "%s.log", path[2]);
			rc = run_gnuplot(argv, log, err, err_size);
			if (rc == 0 && o->list)
				fprintf(o->list, "%s\n", path[2]);
			fmt += len + (fmt[len] == ',');
		}
		*made += rc == 0;
	}
	free(stat);
	sweep_free(&s);
	return rc;
}

static int check_formats(const char *formats, char *err, size_t err_size)
{
	for (const char *f = formats; *f;) {
		size_t len = strcspn(f, ",");
		if (!((len == 3 && (!strncmp(f, "png", 3) || !strncmp(f, "svg", 3) || !strncmp(f, "pdf", 3))))) {
			snprintf(err, err_size, "unknown figure format '%.*s' (png, svg, pdf)", (int)len, f);
			return -1;
		}
		f += len + (f[len] == ',');
	}
	return 0;
}

int plot_all(const char *db_path, const struct plot_options *o, char *err, size_t err_size)
{
	if (check_formats(o->formats, err, err_size))
		return -1;
	sqlite3 *db;
	if (results_db_open_readonly(db_path, &db, err, err_size))
		return -1;
	if (make_dir(o->dir, err, err_size)) {
		sqlite3_close(db);
		return -1;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT experiment FROM run WHERE status = 'done' GROUP BY experiment"
	                           " ORDER BY min(runId)", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, err_size, "%s: %s", db_path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	int rc = 0, found = 0;
	size_t made = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (o->experiment && strcmp(o->experiment, name))
			continue;
		found = 1;
		rc = plot_experiment(db, name, o, &made, err, err_size);
	}
	sqlite3_finalize(st);
	if (rc == 0 && !found) {
		snprintf(err, err_size, o->experiment ? "%s: no finished runs of experiment '%s'" : "%s: no finished runs%s",
		         db_path, o->experiment ? o->experiment : "");
		rc = -1;
	}
	sqlite3_close(db);
	return rc;
}
