/*
 * config — experiment files (OMNeT++-style INI) and their sweeps.
 *
 * The parameter registry (sim/config.c) names every key "section.key" with its type, default,
 * unit, meaning and source. A key may list several values ("nodes = 1, 2, 4"); the points of
 * the experiment are the cartesian product in registry order (the first swept key varies
 * slowest), times experiment.repeat repetitions. Points are independent and addressed by index,
 * so they can be run in any order or in parallel.
 */
#ifndef SHARESIM_CONFIG_H
#define SHARESIM_CONFIG_H

#include <stddef.h>

#include "analysis/results.h"
#include "sim/params.h"

#define CONFIG_MAX_PARAMS 64

struct experiment;

/** One point of a sweep, fully resolved. Strings point into the experiment. */
struct experiment_point {
	struct sim_params params;
	char run_name[512];
	struct results_kv param_rows[CONFIG_MAX_PARAMS]; /**< every key, registry order */
	size_t param_count;
	struct results_kv itervars[CONFIG_MAX_PARAMS];   /**< swept keys only */
	size_t itervar_count;
	char repetition_text[16];
};

/**
 * Load an experiment file and apply overrides ("section.key=value[, value...]"), checking
 * every key and value. Errors read "FILE:LINE: error: reason" (or "--set ...: error: ...").
 */
int experiment_load(const char *path, const char *const *overrides, size_t override_count,
                    struct experiment **out, char *err, size_t err_size);
void experiment_free(struct experiment *e);

const char *experiment_name(const struct experiment *e);
size_t experiment_point_count(const struct experiment *e);
/** Resolve point i (0 <= i < count). */
int experiment_point(const struct experiment *e, size_t i, struct experiment_point *out,
                     char *err, size_t err_size);

/** The registry, for `sharesim run --list-params`: returns 0 while index i exists. */
struct param_doc {
	const char *name, *default_value, *unit, *doc, *source;
};
int config_param_doc(size_t i, struct param_doc *out);

#endif
