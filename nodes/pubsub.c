/*
 * pubsub — relay, subscriptions and sessions of the publish/subscribe transport.
 *
 * The relay keeps no per-track lists: a resolver's interest subscriptions live in a flat table
 * per resolver (key -> idle deadline), and the relay asks each resolver's table, so forwarding
 * an object costs O(resolvers) like unicast. Idle subscriptions are dropped lazily: the
 * UNSUBSCRIBE is accounted at the moment the subscription went idle.
 */
#include "nodes/pubsub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodes/authority.h"
#include "nodes/resolver.h"
#include "traces/trace.h"

struct publication { uint32_t next_free; uint32_t buf; uint32_t node; uint64_t key; };

#define NONE UINT32_MAX

static size_t ip_udp(int ip_version) { return (ip_version == 6 ? 40 : 20) + 8; }

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

/* Two round trips (QUIC handshake, then MoQT setup) to the relay, one link away. */
static void ensure_session(struct resolver_net *n, uint32_t node, sim_time now)
{
	if (n->session_up[node] != INT64_MAX)
		return;
	n->session_up[node] = now + 4 * resolver_site_delay(n, resolver_site(n, node), RESOLVER_SERVICE_SITE);
	metrics_add(n->m, node, now, CTR_PUBSUB_SESSIONS, 1);
	metrics_add(n->m, node, now, CTR_PUBSUB_SESSION_BYTES, QUIC_HANDSHAKE_BYTES);
}

int pubsub_init(struct resolver_net *n, char *err, size_t err_size)
{
	n->pub_free = NONE;
	n->session_up = malloc(n->nodes * sizeof(*n->session_up));
	n->subs = calloc(n->nodes, sizeof(*n->subs));
	if (!n->session_up || !n->subs) {
		snprintf(err, err_size, "out of memory for %u pubsub sessions", n->nodes);
		return -1;
	}
	for (uint32_t i = 0; i < n->nodes; i++) {
		n->session_up[i] = INT64_MAX;
		if (n->p->pubsub_subscribe == PUBSUB_INTEREST && cache_init(&n->subs[i], 64)) {
			snprintf(err, err_size, "out of memory for %u pubsub subscription tables", n->nodes);
			return -1;
		}
		/* Subscribing to the whole namespace happens when the resolver starts. */
		if (n->p->pubsub_subscribe == PUBSUB_ALL) {
			ensure_session(n, i, 0);
			metrics_add(n->m, i, 0, CTR_PUBSUB_SUBSCRIBES, 1);
			metrics_add(n->m, i, 0, CTR_PUBSUB_CONTROL_BYTES,
			            control_bytes(n->p->ip_version, MOQT_SUBSCRIBE + 4) +
			            control_bytes(n->p->ip_version, MOQT_SUBSCRIBE_OK));
		}
	}
	return 0;
}

void pubsub_free(struct resolver_net *n)
{
	if (n->subs)
		for (uint32_t i = 0; i < n->nodes; i++)
			cache_free(&n->subs[i]);
	free(n->subs);
	free(n->session_up);
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
	n->pubs[pi] = (struct publication){ .buf = bi, .node = node, .key = key };
	resolver_buf_hold(n, bi);
	return ev_push(n->ev, send_at + resolver_site_delay(n, resolver_site(n, node), RESOLVER_SERVICE_SITE),
	               EV_RELAY, node, pi);
}

static int subscribed(const struct resolver_net *n, uint32_t node, uint64_t key, sim_time now)
{
	if (n->session_up[node] > now)
		return 0; /* no session yet: nothing can reach it */
	if (n->p->pubsub_subscribe == PUBSUB_ALL)
		return 1;
	const struct cache_entry *e = cache_find(&n->subs[node], key);
	return e && e->expires > now;
}

int pubsub_relay(struct resolver_net *n, sim_time now, uint64_t arg)
{
	struct publication pub = n->pubs[arg];
	resolver_pool_put(n->pubs, &n->pub_free, sizeof(*n->pubs), (uint32_t)arg);
	uint64_t bytes = resolver_buf_len(n, pub.buf) + n->share_overhead;
	/* An authority's publication is counted at resolver 0: the authority is not a resolver. */
	uint32_t who = pub.node < n->nodes ? pub.node : 0;
	int rc = 0;
	for (uint32_t k = 0; k < n->nodes && rc == 0; k++) {
		if (k == pub.node || !subscribed(n, k, pub.key, now))
			continue;
		metrics_add(n->m, who, now, CTR_RELAY_FORWARDED_MSGS, 1);
		metrics_add(n->m, who, now, CTR_RELAY_FORWARDED_BYTES, bytes);
		n->relaying = 1;
		rc = resolver_send_copy(n, who, k, pub.buf, now);
		n->relaying = 0;
	}
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
	if (!n->p->pubsub_push || n->p->change_share <= 0)
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
			n->pubs[pi] = (struct publication){ .buf = bi, .node = NONE, .key = key };
			resolver_buf_hold(n, bi);
			metrics_add(n->m, 0, now, CTR_PUSH_PUBLISHED, 1);
			if (ev_push(n->ev, now + n->link_latency, EV_RELAY, 0, pi))
				return -1;
		}
	}
	return schedule_change(n, (size_t)arg, now);
}

void pubsub_finish(struct resolver_net *n, sim_time end)
{
	if (n->p->pubsub_subscribe != PUBSUB_INTEREST)
		return;
	for (uint32_t k = 0; k < n->nodes; k++)
		for (uint32_t i = 0; i < n->subs[k].cap; i++) {
			const struct cache_entry *e = &n->subs[k].slots[i];
			if (e->used && e->expires != INT64_MIN && e->expires <= end)
				count_unsubscribe(n, k, e->expires);
		}
}
