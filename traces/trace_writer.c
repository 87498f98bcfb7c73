/*
 * trace_writer — accumulates a trace in memory, then sorts and writes it atomically.
 *
 * Names are folded and interned in an open-addressing table keyed by XXH3; the record model's
 * records of a name are found from the name (a short list per name: a name has a record per
 * type and class asked). Queries are kept in arrival order and sorted stably by time.
 *
 * Speed (the importer calls this once or twice per packet, and the tables outgrow the caches):
 * a name is folded and hashed once (struct trace_name), and its slot can be prefetched before
 * the caller's other work on the packet, then what the slot points to (the name, and its
 * first record); every slot holds what decides a mismatch (32 bits of the name's hash), so a
 * probe reads one cache line and the name itself only on a match. Ids are given in order of
 * first appearance whatever the slots, so the file does not depend on the table layout. (A
 * hash table of records keyed by (name, type, class) was the largest thing touched at random:
 * finding them from the name leaves it out.)
 */
#define _GNU_SOURCE /* qsort_r */
#include "traces/trace_writer.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#define XXH_INLINE_ALL /* short keys: the call and dispatch cost more than the hash */
#include <xxhash.h>

#include "dns/dns_wire.h"
#include "sim/huge_pages.h"
#include "traces/trace_format.h"

struct trace_writer {
	struct trace_query *queries; /* in the file's form, but time_ns absolute until written */
	size_t nqueries, cap_queries;
	/* names */
	uint8_t *blob;
	size_t blob_len, blob_cap;
	uint32_t *name_off; /* [names + 1] */
	uint32_t nnames, cap_names;
	/* id1: name_id + 1, 0 empty; hash: the name's low 32 bits; off, len: the name in the blob;
	 * first1, second1: the name's first two records (id + 1, 0: none), so that a response's
	 * records are found from the slot, and both can be prefetched (the rest follow the
	 * second's next1); 32 bytes, half a cache line */
	struct name_slot { uint32_t id1, hash, off, len, first1, second1, unused[2]; } *name_slots;
	uint32_t name_slot_count;
	/* addresses */
	struct trace_addr *addrs[2]; /* clients, resolvers */
	uint32_t naddrs[2], cap_addrs[2];
	uint32_t *addr_slots[2];
	uint32_t addr_slot_count[2];
	uint32_t last_addr[2];       /* id + 1 of the address last found, 0: none */
	/* record model */
	/* A record as the file has it, and what each response reads and writes besides: the
	 * record's last response time and last answer (input order; 0: none yet), the time of its
	 * first answer, and the next record of its name. */
	struct live_record {
		struct trace_record r;
		uint32_t next1;  /* the next record of the same name: id + 1, 0: none */
		uint32_t spilled; /* its first answer is among the observations too */
		int64_t last_time;
		uint64_t last_hash;
		int64_t first_time;
	} *records;
	/* answers that differ from the one before, of the records that have had more than one
	 * (a record's first is held in the record until a second comes: most never change) */
	struct observation { uint64_t key; int64_t time_ns; uint64_t hash; } *obs;
	size_t nobs, cap_obs;
	uint32_t nrecords, cap_records;
	uint64_t responses;
	struct trace_stat *stats;
	const char **stat_keys; /* the string each line was first counted with: most callers pass literals */
	size_t nstats, cap_stats;
	int written;            /* trace_writer_write consumed the queries and records */
	char *sources;
	size_t sources_len;
};

/* A zeroed slot table: past 2 MiB on huge pages, so that every probe of a large table hits one. */
static void *table_alloc(size_t count, size_t elem)
{
	return huge_zalloc(count * elem);
}

static void table_free(void *p, size_t count, size_t elem)
{
	huge_free(p, count * elem);
}

/* The growing arrays (queries, names, records, observations): huge_realloc's, so the large
 * ones are grown in place on huge pages. */
static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 64;
	while (ncap < need)
		ncap *= 2;
	void *np = huge_realloc(*p, *cap * elem, ncap * elem);
	if (!np)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

int trace_writer_new(struct trace_writer **out)
{
	struct trace_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return -1;
	w->name_slot_count = 1024;
	w->addr_slot_count[0] = w->addr_slot_count[1] = 256;
	w->name_slots = calloc(w->name_slot_count, sizeof(*w->name_slots));
	w->addr_slots[0] = calloc(256, sizeof(uint32_t));
	w->addr_slots[1] = calloc(256, sizeof(uint32_t));
	w->name_off = calloc(1, sizeof(uint32_t));
	w->cap_names = 0;
	if (!w->name_slots || !w->addr_slots[0] || !w->addr_slots[1] || !w->name_off) {
		trace_writer_free(w);
		return -1;
	}
	*out = w;
	return 0;
}

void trace_writer_free(struct trace_writer *w)
{
	if (!w)
		return;
	huge_realloc_free(w->queries, w->cap_queries * sizeof(*w->queries));
	huge_realloc_free(w->blob, w->blob_cap);
	huge_realloc_free(w->name_off, (size_t)w->cap_names * sizeof(*w->name_off));
	table_free(w->name_slots, w->name_slot_count, sizeof(*w->name_slots));
	for (int k = 0; k < 2; k++) {
		huge_realloc_free(w->addrs[k], (size_t)w->cap_addrs[k] * sizeof(*w->addrs[k]));
		free(w->addr_slots[k]);
	}
	huge_realloc_free(w->records, (size_t)w->cap_records * sizeof(*w->records));
	huge_realloc_free(w->obs, w->cap_obs * sizeof(*w->obs));
	huge_realloc_free(w->stats, w->cap_stats * sizeof(*w->stats));
	huge_realloc_free(w->stat_keys, w->cap_stats * sizeof(*w->stat_keys));
	free(w->sources);
	free(w);
}

/* Generic rehash of a table of ids (+1) whose keys hash through a callback. */
typedef uint64_t (*id_hash_fn)(const struct trace_writer *w, uint32_t id, int kind);

static int rehash(struct trace_writer *w, uint32_t **slots, uint32_t *slot_count, uint32_t n,
                  id_hash_fn hash, int kind)
{
	uint32_t ncount = *slot_count * 2;
	uint32_t *ns = calloc(ncount, sizeof(uint32_t));
	if (!ns)
		return -1;
	for (uint32_t id = 0; id < n; id++) {
		uint32_t i = (uint32_t)hash(w, id, kind) & (ncount - 1);
		while (ns[i])
			i = (i + 1) & (ncount - 1);
		ns[i] = id + 1;
	}
	free(*slots);
	*slots = ns;
	*slot_count = ncount;
	return 0;
}

/* Double the name table: the slots carry their hash, so no name is read. */
static int name_rehash(struct trace_writer *w)
{
	uint32_t ncount = w->name_slot_count * 2, mask = ncount - 1;
	struct name_slot *ns = table_alloc(ncount, sizeof(*ns));
	if (!ns)
		return -1;
	for (uint32_t j = 0; j < w->name_slot_count; j++) {
		if (!w->name_slots[j].id1)
			continue;
		uint32_t i = w->name_slots[j].hash & mask;
		while (ns[i].id1)
			i = (i + 1) & mask;
		ns[i] = w->name_slots[j];
	}
	table_free(w->name_slots, w->name_slot_count, sizeof(*w->name_slots));
	w->name_slots = ns;
	w->name_slot_count = ncount;
	return 0;
}

/* Intern a prepared (folded, hashed) name; returns its slot or NULL. */
static struct name_slot *intern_name(struct trace_writer *w, const struct trace_name *name)
{
	const uint8_t *folded = name->folded;
	size_t len = name->len;
	uint32_t h = (uint32_t)name->hash;
	uint32_t mask = w->name_slot_count - 1, i = h & mask;
	while (w->name_slots[i].id1) {
		const struct name_slot *sl = &w->name_slots[i];
		if (sl->hash == h && sl->len == len && !memcmp(w->blob + sl->off, folded, len))
			return &w->name_slots[i];
		i = (i + 1) & mask;
	}
	size_t cap_names = w->cap_names;
	if (grow((void **)&w->name_off, &cap_names, (size_t)w->nnames + 2, sizeof(uint32_t)) ||
	    grow((void **)&w->blob, &w->blob_cap, w->blob_len + len, 1))
		return NULL;
	w->cap_names = (uint32_t)cap_names;
	memcpy(w->blob + w->blob_len, folded, len);
	uint32_t id = w->nnames++;
	w->name_slots[i] = (struct name_slot){ .id1 = id + 1, .hash = h, .off = (uint32_t)w->blob_len,
		                               .len = (uint32_t)len };
	w->blob_len += len;
	w->name_off[id + 1] = (uint32_t)w->blob_len;
	if ((uint64_t)w->nnames * 2 <= w->name_slot_count)
		return &w->name_slots[i];
	if (name_rehash(w))
		return NULL;
	for (i = h & (w->name_slot_count - 1); w->name_slots[i].id1 != id + 1; i = (i + 1) & (w->name_slot_count - 1))
		;
	return &w->name_slots[i];
}

/* An address as three words (family and the first 4 address bytes; the next 8; the last 4),
 * the layout of struct trace_addr with zeros past an IPv4 address: built from the packet's
 * bytes with whole-word loads and compared and hashed as words (a key assembled on the stack
 * byte-wise and read back wider stalled every query). */
struct addr_words {
	uint64_t w0, w1;
	uint32_t w2;
};

static inline struct addr_words addr_words_of(const struct trace_addr *a)
{
	_Static_assert(sizeof(struct trace_addr) == 20 && offsetof(struct trace_addr, addr) == 4,
	               "trace_addr: family, 3 reserved bytes, 16 address bytes");
	struct addr_words k = { 0, 0, 0 };
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t first;
	memcpy(&first, a->addr, 4);
	k.w0 = (uint64_t)a->family | (uint64_t)first << 32;
#else
	uint8_t b[8] = { a->family, 0, 0, 0, a->addr[0], a->addr[1], a->addr[2], a->addr[3] };
	memcpy(&k.w0, b, 8);
#endif
	if (a->family != 4) {
		memcpy(&k.w1, a->addr + 4, 8);
		memcpy(&k.w2, a->addr + 12, 4);
	}
	return k;
}

/* The stored form: reserved bytes zero, as the address table has it. */
static inline struct addr_words addr_words_stored(const struct trace_addr *a)
{
	struct addr_words k;
	memcpy(&k.w0, a, 8);
	memcpy(&k.w1, (const uint8_t *)a + 8, 8);
	memcpy(&k.w2, (const uint8_t *)a + 16, 4);
	return k;
}

static inline uint64_t addr_words_hash(struct addr_words k)
{
	uint64_t h = k.w0 * 0x9e3779b97f4a7c15ULL ^ k.w1 * 0xc2b2ae3d27d4eb4fULL ^ k.w2 * 0x165667b19e3779f9ULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ h >> 32;
}

static uint64_t addr_hash(const struct trace_writer *w, uint32_t id, int kind)
{
	return addr_words_hash(addr_words_stored(&w->addrs[kind][id]));
}

static inline int addr_words_equal(struct addr_words x, struct addr_words y)
{
	return ((x.w0 ^ y.w0) | (x.w1 ^ y.w1) | (x.w2 ^ y.w2)) == 0;
}

static int64_t intern_addr(struct trace_writer *w, int kind, const struct trace_addr *a)
{
	struct addr_words k = addr_words_of(a);
	uint32_t last = w->last_addr[kind]; /* id + 1: most queries go to the resolver just seen */
	if (last && addr_words_equal(addr_words_stored(&w->addrs[kind][last - 1]), k))
		return last - 1;
	uint32_t mask = w->addr_slot_count[kind] - 1, i = (uint32_t)addr_words_hash(k) & mask;
	while (w->addr_slots[kind][i]) {
		uint32_t id = w->addr_slots[kind][i] - 1;
		if (addr_words_equal(addr_words_stored(&w->addrs[kind][id]), k)) {
			w->last_addr[kind] = id + 1;
			return id;
		}
		i = (i + 1) & mask;
	}
	size_t cap = w->cap_addrs[kind];
	if (grow((void **)&w->addrs[kind], &cap, (size_t)w->naddrs[kind] + 1, sizeof(struct trace_addr)))
		return -1;
	w->cap_addrs[kind] = (uint32_t)cap;
	uint32_t id = w->naddrs[kind]++;
	struct trace_addr *stored = &w->addrs[kind][id];
	memcpy(stored, &k.w0, 8);
	memcpy((uint8_t *)stored + 8, &k.w1, 8);
	memcpy((uint8_t *)stored + 16, &k.w2, 4);
	w->addr_slots[kind][i] = id + 1;
	if ((uint64_t)w->naddrs[kind] * 2 > w->addr_slot_count[kind] &&
	    rehash(w, &w->addr_slots[kind], &w->addr_slot_count[kind], w->naddrs[kind], addr_hash, kind))
		return -1;
	return id;
}

int trace_writer_name(struct trace_writer *w, const uint8_t *qname, size_t qname_len,
                      struct trace_name *out)
{
	if (qname_len == 0 || qname_len > DNS_NAME_MAX)
		return -1;
	dns_name_fold_copy(out->folded, qname, qname_len);
	out->len = (uint8_t)qname_len;
	out->hash = XXH3_64bits(out->folded, qname_len);
	(void)w;
	return 0;
}

void trace_writer_prefetch(struct trace_writer *w, const struct trace_name *name, uint16_t qtype,
                           uint16_t qclass, int response, int stage)
{
	(void)qtype;
	(void)qclass;
	uint32_t h = (uint32_t)name->hash;
	const struct name_slot *ns = &w->name_slots[h & (w->name_slot_count - 1)];
	if (stage == 0) {
		__builtin_prefetch(ns);
		return;
	}
	/* Stage 1: the slot is in the cache by now; what it points to, if it is likely the one:
	 * the name, and a response's first two records. */
	if (stage != 1 || !ns->id1 || ns->hash != h)
		return;
	__builtin_prefetch(w->blob + ns->off);
	if (!response)
		return;
	if (ns->first1)
		__builtin_prefetch(&w->records[ns->first1 - 1]);
	if (ns->second1)
		__builtin_prefetch(&w->records[ns->second1 - 1]);
}

int trace_writer_add_query(struct trace_writer *w, int64_t time_ns, const uint8_t *qname,
                           size_t qname_len, uint16_t qtype, uint16_t qclass, uint16_t flags,
                           const struct trace_addr *client, const struct trace_addr *resolver)
{
	struct trace_name name;
	if (trace_writer_name(w, qname, qname_len, &name))
		return -1;
	return trace_writer_add_query_name(w, time_ns, &name, qtype, qclass, flags, client, resolver);
}

int trace_writer_add_query_name(struct trace_writer *w, int64_t time_ns, const struct trace_name *name,
                                uint16_t qtype, uint16_t qclass, uint16_t flags,
                                const struct trace_addr *client, const struct trace_addr *resolver)
{
	const struct name_slot *ns = intern_name(w, name);
	int64_t name_id = ns ? (int64_t)ns->id1 - 1 : -1;
	int64_t client_id = name_id < 0 ? -1 : intern_addr(w, 0, client);
	int64_t resolver_id = client_id < 0 ? -1 : intern_addr(w, 1, resolver);
	if (resolver_id < 0 || resolver_id > UINT16_MAX)
		return -1;
	if (grow((void **)&w->queries, &w->cap_queries, w->nqueries + 1, sizeof(*w->queries)))
		return -1;
	w->queries[w->nqueries++] = (struct trace_query){ .time_ns = time_ns, .name_id = (uint32_t)name_id,
		                                          .client_id = (uint32_t)client_id,
		                                          .resolver_id = (uint16_t)resolver_id, .qtype = qtype,
		                                          .qclass = qclass, .flags = flags };
	return 0;
}

static uint64_t record_key(uint32_t name_id, uint16_t qtype, uint16_t qclass)
{
	return (uint64_t)name_id << 32 | (uint64_t)qtype << 16 | qclass;
}

int trace_writer_add_response(struct trace_writer *w, const uint8_t *qname, size_t qname_len,
                              uint16_t qtype, uint16_t qclass, const struct trace_response *r)
{
	struct trace_name name;
	if (trace_writer_name(w, qname, qname_len, &name))
		return -1;
	return trace_writer_add_response_name(w, &name, qtype, qclass, r);
}

int trace_writer_add_response_name(struct trace_writer *w, const struct trace_name *name,
                                   uint16_t qtype, uint16_t qclass, const struct trace_response *r)
{
	struct name_slot *nr = intern_name(w, name);
	if (!nr)
		return -1;
	uint32_t name_id = nr->id1 - 1;
	uint64_t k = record_key(name_id, qtype, qclass);
	struct live_record *st = NULL;
	uint32_t last1 = 0; /* the name's last record, id + 1 */
	for (uint32_t r1 = nr->first1; r1;) {
		struct live_record *lr = &w->records[r1 - 1];
		if (lr->r.qtype == qtype && lr->r.qclass == qclass) {
			st = lr;
			break;
		}
		last1 = r1;
		r1 = r1 == nr->first1 ? nr->second1 : lr->next1; /* the second without waiting for the first */
	}
	if (!st) {
		size_t cap = w->cap_records;
		if (grow((void **)&w->records, &cap, (size_t)w->nrecords + 1, sizeof(*w->records)))
			return -1;
		w->cap_records = (uint32_t)cap;
		uint32_t id = w->nrecords++;
		st = &w->records[id];
		*st = (struct live_record){ .r = { .name_id = name_id, .qtype = qtype, .qclass = qclass },
			                    .last_time = INT64_MIN };
		if (last1)
			w->records[last1 - 1].next1 = id + 1;
		if (!nr->first1)
			nr->first1 = id + 1;
		else if (!nr->second1)
			nr->second1 = id + 1;
	}
	struct trace_record *rec = &st->r;
	rec->responses++;
	w->responses++;
	/* The largest TTL seen is the closest to the authority's (caches only decrement it). */
	if (r->ancount > 0 && r->min_ttl > rec->max_ttl)
		rec->max_ttl = r->min_ttl;
	if (r->answer_size >= rec->answer_size) {
		rec->answer_size = r->answer_size;
		rec->ancount = r->ancount;
	}
	if (r->aa) {
		rec->flags |= TRACE_RF_AA;
		if (r->ancount > 0)
			rec->flags |= TRACE_RF_TTL_EXACT;
	}
	if (r->time_ns >= st->last_time) {
		st->last_time = r->time_ns;
		rec->rcode = r->rcode;
	}
	/* Keep the answers that differ from the one seen before; the changes are worked out in
	 * time order when the trace is written. */
	/* A negative answer is an answer too, the same for every importer: known by its rcode. */
	uint64_t hash = r->rcode != DNS_RCODE_NOERROR || r->ancount == 0 ? 0xffffULL ^ r->rcode : r->answer_hash;
	if (hash && hash != st->last_hash) {
		if (!st->last_hash) { /* the first: held here */
			st->first_time = r->time_ns;
		} else {
			if (grow((void **)&w->obs, &w->cap_obs, w->nobs + 2, sizeof(*w->obs)))
				return -1;
			if (!st->spilled) /* the first (the only one so far, so the last) goes first */
				w->obs[w->nobs++] = (struct observation){ k, st->first_time, st->last_hash };
			st->spilled = 1;
			w->obs[w->nobs++] = (struct observation){ k, r->time_ns, hash };
		}
		st->last_hash = hash;
	}
	return 0;
}

/* Add n to a line found by its text; key, if not NULL, is a string literal to know it by. */
static int count_line(struct trace_writer *w, const char *stat_name, uint64_t n, const char *key)
{
	for (size_t i = 0; i < w->nstats; i++)
		if (!strcmp(w->stats[i].name, stat_name)) {
			w->stats[i].count += n;
			if (key && !w->stat_keys[i])
				w->stat_keys[i] = key;
			return 0;
		}
	size_t cap = w->cap_stats;
	if (strlen(stat_name) >= sizeof(w->stats[0].name) ||
	    grow((void **)&w->stats, &w->cap_stats, w->nstats + 1, sizeof(*w->stats)) ||
	    grow((void **)&w->stat_keys, &cap, w->nstats + 1, sizeof(*w->stat_keys)))
		return -1;
	w->stat_keys[w->nstats] = key;
	struct trace_stat *s = &w->stats[w->nstats++];
	memset(s, 0, sizeof(*s));
	strcpy(s->name, stat_name);
	s->count = n;
	return 0;
}

int trace_writer_count(struct trace_writer *w, const char *stat_name, uint64_t n)
{
	return count_line(w, stat_name, n, NULL);
}

int trace_writer_count_literal(struct trace_writer *w, const char *literal, uint64_t n)
{
	for (size_t i = 0; i < w->nstats; i++)
		if (w->stat_keys[i] == literal) {
			w->stats[i].count += n;
			return 0;
		}
	return count_line(w, literal, n, literal);
}

int trace_writer_add_source(struct trace_writer *w, const char *description)
{
	size_t len = strlen(description);
	char *ns = realloc(w->sources, w->sources_len + len + 2);
	if (!ns)
		return -1;
	w->sources = ns;
	memcpy(ns + w->sources_len, description, len);
	w->sources_len += len;
	ns[w->sources_len++] = '\n';
	ns[w->sources_len] = '\0';
	return 0;
}

/* The queries in time order, those at the same time in arrival order (a stable sort), unless
 * they are so already (the usual case for a capture): arrival numbers sorted, then the
 * queries moved along the permutation's cycles, so no second array of queries is needed. */
static int cmp_arrival(const void *a, const void *b, void *arg)
{
	const struct trace_query *q = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	if (q[x].time_ns != q[y].time_ns)
		return q[x].time_ns < q[y].time_ns ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int sort_queries(struct trace_query *q, size_t n)
{
	size_t i = 1;
	while (i < n && q[i - 1].time_ns <= q[i].time_ns)
		i++;
	if (i >= n)
		return 0;
	size_t *from = malloc(n * sizeof(*from)); /* from[i]: the arrival that goes to place i */
	if (!from)
		return -1;
	for (i = 0; i < n; i++)
		from[i] = i;
	qsort_r(from, n, sizeof(*from), cmp_arrival, q);
	for (i = 0; i < n; i++) {
		if (from[i] == i)
			continue;
		struct trace_query first = q[i];
		size_t j = i;
		while (from[j] != i) {
			size_t k = from[j];
			q[j] = q[k];
			from[j] = j;
			j = k;
		}
		q[j] = first;
		from[j] = j;
	}
	free(from);
	return 0;
}

static int cmp_observation(const void *a, const void *b)
{
	const struct observation *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->time_ns < y->time_ns ? -1 : x->time_ns > y->time_ns;
}

/*
 * Records and observations in key order, whose high 32 bits are a name id: counted into one
 * bucket per name (ids are dense), in their order, then each name's few elements sorted
 * (insertion, or qsort for a long run): a stable sort, as glibc's qsort (a merge sort) over
 * the whole array was, in linear time. Arrays in order already are left as they are.
 */
static int sort_by_name(void *base, size_t n, size_t size, uint32_t nnames, uint32_t (*name_of)(const void *),
                        int (*cmp)(const void *, const void *))
{
	uint8_t *p = base;
	size_t i = 1;
	while (i < n && cmp(p + (i - 1) * size, p + i * size) <= 0)
		i++;
	if (i >= n)
		return 0;
	if (n < nnames / 8) { /* few: the buckets would cost more */
		qsort(base, n, size, cmp);
		return 0;
	}
	size_t *start = calloc((size_t)nnames + 1, sizeof(*start));
	uint8_t *out = malloc(n * size);
	if (!start || !out) {
		free(start);
		free(out);
		return -1;
	}
	for (i = 0; i < n; i++)
		start[name_of(p + i * size) + 1]++;
	for (uint32_t k = 0; k < nnames; k++)
		start[k + 1] += start[k];
	for (i = 0; i < n; i++) {
		uint32_t k = name_of(p + i * size);
		memcpy(out + start[k]++ * size, p + i * size, size);
	}
	/* start[k] is now where bucket k ends, and bucket k begins where k - 1 ends. */
	uint8_t tmp[64];
	for (uint32_t k = 0; k < nnames; k++) {
		size_t from = k ? start[k - 1] : 0, to = start[k];
		if (to - from > 32 || size > sizeof(tmp)) {
			qsort(out + from * size, to - from, size, cmp);
			continue;
		}
		for (size_t j = from + 1; j < to; j++) {
			size_t m = j;
			memcpy(tmp, out + j * size, size);
			while (m > from && cmp(out + (m - 1) * size, tmp) > 0) {
				memcpy(out + m * size, out + (m - 1) * size, size);
				m--;
			}
			memcpy(out + m * size, tmp, size);
		}
	}
	memcpy(p, out, n * size);
	free(out);
	free(start);
	return 0;
}

static uint32_t observation_name(const void *o)
{
	return (uint32_t)(((const struct observation *)o)->key >> 32);
}

static uint32_t record_name(const void *r)
{
	return ((const struct trace_record *)r)->name_id;
}

/* The changes: per record in time order, each answer that differs from the one before it. */
static struct trace_change *answer_changes(struct trace_writer *w, int64_t start, size_t *count)
{
	*count = 0;
	if (sort_by_name(w->obs, w->nobs, sizeof(*w->obs), w->nnames, observation_name, cmp_observation))
		return NULL;
	struct trace_change *c = malloc((w->nobs ? w->nobs : 1) * sizeof(*c));
	if (!c)
		return NULL;
	for (size_t i = 1; i < w->nobs; i++)
		if (w->obs[i].key == w->obs[i - 1].key && w->obs[i].hash != w->obs[i - 1].hash)
			c[(*count)++] = (struct trace_change){ (uint32_t)(w->obs[i].key >> 32), (uint16_t)(w->obs[i].key >> 16),
				                               (uint16_t)w->obs[i].key, w->obs[i].time_ns - start };
	return c;
}

static int cmp_record(const void *a, const void *b)
{
	const struct trace_record *x = a, *y = b;
	uint64_t kx = record_key(x->name_id, x->qtype, x->qclass), ky = record_key(y->name_id, y->qtype, y->qclass);
	return kx < ky ? -1 : kx > ky;
}

static int write_section(FILE *f, struct trace_file_header *h, enum trace_section s,
                         const void *data, uint64_t count, size_t elem)
{
	long pos = ftell(f);
	long aligned = (pos + 7) & ~7L;
	static const uint8_t zeros[8];
	if (pos < 0 || fwrite(zeros, 1, (size_t)(aligned - pos), f) != (size_t)(aligned - pos))
		return -1;
	h->sections[s].offset = (uint64_t)aligned;
	h->sections[s].count = count;
	size_t bytes = (size_t)count * elem;
	return bytes && fwrite(data, 1, bytes, f) != bytes ? -1 : 0;
}

int trace_writer_write(struct trace_writer *w, const char *path, char *err, size_t err_size)
{
	if (w->written) {
		snprintf(err, err_size, "%s: a trace writer is written once", path);
		return -1;
	}
	if (sort_queries(w->queries, w->nqueries)) {
		snprintf(err, err_size, "%s: out of memory", path);
		return -1;
	}
	struct trace_file_header h;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, TRACE_MAGIC, 8);
	h.version = TRACE_VERSION;
	h.header_size = sizeof(h);
	h.response_count = w->responses;
	if (w->nqueries) {
		h.start_time_ns = w->queries[0].time_ns;
		h.duration_ns = w->queries[w->nqueries - 1].time_ns - h.start_time_ns;
	}
	/* Records are put in key order; keep the name index in step (ids do not move). */
	size_t nchanges = 0;
	/* The records become the file's in place (element i moves down, from 56 i to 24 i bytes). */
	struct trace_record *records = (struct trace_record *)(void *)w->records;
	for (uint32_t i = 0; i < w->nrecords; i++)
		memmove(&records[i], &w->records[i].r, sizeof(*records));
	w->written = 1;
	struct trace_change *changes = sort_by_name(records, w->nrecords, sizeof(*records), w->nnames,
	                                            record_name, cmp_record)
	                                       ? NULL
	                                       : answer_changes(w, h.start_time_ns, &nchanges);
	char tmp[4096];
	if (!changes || snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
		free(changes);
		snprintf(err, err_size, "%s: out of memory or path too long", path);
		return -1;
	}
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		free(changes);
		snprintf(err, err_size, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	/* The queries' times become the file's, in place: the writer is spent. */
	struct trace_query *qs = w->queries;
	for (size_t i = 0; i < w->nqueries; i++)
		qs[i].time_ns -= h.start_time_ns;
	const char *sources = w->sources ? w->sources : "";
	int rc = fwrite(&h, sizeof(h), 1, f) == 1 ? 0 : -1;
	rc = rc ? rc : write_section(f, &h, TS_QUERIES, qs, w->nqueries, sizeof(*qs));
	rc = rc ? rc : write_section(f, &h, TS_RECORDS, records, w->nrecords, sizeof(*records));
	rc = rc ? rc : write_section(f, &h, TS_NAME_INDEX, w->name_off, (uint64_t)w->nnames + 1, sizeof(uint32_t));
	rc = rc ? rc : write_section(f, &h, TS_NAME_BLOB, w->blob, w->blob_len, 1);
	rc = rc ? rc : write_section(f, &h, TS_CLIENTS, w->addrs[0], w->naddrs[0], sizeof(struct trace_addr));
	rc = rc ? rc : write_section(f, &h, TS_RESOLVERS, w->addrs[1], w->naddrs[1], sizeof(struct trace_addr));
	rc = rc ? rc : write_section(f, &h, TS_STATS, w->stats, w->nstats, sizeof(*w->stats));
	rc = rc ? rc : write_section(f, &h, TS_SOURCES, sources, strlen(sources) + 1, 1);
	rc = rc ? rc : write_section(f, &h, TS_CHANGES, changes, nchanges, sizeof(*changes));
	rc = rc ? rc : (fseek(f, 0, SEEK_SET) || fwrite(&h, sizeof(h), 1, f) != 1) ? -1 : 0;
	free(changes);
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (rc) {
		snprintf(err, err_size, "%s: cannot write: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
