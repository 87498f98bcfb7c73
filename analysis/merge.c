/*
 * merge — run by run: the run row gets a new id in the target, and its rows follow it.
 */
#include "analysis/merge.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "analysis/results.h"
#include "analysis/results_db.h"

static const char run_columns[] =
	"runName, experiment, status, reason, seed, repetition, tracePath, traceDigest, version,"
	" startedAt, wallSeconds, events, queries, simulatedSeconds, nodes, binSeconds";

/* The tables keyed by run, and their columns after runId. */
static const struct { const char *table, *columns; } run_tables[] = {
	{ "runAttr", "attrName, attrValue" },
	{ "runItervar", "itervarName, value" },
	{ "runParam", "paramKey, paramValue" },
	{ "counter", "node, bin, binStart, name, value" },
	{ "scalar", "node, name, value" },
	{ "histogramBin", "node, name, binLowerBound, value" },
};

static int exec(sqlite3 *db, const char *sql, char *err, size_t err_size, const char *path)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(err, err_size, "%s: %s", path, msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -1;
}

static int copy_run(sqlite3 *db, sqlite3_int64 old_id, size_t *added, char *err, size_t err_size,
                    const char *into)
{
	char sql[1024];
	snprintf(sql, sizeof(sql),
	         /* The same configuration digest (every parameter); runs stored before it existed
	          * compare by name, trace, seed, repetition and version. */
	         "SELECT count(*) FROM main.run m JOIN src.run s ON s.runId = %lld AND m.status IS s.status"
	         " LEFT JOIN main.runAttr ma ON ma.runId = m.runId AND ma.attrName = 'configDigest'"
	         " LEFT JOIN src.runAttr sa ON sa.runId = s.runId AND sa.attrName = 'configDigest'"
	         " WHERE CASE WHEN ma.attrValue IS NOT NULL AND sa.attrValue IS NOT NULL"
	         " THEN ma.attrValue = sa.attrValue"
	         " ELSE m.runName IS s.runName AND m.traceDigest IS s.traceDigest AND m.seed IS s.seed"
	         " AND m.repetition IS s.repetition AND m.version IS s.version END",
	         (long long)old_id);
	sqlite3_stmt *st;
	int present = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			present = sqlite3_column_int(st, 0) > 0;
		sqlite3_finalize(st);
	}
	if (present)
		return 0;
	snprintf(sql, sizeof(sql), "INSERT INTO main.run(%s) SELECT %s FROM src.run WHERE runId = %lld",
	         run_columns, run_columns, (long long)old_id);
	if (exec(db, sql, err, err_size, into))
		return -1;
	sqlite3_int64 new_id = sqlite3_last_insert_rowid(db);
	for (size_t i = 0; i < sizeof(run_tables) / sizeof(run_tables[0]); i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO main.%s SELECT %lld, %s FROM src.%s WHERE runId = %lld",
		         run_tables[i].table, (long long)new_id, run_tables[i].columns, run_tables[i].table,
		         (long long)old_id);
		if (exec(db, sql, err, err_size, into))
			return -1;
	}
	(*added)++;
	return 0;
}

int results_merge(const char *into, const char *from, size_t *added, char *err, size_t err_size)
{
	*added = 0;
	sqlite3 *check;
	if (results_db_open_readonly(from, &check, err, err_size))
		return -1;
	sqlite3_close(check);
	struct results_db *target;
	if (results_open(into, &target, err, err_size))
		return -1;
	results_close(target); /* the schema exists now; work on a plain connection */
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(into, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		snprintf(err, err_size, "%s: %s", into, db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 120000);
	sqlite3_stmt *st = NULL;
	int rc = 0;
	char *attach = sqlite3_mprintf("ATTACH DATABASE %Q AS src", from);
	rc = exec(db, attach, err, err_size, from);
	sqlite3_free(attach);
	if (rc == 0)
		rc = exec(db, "BEGIN IMMEDIATE", err, err_size, into);
	if (rc == 0 && sqlite3_prepare_v2(db, "SELECT runId FROM src.run ORDER BY runId", -1, &st, NULL) != SQLITE_OK)
		rc = exec(db, "SELECT runId FROM src.run", err, err_size, from);
	while (rc == 0 && st && sqlite3_step(st) == SQLITE_ROW)
		rc = copy_run(db, sqlite3_column_int64(st, 0), added, err, err_size, into);
	sqlite3_finalize(st);
	if (rc == 0)
		rc = exec(db, "COMMIT", err, err_size, into);
	else
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	if (rc)
		*added = 0;
	return rc;
}
