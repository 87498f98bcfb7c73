/*
 * plot — figures from a results database: the plotted data as TSV, the gnuplot script beside
 * it, and the PNG made by running gnuplot on them (so a user can edit and re-run either).
 */
#ifndef SHARESIM_PLOT_H
#define SHARESIM_PLOT_H

#include <stddef.h>

/** Write hitrate.{tsv,gp,png} and traffic.{tsv,gp,png} into dir (created if missing). */
int plot_all(const char *db_path, const char *dir, char *err, size_t err_size);

#endif
