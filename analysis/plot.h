/*
 * plot — figures from a results database: for every experiment and measure, the plotted data
 * (.tsv), the gnuplot script (.gp) and the figure in each format asked for, made by running
 * gnuplot on them (so a user can edit and re-run either).
 */
#ifndef SHARESIM_PLOT_H
#define SHARESIM_PLOT_H

#include <stddef.h>
#include <stdio.h>

struct plot_options {
	const char *dir;        /* figures go to dir/EXPERIMENT/ (created if missing) */
	const char *experiment; /* NULL: every experiment with finished runs */
	const char *x_key;      /* swept key on the x axis; NULL: chosen (see sweep_load) */
	const char *formats;    /* comma-separated: png, svg, pdf */
	FILE *list;             /* where to list the figures made, or NULL */
};

int plot_all(const char *db_path, const struct plot_options *o, char *err, size_t err_size);

#endif
