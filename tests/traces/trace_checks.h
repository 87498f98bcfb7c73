/*
 * Shared by the importer tests: an accounting line's count, the rule that every packet (or
 * dnstap frame) ends in exactly one line, and a scratch directory. Include after cmocka.h.
 */
#ifndef SHARESIM_TESTS_TRACE_CHECKS_H
#define SHARESIM_TESTS_TRACE_CHECKS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/trace.h"

static inline uint64_t stat_of(const struct trace *t, const char *name)
{
	for (size_t i = 0; i < trace_stat_count(t); i++)
		if (!strcmp(trace_stats(t)[i].name, name))
			return trace_stats(t)[i].count;
	return 0;
}

/* The lines other than the total, the file-level errors and the messages cut from TCP streams
 * (which are not packets) add up to "packets". */
static inline void assert_accounting_adds_up(const struct trace *t)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < trace_stat_count(t); i++) {
		const char *n = trace_stats(t)[i].name;
		if (strcmp(n, "packets") && strncmp(n, "error.", 6) && strncmp(n, "message.", 8))
			sum += trace_stats(t)[i].count;
	}
	assert_int_equal(sum, stat_of(t, "packets"));
}

/* A scratch directory /tmp/sharesim-NAME-XXXXXX for a test group's files (dir: 64 bytes). */
static inline int scratch_dir_make(char *dir, const char *name)
{
	snprintf(dir, 64, "/tmp/sharesim-%s-XXXXXX", name);
	return mkdtemp(dir) ? 0 : -1;
}

static inline int scratch_dir_remove(const char *dir)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
