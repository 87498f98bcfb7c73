/*
 * report — one table per experiment from the run_summary view.
 */
#include "analysis/report.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/results_db.h"
#include "analysis/sweep.h"

int results_db_open_readonly(const char *path, sqlite3 **out, char *err, size_t err_size)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, err_size, "%s: no such results database", path);
		return -1;
	}
	fclose(f);
	if (results_file_is_sqlite_or_new(path, err, err_size))
		return -1;
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, err_size, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return -1;
	}
	if (results_db_check(path, db, 0, err, err_size)) {
		sqlite3_close(db);
		return -1;
	}
	*out = db;
	return 0;
}

static const char *const columns[] = {
	"run", "parameters", "status", "queries", "hit%", "own%", "peers%", "p95 ms", "upstream",
	"share msg/node/s", "share B/node/s", "rejected", "wall s",
};
#define NCOLS (sizeof(columns) / sizeof(columns[0]))

static void row_cells(sqlite3_stmt *st, char cells[NCOLS][256])
{
	const char *status = (const char *)sqlite3_column_text(st, 3);
	const char *reason = (const char *)sqlite3_column_text(st, 4);
	snprintf(cells[0], 256, "%lld", (long long)sqlite3_column_int64(st, 0));
	snprintf(cells[1], 256, "%s", sqlite3_column_text(st, 5) ? (const char *)sqlite3_column_text(st, 5) : "-");
	if (status && !strcmp(status, "done"))
		snprintf(cells[2], 256, "done");
	else
		snprintf(cells[2], 256, "%s%s%s", status ? status : "?", reason ? ": " : "", reason ? reason : "");
	int done = status && !strcmp(status, "done");
	for (int c = 3; c < (int)NCOLS; c++)
		snprintf(cells[c], 256, "-");
	if (!done)
		return;
	snprintf(cells[3], 256, "%lld", (long long)sqlite3_column_int64(st, 6));
	snprintf(cells[4], 256, "%.2f", 100 * sqlite3_column_double(st, 9));
	snprintf(cells[5], 256, "%.2f", 100 * sqlite3_column_double(st, 10));
	snprintf(cells[6], 256, "%.2f", 100 * sqlite3_column_double(st, 11));
	snprintf(cells[7], 256, "%.2f", sqlite3_column_double(st, 16));
	snprintf(cells[8], 256, "%.0f", sqlite3_column_double(st, 12));
	snprintf(cells[9], 256, "%.3f", sqlite3_column_double(st, 13));
	snprintf(cells[10], 256, "%.1f", sqlite3_column_double(st, 14));
	snprintf(cells[11], 256, "%.0f", sqlite3_column_double(st, 15));
	snprintf(cells[12], 256, "%.2f", sqlite3_column_double(st, 8));
}

static void print_cell(FILE *out, enum report_format format, const char *cell, int width, int first)
{
	if (format == REPORT_TEXT) {
		fprintf(out, "%s%-*s", first ? "" : "  ", width, cell);
	} else if (format == REPORT_TSV) {
		fprintf(out, "%s%s", first ? "" : "\t", cell);
	} else {
		fprintf(out, "%s", first ? "" : ",");
		if (strpbrk(cell, ",\"\n")) {
			fputc('"', out);
			for (const char *p = cell; *p; p++)
				fprintf(out, *p == '"' ? "\"\"" : "%c", *p);
			fputc('"', out);
		} else {
			fputs(cell, out);
		}
	}
}

static int print_experiment(sqlite3 *db, const char *experiment, enum report_format format, FILE *out)
{
	sqlite3_stmt *st;
	/* The parameters column: the varying keys, as the figures label the runs (a sweep run in
	 * parts reads as one); else the swept ones. */
	const char *sql = "SELECT runId, experiment, runName, status, reason, coalesce("
	                  " (SELECT group_concat(p.paramKey || '=' || p.paramValue, ' ') FROM runParam p"
	                  "  WHERE p.runId = s.runId AND p.paramKey IN " SWEEP_VARYING_KEYS("?1") "),"
	                  " itervars),"
	                  " queries, nodes,"
	                  " wallSeconds, hitrate, hitrateOwn, hitrateShared, upstream, shareMsgsPerNodePerS,"
	                  " shareBytesPerNodePerS, rejected, latencyP95 FROM run_summary s WHERE experiment = ?1"
	                  " ORDER BY runId";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, experiment, -1, SQLITE_STATIC);
	int width[NCOLS];
	for (size_t c = 0; c < NCOLS; c++)
		width[c] = (int)strlen(columns[c]);
	char cells[NCOLS][256];
	while (sqlite3_step(st) == SQLITE_ROW) { /* first pass: column widths */
		row_cells(st, cells);
		for (size_t c = 0; c < NCOLS; c++)
			if ((int)strlen(cells[c]) > width[c])
				width[c] = (int)strlen(cells[c]);
	}
	sqlite3_reset(st);
	if (format == REPORT_TEXT)
		fprintf(out, "experiment %s\n", experiment);
	for (size_t c = 0; c < NCOLS; c++)
		print_cell(out, format, columns[c], width[c], c == 0);
	fputc('\n', out);
	while (sqlite3_step(st) == SQLITE_ROW) {
		row_cells(st, cells);
		for (size_t c = 0; c < NCOLS; c++)
			print_cell(out, format, cells[c], width[c], c == 0);
		fputc('\n', out);
	}
	sqlite3_finalize(st);
	if (format == REPORT_TEXT)
		fputc('\n', out);
	return 0;
}

/* The measures of the means table and of the JSON points. */
static const struct {
	const char *column, *scalar;
	double scale;
	const char *fmt;
} measures[] = {
	{ "hit%", "hitrate", 100, "%.2f" },
	{ "peers%", "hitrate.shared", 100, "%.2f" },
	{ "upstream/query", "upstream.per.query", 1, "%.4f" },
	{ "p95 ms", "latency.p95", 1, "%.2f" },
	{ "share B/node/s", "share.bytes.per.node.per.s", 1, "%.1f" },
	{ "stale%", "stale.per.query", 100, "%.3f" },
};
#define NMEASURES (sizeof(measures) / sizeof(measures[0]))
#define NMEANCOLS (2 + 2 * NMEASURES)

static void point_label(const struct sweep *s, size_t k, size_t x, char *out, size_t size)
{
	const char *dot = strrchr(s->x_key, '.');
	const char *series = strcmp(s->series[k], "all runs") ? s->series[k] : "";
	if (s->x_key[0])
		snprintf(out, size, "%s%s%s=%s", series, series[0] ? ", " : "", dot ? dot + 1 : s->x_key, s->xs[x]);
	else
		snprintf(out, size, "%s", s->series[k]);
}

/* Mean and 95 % CI per point; stats[m] holds measure m for every point. */
static int load_means(sqlite3 *db, const char *experiment, struct sweep *s, struct sweep_stat *stats[NMEASURES])
{
	char err[256];
	if (sweep_load(db, experiment, NULL, s, err, sizeof(err)))
		return -1;
	for (size_t m = 0; m < NMEASURES; m++) {
		stats[m] = calloc(s->nseries * s->nx + 1, sizeof(**stats));
		if (!stats[m] || sweep_stats(db, s, measures[m].scalar, stats[m], err, sizeof(err))) {
			for (size_t k = 0; k <= m; k++)
				free(stats[k]);
			sweep_free(s);
			return -1;
		}
	}
	return 0;
}

static int print_means(sqlite3 *db, const char *experiment, enum report_format format, int always, FILE *out)
{
	struct sweep s;
	struct sweep_stat *stats[NMEASURES];
	if (load_means(db, experiment, &s, stats))
		return -1;
	if (!always && s.max_repetitions < 2) {
		for (size_t m = 0; m < NMEASURES; m++)
			free(stats[m]);
		sweep_free(&s);
		return 0;
	}
	char header[NMEANCOLS][64], (*cells)[NMEANCOLS][256] = calloc(s.nseries * s.nx + 1, sizeof(*cells));
	int width[NMEANCOLS];
	snprintf(header[0], 64, "point");
	snprintf(header[1], 64, "runs");
	for (size_t m = 0; m < NMEASURES; m++) {
		snprintf(header[2 + 2 * m], 64, "%s", measures[m].column);
		snprintf(header[3 + 2 * m], 64, "+-95%%");
	}
	for (size_t c = 0; c < NMEANCOLS; c++)
		width[c] = (int)strlen(header[c]);
	size_t rows = 0;
	for (size_t k = 0; cells && k < s.nseries; k++)
		for (size_t x = 0; x < s.nx; x++) {
			const struct sweep_stat *first = &stats[0][k * s.nx + x];
			if (first->n == 0)
				continue;
			point_label(&s, k, x, cells[rows][0], 256);
			snprintf(cells[rows][1], 256, "%u", first->n);
			for (size_t m = 0; m < NMEASURES; m++) {
				const struct sweep_stat *p = &stats[m][k * s.nx + x];
				snprintf(cells[rows][2 + 2 * m], 256, measures[m].fmt, measures[m].scale * p->mean);
				snprintf(cells[rows][3 + 2 * m], 256, measures[m].fmt, measures[m].scale * p->ci95);
			}
			for (size_t c = 0; c < NMEANCOLS; c++)
				if ((int)strlen(cells[rows][c]) > width[c])
					width[c] = (int)strlen(cells[rows][c]);
			rows++;
		}
	if (format == REPORT_TEXT)
		fprintf(out, "experiment %s: mean of each point over its repetitions, with the half width of its 95%% confidence interval\n",
		        experiment);
	for (size_t c = 0; c < NMEANCOLS; c++)
		print_cell(out, format, header[c], width[c], c == 0);
	fputc('\n', out);
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < NMEANCOLS; c++)
			print_cell(out, format, cells[r][c], width[c], c == 0);
		fputc('\n', out);
	}
	if (format == REPORT_TEXT)
		fputc('\n', out);
	free(cells);
	for (size_t m = 0; m < NMEASURES; m++)
		free(stats[m]);
	sweep_free(&s);
	return 0;
}

void report_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_number(FILE *out, double v)
{
	if (isfinite(v))
		fprintf(out, "%.17g", v);
	else
		fputs("null", out);
}

static void json_itervars(sqlite3 *db, int64_t run_id, FILE *out)
{
	sqlite3_stmt *st;
	fputc('{', out);
	if (sqlite3_prepare_v2(db, "SELECT itervarName, value FROM runItervar WHERE runId = ?1 ORDER BY rowid", -1, &st,
	                       NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, run_id);
		for (int n = 0; sqlite3_step(st) == SQLITE_ROW; n++) {
			fputs(n ? "," : "", out);
			report_json_string(out, (const char *)sqlite3_column_text(st, 0));
			fputc(':', out);
			report_json_string(out, (const char *)sqlite3_column_text(st, 1));
		}
		sqlite3_finalize(st);
	}
	fputc('}', out);
}

static int print_json(sqlite3 *db, const char *experiment, FILE *out)
{
	sqlite3_stmt *runs, *scalars;
	if (sqlite3_prepare_v2(db, "SELECT runId, runName, status, reason, seed, repetition, traceDigest, version,"
	                           " wallSeconds, queries FROM run WHERE experiment = ?1 ORDER BY runId",
	                       -1, &runs, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT name, value FROM scalar WHERE runId = ?1 AND node = -1 ORDER BY rowid", -1,
	                       &scalars, NULL) != SQLITE_OK) {
		sqlite3_finalize(runs);
		return -1;
	}
	fputs("{\"name\":", out);
	report_json_string(out, experiment);
	fputs(",\"runs\":[", out);
	sqlite3_bind_text(runs, 1, experiment, -1, SQLITE_STATIC);
	for (int n = 0; sqlite3_step(runs) == SQLITE_ROW; n++) {
		int64_t id = sqlite3_column_int64(runs, 0);
		fprintf(out, "%s{\"run\":%lld,\"name\":", n ? "," : "", (long long)id);
		report_json_string(out, (const char *)sqlite3_column_text(runs, 1));
		fputs(",\"status\":", out);
		report_json_string(out, (const char *)sqlite3_column_text(runs, 2));
		if (sqlite3_column_type(runs, 3) != SQLITE_NULL) {
			fputs(",\"reason\":", out);
			report_json_string(out, (const char *)sqlite3_column_text(runs, 3));
		}
		fprintf(out, ",\"seed\":%lld,\"repetition\":%lld,\"trace_digest\":", (long long)sqlite3_column_int64(runs, 4),
		        (long long)sqlite3_column_int64(runs, 5));
		report_json_string(out, (const char *)sqlite3_column_text(runs, 6));
		fputs(",\"version\":", out);
		report_json_string(out, (const char *)sqlite3_column_text(runs, 7));
		fputs(",\"itervars\":", out);
		json_itervars(db, id, out);
		fputs(",\"scalars\":{", out);
		sqlite3_bind_int64(scalars, 1, id);
		for (int k = 0; sqlite3_step(scalars) == SQLITE_ROW; k++) {
			fputs(k ? "," : "", out);
			report_json_string(out, (const char *)sqlite3_column_text(scalars, 0));
			fputc(':', out);
			json_number(out, sqlite3_column_type(scalars, 1) == SQLITE_NULL ? NAN : sqlite3_column_double(scalars, 1));
		}
		sqlite3_reset(scalars);
		fputs("}}", out);
	}
	sqlite3_finalize(runs);
	sqlite3_finalize(scalars);
	fputs("],\"points\":[", out);
	struct sweep s;
	struct sweep_stat *stats[NMEASURES];
	if (load_means(db, experiment, &s, stats) == 0) {
		int n = 0;
		for (size_t k = 0; k < s.nseries; k++)
			for (size_t x = 0; x < s.nx; x++) {
				if (stats[0][k * s.nx + x].n == 0)
					continue;
				int64_t representative = 0;
				for (size_t r = 0; r < s.nruns && !representative; r++)
					if (s.runs[r].series == k && s.runs[r].x == x)
						representative = s.runs[r].run_id;
				fputs(n++ ? ",{\"itervars\":" : "{\"itervars\":", out);
				json_itervars(db, representative, out);
				fprintf(out, ",\"runs\":%u", stats[0][k * s.nx + x].n);
				for (int part = 0; part < 2; part++) {
					fputs(part ? ",\"ci95\":{" : ",\"mean\":{", out);
					for (size_t m = 0; m < NMEASURES; m++) {
						const struct sweep_stat *p = &stats[m][k * s.nx + x];
						fputs(m ? "," : "", out);
						report_json_string(out, measures[m].scalar);
						fputc(':', out);
						json_number(out, p->n == 0 ? NAN : part ? p->ci95 : p->mean);
					}
					fputc('}', out);
				}
				fputc('}', out);
			}
		for (size_t m = 0; m < NMEASURES; m++)
			free(stats[m]);
		sweep_free(&s);
	}
	fputs("]}", out);
	return 0;
}

int report_print(const char *path, const char *experiment, enum report_format format, int means, FILE *out,
                 char *err, size_t err_size)
{
	sqlite3 *db;
	if (results_db_open_readonly(path, &db, err, err_size))
		return -1;
	sqlite3_stmt *st;
	int rc = 0, found = 0;
	if (sqlite3_prepare_v2(db, "SELECT experiment FROM run GROUP BY experiment ORDER BY min(runId)",
	                       -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, err_size, "%s: %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (experiment && strcmp(experiment, name))
			continue;
		if (format == REPORT_JSON) {
			fputs(found ? "," : "{\"experiments\":[", out);
			rc = print_json(db, name, out);
		} else if (means) {
			rc = print_means(db, name, format, 1, out);
		} else {
			rc = print_experiment(db, name, format, out);
			rc = rc ? rc : format == REPORT_TEXT ? print_means(db, name, format, 0, out) : 0;
		}
		found = 1;
	}
	sqlite3_finalize(st);
	if (format == REPORT_JSON && found && rc == 0)
		fputs("]}\n", out);
	if (rc)
		snprintf(err, err_size, "%s: %s", path, sqlite3_errmsg(db));
	else if (!found) {
		snprintf(err, err_size, experiment ? "%s: no experiment named '%s'" : "%s: no runs yet%s", path,
		         experiment ? experiment : "");
		rc = -1;
	}
	sqlite3_close(db);
	return rc;
}
