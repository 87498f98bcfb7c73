/*
 * export — a trace's client queries back out as a pcap (raw IP, one UDP datagram per query at its
 * time, from its client to its resolver address), so real resolvers and replay tools (dnsperf,
 * dnsjit, experiments/validate-unbound) see exactly the queries sharesim simulates.
 */
#ifndef SHARESIM_EXPORT_H
#define SHARESIM_EXPORT_H

#include <stddef.h>
#include <stdint.h>

struct trace;

/** Write every query; returns the number written, or -1 with a reason in err. */
int64_t trace_export_queries(const struct trace *t, const char *path, char *err, size_t err_size);

#endif
