/*
 * sweep — runs of an experiment as (series, x) points with repetitions folded together.
 */
#include "analysis/sweep.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t err_size, sqlite3 *db, const char *what)
{
	snprintf(err, err_size, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
	return -1;
}

static int is_number(const char *s)
{
	char *end;
	if (!*s)
		return 0;
	strtod(s, &end);
	return *end == '\0';
}

/* Index of text in list (appended if new); SIZE_MAX when out of memory. */
static size_t intern(char ***list, size_t *n, const char *text)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*list)[i], text))
			return i;
	char **grown = realloc(*list, (*n + 1) * sizeof(**list));
	if (!grown)
		return SIZE_MAX;
	*list = grown;
	if (!(grown[*n] = strdup(text)))
		return SIZE_MAX;
	return (*n)++;
}

static const char *short_key(const char *key)
{
	const char *dot = strrchr(key, '.');
	return dot ? dot + 1 : key;
}

/* A trace path is shown as its file name without extension. */
static const char *display_value(const char *key, const char *value, char *buf, size_t size)
{
	if (strcmp(key, "experiment.trace"))
		return value;
	const char *slash = strrchr(value, '/');
	snprintf(buf, size, "%s", slash ? slash + 1 : value);
	char *dot = strrchr(buf, '.');
	if (dot && dot != buf)
		*dot = '\0';
	return buf;
}

/* Keys that tell points apart: every parameter whose value differs between the experiment's
 * runs (so that a sweep run in several parts, with --set, is labelled as one), but the seed,
 * which makes repetitions, and the repetition count. */
#define VARYING_KEY "i.paramKey NOT IN ('experiment.seed', 'experiment.repeat')"

/* The x axis: the one asked for, else resolvers.nodes, else the numeric key with most values. */
static int choose_x(sqlite3 *db, const char *experiment, const char *wanted, char *x_key, size_t size,
                    char *err, size_t err_size)
{
	sqlite3_stmt *st;
	const char *sql = "SELECT i.paramKey, count(DISTINCT i.paramValue),"
	                  " min(CASE WHEN CAST(i.paramValue AS REAL) || '' = i.paramValue"
	                  " OR CAST(i.paramValue AS INTEGER) || '' = i.paramValue THEN 1 ELSE 0 END)"
	                  " FROM runParam i JOIN run r ON r.runId = i.runId"
	                  " WHERE r.experiment = ?1 AND r.status = 'done' AND " VARYING_KEY
	                  " GROUP BY i.paramKey HAVING count(DISTINCT i.paramValue) > 1 ORDER BY min(i.rowid)";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(err, err_size, db, "swept keys");
	sqlite3_bind_text(st, 1, experiment, -1, SQLITE_STATIC);
	int best = -1, found_wanted = 0;
	x_key[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		int values = sqlite3_column_int(st, 1), numeric = sqlite3_column_int(st, 2);
		if (wanted) {
			if (!strcmp(key, wanted) || !strcmp(short_key(key), wanted)) {
				snprintf(x_key, size, "%s", key);
				found_wanted = 1;
			}
			continue;
		}
		int score = (!strcmp(key, "resolvers.nodes") ? 1000000 : 0) + (numeric ? 10000 : 0) + values;
		if (score > best) {
			best = score;
			snprintf(x_key, size, "%s", key);
		}
	}
	sqlite3_finalize(st);
	if (wanted && !found_wanted) {
		snprintf(err, err_size, "experiment %s does not sweep '%s'", experiment, wanted);
		return -1;
	}
	return 0;
}

static const char *const *sort_xs_base;
static int cmp_numeric_index(const void *a, const void *b)
{
	double x = strtod(sort_xs_base[*(const size_t *)a], NULL), y = strtod(sort_xs_base[*(const size_t *)b], NULL);
	return x < y ? -1 : x > y;
}

/* Order xs numerically and renumber the runs' x indexes. */
static int sort_numeric(struct sweep *s)
{
	size_t *order = malloc((s->nx ? s->nx : 1) * sizeof(*order)), *rank = malloc((s->nx ? s->nx : 1) * sizeof(*rank));
	char **sorted = malloc((s->nx ? s->nx : 1) * sizeof(*sorted));
	if (!order || !rank || !sorted) {
		free(order), free(rank), free(sorted);
		return -1;
	}
	for (size_t i = 0; i < s->nx; i++)
		order[i] = i;
	sort_xs_base = (const char *const *)s->xs;
	qsort(order, s->nx, sizeof(*order), cmp_numeric_index);
	for (size_t i = 0; i < s->nx; i++) {
		sorted[i] = s->xs[order[i]];
		rank[order[i]] = i;
	}
	for (size_t r = 0; r < s->nruns; r++)
		s->runs[r].x = rank[s->runs[r].x];
	free(s->xs);
	s->xs = sorted;
	free(order);
	free(rank);
	return 0;
}

int sweep_load(sqlite3 *db, const char *experiment, const char *x_key, struct sweep *out, char *err,
               size_t err_size)
{
	memset(out, 0, sizeof(*out));
	if (choose_x(db, experiment, x_key, out->x_key, sizeof(out->x_key), err, err_size))
		return -1;
	sqlite3_stmt *runs, *vars;
	/* Runs of one trace path with different digests (the file was made again) are not
	 * repetitions of each other: their digest joins the label. */
	int by_digest = 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT count(DISTINCT traceDigest) > count(DISTINCT tracePath) FROM run"
	                           " WHERE experiment = ?1 AND status = 'done'", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, experiment, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			by_digest = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (sqlite3_prepare_v2(db, "SELECT runId, substr(traceDigest, 1, 12) FROM run WHERE experiment = ?1"
	                           " AND status = 'done' ORDER BY runId", -1, &runs, NULL) != SQLITE_OK)
		return fail(err, err_size, db, "runs");
	if (sqlite3_prepare_v2(db, "SELECT i.paramKey, i.paramValue FROM runParam i WHERE i.runId = ?1"
	                           " AND i.paramKey IN " SWEEP_VARYING_KEYS("?2") " ORDER BY i.rowid",
	                       -1, &vars, NULL) != SQLITE_OK) {
		sqlite3_finalize(runs);
		return fail(err, err_size, db, "swept values");
	}
	sqlite3_bind_text(runs, 1, experiment, -1, SQLITE_STATIC);
	sqlite3_bind_text(vars, 2, experiment, -1, SQLITE_STATIC);
	int rc = 0;
	out->x_numeric = 1;
	while (rc == 0 && sqlite3_step(runs) == SQLITE_ROW) {
		struct sweep_run run = { .run_id = sqlite3_column_int64(runs, 0) };
		char label[512] = "", x[128] = "-";
		sqlite3_bind_int64(vars, 1, run.run_id);
		while (sqlite3_step(vars) == SQLITE_ROW) {
			const char *key = (const char *)sqlite3_column_text(vars, 0);
			char stem[128];
			const char *value = display_value(key, (const char *)sqlite3_column_text(vars, 1), stem, sizeof(stem));
			if (!strcmp(key, out->x_key)) {
				snprintf(x, sizeof(x), "%s", value);
				continue;
			}
			size_t len = strlen(label);
			snprintf(label + len, sizeof(label) - len, "%s%s=%s", len ? ", " : "", short_key(key), value);
		}
		sqlite3_reset(vars);
		if (by_digest && sqlite3_column_text(runs, 1)) {
			size_t len = strlen(label);
			snprintf(label + len, sizeof(label) - len, "%sdigest=%s", len ? ", " : "", sqlite3_column_text(runs, 1));
		}
		if (!label[0])
			snprintf(label, sizeof(label), "all runs");
		out->x_numeric &= is_number(x);
		struct sweep_run *grown = realloc(out->runs, (out->nruns + 1) * sizeof(*grown));
		if (!grown || (run.x = intern(&out->xs, &out->nx, x)) == SIZE_MAX ||
		    (run.series = intern(&out->series, &out->nseries, label)) == SIZE_MAX) {
			if (grown)
				out->runs = grown;
			rc = fail(err, err_size, NULL, experiment);
			break;
		}
		out->runs = grown;
		out->runs[out->nruns++] = run;
	}
	sqlite3_finalize(runs);
	sqlite3_finalize(vars);
	if (rc == 0 && out->x_numeric && sort_numeric(out))
		rc = fail(err, err_size, NULL, experiment);
	if (rc == 0) {
		unsigned *count = calloc(out->nseries * out->nx + 1, sizeof(*count));
		if (!count)
			rc = fail(err, err_size, NULL, experiment);
		for (size_t r = 0; count && r < out->nruns; r++) {
			unsigned c = ++count[out->runs[r].series * out->nx + out->runs[r].x];
			if (c > out->max_repetitions)
				out->max_repetitions = c;
		}
		free(count);
	}
	if (rc)
		sweep_free(out);
	return rc;
}

double sweep_ci95(unsigned n, double sd)
{
	if (n < 2)
		return 0;
	return gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
}

int sweep_stats(sqlite3 *db, const struct sweep *s, const char *name, struct sweep_stat *out, char *err,
                size_t err_size)
{
	size_t points = s->nseries * s->nx;
	double *sum = calloc(points + 1, sizeof(*sum)), *sumsq = calloc(points + 1, sizeof(*sumsq));
	if (!sum || !sumsq) {
		free(sum), free(sumsq);
		return fail(err, err_size, NULL, name);
	}
	for (size_t p = 0; p < points; p++)
		out[p] = (struct sweep_stat){ .n = 0 };
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT value FROM scalar WHERE runId = ?1 AND node = -1 AND name = ?2", -1, &st,
	                       NULL) != SQLITE_OK) {
		free(sum), free(sumsq);
		return fail(err, err_size, db, name);
	}
	for (size_t r = 0; r < s->nruns; r++) {
		sqlite3_bind_int64(st, 1, s->runs[r].run_id);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
			size_t p = s->runs[r].series * s->nx + s->runs[r].x;
			double v = sqlite3_column_double(st, 0);
			if (out[p].n == 0 || v < out[p].min)
				out[p].min = v;
			if (out[p].n == 0 || v > out[p].max)
				out[p].max = v;
			out[p].n++;
			sum[p] += v;
			sumsq[p] += v * v;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	for (size_t p = 0; p < points; p++) {
		if (out[p].n == 0)
			continue;
		double n = out[p].n, mean = sum[p] / n;
		double var = n > 1 ? (sumsq[p] - n * mean * mean) / (n - 1) : 0;
		out[p].mean = mean;
		out[p].ci95 = sweep_ci95(out[p].n, var > 0 ? sqrt(var) : 0);
	}
	free(sum);
	free(sumsq);
	return 0;
}

void sweep_free(struct sweep *s)
{
	for (size_t i = 0; i < s->nx; i++)
		free(s->xs[i]);
	for (size_t i = 0; i < s->nseries; i++)
		free(s->series[i]);
	free(s->xs);
	free(s->series);
	free(s->runs);
	memset(s, 0, sizeof(*s));
}
