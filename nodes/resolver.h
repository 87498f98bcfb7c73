/*
 * resolver — the resolvers of one run and what they do on each event: answer a client query
 * from cache or start (or join) a resolution, complete a resolution and share it with peers,
 * receive a share and cache its Answer section. The engine (sim/run.c) owns the clock and the
 * event queue; resolvers schedule through it.
 *
 * Costs: a query is O(1); a share is built and signed once and sent to each peer in O(peers),
 * the copies referencing one buffer.
 */
#ifndef SHARESIM_RESOLVER_H
#define SHARESIM_RESOLVER_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns_tsig.h"
#include "nodes/authority.h"
#include "nodes/cache.h"
#include "nodes/upstream.h"
#include "sim/event.h"
#include "sim/metrics.h"
#include "sim/params.h"
#include "sim/rng.h"

struct trace;
struct trace_query;
struct share_pcap;

/* Queued events. Trace arrivals are not among them: sim/run.c merges them with the queue. Kind 0
 * is none, so that a zeroed payload is never taken for an event. */
enum resolver_event { EV_RESOLVED = 1, EV_DELIVER, EV_PULL_LOOKUP, EV_PULL_REPLY, EV_RELAY, EV_CHANGE, EV_JOIN };

struct resolution;  /* a resolution in flight (pool entry) */
struct waiter;      /* a client query waiting on one */
struct share_buf;   /* a built share message, shared by its copies */
struct delivery;    /* one copy on its way to one peer */
struct publication; /* a pubsub object on its way to the relay */

struct resolver_net {
	const struct sim_params *p;
	const struct trace *trace;
	struct metrics *m;
	struct rng_streams *rng;
	struct event_queue *ev;
	struct share_pcap *pcap;
	struct authority world;
	struct dns_tsig_key send_key, recv_key;
	int64_t epoch_ns;          /**< Unix time of simulated time 0 */
	sim_time service_time, link_latency, link_jitter, inter_site_latency;
	unsigned service_bucket; /**< metrics_latency_bucket(service_time): a hit's latency bucket */
	double log_upstream_median; /**< log of the upstream latency's median in ms, taken once */
	uint32_t sites;
	sim_time *site_latency;    /**< network.latency_matrix: [from * sites + to] one-way delays (NULL: none) */
	sim_time site_jitter;      /**< network.site_jitter: extra jitter between two sites */
	uint8_t relaying;          /**< set while a pubsub relay forwards: copies leave from relay_site */
	uint32_t relay_site;       /**< the site of the relay forwarding (while relaying) */
	uint64_t *relay_load;      /**< [pubsub.relays] copies each relay forwarded */
	uint32_t nodes;
	struct cache *caches;      /**< [nodes] */
	struct cache central;      /**< the shared cache of transport pull */
	size_t share_overhead;     /**< bytes around a share message on the wire, per transport */
	/* transport pubsub (nodes/pubsub.c) */
	struct cache *subs;        /**< [nodes] interest subscriptions: key -> idle deadline */
	sim_time *session_up;      /**< [nodes] when the session with the relay is up; INT64_MAX: none */
	struct cache *delegations; /**< authority.iterative: [nodes] delegations held, keyed by a hash of the zone */
	struct upstream_load *upstream; /**< authority.capacity: each authority's busy seconds (NULL: no limit) */
	sim_time *pair_up;         /**< share.session tcp/tls: [a * nodes + b], a < b, when the pair's connection is up; 0: never opened */
	uint8_t sessions;          /**< share.session applies (tcp or tls with unicast or hub) */
	uint32_t joining;          /**< resolvers.join_at: the resolver that joins late (UINT32_MAX: none) */
	sim_time join_time;        /**< when it joins */
	struct publication *pubs; uint32_t pub_len, pub_cap, pub_free;
	uint64_t *push_keys;       /**< (name, type) keys the authority pushes changes of */
	size_t push_count;
	sim_time end;              /**< the trace's last query: no change is pushed after it */
	/* pools with free lists: indices, not pointers, so they can grow */
	struct resolution *res; uint32_t res_len, res_cap, res_free;
	struct waiter *wait; uint32_t wait_len, wait_cap, wait_free;
	struct share_buf *bufs; uint32_t buf_len, buf_cap, buf_free;
	struct delivery *dlv; uint32_t dlv_len, dlv_cap, dlv_free;
};

int resolver_net_init(struct resolver_net *n, const struct sim_params *p, const struct trace *t,
                      struct metrics *m, struct rng_streams *rng, struct event_queue *ev,
                      struct share_pcap *pcap, char *err, size_t err_size);
void resolver_net_free(struct resolver_net *n);

/** A client query reaches resolver node at now. Returns 0 or -1 (out of memory). */
int resolver_query(struct resolver_net *n, uint32_t node, sim_time now, const struct trace_query *q);
/** A resolution completes (event argument: its pool index). */
int resolver_resolved(struct resolver_net *n, uint32_t node, sim_time now, uint64_t arg);
/** Transport pull: a lookup reaches the central cache, and its reply reaches the resolver. */
int resolver_pull_lookup(struct resolver_net *n, uint32_t node, sim_time now, uint64_t arg);
int resolver_pull_reply(struct resolver_net *n, uint32_t node, sim_time now, uint64_t arg);
/* For transports written in their own files (nodes/pubsub.c): share buffer references, and one
 * copy of a share buffer from one node to a peer (lost, or delivered one link delay later). */
void resolver_buf_hold(struct resolver_net *n, uint32_t bi);
void resolver_buf_release(struct resolver_net *n, uint32_t bi);
size_t resolver_buf_len(const struct resolver_net *n, uint32_t bi);
int resolver_send_copy(struct resolver_net *n, uint32_t from, uint32_t to, uint32_t bi, sim_time now);
/** One-way delay between the sites of two resolvers (site 0 holds relays and central caches). */
static inline sim_time resolver_site_delay(const struct resolver_net *n, uint32_t site_a, uint32_t site_b)
{
	if (n->site_latency)
		return n->site_latency[(size_t)site_a * n->sites + site_b];
	return site_a == site_b ? n->link_latency : n->inter_site_latency;
}
static inline uint32_t resolver_site(const struct resolver_net *n, uint32_t node)
{
	return n->sites > 1 ? node % n->sites : 0;
}
/** Is the resolver running (resolvers.join_at: the last one only from its join time)? */
static inline int resolver_joined(const struct resolver_net *n, uint32_t node, sim_time now)
{
	return node != n->joining || now >= n->join_time;
}

/** The end of a run at now: gauges of the whole run (authority.peak.per.s). */
void resolver_finish(struct resolver_net *n, sim_time now);

/** resolvers.join_at: the joining resolver starts (with resolvers.warm_start, from resolver 0's cache). */
int resolver_join(struct resolver_net *n, sim_time now);

/** Relays (pubsub) and central caches (pull) are in site 0. */
#define RESOLVER_SERVICE_SITE 0u
/** Build and sign a share of (name, type, class) with answer a into a new buffer (*out); returns
 * 0, 1 for a type without records (nothing built), or -1. origin: the sender, or n->nodes. */
int resolver_share_make(struct resolver_net *n, uint32_t origin, sim_time now, uint32_t name_id,
                        uint16_t qtype, uint16_t qclass, const struct answer *a, uint32_t ttl,
                        uint32_t *out);
uint32_t resolver_clamp_ttl(const struct sim_params *p, uint32_t ttl);
/* Pools of resolutions, waiters, buffers and deliveries: an element's first word links it to
 * the next free one (UINT32_MAX: none). Inline: every miss takes and puts one. */
uint32_t resolver_pool_append(void **arr, uint32_t *len, uint32_t *cap, size_t elem);
/** An element from a pool: a freed one, or one appended (grown as needed). Its index, or UINT32_MAX. */
static inline uint32_t resolver_pool_take(void **arr, uint32_t *len, uint32_t *cap, uint32_t *free_head, size_t elem)
{
	uint32_t i = *free_head;
	if (i == UINT32_MAX)
		return resolver_pool_append(arr, len, cap, elem);
	*free_head = *(uint32_t *)(void *)((char *)*arr + (size_t)i * elem);
	return i;
}
static inline void resolver_pool_put(void *arr, uint32_t *free_head, size_t elem, uint32_t i)
{
	*(uint32_t *)(void *)((char *)arr + (size_t)i * elem) = *free_head;
	*free_head = i;
}

/** A share copy arrives at its peer (event argument: its delivery index). */
/** The delivery arg is the next event at node: fetch the cache slot it will write (again: its
 * send fetched it too, and fetching it once more before delivery still gains 5 % on unicast). */
void resolver_prefetch_delivery(const struct resolver_net *n, uint32_t node, uint64_t arg);
/** Before the copies of share buffer bi go out: fetch the cache slots of resolvers first,
 * first + step, ... (all at once: one prefetch at a time costs a memory latency each). */
void resolver_prefetch_receivers(const struct resolver_net *n, uint32_t bi, uint32_t first, uint32_t step);
int resolver_deliver(struct resolver_net *n, uint32_t node, sim_time now, uint64_t arg);
/**
 * Receive a share message at node (public for the fuzz target and tests): checks it, counts
 * the outcome, and caches its Answer section when accepted. Returns 1 if accepted, else 0.
 */
int resolver_receive(struct resolver_net *n, uint32_t node, sim_time now, const uint8_t *msg,
                     size_t len);

#endif
