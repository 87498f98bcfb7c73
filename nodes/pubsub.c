/*
 * pubsub — relay, subscriptions and sessions of the publish/subscribe transport.
 *
 * The relay keeps no per-track lists: a resolver's interest subscriptions live in a flat table
 * per resolver (key -> idle deadline), and the relay asks each resolver's table, so forwarding
 * an object costs O(resolvers) like unicast. Idle subscriptions are dropped lazily: the
 * UNSUBSCRIBE is accounted at the moment the subscription went idle.
 *
 * Relays (pubsub.relays) form a tree of fanout pubsub.fanout rooted at relay 0; resolver i
 * attaches to relay i mod relays, and relay r sits in site r mod network.sites. An object enters
 * the tree at its publisher's relay (an authority's at the root) and is flooded along the tree:
 * each relay forwards it to its subscribed resolvers and to its neighbours but the one it came
 * from — one copy per link, as MoQT relays that subscribed upstream on their subscribers'
 * behalf would (draft-ietf-moq-transport-11, section 8).
 */
#include "nodes/pubsub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodes/authority.h"
#include "nodes/resolver.h"
#include "traces/trace.h"

/* An object in flight to a relay: from resolver `node` (or an authority: NONE), arriving from
 * relay `from` (NONE: from a resolver or an authority). */
struct publication { uint32_t next_free; uint32_t buf; uint32_t node; uint32_t from; uint64_t key; };

#define NONE UINT32_MAX

static size_t ip_udp(int ip_version) { return (ip_version == 6 ? 40 : 20) + 8; }

static uint32_t relay_count(const struct resolver_net *n)
{
	return n->p->pubsub_relays ? n->p->pubsub_relays : 1;
}

static uint32_t relay_of(const struct resolver_net *n, uint32_t node)
{
	return node % relay_count(n);
}

static uint32_t relay_site(const struct resolver_net *n, uint32_t relay)
{
	return n->sites > 1 ? relay % n->sites : 0;
}

size_t pubsub_object_overhead(int ip_version)
{
	return ip_udp(ip_version) + QUIC_SHORT_HEADER + QUIC_AEAD_TAG + QUIC_DATAGRAM_FRAME +
	       MOQT_OBJECT_DATAGRAM;
}

/* One control message on the control stream, in its own QUIC packet. */
static size_t control_bytes(int ip_version, size_t message)
{
	return ip_udp(ip_version) + QUIC_SHORT_HEADER + QUIC_AEAD_TAG + QUIC_STREAM_FRAME + message;
}

/* Two round trips (QUIC handshake, then MoQT setup) to the resolver's relay. */
static void ensure_session(struct resolver_net *n, uint32_t node, sim_time now)
{
	if (n->session_up[node] != INT64_MAX)
		return;
	n->session_up[node] = now + 4 * resolver_site_delay(n, resolver_site(n, node), relay_site(n, relay_of(n, node)));
	metrics_add(n->m, node, now, CTR_PUBSUB_SESSIONS, 1);
	metrics_add(n->m, node, now, CTR_PUBSUB_SESSION_BYTES, QUIC_HANDSHAKE_BYTES);
}

int pubsub_init(struct resolver_net *n, char *err, size_t err_size)
{
	n->pub_free = NONE;
	n->session_up = malloc(n->nodes * sizeof(*n->session_up));
	n->subs = calloc(n->nodes, sizeof(*n->subs));
	n->relay_load = calloc(relay_count(n), sizeof(*n->relay_load));
	if (!n->session_up || !n->subs || !n->relay_load) {
		snprintf(err, err_size, "out of memory for %u pubsub sessions", n->nodes);
		return -1;
	}
	for (uint32_t i = 0; i < n->nodes; i++) {
		n->session_up[i] = INT64_MAX;
		if (n->p->pubsub_subscribe == PUBSUB_INTEREST && cache_init(&n->subs[i], 64)) {
			snprintf(err, err_size, "out of memory for %u pubsub subscription tables", n->nodes);
			return -1;
		}
		if (i != n->joining)
			pubsub_join(n, i, 0);
	}
	return 0;
}

void pubsub_join(struct resolver_net *n, uint32_t node, sim_time now)
{
	/* Subscribing to the whole namespace happens when the resolver starts. */
	if (n->p->pubsub_subscribe == PUBSUB_ALL) {
		ensure_session(n, node, now);
		metrics_add(n->m, node, now, CTR_PUBSUB_SUBSCRIBES, 1);
		metrics_add(n->m, node, now, CTR_PUBSUB_CONTROL_BYTES,
		            control_bytes(n->p->ip_version, MOQT_SUBSCRIBE + 4) +
		            control_bytes(n->p->ip_version, MOQT_SUBSCRIBE_OK));
	}
}

void pubsub_free(struct resolver_net *n)
{
	if (n->subs)
		for (uint32_t i = 0; i < n->nodes; i++)
			cache_free(&n->subs[i]);
	free(n->subs);
	free(n->session_up);
	free(n->relay_load);
	n->relay_load = NULL;
	free(n->pubs);
	free(n->push_keys);
	n->push_keys = NULL;
	n->subs = NULL;
	n->session_up = NULL;
	n->pubs = NULL;
}

static void count_unsubscribe(struct resolver_net *n, uint32_t node, sim_time when)
{
	metrics_add(n->m, node, when, CTR_PUBSUB_UNSUBSCRIBES, 1);
	metrics_add(n->m, node, when, CTR_PUBSUB_CONTROL_BYTES,
	            control_bytes(n->p->ip_version, MOQT_UNSUBSCRIBE));
}

int pubsub_on_query(struct resolver_net *n, uint32_t node, sim_time now, uint64_t key)
{
	if (n->p->pubsub_subscribe != PUBSUB_INTEREST)
		return 0;
	struct cache_entry *e = cache_slot(&n->subs[node], key);
	if (!e)
		return -1;
	if (e->expires <= now) {
		if (e->expires != INT64_MIN)
			count_unsubscribe(n, node, e->expires);
		size_t name_len;
		(void)trace_name_wire(n->trace, (uint32_t)(key >> 32), &name_len);
		ensure_session(n, node, now);
		metrics_add(n->m, node, now, CTR_PUBSUB_SUBSCRIBES, 1);
		metrics_add(n->m, node, now, CTR_PUBSUB_CONTROL_BYTES,
		            control_bytes(n->p->ip_version, MOQT_SUBSCRIBE + name_len + 4) +
		            control_bytes(n->p->ip_version, MOQT_SUBSCRIBE_OK));
	}
	e->expires = now + (sim_time)(n->p->pubsub_idle_timeout * 1e9);
	return 0;
}

int pubsub_publish(struct resolver_net *n, uint32_t node, sim_time now, uint64_t key, uint32_t bi)
{
	ensure_session(n, node, now);
	sim_time send_at = now > n->session_up[node] ? now : n->session_up[node];
	uint32_t pi = resolver_pool_take((void **)&n->pubs, &n->pub_len, &n->pub_cap, &n->pub_free,
	                                 sizeof(*n->pubs));
	if (pi == NONE)
		return -1;
	n->pubs[pi] = (struct publication){ .buf = bi, .node = node, .from = NONE, .key = key };
	resolver_buf_hold(n, bi);
	uint32_t relay = relay_of(n, node);
	return ev_push(n->ev, send_at + resolver_site_delay(n, resolver_site(n, node), relay_site(n, relay)),
	               EV_RELAY, relay, pi);
}

static int subscribed(const struct resolver_net *n, uint32_t node, uint64_t key, sim_time now)
{
	if (n->session_up[node] > now || !resolver_joined(n, node, now))
		return 0; /* no session yet: nothing can reach it */
	if (n->p->pubsub_subscribe == PUBSUB_ALL)
		return 1;
	const struct cache_entry *e = cache_find(&n->subs[node], key);
	return e && e->expires > now;
}

/* Does a resolver below relay r (attached to it or to a relay of its subtree) want key? */
static int subtree_subscribed(const struct resolver_net *n, uint32_t r, uint64_t key, sim_time now)
{
	if (n->p->pubsub_subscribe == PUBSUB_ALL)
		return 1;
	for (uint32_t k = r; k < n->nodes; k += relay_count(n))
		if (subscribed(n, k, key, now))
			return 1;
	uint32_t fanout = n->p->pubsub_fanout ? n->p->pubsub_fanout : 1;
	for (uint64_t c = (uint64_t)r * fanout + 1; c <= (uint64_t)r * fanout + fanout && c < relay_count(n); c++)
		if (subtree_subscribed(n, (uint32_t)c, key, now))
			return 1;
	return 0;
}

/* A copy of the object to a neighbouring relay of the tree. */
static int forward_to_relay(struct resolver_net *n, const struct publication *pub, uint32_t from, uint32_t to,
                            sim_time now, uint64_t bytes)
{
	uint32_t who = pub->node < n->nodes ? pub->node : 0;
	uint32_t pi = resolver_pool_take((void **)&n->pubs, &n->pub_len, &n->pub_cap, &n->pub_free, sizeof(*n->pubs));
	if (pi == NONE)
		return -1;
	n->pubs[pi] = (struct publication){ .buf = pub->buf, .node = pub->node, .from = from, .key = pub->key };
	resolver_buf_hold(n, pub->buf);
	n->relay_load[from]++;
	metrics_add(n->m, who, now, CTR_RELAY_FORWARDED_MSGS, 1);
	metrics_add(n->m, who, now, CTR_RELAY_FORWARDED_BYTES, bytes);
	metrics_add(n->m, who, now, CTR_RELAY_TREE_MSGS, 1);
	sim_time delay = resolver_site_delay(n, relay_site(n, from), relay_site(n, to));
	if (n->link_jitter > 0)
		delay += (sim_time)(rng_uniform(n->rng, RNG_LINK_LATENCY) * (double)n->link_jitter);
	return ev_push(n->ev, now + delay, EV_RELAY, to, pi);
}

int pubsub_relay(struct resolver_net *n, uint32_t relay, sim_time now, uint64_t arg)
{
	/* The pool may move when forwarding takes a slot: work on a copy. */
	struct publication pub = n->pubs[arg];
	resolver_pool_put(n->pubs, &n->pub_free, sizeof(*n->pubs), (uint32_t)arg);
	uint64_t bytes = resolver_buf_len(n, pub.buf) + n->share_overhead;
	/* An authority's publication is counted at resolver 0: the authority is not a resolver. */
	uint32_t who = pub.node < n->nodes ? pub.node : 0;
	int rc = 0;
	resolver_prefetch_receivers(n, pub.buf, relay, relay_count(n));
	for (uint32_t k = relay; k < n->nodes && rc == 0; k += relay_count(n)) {
		if (k == pub.node || !subscribed(n, k, pub.key, now))
			continue;
		metrics_add(n->m, who, now, CTR_RELAY_FORWARDED_MSGS, 1);
		metrics_add(n->m, who, now, CTR_RELAY_FORWARDED_BYTES, bytes);
		n->relay_load[relay]++;
		n->relaying = 1;
		n->relay_site = relay_site(n, relay);
		rc = resolver_send_copy(n, who, k, pub.buf, now);
		n->relaying = 0;
	}
	uint32_t fanout = n->p->pubsub_fanout ? n->p->pubsub_fanout : 1;
	if (rc == 0 && relay > 0 && (relay - 1) / fanout != pub.from &&
	    subtree_subscribed(n, 0, pub.key, now)) /* upward: something elsewhere may want it */
		rc = forward_to_relay(n, &pub, relay, (relay - 1) / fanout, now, bytes);
	for (uint64_t c = (uint64_t)relay * fanout + 1; rc == 0 && c <= (uint64_t)relay * fanout + fanout &&
	                                                c < relay_count(n); c++)
		if ((uint32_t)c != pub.from && subtree_subscribed(n, (uint32_t)c, pub.key, now))
			rc = forward_to_relay(n, &pub, relay, (uint32_t)c, now, bytes);
	resolver_buf_release(n, pub.buf);
	return rc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Schedule the change of key index i that follows time t, if it happens before the end. */
static int schedule_change(struct resolver_net *n, size_t i, sim_time t)
{
	uint32_t name_id = (uint32_t)(n->push_keys[i] >> 32);
	sim_time next = authority_version_start(&n->world, name_id,
	                                        authority_version(&n->world, name_id, t) + 1);
	return next > n->end ? 0 : ev_push(n->ev, next, EV_CHANGE, 0, i);
}

int pubsub_push_start(struct resolver_net *n, char *err, size_t err_size)
{
	if (!n->p->pubsub_push || (n->p->change_share <= 0 && !n->p->changes_from_trace))
		return 0;
	uint64_t count = trace_query_count(n->trace);
	const struct trace_query *q = trace_queries(n->trace);
	n->push_keys = malloc((count ? count : 1) * sizeof(*n->push_keys));
	if (!n->push_keys) {
		snprintf(err, err_size, "out of memory for pushed records");
		return -1;
	}
	size_t k = 0;
	for (uint64_t i = 0; i < count; i++)
		if (authority_changes(&n->world, q[i].name_id))
			n->push_keys[k++] = cache_key(q[i].name_id, q[i].qtype, q[i].qclass);
	qsort(n->push_keys, k, sizeof(*n->push_keys), cmp_u64);
	n->push_count = 0;
	for (size_t i = 0; i < k; i++)
		if (i == 0 || n->push_keys[i] != n->push_keys[i - 1])
			n->push_keys[n->push_count++] = n->push_keys[i];
	n->end = count ? q[count - 1].time_ns : 0;
	for (size_t i = 0; i < n->push_count; i++)
		if (schedule_change(n, i, 0)) {
			snprintf(err, err_size, "out of memory scheduling record changes");
			return -1;
		}
	return 0;
}

int pubsub_push_change(struct resolver_net *n, sim_time now, uint64_t arg)
{
	uint64_t key = n->push_keys[arg];
	uint32_t name_id = (uint32_t)(key >> 32);
	uint16_t qtype = (uint16_t)(key >> 16), qclass = (uint16_t)key;
	struct answer a;
	authority_answer(&n->world, name_id, qtype, qclass, &a);
	if (a.rcode == 0 && a.ancount > 0) {
		uint32_t bi;
		int made = resolver_share_make(n, n->nodes, now, name_id, qtype, qclass, &a,
		                               resolver_clamp_ttl(n->p, a.ttl), &bi);
		if (made < 0)
			return -1;
		if (made == 0) {
			uint32_t pi = resolver_pool_take((void **)&n->pubs, &n->pub_len, &n->pub_cap,
			                                 &n->pub_free, sizeof(*n->pubs));
			if (pi == NONE)
				return -1;
			n->pubs[pi] = (struct publication){ .buf = bi, .node = NONE, .from = NONE, .key = key };
			resolver_buf_hold(n, bi);
			metrics_add(n->m, 0, now, CTR_PUSH_PUBLISHED, 1);
			if (ev_push(n->ev, now + n->link_latency, EV_RELAY, 0, pi)) /* to the root relay */
				return -1;
		}
	}
	return schedule_change(n, (size_t)arg, now);
}

void pubsub_finish(struct resolver_net *n, sim_time end)
{
	uint64_t busiest = 0;
	for (uint32_t r = 0; r < relay_count(n); r++)
		busiest = n->relay_load[r] > busiest ? n->relay_load[r] : busiest;
	metrics_set(n->m, 0, end, CTR_RELAY_BUSIEST, busiest);
	if (n->p->pubsub_subscribe != PUBSUB_INTEREST)
		return;
	for (uint32_t k = 0; k < n->nodes; k++)
		for (uint32_t i = 0; i < n->subs[k].cap; i++) {
			const struct cache_entry *e = &n->subs[k].slots[i];
			if (e->used && e->expires != INT64_MIN && e->expires <= end)
				count_unsubscribe(n, k, e->expires);
		}
}
