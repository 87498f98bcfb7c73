/*
 * merge — results databases made apart (parallel jobs, Slurm arrays, other machines) into one.
 */
#ifndef SHARESIM_MERGE_H
#define SHARESIM_MERGE_H

#include <stddef.h>

/**
 * Append every run of the database at from to the database at into (created if new), with all
 * their rows, in one transaction. A run already present (same name, trace digest, seed,
 * repetition, version and status) is skipped, so merging twice changes nothing. *added counts
 * the runs appended.
 */
int results_merge(const char *into, const char *from, size_t *added, char *err, size_t err_size);

#endif
