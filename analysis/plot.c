/*
 * plot — data export and gnuplot runs. gnuplot is started with an argument vector
 * (posix_spawnp), never through a shell.
 */
#include "analysis/plot.h"

#include <errno.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "analysis/plot_scripts.h"
#include "analysis/results_db.h"
#include "sim/version.h"

extern char **environ;

/* Per (transport, nodes): mean/min/max of a scalar over the done runs. */
static const char data_sql[] =
	"SELECT t.paramValue AS transport, CAST(n.paramValue AS INTEGER) AS nodes,"
	" avg(a.value), min(a.value), max(a.value), avg(b.value), avg(c.value)"
	" FROM run r"
	" JOIN runParam n ON n.runId = r.runId AND n.paramKey = 'resolvers.nodes'"
	" JOIN runParam t ON t.runId = r.runId AND t.paramKey = 'share.transport'"
	" JOIN scalar a ON a.runId = r.runId AND a.node = -1 AND a.name = ?1"
	" JOIN scalar b ON b.runId = r.runId AND b.node = -1 AND b.name = ?2"
	" JOIN scalar c ON c.runId = r.runId AND c.node = -1 AND c.name = ?3"
	" WHERE r.status = 'done' AND (?4 = 0 OR t.paramValue <> 'none')"
	" GROUP BY transport, nodes ORDER BY transport = 'none' DESC, transport, nodes";

/* Export one figure's data; the transports found go into `transports` (space-separated). */
static int export_tsv(sqlite3 *db, const char *path, const char *a, const char *b, const char *c,
                      int skip_none, double scale, char *transports, size_t tsize, char *err, size_t err_size)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, data_sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, err_size, "%s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, skip_none);
	FILE *f = fopen(path, "w");
	if (!f) {
		sqlite3_finalize(st);
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	transports[0] = '\0';
	char current[64] = "";
	int rows = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (strcmp(t, current)) {
			if (rows)
				fputs("\n\n", f);
			fprintf(f, "# transport %s\n", t);
			snprintf(current, sizeof(current), "%s", t);
			size_t l = strlen(transports);
			snprintf(transports + l, tsize - l, "%s%s", l ? " " : "", t);
		}
		fprintf(f, "%d\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\n", sqlite3_column_int(st, 1),
		        scale * sqlite3_column_double(st, 2), scale * sqlite3_column_double(st, 3),
		        scale * sqlite3_column_double(st, 4), (scale == 100 ? scale : 1) * sqlite3_column_double(st, 5),
		        (scale == 100 ? scale : 1) * sqlite3_column_double(st, 6));
		rows++;
	}
	sqlite3_finalize(st);
	fclose(f);
	return rows;
}

static int run_gnuplot(const char *script, const char *data, const char *png, const char *transports,
                       const char *caption, char *err, size_t err_size)
{
	char *argv[] = { "gnuplot", "-c", (char *)script, (char *)data, (char *)png,
		         (char *)transports, (char *)caption, NULL };
	pid_t pid;
	int rc = posix_spawnp(&pid, "gnuplot", NULL, NULL, argv, environ);
	if (rc) {
		snprintf(err, err_size, "cannot run gnuplot: %s (install gnuplot-nox)", strerror(rc));
		return -1;
	}
	int status;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, err_size, "gnuplot failed on %s (see its messages above)", script);
		return -1;
	}
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

static void caption_of(sqlite3 *db, char *out, size_t size)
{
	sqlite3_stmt *st;
	snprintf(out, size, "sharesim %s", SHARESIM_VERSION);
	if (sqlite3_prepare_v2(db, "SELECT group_concat(DISTINCT experiment), substr(min(traceDigest), 1, 12),"
	                           " count(*) FROM run WHERE status = 'done'", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			snprintf(out, size, "experiment %s, trace sha256 %s..., %d runs, sharesim %s",
			         sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
			         sqlite3_column_int(st, 2), SHARESIM_VERSION);
		sqlite3_finalize(st);
	}
}

int plot_all(const char *db_path, const char *dir, char *err, size_t err_size)
{
	sqlite3 *db;
	if (results_db_open_readonly(db_path, &db, err, err_size))
		return -1;
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		snprintf(err, err_size, "%s: %s", dir, strerror(errno));
		sqlite3_close(db);
		return -1;
	}
	char caption[512], transports[512], path[3][4096];
	caption_of(db, caption, sizeof(caption));
	const struct {
		const char *name, *script, *a, *b, *c;
		int skip_none;
		double scale;
	} figures[] = {
		{ "hitrate", plot_script_hitrate, "hitrate", "hitrate.own", "hitrate.shared", 0, 100 },
		{ "traffic", plot_script_traffic, "share.msgs.per.node.per.s", "share.bytes.per.node.per.s",
		  "share.bytes.per.node.per.s", 1, 1 },
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof(figures) / sizeof(figures[0]) && rc == 0; i++) {
		snprintf(path[0], sizeof(path[0]), "%s/%s.tsv", dir, figures[i].name);
		snprintf(path[1], sizeof(path[1]), "%s/%s.gp", dir, figures[i].name);
		snprintf(path[2], sizeof(path[2]), "%s/%s.png", dir, figures[i].name);
		int rows = export_tsv(db, path[0], figures[i].a, figures[i].b, figures[i].c,
		                      figures[i].skip_none, figures[i].scale, transports, sizeof(transports), err, err_size);
		if (rows < 0) {
			rc = -1;
		} else if (rows == 0) {
			snprintf(err, err_size, "%s: no finished runs with a share transport to plot for %s", db_path, figures[i].name);
			rc = -1;
		} else {
			rc = write_text(path[1], figures[i].script, err, err_size);
			rc = rc ? rc : run_gnuplot(path[1], path[0], path[2], transports, caption, err, err_size);
		}
	}
	sqlite3_close(db);
	return rc;
}
