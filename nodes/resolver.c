/*
 * resolver — query handling, resolution completion, share sending and receiving.
 *
 * Pools (resolutions, waiters, share buffers, deliveries) are arrays with free lists; events
 * carry pool indices. Every element starts with its free-list link.
 */
#include "nodes/resolver.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "nodes/pubsub.h"
#include "nodes/share.h"
#include "nodes/share_pcap.h"
#include "sim/latency_matrix.h"
#include "traces/trace.h"

#define NONE UINT32_MAX

struct resolution {
	uint32_t next_free;
	uint32_t first_waiter;
	uint64_t key;
	sim_time started;
	sim_time pulled_expires; /* transport pull: what the central cache had (INT64_MIN: nothing) */
	uint32_t pulled_version, pulled_ttl;
	uint8_t pulled_rcode, pulled_negative;
	uint8_t background;      /* a refresh after serving expired data: no client waits on it */
};
struct waiter { uint32_t next_free; uint32_t next; sim_time arrival; };
/* A share message and what its first receiver's checks found, reused by the others: every
 * receiver holds the same key and gets the same bytes, so only the TSIG time check depends on
 * who receives it (verdict -1: not checked yet). */
/* One RRset of an accepted share, as a cache writes it. */
struct shared_rrset {
	uint32_t name_id;
	uint16_t type, rclass;
	uint32_t ttl;
};
#define SHARE_MEMO_RRSETS 4

struct share_buf {
	uint32_t next_free;
	uint32_t refs;
	uint32_t origin;
	uint16_t len;
	int16_t verdict;
	uint8_t *msg;
	uint64_t time_signed;
	uint32_t version;    /* the world version of the data shared (simulation bookkeeping) */
	uint32_t answer_off;
	uint16_t ancount;
	uint8_t time_known;
	uint64_t question_key; /* cache key of the question: where receivers will write, to prefetch */
	/* The Answer section's RRsets as the first receiver read them (the bytes every copy carries
	 * are the same): later receivers write their caches without reading the message again. */
	struct shared_rrset rrsets[SHARE_MEMO_RRSETS];
	int8_t rrset_count;  /* -1: more than SHARE_MEMO_RRSETS, read by each receiver */
	uint8_t rrsets_read; /* rrsets and rrset_count hold what the first receiver read */
};
struct delivery { uint32_t next_free; uint32_t buf; uint8_t to_hub; };

/* A pool without a freed element: the next one, the pool grown if full. */
uint32_t resolver_pool_append(void **arr, uint32_t *len, uint32_t *cap, size_t elem)
{
	if (*len == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 256;
		void *na = realloc(*arr, (size_t)ncap * elem);
		if (!na)
			return NONE;
		/* New slots start zeroed: a share buffer slot has no message buffer yet. */
		memset((char *)na + (size_t)*cap * elem, 0, (size_t)(ncap - *cap) * elem);
		*arr = na;
		*cap = ncap;
	}
	return (*len)++;
}

#define TAKE(n, pool, len, cap, fr) resolver_pool_take((void **)&(n)->pool, &(n)->len, &(n)->cap, &(n)->fr, sizeof(*(n)->pool))
#define PUT(n, pool, fr, i) resolver_pool_put((n)->pool, &(n)->fr, sizeof(*(n)->pool), (i))

static size_t session_message_overhead(const struct sim_params *p);

/* cache.capacity_bytes: what an entry weighs (see the key's documentation). */
static uint32_t entry_bytes(const void *ctx, uint64_t key)
{
	const struct resolver_net *n = ctx;
	size_t name_len;
	(void)trace_name_wire(n->trace, (uint32_t)(key >> 32), &name_len);
	const struct trace_record *r = trace_record_find(n->trace, (uint32_t)(key >> 32), (uint16_t)(key >> 16),
	                                                 (uint16_t)key);
	uint32_t answer = r ? r->answer_size : 16u * (n->p->default_answer_rrs ? n->p->default_answer_rrs : 1);
	return (uint32_t)name_len + answer + 100;
}

/* network.latency_matrix: the sites' one-way delays; its size must be network.sites. */
static int load_site_latency(struct resolver_net *n, const struct sim_params *p, char *err, size_t err_size)
{
	double *ms;
	uint32_t sites = n->sites;
	if (latency_matrix_load_sites(p->latency_matrix_path, sites, &ms, err, err_size))
		return -1;
	n->site_latency = malloc((size_t)sites * sites * sizeof(*n->site_latency));
	for (size_t i = 0; n->site_latency && i < (size_t)sites * sites; i++)
		n->site_latency[i] = sim_time_from_ms(ms[i]);
	free(ms);
	if (!n->site_latency) {
		snprintf(err, err_size, "out of memory for the latency matrix");
		return -1;
	}
	return 0;
}

/*
 * The keys an unbounded cache is expected to end up with, to start it there: each growth is a
 * rehash into fresh pages that the kernel zeroes (a fifth to a third of a replicating run, a
 * sixth of one without sharing). Only without a capacity, for then the table's layout changes no
 * result (with one, sampled eviction picks slots by position). An estimate, not a bound: a cache
 * that needs more still grows.
 * - Transports that copy every answer to every resolver (to every member of its multicast
 *   group) fill each cache with about every key the trace asks for (fewer if most answers are
 *   negative, which the draft does not share).
 * - A frontend that spreads queries evenly (random, round-robin, on one site): the keys one of
 *   the resolvers is expected to be asked for (trace_spread_keys).
 */
static uint64_t expected_keys(const struct sim_params *p, const struct trace *t)
{
	if (p->cache_capacity || p->cache_capacity_bytes)
		return 0;
	uint64_t replicated = 0, spread = 0, groups = 1;
	int replicating = p->nodes > 1;
	switch (p->transport) {
	case SHARE_UNICAST:
	case SHARE_HUB:
		break;
	case SHARE_MULTICAST:
		groups = p->multicast_groups ? p->multicast_groups : 1;
		break;
	case SHARE_PUBSUB:
		replicating &= p->pubsub_subscribe == PUBSUB_ALL;
		break;
	default:
		replicating = 0;
	}
	if (replicating)
		replicated = trace_queried_keys(t) / groups;
	if (p->sites <= 1 && (p->frontend == FRONTEND_RANDOM || p->frontend == FRONTEND_ROUND_ROBIN))
		spread = (uint64_t)trace_spread_keys(t, p->nodes);
	return replicated > spread ? replicated : spread;
}

int resolver_net_init(struct resolver_net *n, const struct sim_params *p, const struct trace *t,
                      struct metrics *m, struct rng_streams *rng, struct event_queue *ev,
                      struct share_pcap *pcap, char *err, size_t err_size)
{
	memset(n, 0, sizeof(*n));
	n->p = p;
	n->trace = t;
	n->m = m;
	n->rng = rng;
	n->ev = ev;
	n->pcap = pcap;
	n->nodes = p->nodes;
	n->epoch_ns = trace_start_time_ns(t);
	n->joining = p->join_at > 0 && p->nodes > 1 ? p->nodes - 1 : UINT32_MAX;
	n->join_time = trace_query_count(t) ? trace_queries(t)[0].time_ns + (sim_time)(p->join_at * 1e9) : 0;
	n->service_time = sim_time_from_ms(p->service_time_ms);
	n->service_bucket = metrics_latency_bucket(n->service_time);
	n->log_upstream_median = p->upstream_latency_median_ms > 0 ? log(p->upstream_latency_median_ms) : 0;
	n->link_latency = sim_time_from_ms(p->link_latency_ms);
	n->inter_site_latency = sim_time_from_ms(p->inter_site_latency_ms);
	n->sites = p->sites ? p->sites : 1;
	n->link_jitter = sim_time_from_ms(p->link_jitter_ms);
	n->site_jitter = sim_time_from_ms(p->site_jitter_ms);
	n->res_free = n->wait_free = n->buf_free = n->dlv_free = NONE;
	if (authority_init(&n->world, p, t, err, err_size))
		return -1;
	if (p->transport == SHARE_HUB && p->hub_node >= p->nodes) {
		snprintf(err, err_size, "share.hub: resolver %u does not exist (resolvers.nodes = %u)",
		         p->hub_node, p->nodes);
		return -1;
	}
	char why[256];
	if (dns_tsig_key_parse(p->key_spec, &n->send_key, why, sizeof(why))) {
		snprintf(err, err_size, "share.key: %s", why);
		return -1;
	}
	const char *rk = p->receiver_key_spec[0] ? p->receiver_key_spec : p->key_spec;
	if (dns_tsig_key_parse(rk, &n->recv_key, why, sizeof(why))) {
		snprintf(err, err_size, "share.receiver_key: %s", why);
		resolver_net_free(n);
		return -1;
	}
	n->caches = calloc(p->nodes, sizeof(*n->caches));
	if (!n->caches) {
		snprintf(err, err_size, "out of memory for %u caches", p->nodes);
		resolver_net_free(n);
		return -1;
	}
	/* Start each cache near the trace's working set divided among the nodes, or near what it is
	 * expected to hold: growing copies the table and has the kernel supply pages twice over. */
	uint32_t initial = (uint32_t)(trace_record_count(t) / p->nodes + 64);
	uint64_t expected = cache_unbounded_slots(expected_keys(p, t));
	if (expected > initial)
		initial = (uint32_t)(expected < UINT32_MAX / 2 ? expected : UINT32_MAX / 2);
	n->share_overhead = p->transport == SHARE_PUBSUB ? pubsub_object_overhead(p->ip_version)
	                                                 : share_header_overhead(p->ip_version);
	if (p->iterative) {
		n->delegations = calloc(p->nodes, sizeof(*n->delegations));
		for (uint32_t i = 0; n->delegations && i < p->nodes; i++)
			if (cache_init(&n->delegations[i], 64)) {
				snprintf(err, err_size, "out of memory for %u delegation caches", p->nodes);
				resolver_net_free(n);
				return -1;
			}
		if (!n->delegations) {
			snprintf(err, err_size, "out of memory for %u delegation caches", p->nodes);
			resolver_net_free(n);
			return -1;
		}
	}
	if (p->latency_matrix_path[0] && load_site_latency(n, p, err, err_size)) {
		resolver_net_free(n);
		return -1;
	}
	if (p->authority_capacity) {
		n->upstream = malloc(sizeof(*n->upstream));
		if (!n->upstream || upstream_load_init(n->upstream, p->authority_capacity)) {
			free(n->upstream);
			n->upstream = NULL;
			snprintf(err, err_size, "out of memory for the authorities' load");
			resolver_net_free(n);
			return -1;
		}
	}
	n->sessions = p->session != SESSION_UDP && (p->transport == SHARE_UNICAST || p->transport == SHARE_HUB) &&
	              p->nodes > 1;
	if (n->sessions) {
		n->share_overhead = session_message_overhead(p);
		if (!(n->pair_up = calloc((size_t)p->nodes * p->nodes, sizeof(*n->pair_up)))) {
			snprintf(err, err_size, "out of memory for the connections of %u resolvers", p->nodes);
			resolver_net_free(n);
			return -1;
		}
	}
	if (cache_init(&n->central, p->transport == SHARE_PULL ? (uint32_t)trace_record_count(t) + 64 : 64)) {
		snprintf(err, err_size, "out of memory for the central cache");
		resolver_net_free(n);
		return -1;
	}
	for (uint32_t i = 0; i < p->nodes; i++) {
		if (cache_init(&n->caches[i], p->cache_capacity && p->cache_capacity < initial ? p->cache_capacity : initial)) {
			snprintf(err, err_size, "out of memory for %u caches", p->nodes);
			resolver_net_free(n);
			return -1;
		}
		n->caches[i].capacity = p->cache_capacity;
		n->caches[i].capacity_bytes = p->cache_capacity_bytes;
		/* Exact LRU keeps its list only where something can be evicted. */
		if (p->cache_eviction == EVICTION_LRU && (p->cache_capacity || p->cache_capacity_bytes) &&
		    cache_use_lru(&n->caches[i])) {
			snprintf(err, err_size, "out of memory for %u caches", p->nodes);
			resolver_net_free(n);
			return -1;
		}
		n->caches[i].size_of = entry_bytes;
		n->caches[i].size_ctx = n;
		n->caches[i].sampler ^= (uint64_t)(i + 1) * 0xbf58476d1ce4e5b9ULL; /* each its own draws */
	}
	if (p->transport == SHARE_PUBSUB &&
	    (pubsub_init(n, err, err_size) || pubsub_push_start(n, err, err_size))) {
		resolver_net_free(n);
		return -1;
	}
	return 0;
}

void resolver_net_free(struct resolver_net *n)
{
	authority_free(&n->world);
	if (n->caches)
		for (uint32_t i = 0; i < n->nodes; i++)
			cache_free(&n->caches[i]);
	free(n->caches);
	free(n->pair_up);
	n->pair_up = NULL;
	free(n->site_latency);
	n->site_latency = NULL;
	if (n->delegations)
		for (uint32_t i = 0; i < n->nodes; i++)
			cache_free(&n->delegations[i]);
	free(n->delegations);
	n->delegations = NULL;
	if (n->upstream)
		upstream_load_free(n->upstream);
	free(n->upstream);
	n->upstream = NULL;
	cache_free(&n->central);
	pubsub_free(n);
	for (uint32_t i = 0; i < n->buf_len; i++)
		free(n->bufs[i].msg);
	free(n->res);
	free(n->wait);
	free(n->bufs);
	free(n->dlv);
	dns_tsig_key_free(&n->send_key);
	dns_tsig_key_free(&n->recv_key);
	memset(n, 0, sizeof(*n));
}

/* A node's cache slot for key, evicting (and counting) when the cache is full. Always inline:
 * every query and resolution asks, and GCC kept it a call once a new key's slot was made inline. */
static inline __attribute__((always_inline)) struct cache_entry *
node_slot(struct resolver_net *n, uint32_t node, sim_time now, uint64_t key)
{
	uint64_t evicted = 0;
	struct cache_entry *e = cache_slot_evict(&n->caches[node], key, &evicted);
	if (evicted)
		metrics_add(n->m, node, now, CTR_CACHE_EVICTIONS, evicted);
	return e;
}

static inline void count_answer(struct resolver_net *n, uint32_t node, sim_time now, uint8_t rcode, int negative)
{
	if (rcode == DNS_RCODE_NXDOMAIN)
		metrics_add(n->m, node, now, CTR_ANSWERS_NXDOMAIN, 1);
	else if (rcode == DNS_RCODE_NOERROR && negative)
		metrics_add(n->m, node, now, CTR_ANSWERS_NODATA, 1);
}

static sim_time upstream_latency(struct resolver_net *n)
{
	double median = n->p->upstream_latency_median_ms, sigma = n->p->upstream_latency_sigma;
	if (median <= 0)
		return 0;
	if (sigma <= 0)
		return sim_time_from_ms(median);
	return sim_time_from_ms(rng_lognormal(n->rng, RNG_UPSTREAM_LATENCY, n->log_upstream_median, sigma));
}

/* The latency of a step to a zone's servers: drawn per query, or (authority.latency_per_zone)
 * once per zone from the seed: the lognormal quantile of a hash of (seed, zone). */
static sim_time zone_latency(struct resolver_net *n, const uint8_t *zone, size_t len)
{
	double median = n->p->upstream_latency_median_ms, sigma = n->p->upstream_latency_sigma;
	if (!n->p->latency_per_zone || median <= 0 || sigma <= 0)
		return upstream_latency(n);
	uint64_t h = XXH3_64bits_withSeed(zone, len, n->p->seed);
	double u = ((double)(h >> 11) + 0.5) * 0x1.0p-53; /* in (0, 1) */
	return sim_time_from_ms(gsl_cdf_lognormal_Pinv(u, n->log_upstream_median, sigma));
}

/* Where the labels of a wire-form name start (at most 128); their count. The zone a name's
 * answer comes from, as the simulation sees it, is its last two labels (or the whole name). */
static size_t label_starts(const uint8_t *name, size_t len, size_t starts[128])
{
	size_t count = 0;
	for (size_t i = 0; i < len && name[i] && count < 128; i += (size_t)name[i] + 1)
		starts[count++] = i;
	return count;
}

/* A delegation step: held by the node (0), or asked for now (1, and remembered). */
static int delegation_missing(struct resolver_net *n, uint32_t node, sim_time now, const uint8_t *zone, size_t len)
{
	uint64_t key = XXH3_64bits(zone, len) | 1; /* never 0 */
	struct cache_entry *d = cache_slot(&n->delegations[node], key);
	if (!d)
		return -1;
	if (d->expires > now)
		return 0;
	d->expires = now + (sim_time)n->p->delegation_ttl * SIM_S;
	return 1;
}

/* authority.capacity: a query to zone's servers sent at t waits for a second with room. */
static sim_time authority_wait(struct resolver_net *n, uint32_t node, sim_time now, const uint8_t *zone,
                               size_t len, sim_time t)
{
	sim_time wait;
	if (!n->upstream) /* no capacity: no wait */
		return 0;
	if (upstream_load_take(n->upstream, zone, len, t, &wait))
		return -1;
	if (wait > 0) {
		metrics_add(n->m, node, now, CTR_UPSTREAM_QUEUED, 1);
		metrics_add(n->m, node, now, CTR_UPSTREAM_WAIT_US, (uint64_t)(wait / 1000));
	}
	return wait;
}

/* The time a resolution takes and the upstream queries it makes: one to the name's
 * authority, and with authority.iterative first one to a root server (the TLD's delegation) and
 * one to a TLD server (the SLD's) unless the node holds them; with authority.capacity each step
 * leaves when the previous one is answered and may wait for its authority. Returns -1 when out
 * of memory. */
static sim_time resolution_delay(struct resolver_net *n, uint32_t node, sim_time now, uint64_t key)
{
	metrics_add(n->m, node, now, CTR_UPSTREAM, 1);
	if (!n->p->latency_per_zone && !n->delegations && !n->upstream) /* the common case: no name to look at */
		return upstream_latency(n);
	size_t len, starts[128];
	const uint8_t *name = trace_name_wire(n->trace, (uint32_t)(key >> 32), &len);
	size_t count = label_starts(name, len, starts), zone = count >= 2 ? starts[count - 2] : 0;
	sim_time zone_delay = zone_latency(n, name + zone, len - zone);
	/* The delegation steps asked first (root, then TLD), each after the one before, each
	 * waiting its turn at a loaded authority (authority.capacity); t: when the next is asked. */
	sim_time t = now, wait;
	/* The TLD is the last label, the SLD the last two. */
	const struct { size_t labels; enum metrics_counter counter; } steps[] = {
		{ 1, CTR_UPSTREAM_ROOT }, { 2, CTR_UPSTREAM_TLD },
	};
	for (size_t s = 0; n->delegations && s < 2; s++) {
		if (count < steps[s].labels) /* the root's own names need no delegation */
			break;
		size_t at = starts[count - steps[s].labels];
		int missing = delegation_missing(n, node, now, name + at, len - at);
		if (missing < 0)
			return -1;
		if (!missing)
			continue;
		/* Asked of the parent's servers: the root (".") for a TLD, the TLD for an SLD. */
		const uint8_t *parent = s == 0 ? (const uint8_t *)"" : name + starts[count - 1];
		size_t parent_len = s == 0 ? 1 : len - starts[count - 1];
		sim_time latency = zone_latency(n, parent, parent_len);
		if ((wait = authority_wait(n, node, now, parent, parent_len, t)) < 0)
			return -1;
		t += wait + latency;
		metrics_add(n->m, node, now, CTR_UPSTREAM, 1);
		metrics_add(n->m, node, now, steps[s].counter, 1);
	}
	if ((wait = authority_wait(n, node, now, name + zone, len - zone, t)) < 0)
		return -1;
	return t + wait + zone_delay - now;
}

/* Would a client asking a random peer at this moment get the same answer? Compared only when
 * that peer holds the question too; measured when the world changes (check_stale asks). */
static void check_consistency(struct resolver_net *n, uint32_t node, sim_time now,
                              const struct cache_entry *e)
{
	if (n->nodes < 2)
		return;
	uint32_t peer = rng_uniform_int(n->rng, RNG_CONSISTENCY, n->nodes - 1);
	peer += peer >= node;
	const struct cache_entry *o = cache_find(&n->caches[peer], e->key);
	if (!o || o->expires <= now || o->negative)
		return;
	metrics_add(n->m, node, now, CTR_CONSISTENCY_CHECKS, 1);
	if (o->version != e->version)
		metrics_add(n->m, node, now, CTR_CONSISTENCY_MISMATCH, 1);
}

/* Served stale data? Count it (and its age when the authority has moved on). */
static void check_stale(struct resolver_net *n, uint32_t node, sim_time now, uint32_t name_id,
                        const struct cache_entry *e)
{
	if (e->negative || !authority_world_changes(&n->world)) /* nothing is ever stale */
		return;
	check_consistency(n, node, now, e);
	uint32_t current = authority_version(&n->world, name_id, now);
	if (e->version < current) {
		metrics_add(n->m, node, now, CTR_ANSWERS_STALE, 1);
		metrics_latency(n->m, node, LAT_STALE_AGE,
		                now - authority_version_start(&n->world, name_id, e->version + 1));
	}
}

/* A resolution no client waits for (serve-expired refresh, prefetch). */
static int background_refresh(struct resolver_net *n, uint32_t node, sim_time now, uint64_t key,
                              struct cache_entry *e)
{
	uint32_t ri = TAKE(n, res, res_len, res_cap, res_free);
	if (ri == NONE)
		return -1;
	n->res[ri] = (struct resolution){ .first_waiter = NONE, .key = key, .started = now,
		                          .pulled_expires = INT64_MIN, .background = 1 };
	e->inflight = ri + 1;
	sim_time delay = resolution_delay(n, node, now, key);
	return delay < 0 ? -1 : ev_push(n->ev, now + delay, EV_RESOLVED, node, ri);
}

/* RFC 8767 as Unbound's serve-expired (client timeout 0): answer from the expired copy at once
 * and refresh it in the background, unless a resolution is already in flight. */
static int serve_expired(struct resolver_net *n, uint32_t node, sim_time now,
                         const struct trace_query *q, uint64_t key, struct cache_entry *e)
{
	metrics_add(n->m, node, now, CTR_SERVED_EXPIRED, 1);
	metrics_latency_in(n->m, node, LAT_EXPIRED, n->service_bucket, n->service_time);
	check_stale(n, node, now, q->name_id, e);
	return e->inflight ? 0 : background_refresh(n, node, now, key, e);
}

int resolver_query(struct resolver_net *n, uint32_t node, sim_time now, const struct trace_query *q)
{
	struct metrics *m = n->m;
	uint64_t *counts = metrics_counters_at(m, node, now);
	counts[CTR_QUERIES]++;
	uint64_t key = cache_key(q->name_id, q->qtype, q->qclass);
	if (n->p->transport == SHARE_PUBSUB && pubsub_on_query(n, node, now, key))
		return -1;
	struct cache_entry *e = node_slot(n, node, now, key);
	if (!e)
		return -1;
	cache_touch(&n->caches[node], e, now);
	if (e->expires > now) {
		int shared = e->origin == CACHE_SHARED;
		counts[shared ? CTR_HITS_SHARED : CTR_HITS_OWN]++;
		check_stale(n, node, now, q->name_id, e);
		metrics_latency_in(m, node, shared ? LAT_HIT_SHARED : LAT_HIT_OWN, n->service_bucket, n->service_time);
		count_answer(n, node, now, e->rcode, e->negative);
		/* Unbound's prefetch: a hit in the last 10 % of the TTL refreshes the entry. */
		if (n->p->prefetch && !e->inflight && !e->negative &&
		    (e->expires - now) * 10 < (sim_time)e->ttl * SIM_S) {
			metrics_add(m, node, now, CTR_PREFETCH, 1);
			return background_refresh(n, node, now, key, e);
		}
		return 0;
	}
	if (n->p->serve_expired_ttl && e->expires != INT64_MIN && !e->negative &&
	    now < e->expires + (sim_time)n->p->serve_expired_ttl * SIM_S)
		return serve_expired(n, node, now, q, key, e);
	if (e->inflight) {
		uint32_t w = TAKE(n, wait, wait_len, wait_cap, wait_free);
		if (w == NONE)
			return -1;
		struct resolution *r = &n->res[e->inflight - 1];
		n->wait[w] = (struct waiter){ .next = r->first_waiter, .arrival = now };
		r->first_waiter = w;
		metrics_add(m, node, now, CTR_COALESCED, 1);
		return 0;
	}
	uint32_t ri = TAKE(n, res, res_len, res_cap, res_free);
	if (ri == NONE)
		return -1;
	n->res[ri] = (struct resolution){ .first_waiter = NONE, .key = key, .started = now,
		                          .pulled_expires = INT64_MIN };
	e->inflight = ri + 1;
	metrics_add(m, node, now, CTR_MISSES, 1);
	if (n->p->transport == SHARE_PULL && n->nodes > 1) {
		metrics_add(m, node, now, CTR_PULL_LOOKUPS, 1);
		return ev_push(n->ev, now + resolver_site_delay(n, resolver_site(n, node), RESOLVER_SERVICE_SITE),
		               EV_PULL_LOOKUP, node, ri);
	}
	sim_time delay = resolution_delay(n, node, now, key);
	return delay < 0 ? -1 : ev_push(n->ev, now + delay, EV_RESOLVED, node, ri);
}

int resolver_pull_lookup(struct resolver_net *n, uint32_t node, sim_time now, uint64_t arg)
{
	struct resolution *r = &n->res[arg];
	const struct cache_entry *c = cache_find(&n->central, r->key);
	if (c && c->expires > now) {
		metrics_add(n->m, node, now, CTR_PULL_HITS, 1);
		r->pulled_expires = c->expires;
		r->pulled_version = c->version;
		r->pulled_ttl = c->ttl;
		r->pulled_rcode = c->rcode;
		r->pulled_negative = c->negative;
	}
	return ev_push(n->ev, now + resolver_site_delay(n, RESOLVER_SERVICE_SITE, resolver_site(n, node)),
	               EV_PULL_REPLY, node, arg); /* back from the central cache */
}

static void answer_waiters(struct resolver_net *n, uint32_t node, sim_time now, uint32_t first,
                           uint8_t rcode, int negative);

int resolver_pull_reply(struct resolver_net *n, uint32_t node, sim_time now, uint64_t arg)
{
	struct resolution r = n->res[arg];
	if (r.pulled_expires == INT64_MIN) { /* not in the central cache: resolve */
		sim_time delay = resolution_delay(n, node, now, r.key);
		return delay < 0 ? -1 : ev_push(n->ev, now + delay, EV_RESOLVED, node, arg);
	}
	struct cache_entry *e = node_slot(n, node, now, r.key);
	if (!e)
		return -1;
	cache_touch(&n->caches[node], e, now);
	e->inflight = 0;
	e->expires = r.pulled_expires; /* the remaining TTL */
	e->version = r.pulled_version;
	e->ttl = r.pulled_ttl;
	e->origin = CACHE_SHARED;
	e->rcode = r.pulled_rcode;
	e->negative = r.pulled_negative;
	metrics_latency(n->m, node, LAT_HIT_PULL, now - r.started + n->service_time);
	count_answer(n, node, now, r.pulled_rcode, r.pulled_negative);
	answer_waiters(n, node, now, r.first_waiter, r.pulled_rcode, r.pulled_negative);
	PUT(n, res, res_free, (uint32_t)arg);
	return 0;
}

static void answer_waiters(struct resolver_net *n, uint32_t node, sim_time now, uint32_t first,
                           uint8_t rcode, int negative)
{
	for (uint32_t w = first; w != NONE;) {
		metrics_latency(n->m, node, LAT_COALESCED, now - n->wait[w].arrival + n->service_time);
		count_answer(n, node, now, rcode, negative);
		uint32_t next = n->wait[w].next;
		PUT(n, wait, wait_free, w);
		w = next;
	}
}

uint32_t resolver_clamp_ttl(const struct sim_params *p, uint32_t ttl)
{
	if (ttl < p->cache_min_ttl)
		ttl = p->cache_min_ttl;
	return ttl > p->cache_max_ttl ? p->cache_max_ttl : ttl;
}

static int share_send(struct resolver_net *n, uint32_t node, sim_time now, uint32_t name_id,
                      uint16_t qtype, uint16_t qclass, const struct answer *a, uint32_t ttl);

int resolver_resolved(struct resolver_net *n, uint32_t node, sim_time now, uint64_t arg)
{
	struct resolution r = n->res[arg];
	uint32_t name_id = (uint32_t)(r.key >> 32);
	uint16_t qtype = (uint16_t)(r.key >> 16), qclass = (uint16_t)r.key;
	struct answer a;
	int client_waits = !r.background;
	authority_answer(&n->world, name_id, qtype, qclass, &a);
	int negative = a.rcode != DNS_RCODE_NOERROR || a.ancount == 0;
	uint32_t ttl = 0;
	if (a.rcode == DNS_RCODE_NOERROR && a.ancount > 0)
		ttl = resolver_clamp_ttl(n->p, a.ttl);
	else if (a.rcode == DNS_RCODE_NOERROR || a.rcode == DNS_RCODE_NXDOMAIN)
		ttl = n->p->negative_ttl; /* RFC 2308; other rcodes are not cached */
	struct cache_entry *e = node_slot(n, node, now, r.key);
	if (!e)
		return -1;
	cache_touch(&n->caches[node], e, now);
	e->inflight = 0;
	e->expires = now + (sim_time)ttl * SIM_S;
	e->ttl = ttl;
	e->origin = CACHE_OWN;
	e->rcode = a.rcode;
	e->negative = (uint8_t)negative;
	e->version = authority_version(&n->world, name_id, now);

	if (client_waits) {
		metrics_latency(n->m, node, LAT_MISS, now - r.started + n->service_time);
		count_answer(n, node, now, a.rcode, negative);
	}
	answer_waiters(n, node, now, r.first_waiter, a.rcode, negative);
	PUT(n, res, res_free, (uint32_t)arg);
	if (n->p->transport == SHARE_NONE || n->nodes < 2)
		return 0;
	if (n->p->transport == SHARE_PULL) {
		/* Write what was resolved to the central cache (visible at once: the store's one-way
		 * delay is not modelled), as Unbound's cachedb does after a resolution. */
		if (ttl > 0) {
			struct cache_entry *c = cache_slot(&n->central, r.key);
			if (!c)
				return -1;
			c->expires = now + (sim_time)ttl * SIM_S;
			c->rcode = a.rcode;
			c->negative = (uint8_t)negative;
			c->version = e->version;
			c->ttl = ttl;
			metrics_add(n->m, node, now, CTR_PULL_STORES, 1);
		}
		return 0;
	}
	if (!share_eligible(n->p, a.rcode, a.ancount, a.aa, ttl)) {
		metrics_add(n->m, node, now, CTR_SHARE_NOT_ELIGIBLE, 1);
		return 0;
	}
	return share_send(n, node, now, name_id, qtype, qclass, &a, ttl);
}

void resolver_buf_hold(struct resolver_net *n, uint32_t bi) { n->bufs[bi].refs++; }
size_t resolver_buf_len(const struct resolver_net *n, uint32_t bi) { return n->bufs[bi].len; }

void resolver_buf_release(struct resolver_net *n, uint32_t bi)
{
	if (--n->bufs[bi].refs == 0)
		PUT(n, bufs, buf_free, bi);
}

static int share_deliver_copy(struct resolver_net *n, uint32_t node, uint32_t peer, uint32_t bi,
                              sim_time now, int to_hub);

int resolver_send_copy(struct resolver_net *n, uint32_t from, uint32_t to, uint32_t bi, sim_time now)
{
	return share_deliver_copy(n, from, to, bi, now, 0);
}

/* Where a copy leaves from: the sender's site, or site 0 for what a relay forwards. */
static uint32_t copy_source_site(const struct resolver_net *n, uint32_t node, uint32_t bi)
{
	(void)bi;
	return node < n->nodes ? resolver_site(n, node) : RESOLVER_SERVICE_SITE;
}

/* share.session: the per-message overhead — IP, a TCP header with the timestamps option (32
 * bytes, RFC 7323, as Linux sends), the 2-byte length of DNS over TCP (RFC 7766), and for TLS 1.3
 * a record header, its content type byte and an AEAD tag (5 + 1 + 16, RFC 8446 section 5.2). One
 * message per segment (Nagle off); ACKs are not counted. */
static size_t session_message_overhead(const struct sim_params *p)
{
	size_t tcp = (p->ip_version == 6 ? 40 : 20) + 32 + 2;
	return p->session == SESSION_TLS ? tcp + 22 : tcp;
}

/* Bytes of opening one connection: SYN and SYN-ACK (TCP header with options, 40) and ACK (32),
 * plus for TLS 1.3 a full handshake with one server certificate (ClientHello about 300 bytes,
 * server flight about 2,800, client Finished about 80: an estimate; resumption would be less). */
static uint64_t session_setup_bytes(const struct sim_params *p)
{
	uint64_t ip = p->ip_version == 6 ? 40 : 20;
	uint64_t tcp = 3 * ip + 40 + 40 + 32;
	return p->session == SESSION_TLS ? tcp + 3180 + 3 * (ip + 32) : tcp;
}

/* Linux's minimum TCP retransmission timeout (TCP_RTO_MIN). */
#define SESSION_RTO (200 * SIM_MS)

/* The wait before a copy from node to peer can leave: the first use of the pair opens its
 * connection (TCP: one round trip; TLS 1.3: two) and later copies wait until it is up. */
static sim_time session_wait(struct resolver_net *n, uint32_t node, uint32_t peer, sim_time now, sim_time one_way)
{
	uint32_t a = node < peer ? node : peer, b = node < peer ? peer : node;
	sim_time *up = &n->pair_up[(size_t)a * n->nodes + b];
	if (*up == 0) {
		int round_trips = n->p->session == SESSION_TLS ? 2 : 1;
		*up = now + 2 * round_trips * one_way;
		if (*up == 0)
			*up = 1; /* 0 means never opened */
		metrics_add(n->m, node, now, CTR_SESSION_SETUPS, 1);
		metrics_add(n->m, node, now, CTR_SESSION_BYTES, session_setup_bytes(n->p));
	}
	return *up > now ? *up - now : 0;
}

/* One copy of share buffer bi on its way to peer: lost, or delivered after the link's delay. */
static int share_deliver_copy(struct resolver_net *n, uint32_t node, uint32_t peer, uint32_t bi,
                              sim_time now, int to_hub)
{
	uint32_t from_site = n->relaying ? n->relay_site : copy_source_site(n, node, bi), to_site = resolver_site(n, peer);
	sim_time delay = resolver_site_delay(n, from_site, to_site);
	sim_time wait = 0; /* for the connection to come up, or for a retransmission */
	int lost = n->p->link_loss > 0 && rng_uniform(n->rng, RNG_LINK_LOSS) < n->p->link_loss;
	if (!lost && n->p->site_loss > 0 && from_site != to_site) /* network.site_loss */
		lost = rng_uniform(n->rng, RNG_LINK_LOSS) < n->p->site_loss;
	if (n->sessions && !n->relaying) {
		wait = session_wait(n, node, peer, now, delay);
		if (lost) { /* TCP sends it again once the retransmission timer fires */
			metrics_add(n->m, node, now, CTR_SHARE_RETRANSMITTED, 1);
			metrics_add(n->m, node, now, CTR_SHARE_SENT_BYTES, n->bufs[bi].len + n->share_overhead);
			wait += SESSION_RTO;
			lost = 0;
		}
	}
	if (lost) {
		metrics_add(n->m, node, now, CTR_SHARE_LOST, 1);
		return 0;
	}
	delay += wait;
	if (n->link_jitter > 0)
		delay += (sim_time)(rng_uniform(n->rng, RNG_LINK_LATENCY) * (double)n->link_jitter);
	if (n->site_jitter > 0 && from_site != to_site)
		delay += (sim_time)(rng_uniform(n->rng, RNG_LINK_LATENCY) * (double)n->site_jitter);
	uint32_t di = TAKE(n, dlv, dlv_len, dlv_cap, dlv_free);
	if (di == NONE || ev_push(n->ev, now + delay, EV_DELIVER, peer, di))
		return -1;
	n->dlv[di].buf = bi;
	n->dlv[di].to_hub = (uint8_t)to_hub;
	n->bufs[bi].refs++;
	return 0;
}

/* The copies of a share leave together: their receivers' cache slots are fetched together, in
 * one burst before the copies are made (few events lie between now and their delivery). One
 * prefetch per copy, among the copy's other work, held each copy up for a memory latency
 * (unicast replay: a sixth of the samples). */
void resolver_prefetch_receivers(const struct resolver_net *n, uint32_t bi, uint32_t first, uint32_t step)
{
	for (uint32_t peer = first; peer < n->nodes; peer += step)
		cache_prefetch(&n->caches[peer], n->bufs[bi].question_key);
}

int resolver_share_make(struct resolver_net *n, uint32_t origin, sim_time now, uint32_t name_id,
                        uint16_t qtype, uint16_t qclass, const struct answer *a, uint32_t ttl,
                        uint32_t *out)
{
	uint32_t bi = TAKE(n, bufs, buf_len, buf_cap, buf_free);
	if (bi == NONE)
		return -1;
	struct share_buf *b = &n->bufs[bi];
	if (!b->msg && !(b->msg = malloc(SHARE_MSG_MAX)))
		return -1;
	size_t qlen;
	const uint8_t *qname = trace_name_wire(n->trace, name_id, &qlen);
	struct share_content c = {
		.id = (uint16_t)rng_uniform_int(n->rng, RNG_SHARE_ID, 65536), .qname = qname,
		.qname_len = qlen, .qtype = qtype, .qclass = qclass, .aa = a->aa, .ttl = ttl,
		.ancount = a->ancount, .rcode = a->rcode, .seed = n->p->seed, .name_id = name_id,
	};
	uint64_t signed_at = (uint64_t)((n->epoch_ns + now) / 1000000000);
	size_t len;
	if (share_build(n->p, &n->send_key, &c, signed_at, b->msg, SHARE_MSG_MAX, &len)) {
		PUT(n, bufs, buf_free, bi);
		return 1; /* a type without records */
	}
	b->len = (uint16_t)len;
	b->refs = 0;
	b->origin = origin;
	b->verdict = -1;
	b->version = authority_version(&n->world, name_id, now);
	b->question_key = cache_key(name_id, qtype, qclass);
	b->rrset_count = -1;
	b->rrsets_read = 0;
	*out = bi;
	return 0;
}

static int share_send(struct resolver_net *n, uint32_t node, sim_time now, uint32_t name_id,
                      uint16_t qtype, uint16_t qclass, const struct answer *a, uint32_t ttl)
{
	uint32_t bi;
	int made = resolver_share_make(n, node, now, name_id, qtype, qclass, a, ttl, &bi);
	if (made < 0)
		return -1;
	if (made > 0) {
		metrics_add(n->m, node, now, CTR_SHARE_NOT_ELIGIBLE, 1);
		return 0;
	}
	size_t len = n->bufs[bi].len;
	uint64_t bytes = len + n->share_overhead;
	int rc = 0;
	if (n->p->transport == SHARE_PUBSUB) {
		metrics_add(n->m, node, now, CTR_SHARE_SENT_MSGS, 1);
		metrics_add(n->m, node, now, CTR_SHARE_SENT_BYTES, bytes);
		rc = pubsub_publish(n, node, now, n->bufs[bi].question_key, bi);
	} else if (n->p->transport == SHARE_MULTICAST) {
		/* One send per group that has a member other than the sender, then independent
		 * delivery (latency, loss) to each member. */
		uint32_t groups = n->p->multicast_groups ? n->p->multicast_groups : 1;
		for (uint32_t g = 0; g < groups && g < n->nodes && rc == 0; g++) {
			if (g == node % groups && g + groups >= n->nodes)
				continue; /* the sender is alone in its group */
			metrics_add(n->m, node, now, CTR_SHARE_SENT_MSGS, 1);
			metrics_add(n->m, node, now, CTR_SHARE_SENT_BYTES, bytes);
			if (n->pcap)
				share_pcap_write_group(n->pcap, n->epoch_ns + now, node, g, n->bufs[bi].msg, len);
			resolver_prefetch_receivers(n, bi, g, groups);
			for (uint32_t peer = g; peer < n->nodes && rc == 0; peer += groups)
				if (peer != node && resolver_joined(n, peer, now))
					rc = share_deliver_copy(n, node, peer, bi, now, 0);
		}
	} else if (n->p->transport == SHARE_HUB && node != n->p->hub_node) {
		/* A spoke sends to the hub only; the hub relays what it accepts. */
		metrics_add(n->m, node, now, CTR_SHARE_SENT_MSGS, 1);
		metrics_add(n->m, node, now, CTR_SHARE_SENT_BYTES, bytes);
		if (n->pcap)
			share_pcap_write(n->pcap, n->epoch_ns + now, node, n->p->hub_node, n->bufs[bi].msg, len);
		resolver_prefetch_receivers(n, bi, n->p->hub_node, n->nodes); /* the hub's slot alone */
		rc = share_deliver_copy(n, node, n->p->hub_node, bi, now, 1);
	} else {
		resolver_prefetch_receivers(n, bi, 0, 1);
		for (uint32_t peer = 0; peer < n->nodes && rc == 0; peer++) {
			if (peer == node || !resolver_joined(n, peer, now))
				continue;
			metrics_add(n->m, node, now, CTR_SHARE_SENT_MSGS, 1);
			metrics_add(n->m, node, now, CTR_SHARE_SENT_BYTES, bytes);
			if (n->pcap)
				share_pcap_write(n->pcap, n->epoch_ns + now, node, peer, n->bufs[bi].msg, len);
			rc = share_deliver_copy(n, node, peer, bi, now, 0);
		}
	}
	if (n->bufs[bi].refs == 0)
		PUT(n, bufs, buf_free, bi);
	return rc;
}

static int receive_buffer(struct resolver_net *n, uint32_t node, sim_time now, uint32_t bi);

/* The hub relays an accepted share, unchanged (its TSIG is the originator's), to every other spoke. */
static int hub_relay(struct resolver_net *n, uint32_t hub, sim_time now, uint32_t bi)
{
	uint32_t origin = n->bufs[bi].origin;
	uint64_t bytes = n->bufs[bi].len + n->share_overhead;
	int rc = 0;
	resolver_prefetch_receivers(n, bi, 0, 1);
	for (uint32_t peer = 0; peer < n->nodes && rc == 0; peer++) {
		if (peer == hub || peer == origin || !resolver_joined(n, peer, now))
			continue;
		metrics_add(n->m, hub, now, CTR_HUB_RELAYED_MSGS, 1);
		metrics_add(n->m, hub, now, CTR_HUB_RELAYED_BYTES, bytes);
		if (n->pcap)
			share_pcap_write(n->pcap, n->epoch_ns + now, hub, peer, n->bufs[bi].msg, n->bufs[bi].len);
		rc = share_deliver_copy(n, hub, peer, bi, now, 0);
	}
	return rc;
}

void resolver_prefetch_delivery(const struct resolver_net *n, uint32_t node, uint64_t arg)
{
	if (node < n->nodes)
		cache_prefetch(&n->caches[node], n->bufs[n->dlv[arg].buf].question_key);
}

int resolver_deliver(struct resolver_net *n, uint32_t node, sim_time now, uint64_t arg)
{
	uint32_t bi = n->dlv[arg].buf;
	int to_hub = n->dlv[arg].to_hub, rc = 0;
	PUT(n, dlv, dlv_free, (uint32_t)arg);
	if (receive_buffer(n, node, now, bi) && to_hub)
		rc = hub_relay(n, node, now, bi);
	if (--n->bufs[bi].refs == 0)
		PUT(n, bufs, buf_free, bi);
	return rc;
}

/* Cache one RRset of an accepted share (D-ANS: Answer section only, D-RECV: no ranking). */
static void cache_shared(struct resolver_net *n, uint32_t node, sim_time now,
                         const struct shared_rrset *set, int64_t version)
{
	uint32_t name_id = set->name_id, ttl = set->ttl;
	struct cache_entry *e = node_slot(n, node, now, cache_key(name_id, set->type, set->rclass));
	if (!e)
		return;
	sim_time expires = now + (sim_time)resolver_clamp_ttl(n->p, ttl) * SIM_S;
	/* version < 0: not known (a message from outside the simulation): the current one. */
	uint32_t v = version < 0 ? authority_version(&n->world, name_id, now) : (uint32_t)version;
	int holds = e->expires > now && !e->negative;
	if (holds && (e->version > v || (e->version == v && e->expires >= expires)))
		return; /* what the node holds is newer, or as new and at least as fresh */
	if (holds && e->version < v) /* a held copy updated: how long after the change? */
		metrics_latency(n->m, node, LAT_UPDATE_DELAY,
		                now - authority_version_start(&n->world, name_id, v));
	e->expires = expires;
	e->version = v;
	cache_touch(&n->caches[node], e, now);
	e->ttl = resolver_clamp_ttl(n->p, ttl);
	e->origin = CACHE_SHARED;
	e->rcode = DNS_RCODE_NOERROR;
	e->negative = 0;
	metrics_add(n->m, node, now, CTR_SHARE_RRSETS_CACHED, 1);
}

/*
 * The RRsets of an Answer section (records from answer_off), each passed to emit with its
 * owner's name id; sets whose owner no client of the trace ever asks for are left out. Stops at
 * a record it cannot read, as a receiver would.
 */
static void answer_rrsets(const struct resolver_net *n, const uint8_t *msg, size_t len, size_t answer_off,
                          unsigned ancount, void (*emit)(void *ctx, const struct shared_rrset *set), void *ctx)
{
	/* Consecutive records with the same owner, type and class form one RRset. */
	struct dns_rr rr, set;
	uint32_t set_ttl = 0;
	int have_set = 0;
	size_t off = answer_off;
	for (unsigned i = 0; i <= ancount; i++) {
		int last = i == ancount;
		if (!last && dns_rr_read(msg, len, &off, &rr) != DNS_OK)
			return;
		if (!last && have_set && rr.type == set.type && rr.rclass == set.rclass &&
		    dns_name_equal(rr.owner, rr.owner_len, set.owner, set.owner_len)) {
			if (rr.ttl < set_ttl)
				set_ttl = rr.ttl;
			continue;
		}
		if (have_set) {
			struct shared_rrset out = { .type = set.type, .rclass = set.rclass, .ttl = set_ttl };
			if (trace_name_lookup(n->trace, set.owner, set.owner_len, &out.name_id) == 0)
				emit(ctx, &out);
		}
		if (!last) {
			set = rr;
			set_ttl = rr.ttl;
			have_set = 1;
		}
	}
}

struct cache_answers_ctx {
	struct resolver_net *n;
	uint32_t node;
	sim_time now;
	int64_t version;
};

static void cache_answer_rrset(void *ctx, const struct shared_rrset *set)
{
	struct cache_answers_ctx *c = ctx;
	cache_shared(c->n, c->node, c->now, set, c->version);
}

/* Cache the Answer section of an accepted share (its records start at answer_off). */
static void cache_answers(struct resolver_net *n, uint32_t node, sim_time now, const uint8_t *msg,
                          size_t len, size_t answer_off, unsigned ancount, int64_t version)
{
	struct cache_answers_ctx c = { .n = n, .node = node, .now = now, .version = version };
	answer_rrsets(n, msg, len, answer_off, ancount, cache_answer_rrset, &c);
}

static void memo_rrset(void *ctx, const struct shared_rrset *set)
{
	struct share_buf *b = ctx;
	if (b->rrset_count >= 0 && b->rrset_count < SHARE_MEMO_RRSETS)
		b->rrsets[b->rrset_count++] = *set;
	else
		b->rrset_count = -1; /* too many: each receiver reads the message itself */
}

/* Cache an accepted negative share (share.negative): the question's name and type, for the
 * SOA's TTL bounded by its MINIMUM (RFC 2308 section 5). */
static void cache_negative(struct resolver_net *n, uint32_t node, sim_time now, const uint8_t *msg,
                           size_t len, int64_t version)
{
	struct dns_msg m;
	uint32_t name_id;
	if (dns_msg_parse(msg, len, &m) != DNS_OK || m.hdr.qdcount != 1 ||
	    trace_name_lookup(n->trace, m.qname, m.qname_len, &name_id) != 0)
		return;
	size_t off = m.authority_off;
	struct dns_rr rr;
	uint32_t ttl = UINT32_MAX;
	for (unsigned i = 0; i < m.hdr.nscount && dns_rr_read(msg, len, &off, &rr) == DNS_OK; i++)
		if (rr.type == DNS_TYPE_SOA && rr.rdlength >= 22) {
			const uint8_t *min = msg + rr.rdata_off + rr.rdlength - 4;
			uint32_t minimum = (uint32_t)min[0] << 24 | (uint32_t)min[1] << 16 | (uint32_t)min[2] << 8 | min[3];
			ttl = rr.ttl < minimum ? rr.ttl : minimum;
			break;
		}
	if (ttl == UINT32_MAX)
		return;
	ttl = resolver_clamp_ttl(n->p, ttl);
	struct cache_entry *e = node_slot(n, node, now, cache_key(name_id, m.qtype, m.qclass));
	if (!e)
		return;
	sim_time expires = now + (sim_time)ttl * SIM_S;
	if (e->expires > now && e->expires >= expires)
		return; /* holds an answer at least as fresh */
	e->expires = expires;
	e->version = version < 0 ? authority_version(&n->world, name_id, now) : (uint32_t)version;
	cache_touch(&n->caches[node], e, now);
	e->ttl = ttl;
	e->origin = CACHE_SHARED;
	e->rcode = (uint8_t)DNS_RCODE(m.hdr.flags);
	e->negative = 1;
	metrics_add(n->m, node, now, CTR_SHARE_RRSETS_CACHED, 1);
}

/* What an accepted share holds: answers, or (share.negative) a negative answer. */
/* A share with data to cache from its Answer section (else a negative answer, share.negative). */
static int share_is_positive(const uint8_t *msg, unsigned ancount)
{
	return ancount > 0 && DNS_RCODE(msg[3]) == DNS_RCODE_NOERROR;
}

static void cache_share(struct resolver_net *n, uint32_t node, sim_time now, const uint8_t *msg, size_t len,
                        size_t answer_off, unsigned ancount, int64_t version)
{
	if (!share_is_positive(msg, ancount))
		cache_negative(n, node, now, msg, len, version);
	else
		cache_answers(n, node, now, msg, len, answer_off, ancount, version);
}

int resolver_receive(struct resolver_net *n, uint32_t node, sim_time now, const uint8_t *msg,
                     size_t len)
{
	metrics_add(n->m, node, now, CTR_SHARE_RECV_MSGS, 1);
	metrics_add(n->m, node, now, CTR_SHARE_RECV_BYTES, len + n->share_overhead);
	struct dns_msg parsed;
	uint64_t now_s = (uint64_t)((n->epoch_ns + now) / 1000000000);
	enum metrics_counter verdict = share_check(n->p, &n->recv_key, msg, len, now_s, &parsed);
	metrics_add(n->m, node, now, verdict, 1);
	if (verdict != CTR_SHARE_ACCEPTED)
		return 0;
	cache_share(n, node, now, msg, len, parsed.answer_off, parsed.hdr.ancount, -1);
	return 1;
}

/* Receive share buffer bi: the first receiver checks it fully, the others reuse its verdict
 * and redo only the time check. The counts are those of resolver_receive on each copy. */
static int receive_buffer(struct resolver_net *n, uint32_t node, sim_time now, uint32_t bi)
{
	struct share_buf *b = &n->bufs[bi];
	uint64_t now_s = (uint64_t)((n->epoch_ns + now) / 1000000000);
	enum metrics_counter verdict;
	if (b->verdict < 0) {
		struct dns_msg parsed;
		verdict = share_check(n->p, &n->recv_key, b->msg, b->len, now_s, &parsed);
		if (verdict != CTR_REJ_BADTIME) { /* BADTIME stops the checks early: not reusable */
			b->verdict = (int16_t)verdict;
			b->time_known = share_tsig_time(&parsed, &b->time_signed) == 0;
			b->answer_off = (uint32_t)parsed.answer_off;
			b->ancount = parsed.hdr.ancount;
		}
	} else {
		verdict = (enum metrics_counter)b->verdict;
		if (!share_verdict_clock_free(verdict) && b->time_known) {
			uint64_t skew = now_s > b->time_signed ? now_s - b->time_signed : b->time_signed - now_s;
			if (skew > n->p->tsig_fudge)
				verdict = CTR_REJ_BADTIME;
		}
	}
	metrics_add(n->m, node, now, CTR_SHARE_RECV_MSGS, 1);
	metrics_add(n->m, node, now, CTR_SHARE_RECV_BYTES, b->len + n->share_overhead);
	metrics_add(n->m, node, now, verdict, 1);
	if (verdict != CTR_SHARE_ACCEPTED)
		return 0;
	int positive = share_is_positive(b->msg, b->ancount);
	if (positive && b->rrset_count < 0 && !b->rrsets_read) {
		b->rrsets_read = 1;
		b->rrset_count = 0;
		answer_rrsets(n, b->msg, b->len, b->answer_off, b->ancount, memo_rrset, b);
	}
	if (positive && b->rrset_count >= 0) {
		for (int i = 0; i < b->rrset_count; i++)
			cache_shared(n, node, now, &b->rrsets[i], b->version);
	} else {
		cache_share(n, node, now, b->msg, b->len, b->answer_off, b->ancount, b->version);
	}
	return 1;
}

void resolver_finish(struct resolver_net *n, sim_time now)
{
	if (n->upstream)
		metrics_set(n->m, 0, now, CTR_AUTHORITY_PEAK, n->upstream->peak);
}

int resolver_join(struct resolver_net *n, sim_time now)
{
	uint32_t node = n->joining;
	if (node == UINT32_MAX)
		return 0;
	if (n->p->transport == SHARE_PUBSUB)
		pubsub_join(n, node, now);
	if (!n->p->warm_start)
		return 0;
	/* Load every live entry of resolver 0 (a dump, as PowerDNS Recursor's), as data from a peer. */
	const struct cache *from = &n->caches[0];
	for (uint32_t i = 0; i < from->cap; i++) {
		const struct cache_entry src = from->slots[i];
		if (!src.used || src.expires <= now)
			continue;
		struct cache_entry *e = node_slot(n, node, now, src.key);
		if (!e)
			return -1;
		e->expires = src.expires;
		e->version = src.version;
		cache_touch(&n->caches[node], e, now);
		e->ttl = src.ttl;
		e->origin = CACHE_SHARED;
		e->rcode = src.rcode;
		e->negative = src.negative;
		size_t name_len;
		(void)trace_name_wire(n->trace, (uint32_t)(src.key >> 32), &name_len);
		const struct trace_record *r = trace_record_find(n->trace, (uint32_t)(src.key >> 32),
		                                                 (uint16_t)(src.key >> 16), (uint16_t)src.key);
		metrics_add(n->m, node, now, CTR_WARM_ENTRIES, 1);
		metrics_add(n->m, node, now, CTR_WARM_BYTES, name_len + 10 + (r ? r->answer_size : 16));
	}
	return 0;
}
