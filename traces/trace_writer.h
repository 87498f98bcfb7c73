/*
 * trace_writer — builds a trace file in memory and writes it: names interned once (folded,
 * hashed with xxHash), addresses interned, responses aggregated into the record model,
 * queries sorted by time (stable, so equal times keep input order), accounting kept.
 * Used by the importers and by tests that need a small exact trace.
 */
#ifndef SHARESIM_TRACE_WRITER_H
#define SHARESIM_TRACE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "traces/trace.h"

struct trace_writer;

int trace_writer_new(struct trace_writer **out);
void trace_writer_free(struct trace_writer *w);

/** A query: absolute time (Unix epoch ns), name in wire form (folded here), addresses. */
int trace_writer_add_query(struct trace_writer *w, int64_t time_ns, const uint8_t *qname,
                           size_t qname_len, uint16_t qtype, uint16_t qclass, uint16_t flags,
                           const struct trace_addr *client, const struct trace_addr *resolver);

/** What one response says about (name, type, class); feeds the record model. */
struct trace_response {
	int64_t time_ns;
	uint8_t rcode;
	uint8_t aa;           /**< 1 if the AA bit was set */
	uint16_t ancount;     /**< answer RRs */
	uint16_t answer_size; /**< bytes of the answer section */
	uint32_t min_ttl;     /**< smallest TTL among answer RRs; ignored when ancount is 0 */
	uint64_t answer_hash; /**< a positive answer's content (RRs without TTLs, in any order); 0: unknown.
	                       *   The writer identifies a negative answer by its rcode itself. */
};
int trace_writer_add_response(struct trace_writer *w, const uint8_t *qname, size_t qname_len,
                              uint16_t qtype, uint16_t qclass, const struct trace_response *r);

/**
 * A question name made ready once for the calls below (folded, hashed): the same results as
 * trace_writer_add_query and trace_writer_add_response, and the tables' cache misses can be
 * started ahead with trace_writer_prefetch while other messages are processed.
 */
struct trace_name {
	uint8_t folded[255];
	uint8_t len;
	uint64_t hash;
};
int trace_writer_name(struct trace_writer *w, const uint8_t *qname, size_t qname_len,
                      struct trace_name *out);
/** Hint the cache about what adding a query or (response = 1) a response of (name, qtype,
 * qclass) will read: stage 0 the name's slot; stage 1, some messages later, the name and (a
 * response) its first two records the slot points to. No effect on the result. */
void trace_writer_prefetch(struct trace_writer *w, const struct trace_name *name, uint16_t qtype,
                           uint16_t qclass, int response, int stage);
int trace_writer_add_query_name(struct trace_writer *w, int64_t time_ns, const struct trace_name *name,
                                uint16_t qtype, uint16_t qclass, uint16_t flags,
                                const struct trace_addr *client, const struct trace_addr *resolver);
int trace_writer_add_response_name(struct trace_writer *w, const struct trace_name *name,
                                   uint16_t qtype, uint16_t qclass, const struct trace_response *r);

/** Add n to an accounting line ("query", "response", "skipped.tcp", ...). */
int trace_writer_count(struct trace_writer *w, const char *stat_name, uint64_t n);
/** The same for a string literal (static storage, never changed): found again by its address,
 * without comparing text (the importer counts every packet). */
int trace_writer_count_literal(struct trace_writer *w, const char *literal, uint64_t n);
/** Record one input's provenance ("pcap dns.pcap sha256=..."). */
int trace_writer_add_source(struct trace_writer *w, const char *description);

/** Sort and write the file atomically (temporary file, then rename); once per writer (the
 * queries are turned into the file's form in place). */
int trace_writer_write(struct trace_writer *w, const char *path, char *err, size_t err_size);

#endif
