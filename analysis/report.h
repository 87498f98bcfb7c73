/*
 * report — summary tables of a results database, as aligned text, CSV or TSV.
 */
#ifndef SHARESIM_REPORT_H
#define SHARESIM_REPORT_H

#include <stddef.h>
#include <stdio.h>

enum report_format { REPORT_TEXT = 0, REPORT_CSV, REPORT_TSV };

/** Print a table per experiment (or only the named one). */
int report_print(const char *path, const char *experiment, enum report_format format, FILE *out,
                 char *err, size_t err_size);

#endif
