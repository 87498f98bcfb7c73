/*
 * trace_format — the on-disk layout of a trace file (private to traces/).
 *
 * Little-endian. A fixed header, then sections, each 8-byte aligned:
 *   queries    struct trace_query[count]       time order
 *   records    struct trace_record[count]      sorted by (name_id, qtype, qclass)
 *   name_index uint32_t[count + 1]             offsets of each name in name_blob, then the end
 *   name_blob  uint8_t[count]                  folded wire-form names, back to back
 *   clients    struct trace_addr[count]
 *   resolvers  struct trace_addr[count]
 *   stats      struct trace_stat[count]        import accounting
 *   sources    char[count]                     provenance text, NUL-terminated
 *   changes    struct trace_change[count]      answer changes, sorted by (key, time) (version 2)
 */
#ifndef SHARESIM_TRACE_FORMAT_H
#define SHARESIM_TRACE_FORMAT_H

#include <stdint.h>

enum trace_section {
	TS_QUERIES = 0, TS_RECORDS, TS_NAME_INDEX, TS_NAME_BLOB, TS_CLIENTS, TS_RESOLVERS,
	TS_STATS, TS_SOURCES, TS_CHANGES, TS__COUNT
};

struct trace_section_ref {
	uint64_t offset;
	uint64_t count; /**< elements (bytes for the blob and the sources) */
};

struct trace_file_header {
	char magic[8];              /**< TRACE_MAGIC */
	uint32_t version;           /**< TRACE_VERSION */
	uint32_t header_size;       /**< sizeof(struct trace_file_header) */
	int64_t start_time_ns;      /**< Unix epoch of the first query */
	int64_t duration_ns;
	uint64_t response_count;
	uint64_t reserved;
	struct trace_section_ref sections[TS__COUNT];
};

#endif
