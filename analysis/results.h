/*
 * results — the SQLite results database, in the shape of OMNeT++ 6's SQLite output.
 *
 * Tables: run (one row per run: experiment, status, seed, trace digest, version, wall time,
 * events), runAttr and runParam (name/value rows), counter (node, bin, name, value), scalar
 * (per-node totals), histogramBin (latency histograms), plus views for the summaries. A run row
 * is committed as 'running' before the run starts; its results and its final status are
 * written in one transaction, so an interrupted or failed run is visible as such and never
 * touches rows of other runs.
 */
#ifndef SHARESIM_RESULTS_H
#define SHARESIM_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/metrics.h"
#include "sim/run.h"

struct results_db;

/** A name/value pair, for run attributes and parameters. */
struct results_kv {
	const char *name;
	const char *value;
};

struct results_run_info {
	const char *experiment;   /**< experiment name */
	const char *run_name;     /**< e.g. "demo-nodes=4,transport=unicast-r0" */
	const char *trace_path;
	const char *trace_digest; /**< SHA-256 hex of the trace file */
	uint64_t seed;
	uint32_t repetition;
	const struct results_kv *params; /**< every parameter of the point, in registry order */
	size_t param_count;
	const struct results_kv *itervars; /**< only the swept parameters (OMNeT++ runItervar) */
	size_t itervar_count;
};

#define RESULTS_DIGEST_SIZE 33

/**
 * The run's configuration digest (128-bit xxHash, hex), stored as run attribute configDigest:
 * version, experiment, trace digest, repetition and every parameter but experiment.trace and
 * experiment.repeat. Two runs with the same digest are the same measurement.
 */
void results_config_digest(const struct results_run_info *info, char out[RESULTS_DIGEST_SIZE]);

/** 1 and its id if a finished ('done') run of the same configuration is stored, 0 if not, -1 on error. */
int results_find_done(struct results_db *db, const struct results_run_info *info, int64_t *run_id);

/** Open (creating the schema if new) a results database. Errors name the path. */
int results_open(const char *path, struct results_db **out, char *err, size_t err_size);
void results_close(struct results_db *db);

/** Insert a run row with status 'running' and commit; returns its id in *run_id. */
int results_run_begin(struct results_db *db, const struct results_run_info *info,
                      int64_t *run_id, char *err, size_t err_size);

/** Store a finished run's metrics and mark it 'done', in one transaction. */
int results_run_finish(struct results_db *db, int64_t run_id, const struct metrics *m,
                       const struct run_summary *summary, char *err, size_t err_size);

/** Mark a run 'failed' (or 'interrupted') with a reason; stores nothing else. */
int results_run_fail(struct results_db *db, int64_t run_id, const char *status,
                     const char *reason, char *err, size_t err_size);

#endif
