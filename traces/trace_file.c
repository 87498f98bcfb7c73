/*
 * trace_file — maps a trace file read-only and checks it completely before use: every section
 * inside the file and aligned, every id in range, every name a well-formed wire name. After
 * trace_open succeeds, no accessor can read out of bounds.
 */
#include "traces/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "dns/dns_wire.h"
#include "sim/huge_pages.h"
#include "traces/trace_format.h"

struct trace {
	const uint8_t *map;
	size_t size;
	const struct trace_file_header *h;
	const struct trace_query *queries;
	const struct trace_record *records;
	const uint32_t *name_index;
	const uint8_t *name_blob;
	const struct trace_addr *clients, *resolvers;
	const struct trace_stat *stats;
	const struct trace_change *changes;
	const char *sources;
	uint32_t *name_slots; /* lookup index built at open: name_id + 1 */
	uint32_t name_slot_count;
	uint32_t *name_records; /* records of name n: [name_records[n], name_records[n + 1]) */
	char digest[65];
	struct key_census *census; /* trace_queried_keys and trace_spread_keys, once counted */
};

/* Queries per key, for trace_spread_keys: keys of names asked up to SPREAD_SMALL times, by
 * (queries of the name, keys of the name); the other names one by one. */
#define SPREAD_SMALL 256
#define SPREAD_TYPES 16
struct key_census {
	uint64_t keys;
	uint32_t small[SPREAD_SMALL][SPREAD_TYPES + 1]; /* names with [queries][keys] */
	struct { uint32_t queries, keys; } *large;
	size_t large_count;
};

static const size_t section_elem[TS__COUNT] = {
	[TS_QUERIES] = sizeof(struct trace_query), [TS_RECORDS] = sizeof(struct trace_record),
	[TS_NAME_INDEX] = sizeof(uint32_t), [TS_NAME_BLOB] = 1,
	[TS_CLIENTS] = sizeof(struct trace_addr), [TS_RESOLVERS] = sizeof(struct trace_addr),
	[TS_STATS] = sizeof(struct trace_stat), [TS_SOURCES] = 1, [TS_CHANGES] = sizeof(struct trace_change),
};

static int fail(char *err, size_t err_size, const char *path, const char *reason)
{
	snprintf(err, err_size, "%s: %s", path, reason);
	return -1;
}

static int check_sections(struct trace *t, const char *path, char *err, size_t err_size)
{
	const struct trace_file_header *h = t->h;
	for (int s = 0; s < TS__COUNT; s++) {
		uint64_t off = h->sections[s].offset, count = h->sections[s].count;
		if (off % 8 || off < sizeof(*h) || off > t->size ||
		    count > (t->size - off) / section_elem[s])
			return fail(err, err_size, path, "damaged trace file: a section lies outside the file");
	}
	const uint8_t *m = t->map;
	t->queries = (const void *)(m + h->sections[TS_QUERIES].offset);
	t->records = (const void *)(m + h->sections[TS_RECORDS].offset);
	t->name_index = (const void *)(m + h->sections[TS_NAME_INDEX].offset);
	t->name_blob = m + h->sections[TS_NAME_BLOB].offset;
	t->clients = (const void *)(m + h->sections[TS_CLIENTS].offset);
	t->resolvers = (const void *)(m + h->sections[TS_RESOLVERS].offset);
	t->stats = (const void *)(m + h->sections[TS_STATS].offset);
	t->sources = (const char *)(m + h->sections[TS_SOURCES].offset);
	t->changes = (const void *)(m + h->sections[TS_CHANGES].offset);
	if (h->sections[TS_NAME_INDEX].count < 1 || h->sections[TS_NAME_INDEX].count - 1 > UINT32_MAX ||
	    h->sections[TS_SOURCES].count < 1 || t->sources[h->sections[TS_SOURCES].count - 1] != '\0')
		return fail(err, err_size, path, "damaged trace file: bad name index or sources");
	return 0;
}

static int check_contents(struct trace *t, const char *path, char *err, size_t err_size)
{
	const struct trace_file_header *h = t->h;
	uint64_t names = h->sections[TS_NAME_INDEX].count - 1, blob = h->sections[TS_NAME_BLOB].count;
	if (t->name_index[0] != 0 || t->name_index[names] != blob)
		return fail(err, err_size, path, "damaged trace file: name index does not cover the names");
	for (uint64_t i = 0; i < names; i++) {
		uint32_t a = t->name_index[i], b = t->name_index[i + 1];
		if (b <= a || b - a > DNS_NAME_MAX)
			return fail(err, err_size, path, "damaged trace file: bad name length");
		size_t pos = a;
		while (pos < b && t->name_blob[pos] && t->name_blob[pos] <= 63)
			pos += (size_t)t->name_blob[pos] + 1;
		if (pos != b - 1u || t->name_blob[pos] != 0)
			return fail(err, err_size, path, "damaged trace file: a name is not in wire form");
		for (size_t k = a; k < b; k++) /* names are stored folded: lookups rely on it */
			if (t->name_blob[k] >= 'A' && t->name_blob[k] <= 'Z')
				return fail(err, err_size, path, "damaged trace file: a name is not case-folded");
	}
	uint64_t nclients = h->sections[TS_CLIENTS].count, nres = h->sections[TS_RESOLVERS].count;
	int64_t last = 0;
	for (uint64_t i = 0; i < h->sections[TS_QUERIES].count; i++) {
		const struct trace_query *q = &t->queries[i];
		if (q->name_id >= names || q->client_id >= nclients || q->resolver_id >= nres ||
		    q->time_ns < last)
			return fail(err, err_size, path, "damaged trace file: a query is out of range or out of order");
		last = q->time_ns;
	}
	uint64_t prev_key = 0;
	for (uint64_t i = 0; i < h->sections[TS_RECORDS].count; i++) {
		const struct trace_record *r = &t->records[i];
		uint64_t key = (uint64_t)r->name_id << 32 | (uint64_t)r->qtype << 16 | r->qclass;
		if (r->name_id >= names)
			return fail(err, err_size, path, "damaged trace file: a record names no name");
		if (i > 0 && key <= prev_key) /* trace_record_find searches them */
			return fail(err, err_size, path, "damaged trace file: records out of order");
		prev_key = key;
	}
	for (uint64_t i = 0; i < h->sections[TS_CHANGES].count; i++) {
		const struct trace_change *c = &t->changes[i], *p = i ? &t->changes[i - 1] : NULL;
		uint64_t key = (uint64_t)c->name_id << 32 | (uint64_t)c->qtype << 16 | c->qclass;
		uint64_t pkey = p ? (uint64_t)p->name_id << 32 | (uint64_t)p->qtype << 16 | p->qclass : 0;
		if (c->name_id >= names || (p && (key < pkey || (key == pkey && c->time_ns < p->time_ns))))
			return fail(err, err_size, path, "damaged trace file: answer changes out of range or out of order");
	}
	for (uint64_t i = 0; i < h->sections[TS_STATS].count; i++)
		if (memchr(t->stats[i].name, 0, sizeof(t->stats[i].name)) == NULL)
			return fail(err, err_size, path, "damaged trace file: bad accounting line");
	if (h->duration_ns < 0 || (h->sections[TS_QUERIES].count && last != h->duration_ns))
		return fail(err, err_size, path, "damaged trace file: duration does not match the queries");
	return 0;
}

static int build_name_index(struct trace *t)
{
	uint32_t names = trace_name_count(t), count = 1024;
	while (count < (uint64_t)names * 2)
		count *= 2;
	t->name_slots = calloc(count, sizeof(uint32_t));
	if (!t->name_slots)
		return -1;
	t->name_slot_count = count;
	for (uint32_t id = 0; id < names; id++) {
		size_t len;
		const uint8_t *w = trace_name_wire(t, id, &len);
		uint32_t i = (uint32_t)XXH3_64bits(w, len) & (count - 1);
		while (t->name_slots[i]) {
			size_t other_len;
			const uint8_t *other = trace_name_wire(t, t->name_slots[i] - 1, &other_len);
			if (other_len == len && !memcmp(other, w, len))
				return 1; /* ids must be unique per name */
			i = (i + 1) & (count - 1);
		}
		t->name_slots[i] = id + 1;
	}
	return 0;
}

/* Records are sorted by name: one offset per name makes a record lookup one step, not a
 * binary search over every record (a miss of the simulation asks for one). */
static int build_record_index(struct trace *t)
{
	uint32_t names = trace_name_count(t), records = trace_record_count(t);
	t->name_records = malloc(((size_t)names + 1) * sizeof(uint32_t));
	if (!t->name_records)
		return -1;
	uint32_t r = 0;
	for (uint32_t n = 0; n <= names; n++) {
		while (r < records && t->records[r].name_id < n)
			r++;
		t->name_records[n] = r;
	}
	return 0;
}

void trace_sha256_hex(const unsigned char sum[32], char out[65])
{
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", sum[i]);
}

void trace_sha256_of(const void *data, size_t len, char out[65])
{
	unsigned char sum[32];
	unsigned int sum_len = 0;
	EVP_Digest(data, len, sum, &sum_len, EVP_sha256(), NULL);
	trace_sha256_hex(sum, out);
}

int trace_open(const char *path, struct trace **out, char *err, size_t err_size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, err_size, path, "not a regular file");
	}
	if ((size_t)st.st_size < sizeof(struct trace_file_header) ||
	    (size_t)st.st_size > SIZE_MAX / 2) {
		close(fd);
		return fail(err, err_size, path, "not a sharesim trace file (too short); make one with 'sharesim import'");
	}
	void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return fail(err, err_size, path, strerror(errno));
	struct trace *t = calloc(1, sizeof(*t));
	if (!t) {
		munmap(map, (size_t)st.st_size);
		return fail(err, err_size, path, "out of memory");
	}
	t->map = map;
	t->size = (size_t)st.st_size;
	t->h = map;
	int rc = -1;
	if (memcmp(t->h->magic, TRACE_MAGIC, 8) != 0)
		fail(err, err_size, path, "not a sharesim trace file (bad magic); make one with 'sharesim import'");
	else if (t->h->version != TRACE_VERSION || t->h->header_size != sizeof(struct trace_file_header))
		fail(err, err_size, path, "trace file of another format version; re-import the capture");
	else if (check_sections(t, path, err, err_size) == 0 &&
	         check_contents(t, path, err, err_size) == 0) {
		int built = build_name_index(t);
		if (built == 0 && build_record_index(t))
			built = -1;
		if (built < 0)
			fail(err, err_size, path, "out of memory");
		else if (built > 0)
			fail(err, err_size, path, "damaged trace file: a name appears twice");
		else
			rc = 0;
	}
	if (rc) {
		trace_close(t);
		return -1;
	}
	*out = t;
	return 0;
}

void trace_close(struct trace *t)
{
	if (!t)
		return;
	munmap((void *)t->map, t->size);
	free(t->name_slots);
	free(t->name_records);
	if (t->census)
		free(t->census->large);
	free(t->census);
	free(t);
}

uint64_t trace_query_count(const struct trace *t) { return t->h->sections[TS_QUERIES].count; }
uint64_t trace_response_count(const struct trace *t) { return t->h->response_count; }
const struct trace_query *trace_queries(const struct trace *t) { return t->queries; }
int64_t trace_start_time_ns(const struct trace *t) { return t->h->start_time_ns; }
int64_t trace_duration_ns(const struct trace *t) { return t->h->duration_ns; }

uint32_t trace_name_count(const struct trace *t)
{
	return (uint32_t)(t->h->sections[TS_NAME_INDEX].count - 1);
}

const uint8_t *trace_name_wire(const struct trace *t, uint32_t name_id, size_t *len)
{
	*len = t->name_index[name_id + 1] - t->name_index[name_id];
	return t->name_blob + t->name_index[name_id];
}

int trace_name_lookup(const struct trace *t, const uint8_t *wire, size_t len, uint32_t *name_id)
{
	uint8_t folded[DNS_NAME_MAX];
	if (len == 0 || len > DNS_NAME_MAX)
		return -1;
	memcpy(folded, wire, len);
	dns_name_fold(folded, len);
	uint32_t mask = t->name_slot_count - 1, i = (uint32_t)XXH3_64bits(folded, len) & mask;
	while (t->name_slots[i]) {
		uint32_t id = t->name_slots[i] - 1;
		size_t l;
		const uint8_t *w = trace_name_wire(t, id, &l);
		if (l == len && !memcmp(w, folded, len)) {
			*name_id = id;
			return 0;
		}
		i = (i + 1) & mask;
	}
	return -1;
}

uint32_t trace_client_count(const struct trace *t) { return (uint32_t)t->h->sections[TS_CLIENTS].count; }
const struct trace_addr *trace_client(const struct trace *t, uint32_t id) { return &t->clients[id]; }
uint32_t trace_resolver_count(const struct trace *t) { return (uint32_t)t->h->sections[TS_RESOLVERS].count; }
const struct trace_addr *trace_resolver(const struct trace *t, uint32_t id) { return &t->resolvers[id]; }
uint32_t trace_record_count(const struct trace *t) { return (uint32_t)t->h->sections[TS_RECORDS].count; }
const struct trace_record *trace_records(const struct trace *t) { return t->records; }

const struct trace_record *trace_record_find(const struct trace *t, uint32_t name_id,
                                             uint16_t qtype, uint16_t qclass)
{
	if (name_id >= trace_name_count(t) || t->h->sections[TS_RECORDS].count == 0) /* answers declared */
		return NULL;
	for (uint32_t i = t->name_records[name_id]; i < t->name_records[name_id + 1]; i++)
		if (t->records[i].qtype == qtype && t->records[i].qclass == qclass)
			return &t->records[i];
	return NULL;
}

void trace_prefetch_records(const struct trace *t, uint32_t name_id, int stage)
{
	if (name_id >= trace_name_count(t))
		return;
	if (stage == 0)
		__builtin_prefetch(&t->name_records[name_id]);
	else
		__builtin_prefetch(&t->records[t->name_records[name_id]]);
}

size_t trace_stat_count(const struct trace *t) { return t->h->sections[TS_STATS].count; }

const struct trace_change *trace_changes(const struct trace *t, size_t *count)
{
	*count = t->h->sections[TS_CHANGES].count;
	return t->changes;
}
const struct trace_stat *trace_stats(const struct trace *t) { return t->stats; }
const char *trace_sources(const struct trace *t) { return t->sources; }
/* Taken when first asked for: most openings never ask (`sharesim import` reopens the trace it
 * wrote to check it and count), and it reads the whole file. The trace is the caller's, not
 * const storage, and is not shared between threads. */
const char *trace_digest(const struct trace *t)
{
	if (!t->digest[0])
		trace_sha256_of(t->map, t->size, ((struct trace *)t)->digest);
	return t->digest;
}

/* The usual query types of class IN, as bits of a per-name mask: bit + 1 by type (0: another
 * type). A table, as the census looks up every query of the trace. */
static const uint8_t common_type_bits[256] = {
	[DNS_TYPE_A] = 1, [DNS_TYPE_NS] = 2, [DNS_TYPE_CNAME] = 3, [DNS_TYPE_SOA] = 4, [DNS_TYPE_PTR] = 5,
	[DNS_TYPE_MX] = 6, [DNS_TYPE_TXT] = 7, [DNS_TYPE_AAAA] = 8, [DNS_TYPE_SRV] = 9, [DNS_TYPE_DS] = 10,
	[DNS_TYPE_DNSKEY] = 11, [DNS_TYPE_SVCB] = 12, [DNS_TYPE_HTTPS] = 13, [DNS_TYPE_ANY] = 14,
};

/* -1: another type or class (a rare key, counted apart). */
static inline int common_type_bit(uint16_t qtype, uint16_t qclass)
{
	if (qclass != DNS_CLASS_IN || qtype > 255)
		return -1;
	return common_type_bits[qtype] - 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* A mask of the usual types per name and the other keys (rare) sorted give the distinct keys;
 * with each name's query count, the spread histogram. Counted once and kept (the trace is the
 * caller's and not shared between threads); NULL if out of memory. */
#define CENSUS_AHEAD 16
static const struct key_census *key_census(const struct trace *t)
{
	if (t->census)
		return t->census;
	uint32_t names = trace_name_count(t);
	uint64_t nq = trace_query_count(t), nothers = 0, cap = 0;
	/* A name's two figures side by side: one cache miss per query, not two. */
	struct name_census { uint32_t asked; uint16_t types; } *per_name;
	size_t bytes = ((size_t)names + 1) * sizeof(*per_name);
	per_name = huge_zalloc(bytes);
	uint64_t *others = NULL;
	struct key_census *c = calloc(1, sizeof(*c));
	const struct trace_query *q = t->queries;
	int complete = per_name && c;
	for (uint64_t i = 0; complete && i < nq; i++) {
		/* names are met in random order: their entries fetched ahead (the last one again at the end) */
		__builtin_prefetch(&per_name[q[i + CENSUS_AHEAD < nq ? i + CENSUS_AHEAD : nq - 1].name_id]);
		struct name_census *nc = &per_name[q[i].name_id];
		nc->asked += nc->asked < UINT32_MAX;
		int bit = common_type_bit(q[i].qtype, q[i].qclass);
		if (bit >= 0) {
			nc->types |= (uint16_t)(1u << bit);
			continue;
		}
		if (nothers == cap) {
			cap = cap ? 2 * cap : 1024;
			uint64_t *more = realloc(others, cap * sizeof(*others));
			if (!(complete = more != NULL))
				break;
			others = more;
		}
		others[nothers++] = (uint64_t)q[i].name_id << 32 | (uint64_t)q[i].qtype << 16 | q[i].qclass;
	}
	if (complete && nothers)
		qsort(others, nothers, sizeof(*others), cmp_u64);
	size_t large_cap = 0;
	for (uint64_t n = 0, o = 0; complete && n < names; n++) {
		uint32_t keys = (uint32_t)__builtin_popcount(per_name[n].types), asked = per_name[n].asked;
		for (; o < nothers && others[o] >> 32 == n; o++)
			keys += o == 0 || others[o] != others[o - 1];
		if (!keys)
			continue;
		c->keys += keys;
		if (asked < SPREAD_SMALL && keys <= SPREAD_TYPES) {
			c->small[asked][keys]++;
			continue;
		}
		if (c->large_count == large_cap) {
			large_cap = large_cap ? 2 * large_cap : 1024;
			void *more = realloc(c->large, large_cap * sizeof(*c->large));
			if (!(complete = more != NULL))
				break;
			c->large = more;
		}
		c->large[c->large_count].queries = asked;
		c->large[c->large_count++].keys = keys;
	}
	huge_free(per_name, bytes);
	free(others);
	if (!complete && c) {
		free(c->large);
		free(c);
		c = NULL;
	}
	return ((struct trace *)t)->census = c; /* NULL (out of memory) is counted again next time */
}

uint64_t trace_queried_keys(const struct trace *t)
{
	const struct key_census *c = key_census(t);
	return c ? c->keys : 0;
}

/* A key asked m times is at a given one of n resolvers with probability 1 - (1 - 1/n)^m; a name's
 * queries are taken as spread evenly over its keys. */
double trace_spread_keys(const struct trace *t, uint32_t nodes)
{
	const struct key_census *c = key_census(t);
	if (!c || nodes == 0)
		return 0;
	double log_miss = log1p(-1.0 / nodes), expected = 0; /* -inf for one resolver: every key */
	for (uint32_t m = 1; m < SPREAD_SMALL; m++)
		for (uint32_t k = 1; k <= SPREAD_TYPES; k++)
			if (c->small[m][k])
				expected += (double)c->small[m][k] * k * -expm1((double)m / k * log_miss);
	for (size_t i = 0; i < c->large_count; i++)
		expected += c->large[i].keys * -expm1((double)c->large[i].queries / c->large[i].keys * log_miss);
	return expected;
}
