/*
 * metrics — what a run measures: per-node, time-binned counters and latency histograms.
 *
 * Plain data owned by the run: nodes increment it, analysis/ stores it. Counter names follow
 * `unbound-control stats` where Unbound has the same figure (num.queries, num.cachehits,
 * num.cachemiss), and the latency histogram uses Unbound's buckets (powers of two of a
 * microsecond, "histogram.000000.000000.to.000000.000001" ... up to 2^39 us), so operators can
 * compare with their own resolvers.
 */
#ifndef SHARESIM_METRICS_H
#define SHARESIM_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"

/* X-macro: identifier, stored name, meaning. Append only: ids are stored in databases by name. */
#define METRICS_COUNTERS(X) \
	X(QUERIES, "num.queries", "client queries received") \
	X(HITS_OWN, "num.cachehits", "answered from cache, data this node resolved itself") \
	X(HITS_SHARED, "num.cachehits.shared", "answered from cache, data received from a peer") \
	X(MISSES, "num.cachemiss", "not in cache: a resolution was started") \
	X(COALESCED, "num.cachemiss.coalesced", "not in cache: joined a resolution in flight") \
	X(UPSTREAM, "num.upstream", "queries sent to authorities") \
	X(UPSTREAM_ROOT, "num.upstream.root", "of those, to a root server for a TLD's delegation (authority.iterative)") \
	X(UPSTREAM_TLD, "num.upstream.tld", "of those, to a TLD server for an SLD's delegation (authority.iterative)") \
	X(ANSWERS_NXDOMAIN, "num.answer.nxdomain", "client answers with NXDOMAIN") \
	X(ANSWERS_NODATA, "num.answer.nodata", "client answers NOERROR with no answer records") \
	X(SHARE_SENT_MSGS, "share.sent.msgs", "share messages sent (unicast: one per peer; multicast: one per group)") \
	X(SHARE_SENT_BYTES, "share.sent.bytes", "bytes of share messages sent, with IP/UDP headers") \
	X(SHARE_NOT_ELIGIBLE, "share.skipped", "resolutions not shared (negative, no AA, TTL below threshold)") \
	X(SHARE_LOST, "share.lost", "share copies lost on the way to a receiver") \
	X(SESSION_SETUPS, "share.session.setups", "TCP or TLS connections opened between peers (share.session)") \
	X(SESSION_BYTES, "share.session.bytes", "bytes of TCP and TLS handshakes between peers, with IP headers") \
	X(SHARE_RETRANSMITTED, "share.retransmitted", "share segments lost and sent again (share.session tcp, tls)") \
	X(WARM_ENTRIES, "warm.entries", "cache entries the joining resolver loaded from a peer's dump (resolvers.warm_start)") \
	X(WARM_BYTES, "warm.bytes", "estimated size of that dump: per entry its name, type, class, TTL and answer") \
	X(SHARE_RECV_MSGS, "share.recv.msgs", "share messages received") \
	X(SHARE_RECV_BYTES, "share.recv.bytes", "bytes of share messages received, with IP/UDP headers") \
	X(SHARE_ACCEPTED, "share.accepted", "share messages accepted") \
	X(SHARE_RRSETS_CACHED, "share.cached", "RRsets from accepted shares stored in the cache") \
	X(REJ_MALFORMED, "share.rejected.malformed", "rejected: not a parsable DNS message") \
	X(REJ_UNSIGNED, "share.rejected.unsigned", "rejected: no TSIG") \
	X(REJ_BADKEY, "share.rejected.badkey", "rejected: TSIG with another key or algorithm") \
	X(REJ_BADSIG, "share.rejected.badsig", "rejected: TSIG MAC does not verify") \
	X(REJ_BADTIME, "share.rejected.badtime", "rejected: TSIG time outside the fudge") \
	X(REJ_NOT_RESPONSE, "share.rejected.notresponse", "rejected: QR=0 or an opcode other than QUERY") \
	X(REJ_NEGATIVE, "share.rejected.negative", "rejected: negative answer (NXDOMAIN, NODATA, other rcode)") \
	X(REJ_PROFILE, "share.rejected.profile", "rejected by the receiver profile (e.g. Unbound PoC: QDCOUNT != 1)") \
	X(CACHE_ENTRIES, "cache.entries", "cache entries at the end of the bin (a gauge)") \
	X(HUB_RELAYED_MSGS, "hub.relayed.msgs", "share messages a hub relayed to spokes") \
	X(HUB_RELAYED_BYTES, "hub.relayed.bytes", "bytes a hub relayed to spokes, with IP/UDP headers") \
	X(PULL_LOOKUPS, "pull.lookups", "local misses looked up in the central cache (transport pull)") \
	X(PULL_HITS, "pull.hits", "central cache lookups that found fresh data") \
	X(PULL_STORES, "pull.stores", "resolutions written to the central cache") \
	X(RELAY_FORWARDED_MSGS, "relay.forwarded.msgs", "objects a pubsub relay forwarded (counted at the publisher)") \
	X(RELAY_FORWARDED_BYTES, "relay.forwarded.bytes", "bytes a pubsub relay forwarded, with QUIC/UDP/IP framing") \
	X(RELAY_TREE_MSGS, "relay.tree.msgs", "objects a relay forwarded to another relay of the tree (pubsub.relays)") \
	X(RELAY_BUSIEST, "relay.busiest.msgs", "copies the busiest relay forwarded in the run (a gauge, on resolver 0)") \
	X(PUBSUB_SUBSCRIBES, "pubsub.subscribe", "SUBSCRIBE messages sent to the relay") \
	X(PUBSUB_UNSUBSCRIBES, "pubsub.unsubscribe", "UNSUBSCRIBE messages sent (idle subscriptions dropped)") \
	X(PUBSUB_CONTROL_BYTES, "pubsub.control.bytes", "bytes of SUBSCRIBE, SUBSCRIBE_OK and UNSUBSCRIBE, with framing") \
	X(PUBSUB_SESSIONS, "pubsub.sessions", "QUIC+MoQT sessions set up with the relay") \
	X(PUBSUB_SESSION_BYTES, "pubsub.session.bytes", "bytes of session set-up (QUIC handshake, MoQT setup)") \
	X(ANSWERS_STALE, "num.answer.stale", "answers from cache older than the authority's current version") \
	X(PUSH_PUBLISHED, "push.published", "changes the authorities published (pubsub.push; counted at resolver 0)") \
	X(CACHE_EVICTIONS, "cache.evictions", "entries evicted to stay within cache.capacity") \
	X(SERVED_EXPIRED, "num.expired", "answers served from expired data (cache.serve_expired_ttl, RFC 8767)") \
	X(PREFETCH, "num.prefetch", "background refreshes of entries in the last 10 % of their TTL (cache.prefetch)") \
	X(CONSISTENCY_CHECKS, "consistency.checks", "answers from cache compared with what a random peer holds for the same question") \
	X(CONSISTENCY_MISMATCH, "consistency.mismatch", "of those, the peer held another version of the answer") \
	X(UPSTREAM_QUEUED, "upstream.queued", "upstream queries that waited for an authority's next second (authority.capacity)") \
	X(UPSTREAM_WAIT_US, "upstream.wait.us", "their total wait, microseconds (authority.capacity)") \
	X(AUTHORITY_PEAK, "authority.peak.per.s", "the most upstream queries one authority got in one second of the run (authority.capacity set; a gauge, on resolver 0)")

enum metrics_counter {
#define METRICS_ENUM(id, name, doc) CTR_##id,
	METRICS_COUNTERS(METRICS_ENUM)
#undef METRICS_ENUM
	CTR__COUNT
};

const char *metrics_counter_name(enum metrics_counter c);
const char *metrics_counter_doc(enum metrics_counter c);

/* Client-perceived latency classes, each with its own histogram per node. */
#define METRICS_LATENCY_CLASSES(X) \
	X(HIT_OWN, "hit") \
	X(HIT_SHARED, "hit.shared") \
	X(MISS, "miss") \
	X(COALESCED, "coalesced") \
	X(HIT_PULL, "hit.pull") \
	X(STALE_AGE, "stale.age") \
	X(UPDATE_DELAY, "update.delay") \
	X(EXPIRED, "expired")

enum metrics_latency_class {
#define METRICS_LENUM(id, name) LAT_##id,
	METRICS_LATENCY_CLASSES(METRICS_LENUM)
#undef METRICS_LENUM
	LAT__COUNT
};
const char *metrics_latency_class_name(enum metrics_latency_class c);

#define METRICS_HIST_BUCKETS 40 /* Unbound: [0,1us), [1,2us), [2,4us), ... [2^38us, inf) */

struct metrics {
	uint32_t nodes;
	uint32_t bins;
	sim_time bin_width;
	uint64_t *counters; /**< [node][bin][CTR__COUNT] */
	uint64_t *latency;  /**< [node][LAT__COUNT][METRICS_HIST_BUCKETS] */
	uint64_t *latency_sum_ns; /**< [node][LAT__COUNT], for exact means */
	sim_time last_bin_start, last_bin_end; /**< span of last_bin (empty at first) */
	uint32_t last_bin;
};

/** Allocate for nodes x ceil(duration / bin_width) + 1 bins; returns 0 or -1. */
int metrics_init(struct metrics *m, uint32_t nodes, sim_time duration, sim_time bin_width);
void metrics_free(struct metrics *m);

/* The bin of t, computed by division; also remembers that bin's span for metrics_bin. */
uint32_t metrics_bin_slow(struct metrics *m, sim_time t);

/* Several counters are bumped per event, nearly always in the bin of the last one: one
 * comparison instead of a 64-bit division. */
static inline uint32_t metrics_bin(struct metrics *m, sim_time t)
{
	if (t >= m->last_bin_start && t < m->last_bin_end)
		return m->last_bin;
	return metrics_bin_slow(m, t);
}

/** A node's counters (CTR__COUNT of them) in the bin of t; they stay where they are all run. */
static inline uint64_t *metrics_counters_at(struct metrics *m, uint32_t node, sim_time t)
{
	return &m->counters[((size_t)node * m->bins + metrics_bin(m, t)) * CTR__COUNT];
}

static inline void metrics_add(struct metrics *m, uint32_t node, sim_time t,
                               enum metrics_counter c, uint64_t v)
{
	metrics_counters_at(m, node, t)[c] += v;
}

/** Set a gauge for the bin containing t. */
static inline void metrics_set(struct metrics *m, uint32_t node, sim_time t,
                               enum metrics_counter c, uint64_t v)
{
	m->counters[((size_t)node * m->bins + metrics_bin(m, t)) * CTR__COUNT + c] = v;
}

/** Bucket index of a latency, Unbound's layout. */
static inline unsigned metrics_latency_bucket(sim_time latency)
{
	if (latency < SIM_US)
		return 0;
	uint64_t us = (uint64_t)(latency / SIM_US);
	/* [2^(k-1), 2^k) us is bucket k; the last bucket is open-ended. */
	unsigned bucket = 64u - (unsigned)__builtin_clzll(us);
	return bucket < METRICS_HIST_BUCKETS ? bucket : METRICS_HIST_BUCKETS - 1;
}

/** A latency whose bucket the caller knows (metrics_latency_bucket(latency)): every cache hit
 * answers in the same service time. */
static inline void metrics_latency_in(struct metrics *m, uint32_t node, enum metrics_latency_class c,
                                      unsigned bucket, sim_time latency)
{
	size_t slot = (size_t)node * LAT__COUNT + c;
	m->latency[slot * METRICS_HIST_BUCKETS + bucket]++;
	m->latency_sum_ns[slot] += (uint64_t)(latency > 0 ? latency : 0);
}

/* Written here: every client answer adds one. */
static inline void metrics_latency(struct metrics *m, uint32_t node, enum metrics_latency_class c,
                                   sim_time latency)
{
	metrics_latency_in(m, node, c, metrics_latency_bucket(latency), latency);
}

/** Sum of a counter over all nodes and bins. */
uint64_t metrics_total(const struct metrics *m, enum metrics_counter c);
/** Lower bound in microseconds of a bucket (0, 1, 2, 4, ...). */
uint64_t metrics_bucket_low_us(unsigned bucket);

/**
 * Quantile q (0 < q <= 1) of a latency histogram (METRICS_HIST_BUCKETS counts), in microseconds,
 * interpolated linearly inside the bucket that holds it (the open last bucket gives its lower
 * bound). Returns 0 for an empty histogram.
 */
double metrics_histogram_quantile(const uint64_t *buckets, double q);

#endif
