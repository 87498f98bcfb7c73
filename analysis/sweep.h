/*
 * sweep — the runs of one experiment arranged for figures and summary tables: an x axis (one
 * varying key), series (the other varying keys), and repetitions folded into a mean with a 95 %
 * confidence interval (Student's t over the repetitions' seeds). A varying key is a parameter
 * whose value differs between the experiment's finished runs (whether swept in one run of
 * `sharesim run` or set differently in several), except experiment.seed and experiment.repeat.
 */
#ifndef SHARESIM_SWEEP_H
#define SHARESIM_SWEEP_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* SQL: the varying keys of the experiment named by parameter P ("?1"), as a subquery for IN. */
#define SWEEP_VARYING_KEYS(P)                                                                    \
	"(SELECT j.paramKey FROM runParam j JOIN run r ON r.runId = j.runId WHERE r.experiment = " P \
	" AND r.status = 'done' AND j.paramKey NOT IN ('experiment.seed', 'experiment.repeat')"      \
	" GROUP BY j.paramKey HAVING count(DISTINCT j.paramValue) > 1)"

struct sweep_run {
	int64_t run_id;
	size_t x;      /* index into sweep.xs */
	size_t series; /* index into sweep.series */
};

struct sweep {
	char x_key[64];        /* swept key on the x axis; "" when nothing is swept */
	int x_numeric;         /* every x value is a number (xs sorted numerically) */
	char **xs;             /* distinct x values */
	size_t nx;
	char **series;         /* distinct labels of the other swept keys ("transport=unicast, ...") */
	size_t nseries;
	struct sweep_run *runs; /* finished ('done') runs only */
	size_t nruns;
	unsigned max_repetitions; /* most runs at one (series, x) point */
};

struct sweep_stat {
	unsigned n;       /* runs at the point (0: no run) */
	double mean;
	double ci95;      /* half width of the 95 % confidence interval of the mean (0 when n < 2) */
	double min, max;
};

/**
 * Arrange the finished runs of `experiment`. x_key chooses the x axis (NULL: resolvers.nodes if
 * swept, else the numeric swept key with most values, else the swept key with most values).
 */
int sweep_load(sqlite3 *db, const char *experiment, const char *x_key, struct sweep *out,
               char *err, size_t err_size);

/** Statistics of the run-level scalar `name` (node -1) per point: out[series * nx + x]. */
int sweep_stats(sqlite3 *db, const struct sweep *s, const char *name, struct sweep_stat *out,
                char *err, size_t err_size);

/** Half width of the 95 % confidence interval of a mean of n values with sample deviation sd. */
double sweep_ci95(unsigned n, double sd);

void sweep_free(struct sweep *s);

#endif
