/*
 * run — one simulation run: a trace, one point's parameters, the engine, the nodes.
 *
 * The caller (the `sharesim run` command) owns the results database; a run only fills
 * metrics and a summary, so a failed run can never damage stored results.
 */
#ifndef SHARESIM_RUN_H
#define SHARESIM_RUN_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "sim/metrics.h"
#include "sim/params.h"

struct trace;
struct share_pcap; /* optional writer of every share message to a pcap */

struct run_summary {
	uint64_t events;          /**< events popped by the engine */
	uint64_t queries;         /**< client queries replayed */
	double wall_seconds;      /**< measured by the caller */
	double cpu_seconds;       /**< CPU time of the process over the same span (a busy machine does not count) */
	sim_time simulated;       /**< simulated time covered, ns */
};

/**
 * Replay the trace through p.nodes resolvers. metrics must be initialised by the callee
 * (sized from the trace) and freed by the caller. share_pcap may be NULL.
 * Returns 0, or negative with a reason in err.
 */
int sim_run(const struct sim_params *p, const struct trace *t, struct share_pcap *share_pcap,
            struct metrics *metrics, struct run_summary *summary, char *err, size_t err_size);

/** sim_run's return value when sim_run_interrupt() stopped it. */
#define SIM_RUN_INTERRUPTED (-2)

/**
 * Ask the run in progress to stop at its next check (every few thousand events). Safe to call
 * from a signal handler: it only sets a flag of type sig_atomic_t.
 */
void sim_run_interrupt(void);

/**
 * Show the progress of the runs to come on `out` (NULL: quiet), as one line rewritten about
 * once a second — events, simulated time, rate, ETA — once a run has lasted a second, and a
 * last line when it ends (always, with `always`; else only if a line was shown).
 */
void sim_run_progress(FILE *out, const char *label, int always);

#endif
