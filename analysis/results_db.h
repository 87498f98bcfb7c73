/*
 * results_db — shared by the writer, the report and the plots: checks that a file is a
 * sharesim results database before anything reads or writes it.
 */
#ifndef SHARESIM_RESULTS_DB_H
#define SHARESIM_RESULTS_DB_H

#include <sqlite3.h>
#include <stddef.h>

/** 0 if path does not exist, is empty, or starts with the SQLite header; else an error. */
int results_file_is_sqlite_or_new(const char *path, char *err, size_t err_size);
/** Check the meta table (or create the schema in an empty database when may_create). */
int results_db_check(const char *path, sqlite3 *db, int may_create, char *err, size_t err_size);
/** Open an existing results database read-only, checked. */
int results_db_open_readonly(const char *path, sqlite3 **out, char *err, size_t err_size);

#endif
