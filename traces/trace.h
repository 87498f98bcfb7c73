/*
 * trace — the compact, import-once trace file that every run reads.
 *
 * `sharesim import` turns captures into one file: queries sorted by time (stable), an interned
 * name table, client and resolver address tables, the record model built from responses, and
 * the import's own accounting (packets by outcome). Later stages see only integer ids.
 * The file is little-endian, versioned, and mapped read-only; trace_open() checks every
 * offset and count against the file size before handing out pointers, so a damaged file
 * gives an error, never a bad read.
 */
#ifndef SHARESIM_TRACE_H
#define SHARESIM_TRACE_H

#include <stddef.h>
#include <stdint.h>

#define TRACE_MAGIC "SHSTRACE"  /* 8 bytes */
#define TRACE_VERSION 2u

/* Query flags (struct trace_query.flags). */
#define TRACE_QF_RD 0x0001u
#define TRACE_QF_CD 0x0002u
#define TRACE_QF_DO 0x0004u
#define TRACE_QF_TCP 0x0008u
/* A resolver's own query to an authority, as the log said (dnstap RESOLVER_QUERY); a capture
 * cannot say, and leaves it to RD. */
#define TRACE_QF_UPSTREAM 0x0010u

/** One client query, as the simulator replays it. 24 bytes, naturally aligned. */
struct trace_query {
	int64_t time_ns;      /**< since the trace's start_time_ns */
	uint32_t name_id;     /**< index into the name table (folded name) */
	uint32_t client_id;   /**< index into the client address table */
	uint16_t resolver_id; /**< index into the resolver address table (where it was sent) */
	uint16_t qtype;
	uint16_t qclass;
	uint16_t flags;       /**< TRACE_QF_* */
};

/* Record flags (struct trace_record.flags). */
#define TRACE_RF_AA 0x01u        /**< an answer with AA was seen */
#define TRACE_RF_TTL_EXACT 0x02u /**< some answer carried the full TTL (AA=1, or set by synth) */

/**
 * The record model for one (name, type, class): what the world answers, as seen in responses.
 * 24 bytes. Sorted by (name_id, qtype, qclass).
 */
struct trace_record {
	uint32_t name_id;
	uint16_t qtype, qclass;
	uint32_t max_ttl;        /**< largest TTL seen in the answer (minimum over its RRs) */
	uint32_t responses;      /**< responses seen for this key */
	uint16_t answer_size;    /**< bytes of the answer section of the largest answer seen */
	uint16_t ancount;        /**< answer RRs in that answer */
	uint8_t rcode;           /**< rcode of the last response seen */
	uint8_t flags;           /**< TRACE_RF_* */
	uint16_t reserved;
};

/** A change of a record's answer seen in the trace: from time_ns on (ns since the first
 * query), responses carried another answer than before. Sorted by (name_id, qtype, qclass,
 * time). */
struct trace_change {
	uint32_t name_id;
	uint16_t qtype, qclass;
	int64_t time_ns;
};

/** A client or resolver address. */
struct trace_addr {
	uint8_t family;          /**< 4 or 6 */
	uint8_t reserved[3];
	uint8_t addr[16];        /**< IPv4 in the first 4 bytes */
};

/** One line of the import's accounting: how many packets (or log rows) had this outcome. */
struct trace_stat {
	char name[48];           /**< e.g. "query", "response", "skipped.not_dns", "skipped.tcp" */
	uint64_t count;
};

struct trace; /* opaque: an open, mapped, checked trace file */

/** Open and check a trace file. On error, returns negative and writes "path: reason" to err. */
int trace_open(const char *path, struct trace **out, char *err, size_t err_size);
void trace_close(struct trace *t);

uint64_t trace_query_count(const struct trace *t);
/** Responses the import saw (each fed the record model). */
uint64_t trace_response_count(const struct trace *t);
const struct trace_query *trace_queries(const struct trace *t); /**< time order */
int64_t trace_start_time_ns(const struct trace *t);  /**< Unix epoch, ns, of the first query */
int64_t trace_duration_ns(const struct trace *t);    /**< last query time - first */

uint32_t trace_name_count(const struct trace *t);
/** Folded wire form of a name. */
const uint8_t *trace_name_wire(const struct trace *t, uint32_t name_id, size_t *len);
/** Look a (case-insensitive) wire-form name up; returns 0 and sets *name_id if known. */
int trace_name_lookup(const struct trace *t, const uint8_t *wire, size_t len, uint32_t *name_id);

uint32_t trace_client_count(const struct trace *t);
const struct trace_addr *trace_client(const struct trace *t, uint32_t client_id);
uint32_t trace_resolver_count(const struct trace *t);
const struct trace_addr *trace_resolver(const struct trace *t, uint32_t resolver_id);

uint32_t trace_record_count(const struct trace *t);
const struct trace_record *trace_records(const struct trace *t); /**< sorted by key */
/** Binary search for the record of (name, type, class); NULL if the trace saw no answer. */
const struct trace_record *trace_record_find(const struct trace *t, uint32_t name_id,
                                             uint16_t qtype, uint16_t qclass);
/**
 * Bring name_id's records toward the CPU for a trace_record_find soon: stage 0 fetches the
 * name's entry of the record index, stage 1 (a few steps later) the records it points to.
 */
void trace_prefetch_records(const struct trace *t, uint32_t name_id, int stage);

/** The answer changes seen in the trace, all records (see struct trace_change). */
const struct trace_change *trace_changes(const struct trace *t, size_t *count);

size_t trace_stat_count(const struct trace *t);
const struct trace_stat *trace_stats(const struct trace *t);
/** What was imported: input file names and formats, one per line (provenance). */
const char *trace_sources(const struct trace *t);
/** A SHA-256 in lower-case hex, as every digest sharesim prints or records. */
void trace_sha256_hex(const unsigned char sum[32], char out[65]);
/** The SHA-256 of len bytes, in that form. */
void trace_sha256_of(const void *data, size_t len, char out[65]);
/** SHA-256 of the whole trace file, lower-case hex: the digest recorded with every run. */
const char *trace_digest(const struct trace *t);
/** Distinct (name, type, class) keys among the queries (0 if out of memory). */
uint64_t trace_queried_keys(const struct trace *t);
/**
 * The distinct keys one of `nodes` resolvers is expected to be asked for when each query goes to
 * one of them drawn uniformly (resolvers.frontend random, and about so round-robin), taking a
 * name's queries as spread evenly over its keys: a size to start its cache at. 0 if out of memory.
 */
double trace_spread_keys(const struct trace *t, uint32_t nodes);

#endif
