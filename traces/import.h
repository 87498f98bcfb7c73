/*
 * import — captures and logs in, one trace file out. Formats are detected by content: pcap
 * (any byte order and time precision), pcapng, dnstap (Frame Streams), Zeek dns.log, dnsperf
 * query files, each plain or gzip-compressed. Every packet, dnstap frame or log row read ends
 * in exactly one accounting line of the trace.
 */
#ifndef SHARESIM_IMPORT_H
#define SHARESIM_IMPORT_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

struct trace_writer;

/** Warnings of an import (e.g. a capture cut short), one per line, for the command to print. */
struct import_log {
	char text[4096];
	size_t len;
	unsigned dropped; /**< warnings that did not fit */
};
void import_warn(struct import_log *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct trace_addr;

/** Where an import goes and what it keeps. */
struct import_ctx {
	struct trace_writer *w;
	struct import_log *log;
	/**
	 * If not empty, only queries sent to one of these addresses become arrivals (the client
	 * side of these resolvers); other queries are counted as "skipped.not_to_resolver", while
	 * every response still feeds the record model (a resolver's upstream answers carry AA and
	 * full TTLs).
	 */
	const struct trace_addr *resolvers;
	size_t resolver_count;
	/** 1 (--side client): only client queries become arrivals. In a capture those are the
	 * queries with RD set (from stubs): queries without RD (a resolver's own, to authorities)
	 * are counted as skipped.upstream_query. In dnstap the message type tells: CLIENT_QUERY
	 * is kept, RESOLVER_QUERY skipped. */
	int client_side_only;
	/** Inputs without times (dnsperf query files): Poisson arrivals at this rate (queries/s;
	 * 0: such inputs are refused), seeded by arrival_seed, from arrival_clients clients. */
	double arrival_rate;
	uint64_t arrival_seed;
	uint32_t arrival_clients;
	/** 1: plain pcap files are read by libpcap through the stream that gzip files take, not
	 * by the importer's own reader (for tests that compare the two; the trace is the same). */
	int stream_only;
};

/** 1 if a query sent to dst is kept under ctx's resolver filter. */
int import_keeps_query(const struct import_ctx *ctx, const struct trace_addr *dst);

/** Where a message's side (client or upstream) is known from. */
enum import_origin {
	IMPORT_FROM_WIRE = 0,  /**< a capture: a query without RD is a resolver's own (upstream) */
	IMPORT_CLIENT_SIDE,    /**< a log that says so (dnstap CLIENT_*): a client's, RD or not */
	IMPORT_UPSTREAM_SIDE,  /**< a log that says so (dnstap RESOLVER_*): a resolver's own */
};

/**
 * One DNS message in wire form: a query sent from src to dst becomes an arrival, a response
 * feeds the record model. Ends in exactly one accounting line, under prefix ("" for packets
 * and frames): query, response, skipped.malformed.<reason>, skipped.not_query_opcode,
 * skipped.no_question, skipped.not_to_resolver or skipped.upstream_query (--side client).
 * Returns 0, or -1 when out of memory.
 */
int import_dns_message(const struct import_ctx *ctx, int64_t time_ns, const uint8_t *wire, size_t len,
                       const struct trace_addr *src, const struct trace_addr *dst, const char *prefix,
                       uint16_t transport_flags, enum import_origin origin);

/** Import every input, merged in time order, into a trace file written atomically at out_path. */
int trace_import(const char *const *inputs, size_t n, const char *out_path,
                 const struct import_ctx *options, char *err, size_t err_size);

/** Add one input held in memory (already decompressed); name labels errors. */
int import_buffer(const struct import_ctx *ctx, const uint8_t *data, size_t len, const char *name,
                  char *err, size_t err_size);

/** Zeek dns.log rows (TSV text) read line by line from in (traces/zeek.c). */
int zeek_import(const struct import_ctx *ctx, FILE *in, const char *name, char *err, size_t err_size);

/** dnsperf/resperf query files (traces/dnsperf.c): detection on the first bytes, and import
 * line by line from in. */
int dnsperf_detect(const uint8_t *data, size_t len);
int dnsperf_import(const struct import_ctx *ctx, FILE *in, const char *name, char *err, size_t err_size);

/**
 * The next line of a text input without its LF: at most size - 1 bytes of it kept in buf
 * (NUL-terminated), *len its whole length, *nul whether it holds a NUL byte. A line of any
 * length costs no more memory than buf. 0, or -1 at the end of the input.
 */
int import_read_line(FILE *in, char *buf, size_t size, size_t *len, int *nul);

/** The DNS port the importers look at. */
#define IMPORT_DNS_PORT 53

#endif
