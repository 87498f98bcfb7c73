/*
 * report — summary tables of a results database, as aligned text, CSV, TSV or JSON.
 */
#ifndef SHARESIM_REPORT_H
#define SHARESIM_REPORT_H

#include <stddef.h>
#include <stdio.h>

enum report_format { REPORT_TEXT = 0, REPORT_CSV, REPORT_TSV, REPORT_JSON };

/**
 * Print a table per experiment (or only the named one): its runs, or with `means` the mean and
 * 95 % confidence interval of each point over its repetitions (text output adds that table by
 * itself when points repeat). JSON holds both, with every run-level scalar.
 */
int report_print(const char *path, const char *experiment, enum report_format format, int means, FILE *out,
                 char *err, size_t err_size);

/** s as a JSON string (quotes, backslashes and control characters escaped); NULL as "". */
void report_json_string(FILE *out, const char *s);

#endif
