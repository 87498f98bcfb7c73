/*
 * report — one table per experiment from the run_summary view.
 */
#include "analysis/report.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "analysis/results_db.h"

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
	const char *sql = "SELECT runId, experiment, runName, status, reason, itervars, queries, nodes,"
	                  " wallSeconds, hitrate, hitrateOwn, hitrateShared, upstream, shareMsgsPerNodePerS,"
	                  " shareBytesPerNodePerS, rejected, latencyP95 FROM run_summary WHERE experiment = ?"
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

int report_print(const char *path, const char *experiment, enum report_format format, FILE *out,
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
		found = 1;
		rc = print_experiment(db, name, format, out);
	}
	sqlite3_finalize(st);
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
