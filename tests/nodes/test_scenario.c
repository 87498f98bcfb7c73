/*
 * A replay scenario in the spirit of Unbound's testbound files: two resolvers, round robin,
 * 10 ms resolutions, 1 ms links, and the exact counters the draft's rules imply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "nodes/authority.h"
#include "nodes/pubsub.h"
#include "nodes/share.h"
#include "dns/dns_tsig.h"
#include "scenario_util.h"
#include "sim/run.h"

static const struct record_spec records[] = {
	{ "a.example", DNS_RCODE_NOERROR, 1, 1, 300 },
	{ "b.example", DNS_RCODE_NOERROR, 1, 1, 300 },
	{ "c.example", DNS_RCODE_NOERROR, 1, 2, 300 },
	{ "nx.example", DNS_RCODE_NXDOMAIN, 1, 0, 0 },
	{ "short.example", DNS_RCODE_NOERROR, 1, 1, 30 },  /* below share.ttl_threshold 60 */
	{ "noaa.example", DNS_RCODE_NOERROR, 0, 1, 300 },  /* not AA: D-SURE forbids sharing */
};

/* Round robin: even queries reach node 0, odd ones node 1. */
static const struct query_spec queries[] = {
	{ 0, "a.example" },      /* n0 miss; resolved at 10, share reaches n1 at 11 */
	{ 5, "b.example" },      /* n1 miss; resolved at 15, share reaches n0 at 16 */
	{ 20, "b.example" },     /* n0 hit from the share */
	{ 25, "A.EXAMPLE" },     /* n1 hit from the share (names are case-insensitive) */
	{ 30, "nx.example" },    /* n0 miss, NXDOMAIN: never shared (D-NONEG) */
	{ 35, "nx.example" },    /* n1 miss, NXDOMAIN */
	{ 50, "short.example" }, /* n0 miss, TTL 30 < 60: not shared (D-TTL) */
	{ 52, "noaa.example" },  /* n1 miss, no AA: not shared (D-SURE) */
	{ 54, "a.example" },     /* n0 hit, own data */
	{ 55, "a.example" },     /* n1 hit, shared data */
	{ 56, "c.example" },     /* n0 miss; resolved at 66, share reaches n1 at 67 */
	{ 60, "c.example" },     /* n1 miss (share not there yet); resolved at 70, share reaches n0 at 71 */
	{ 62, "c.example" },     /* n0 coalesced with its resolution in flight */
	{ 400000, "a.example" }, /* n1: the shared copy (TTL 300 s) expired: miss, shared again */
};

static uint64_t node_total(const struct metrics *m, uint32_t node, enum metrics_counter c)
{
	uint64_t sum = 0;
	for (uint32_t b = 0; b < m->bins; b++)
		sum += m->counters[((size_t)node * m->bins + b) * CTR__COUNT + c];
	return sum;
}

struct expected { enum metrics_counter c; uint64_t node0, node1; };

static void check(const struct metrics *m, const struct expected *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t got0 = node_total(m, 0, e[i].c), got1 = node_total(m, 1, e[i].c);
		if (got0 != e[i].node0 || got1 != e[i].node1)
			fail_msg("%s: node0 %llu (expected %llu), node1 %llu (expected %llu)",
			         metrics_counter_name(e[i].c), (unsigned long long)got0,
			         (unsigned long long)e[i].node0, (unsigned long long)got1,
			         (unsigned long long)e[i].node1);
	}
}

/* A scenario's trace (written to path and opened) and the scenarios' default parameters. */
static struct trace *open_scenario(const struct record_spec *recs, size_t nrec, const struct query_spec *qs,
                                   size_t nq, char *path, struct sim_params *p)
{
	struct trace *t = scenario_trace(recs, nrec, qs, nq, path);
	assert_non_null(t);
	scenario_params(p);
	return t;
}

static void close_scenario(struct trace *t, const char *path)
{
	trace_close(t);
	unlink(path);
}

/* A run that must succeed; its summary in *s unless s is NULL. */
static void run_ok(const struct sim_params *p, const struct trace *t, struct metrics *m, struct run_summary *s)
{
	struct run_summary summary;
	char err[256];
	if (sim_run(p, t, NULL, m, s ? s : &summary, err, sizeof(err)))
		fail_msg("sim_run: %s", err);
}

static void test_unicast_sharing(void **state)
{
	(void)state;
	char path[64];
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, queries, 14, path, &p);
	struct metrics m;
	struct run_summary s;
	run_ok(&p, t, &m, &s);
	const struct expected e[] = {
		{ CTR_QUERIES, 7, 7 },
		{ CTR_HITS_OWN, 1, 0 },
		{ CTR_HITS_SHARED, 1, 2 },
		{ CTR_MISSES, 4, 5 },
		{ CTR_COALESCED, 1, 0 },
		{ CTR_UPSTREAM, 4, 5 },
		{ CTR_ANSWERS_NXDOMAIN, 1, 1 },
		{ CTR_SHARE_SENT_MSGS, 2, 3 },    /* a, c from n0; b, c, a again from n1 */
		{ CTR_SHARE_NOT_ELIGIBLE, 2, 2 }, /* n0: nx, short; n1: nx, noaa */
		{ CTR_SHARE_RECV_MSGS, 3, 2 },
		{ CTR_SHARE_ACCEPTED, 3, 2 },
		{ CTR_SHARE_RRSETS_CACHED, 3, 2 },
		{ CTR_REJ_BADSIG, 0, 0 },
		{ CTR_SHARE_LOST, 0, 0 },
	};
	check(&m, e, sizeof(e) / sizeof(e[0]));
	/* Every byte sent was received: one key, no loss. */
	assert_int_equal(metrics_total(&m, CTR_SHARE_SENT_BYTES), metrics_total(&m, CTR_SHARE_RECV_BYTES));
	/* Exact latencies: a miss is 10 ms + 0.1 ms service; the coalesced query waited 4 ms. */
	assert_int_equal(m.latency_sum_ns[0 * LAT__COUNT + LAT_MISS], 4 * 10100000LL);
	assert_int_equal(m.latency_sum_ns[1 * LAT__COUNT + LAT_MISS], 5 * 10100000LL);
	assert_int_equal(m.latency_sum_ns[0 * LAT__COUNT + LAT_COALESCED], 4100000LL);
	assert_int_equal(m.latency_sum_ns[1 * LAT__COUNT + LAT_HIT_SHARED], 2 * 100000LL);
	assert_int_equal(s.queries, 14);
	metrics_free(&m);

	/* The baseline: no transport, no shares, every first query per node a miss. */
	p.transport = SHARE_NONE;
	run_ok(&p, t, &m, &s);
	assert_int_equal(metrics_total(&m, CTR_HITS_SHARED), 0);
	assert_int_equal(metrics_total(&m, CTR_SHARE_SENT_MSGS), 0);
	assert_int_equal(metrics_total(&m, CTR_SHARE_NOT_ELIGIBLE), 0);
	/* Without sharing each node learns alone: n0 hits a at 54; n1 misses a at 25, hits it at
	 * 55, and misses it again at 400 s. */
	const struct expected none[] = {
		{ CTR_HITS_OWN, 1, 1 },
		{ CTR_MISSES, 5, 6 },
		{ CTR_COALESCED, 1, 0 },
		{ CTR_UPSTREAM, 5, 6 },
	};
	check(&m, none, sizeof(none) / sizeof(none[0]));
	metrics_free(&m);
	close_scenario(t, path);
}

static void test_question_removed_and_unbound_receiver(void **state)
{
	(void)state;
	char path[64];
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, queries, 14, path, &p);
	p.question = SHARE_QUESTION_REMOVE;
	p.receiver = RECEIVER_UNBOUND_POC;
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	/* Unbound's proof of concept drops every question-less share: nothing shared is used. */
	assert_int_equal(metrics_total(&m, CTR_REJ_PROFILE), 7); /* no shared data: 7 resolutions */
	assert_int_equal(metrics_total(&m, CTR_SHARE_ACCEPTED), 0);
	assert_int_equal(metrics_total(&m, CTR_HITS_SHARED), 0);
	metrics_free(&m);
	p.receiver = RECEIVER_DRAFT; /* the draft's receiver takes them */
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_SHARE_ACCEPTED), 5);
	assert_int_equal(metrics_total(&m, CTR_HITS_SHARED), 3);
	metrics_free(&m);
	close_scenario(t, path);
}

static void test_wrong_receiver_key_caches_nothing(void **state)
{
	(void)state;
	char path[64];
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, queries, 14, path, &p);
	snprintf(p.receiver_key_spec, sizeof(p.receiver_key_spec), "hmac-sha256:share.test.:c2VjcmV0");
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_REJ_BADSIG), 7);
	assert_int_equal(metrics_total(&m, CTR_SHARE_RRSETS_CACHED), 0);
	assert_int_equal(metrics_total(&m, CTR_HITS_SHARED), 0);
	metrics_free(&m);
	snprintf(p.receiver_key_spec, sizeof(p.receiver_key_spec), "hmac-sha256:other.test.:c2VjcmV0");
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_REJ_BADKEY), 7);
	metrics_free(&m);
	close_scenario(t, path);
}

static void test_loss_and_determinism(void **state)
{
	(void)state;
	char path[64];
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, queries, 14, path, &p);
	p.link_loss = 1.0;
	struct metrics a, b;
	run_ok(&p, t, &a, NULL);
	/* Nothing arrives, so each node resolves (and shares) what the other already had: 7 shares. */
	assert_int_equal(metrics_total(&a, CTR_SHARE_LOST), 7);
	assert_int_equal(metrics_total(&a, CTR_SHARE_RECV_MSGS), 0);
	metrics_free(&a);
	p.link_loss = 0.5;
	p.upstream_latency_sigma = 1.0;
	p.link_jitter_ms = 3;
	run_ok(&p, t, &a, NULL);
	run_ok(&p, t, &b, NULL);
	size_t n = (size_t)a.nodes * a.bins * CTR__COUNT;
	assert_memory_equal(a.counters, b.counters, n * sizeof(uint64_t));
	assert_memory_equal(a.latency_sum_ns, b.latency_sum_ns, (size_t)a.nodes * LAT__COUNT * sizeof(uint64_t));
	metrics_free(&b);
	p.seed = 2;
	run_ok(&p, t, &b, NULL);
	assert_memory_not_equal(a.latency_sum_ns, b.latency_sum_ns, (size_t)a.nodes * LAT__COUNT * sizeof(uint64_t));
	metrics_free(&a);
	metrics_free(&b);
	close_scenario(t, path);
}

static void test_multicast_groups(void **state)
{
	(void)state;
	static const struct query_spec mq[] = {
		{ 0, "a.example" }, /* n0 miss; one share, delivered to every member at 11 ms */
		{ 15, "a.example" }, { 16, "a.example" }, { 17, "a.example" }, /* n1..n3: shared hits */
	};
	char path[64];
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, mq, 4, path, &p);
	p.nodes = 4;
	p.transport = SHARE_MULTICAST;
	struct metrics m;
	/* groups -> multicast sends by n0 (1: {0,1,2,3}; 2: {0,2} {1,3}; 4: four groups of one) */
	const uint32_t groups[] = { 1, 2, 4 };
	const uint64_t sends[] = { 1, 2, 3 };
	uint64_t message_bytes = 0;
	for (int i = 0; i < 3; i++) {
		p.multicast_groups = groups[i];
		run_ok(&p, t, &m, NULL);
		assert_int_equal(node_total(&m, 0, CTR_SHARE_SENT_MSGS), sends[i]);
		assert_int_equal(metrics_total(&m, CTR_SHARE_SENT_MSGS), sends[i]);
		for (uint32_t k = 1; k < 4; k++) {
			assert_int_equal(node_total(&m, k, CTR_SHARE_RECV_MSGS), 1);
			assert_int_equal(node_total(&m, k, CTR_HITS_SHARED), 1);
		}
		/* Bytes: once per send on the sender's link, once per receiver. */
		uint64_t sent = metrics_total(&m, CTR_SHARE_SENT_BYTES);
		if (i == 0)
			message_bytes = sent;
		assert_int_equal(sent, sends[i] * message_bytes);
		assert_int_equal(metrics_total(&m, CTR_SHARE_RECV_BYTES), 3 * message_bytes);
		metrics_free(&m);
	}
	/* The same shares by unicast: one message per peer. */
	p.transport = SHARE_UNICAST;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_SHARE_SENT_MSGS), 3);
	assert_int_equal(metrics_total(&m, CTR_SHARE_SENT_BYTES), 3 * message_bytes);
	metrics_free(&m);
	close_scenario(t, path);
}

static void test_hub_relays(void **state)
{
	(void)state;
	static const struct query_spec hq[] = {
		{ 0, "b.example" },  /* n0, the hub: its own share goes to n1 and n2 directly */
		{ 1, "a.example" },  /* n1: resolved at 11, to the hub at 12, relayed to n2 at 13 */
		{ 14, "a.example" }, /* n2: hit on the relayed share */
		{ 15, "a.example" }, /* n0: hit on the share the hub received */
	};
	char path[64], err[256];
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, hq, 4, path, &p);
	p.nodes = 3;
	p.transport = SHARE_HUB;
	p.hub_node = 0;
	struct metrics m;
	struct run_summary s;
	run_ok(&p, t, &m, &s);
	const uint64_t sent[] = { 2, 1, 0 }, recv[] = { 1, 1, 2 }, relayed[] = { 1, 0, 0 }, shared[] = { 1, 0, 1 };
	for (uint32_t k = 0; k < 3; k++) {
		assert_int_equal(node_total(&m, k, CTR_SHARE_SENT_MSGS), sent[k]);
		assert_int_equal(node_total(&m, k, CTR_SHARE_RECV_MSGS), recv[k]);
		assert_int_equal(node_total(&m, k, CTR_HUB_RELAYED_MSGS), relayed[k]);
		assert_int_equal(node_total(&m, k, CTR_HITS_SHARED), shared[k]);
	}
	metrics_free(&m);
	/* A relayed share arrives two link delays after it was sent: at 12.9 ms n2 has nothing yet. */
	static const struct query_spec early[] = { { 0, "b.example" }, { 1, "a.example" }, { 12, "a.example" } };
	close_scenario(t, path);
	t = scenario_trace(records, 6, early, 3, path);
	run_ok(&p, t, &m, &s);
	assert_int_equal(node_total(&m, 2, CTR_MISSES), 1);
	metrics_free(&m);
	p.hub_node = 3;
	assert_int_equal(sim_run(&p, t, NULL, &m, &s, err, sizeof(err)), -1);
	assert_string_equal(err, "share.hub: resolver 3 does not exist (resolvers.nodes = 3)");
	metrics_free(&m);
	close_scenario(t, path);
}

static void test_pull_central_cache(void **state)
{
	(void)state;
	static const struct query_spec pq[] = {
		{ 0, "a.example" },   /* n0: central miss at 1, reply at 2, resolved at 12, stored */
		{ 20, "a.example" },  /* n1: central hit at 21, answered at 22 (2.1 ms) */
		{ 30, "a.example" },  /* n0: own hit */
		{ 31, "a.example" },  /* n1: hit on the pulled copy */
		{ 40, "nx.example" }, /* n0: central miss, NXDOMAIN resolved at 52 and stored */
		{ 60, "nx.example" }, /* n1: central hit on the negative answer */
	};
	char path[64];
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, pq, 6, path, &p);
	p.transport = SHARE_PULL;
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	const struct expected e[] = {
		{ CTR_QUERIES, 3, 3 },
		{ CTR_MISSES, 2, 2 },
		{ CTR_PULL_LOOKUPS, 2, 2 },
		{ CTR_PULL_HITS, 0, 2 },
		{ CTR_PULL_STORES, 2, 0 },
		{ CTR_UPSTREAM, 2, 0 },
		{ CTR_HITS_OWN, 1, 0 },
		{ CTR_HITS_SHARED, 0, 1 },
		{ CTR_ANSWERS_NXDOMAIN, 1, 1 },
		{ CTR_SHARE_SENT_MSGS, 0, 0 },
	};
	check(&m, e, sizeof(e) / sizeof(e[0]));
	assert_int_equal(m.latency_sum_ns[0 * LAT__COUNT + LAT_MISS], 2 * 12100000LL);
	assert_int_equal(m.latency_sum_ns[1 * LAT__COUNT + LAT_HIT_PULL], 2 * 2100000LL);
	metrics_free(&m);
	close_scenario(t, path);
}

static void check_nodes(const struct metrics *m, enum metrics_counter c, const uint64_t *want, uint32_t n)
{
	for (uint32_t k = 0; k < n; k++)
		if (node_total(m, k, c) != want[k])
			fail_msg("%s at node %u: %llu, expected %llu", metrics_counter_name(c), k,
			         (unsigned long long)node_total(m, k, c), (unsigned long long)want[k]);
}

static void test_pubsub_all(void **state)
{
	(void)state;
	static const struct query_spec q[] = {
		{ 0, "a.example" },  /* n0: resolved at 10, published, at the relay at 11, at n1 and n2 at 12 */
		{ 13, "a.example" }, /* n1: hit */
		{ 14, "a.example" }, /* n2: hit */
	};
	char path[64];
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, q, 3, path, &p);
	p.nodes = 3;
	p.transport = SHARE_PUBSUB;
	p.pubsub_subscribe = PUBSUB_ALL;
	p.pubsub_idle_timeout = 600;
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	const uint64_t one[] = { 1, 1, 1 }, sent[] = { 1, 0, 0 }, fwd[] = { 2, 0, 0 }, recv[] = { 0, 1, 1 };
	check_nodes(&m, CTR_PUBSUB_SESSIONS, one, 3);
	check_nodes(&m, CTR_PUBSUB_SUBSCRIBES, one, 3);
	check_nodes(&m, CTR_SHARE_SENT_MSGS, sent, 3);
	check_nodes(&m, CTR_RELAY_FORWARDED_MSGS, fwd, 3);
	check_nodes(&m, CTR_SHARE_RECV_MSGS, recv, 3);
	check_nodes(&m, CTR_HITS_SHARED, recv, 3);
	/* Bytes: the object framing is QUIC short header, AEAD tag, DATAGRAM frame, MoQT header. */
	uint64_t object = metrics_total(&m, CTR_SHARE_SENT_BYTES);
	assert_int_equal(metrics_total(&m, CTR_RELAY_FORWARDED_BYTES), 2 * object);
	assert_int_equal(pubsub_object_overhead(4), 28 + 11 + 16 + 3 + 7);
	metrics_free(&m);
	/* A resolution done before the session is up (1 ms < 4 link delays) waits for it. */
	static const struct query_spec early[] = {
		{ 0, "a.example" }, { 5, "a.example" }, /* n1 at 5.5 ms: not there yet (published at 4, relayed at 5, arrives 6) */
	};
	close_scenario(t, path);
	t = scenario_trace(records, 6, early, 2, path);
	p.upstream_latency_median_ms = 1;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(node_total(&m, 1, CTR_MISSES), 1);
	assert_int_equal(node_total(&m, 1, CTR_SHARE_RECV_MSGS), 1); /* it did arrive, at 6 ms */
	metrics_free(&m);
	close_scenario(t, path);
}

static void test_pubsub_interest(void **state)
{
	(void)state;
	static const struct query_spec q[] = {
		{ 0, "a.example" },  /* n0 subscribes; resolved at 10, relayed at 11 to n1 only */
		{ 1, "a.example" },  /* n1 subscribes; resolved at 11, relayed at 12 to n0 */
		{ 20, "a.example" }, /* n2 subscribes; resolved at 30, relayed at 31 to n0 and n1 */
		{ 40, "a.example" }, /* n0: hit on n2's fresher share */
	};
	char path[64];
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, q, 4, path, &p);
	p.nodes = 3;
	p.transport = SHARE_PUBSUB;
	p.pubsub_subscribe = PUBSUB_INTEREST;
	p.pubsub_idle_timeout = 600;
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	const uint64_t one[] = { 1, 1, 1 }, fwd[] = { 1, 1, 2 }, recv[] = { 2, 2, 0 }, shared[] = { 1, 0, 0 },
	               none[] = { 0, 0, 0 };
	check_nodes(&m, CTR_PUBSUB_SUBSCRIBES, one, 3);
	check_nodes(&m, CTR_PUBSUB_SESSIONS, one, 3);
	check_nodes(&m, CTR_SHARE_SENT_MSGS, one, 3);
	check_nodes(&m, CTR_RELAY_FORWARDED_MSGS, fwd, 3);
	check_nodes(&m, CTR_SHARE_RECV_MSGS, recv, 3);
	check_nodes(&m, CTR_HITS_SHARED, shared, 3);
	check_nodes(&m, CTR_PUBSUB_UNSUBSCRIBES, none, 3);
	metrics_free(&m);
	/* Subscriptions idle for 5 ms are gone before anything is published: nothing is relayed;
	 * n0 subscribes again at 40 ms; the others' idle subscriptions end unsubscribed. */
	p.pubsub_idle_timeout = 0.005;
	run_ok(&p, t, &m, NULL);
	const uint64_t subs[] = { 2, 1, 1 };
	check_nodes(&m, CTR_PUBSUB_SUBSCRIBES, subs, 3);
	check_nodes(&m, CTR_PUBSUB_UNSUBSCRIBES, one, 3);
	check_nodes(&m, CTR_RELAY_FORWARDED_MSGS, none, 3);
	check_nodes(&m, CTR_SHARE_RECV_MSGS, none, 3);
	metrics_free(&m);
	close_scenario(t, path);
}

static void test_time_checked_per_receiver(void **state)
{
	(void)state;
	/* Links of 300.5 s plus up to 1 s of jitter against a 300 s fudge (whole seconds): some copies of the same
	 * share arrive in time, others do not. The first receiver's verdict is reused by the others,
	 * but the clock is each receiver's own. */
	char path[64];
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, queries, 14, path, &p);
	p.nodes = 8;
	p.link_latency_ms = 300500;
	p.link_jitter_ms = 1000;
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	uint64_t recv = metrics_total(&m, CTR_SHARE_RECV_MSGS), late = metrics_total(&m, CTR_REJ_BADTIME),
	         ok = metrics_total(&m, CTR_SHARE_ACCEPTED);
	assert_true(late > 0);
	assert_true(ok > 0);
	assert_int_equal(late + ok, recv);
	assert_int_equal(recv, metrics_total(&m, CTR_SHARE_SENT_MSGS));
	assert_int_equal(metrics_total(&m, CTR_SHARE_RRSETS_CACHED) <= ok, 1);
	metrics_free(&m);
	close_scenario(t, path);
}

static void test_stale_answers(void **state)
{
	(void)state;
	/* a.example changes every 100 s (its own phase); its TTL is 300 s, so a cached copy goes
	 * stale when the next version begins, before it expires. */
	char path[64], err[256];
	static const struct query_spec first[] = { { 0, "a.example" } };
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, first, 1, path, &p);
	p.nodes = 1;
	p.change_share = 1;
	p.change_interval = 100;
	struct authority world;
	assert_int_equal(authority_init(&world, &p, t, err, sizeof(err)), 0);
	uint32_t id;
	uint8_t wire[DNS_NAME_MAX], len;
	dns_name_from_text("a.example", wire, &len);
	assert_int_equal(trace_name_lookup(t, wire, len, &id), 0);
	uint32_t v0 = authority_version(&world, id, 10 * MS); /* resolved at 10 ms */
	sim_time next = authority_version_start(&world, id, v0 + 1);
	assert_true(next > 10 * MS && next <= 10 * MS + 100 * SIM_S);
	assert_int_equal(authority_version(&world, id, next), v0 + 1);
	assert_int_equal(authority_version(&world, id, next - 1), v0);
	close_scenario(t, path);
	int64_t before_ms = next / MS - 1000, after_ms = next / MS + 5000;
	struct query_spec q[] = { { 0, "a.example" }, { before_ms, "a.example" }, { after_ms, "a.example" } };
	t = scenario_trace(records, 6, q, 3, path);
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_HITS_OWN), 2);
	assert_int_equal(metrics_total(&m, CTR_ANSWERS_STALE), 1);
	assert_int_equal(m.latency_sum_ns[LAT_STALE_AGE], after_ms * MS - next);
	metrics_free(&m);
	p.change_share = 0; /* a world that never changes serves nothing stale */
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_ANSWERS_STALE), 0);
	metrics_free(&m);
	close_scenario(t, path);
}

static void test_consistency_mismatch(void **state)
{
	(void)state;
	/* Without sharing, n0 keeps a.example's old version while n1 resolves the new one: a client
	 * asking n0 gets another answer than one asking n1 at the same moment. */
	char path[64], err[256];
	static const struct query_spec first[] = { { 0, "a.example" } };
	struct trace *t = scenario_trace(records, 6, first, 1, path);
	struct sim_params p;
	scenario_params(&p);
	p.nodes = 2;
	p.transport = SHARE_NONE;
	p.change_share = 1;
	p.change_interval = 100;
	struct authority world;
	assert_int_equal(authority_init(&world, &p, t, err, sizeof(err)), 0);
	uint32_t id;
	uint8_t wire[DNS_NAME_MAX], len;
	dns_name_from_text("a.example", wire, &len);
	assert_int_equal(trace_name_lookup(t, wire, len, &id), 0);
	sim_time next = authority_version_start(&world, id, authority_version(&world, id, 10 * MS) + 1);
	close_scenario(t, path);
	struct query_spec q[] = { { 0, "a.example" }, { next / MS + 1000, "a.example" },
		                  { next / MS + 5000, "a.example" } };
	t = scenario_trace(records, 6, q, 3, path); /* n0, n1 (new version), n0 (old version) */
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_CONSISTENCY_CHECKS), 1);
	assert_int_equal(metrics_total(&m, CTR_CONSISTENCY_MISMATCH), 1);
	assert_int_equal(metrics_total(&m, CTR_ANSWERS_STALE), 1);
	metrics_free(&m);
	close_scenario(t, path);
}

static void test_pubsub_push_refreshes(void **state)
{
	(void)state;
	/* As test_stale_answers, over pubsub: with the authority publishing each change, the cached
	 * copy is replaced by the new version before anyone asks, and nothing stale is served. */
	char path[64], err[256];
	static const struct query_spec first[] = { { 0, "a.example" } };
	struct trace *t = scenario_trace(records, 6, first, 1, path);
	struct sim_params p;
	scenario_params(&p);
	p.nodes = 2;
	p.change_share = 1;
	p.change_interval = 100;
	p.transport = SHARE_PUBSUB;
	p.pubsub_subscribe = PUBSUB_ALL;
	p.pubsub_idle_timeout = 600;
	struct authority world;
	assert_int_equal(authority_init(&world, &p, t, err, sizeof(err)), 0);
	uint32_t id;
	uint8_t wire[DNS_NAME_MAX], len;
	dns_name_from_text("a.example", wire, &len);
	assert_int_equal(trace_name_lookup(t, wire, len, &id), 0);
	sim_time next = authority_version_start(&world, id, authority_version(&world, id, 10 * MS) + 1);
	close_scenario(t, path);
	int64_t after_ms = next / MS + 5000;
	struct query_spec q[] = { { 0, "a.example" }, { 1, "b.example" }, { after_ms, "a.example" },
		                  { after_ms + 1, "a.example" } };
	t = scenario_trace(records, 6, q, 4, path);
	struct metrics m;
	p.pubsub_push = 0;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_ANSWERS_STALE), 2); /* n0 its own copy, n1 the shared one */
	assert_int_equal(metrics_total(&m, CTR_PUSH_PUBLISHED), 0);
	/* Both copies are the same old version: stale, but consistent with each other. */
	assert_true(metrics_total(&m, CTR_CONSISTENCY_CHECKS) >= 1);
	assert_int_equal(metrics_total(&m, CTR_CONSISTENCY_MISMATCH), 0);
	metrics_free(&m);
	p.pubsub_push = 1;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_ANSWERS_STALE), 0);
	/* a.example changed once before the last query (b.example's changes were pushed too). */
	assert_true(metrics_total(&m, CTR_PUSH_PUBLISHED) >= 1);
	assert_int_equal(metrics_total(&m, CTR_HITS_SHARED) + metrics_total(&m, CTR_HITS_OWN), 2);
	/* Both held copies of a.example were updated one relay hop plus one link after the change. */
	uint64_t updates = 0, delay = 0;
	for (uint32_t k = 0; k < 2; k++) {
		for (int b = 0; b < METRICS_HIST_BUCKETS; b++)
			updates += m.latency[((size_t)k * LAT__COUNT + LAT_UPDATE_DELAY) * METRICS_HIST_BUCKETS + b];
		delay += m.latency_sum_ns[(size_t)k * LAT__COUNT + LAT_UPDATE_DELAY];
	}
	assert_true(updates >= 2);
	assert_int_equal(delay, updates * 2 * MS);
	metrics_free(&m);
	close_scenario(t, path);
}

static void test_cache_capacity(void **state)
{
	(void)state;
	/* One resolver holding one entry: b evicts a, so a is resolved again. */
	static const struct query_spec q[] = { { 0, "a.example" }, { 20, "b.example" }, { 40, "a.example" },
		                               { 60, "a.example" } };
	char path[64];
	struct trace *t = scenario_trace(records, 6, q, 4, path);
	struct sim_params p;
	scenario_params(&p);
	p.nodes = 1;
	p.cache_capacity = 1;
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_MISSES), 3);
	assert_int_equal(metrics_total(&m, CTR_HITS_OWN), 1);
	assert_int_equal(metrics_total(&m, CTR_CACHE_EVICTIONS), 2);
	metrics_free(&m);
	p.cache_capacity = 0;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_MISSES), 2);
	assert_int_equal(metrics_total(&m, CTR_CACHE_EVICTIONS), 0);
	metrics_free(&m);
	close_scenario(t, path);

	/* cache.eviction = lru, two entries: the hit on a at 40 ms makes b the least recently used,
	 * so c evicts b (b's query at 80 ms misses and evicts a, a's at 100 ms misses). */
	static const struct query_spec q2[] = { { 0, "a.example" }, { 20, "b.example" }, { 40, "a.example" },
		                                { 60, "c.example" }, { 80, "b.example" }, { 100, "a.example" },
		                                { 120, "b.example" } };
	t = scenario_trace(records, 6, q2, 7, path);
	p.cache_capacity = 2;
	p.cache_eviction = EVICTION_LRU;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_MISSES), 5);
	assert_int_equal(metrics_total(&m, CTR_HITS_OWN), 2); /* a at 40, b at 120 */
	assert_int_equal(metrics_total(&m, CTR_CACHE_EVICTIONS), 3);
	metrics_free(&m);
	close_scenario(t, path);
}

static void test_serve_expired(void **state)
{
	(void)state;
	/* a.example has a TTL of 300 s; it expires at 300.010 s. */
	static const struct query_spec q[] = {
		{ 0, "a.example" },      /* miss, resolved at 10 ms */
		{ 301000, "a.example" }, /* expired: served at once, refreshed in the background (301.010) */
		{ 301005, "a.example" }, /* expired, refresh in flight: served again, no second refresh */
		{ 302000, "a.example" }, /* fresh again */
	};
	char path[64];
	struct trace *t = scenario_trace(records, 6, q, 4, path);
	struct sim_params p;
	scenario_params(&p);
	p.nodes = 1;
	p.serve_expired_ttl = 86400;
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_SERVED_EXPIRED), 2);
	assert_int_equal(metrics_total(&m, CTR_MISSES), 1);
	assert_int_equal(metrics_total(&m, CTR_UPSTREAM), 2);
	assert_int_equal(metrics_total(&m, CTR_HITS_OWN), 1);
	assert_int_equal(metrics_total(&m, CTR_COALESCED), 0);
	assert_int_equal(m.latency_sum_ns[LAT_EXPIRED], 2 * 100000LL); /* served at service time */
	assert_int_equal(m.latency_sum_ns[LAT_MISS], 10100000LL);      /* the refresh is no client's */
	metrics_free(&m);
	p.serve_expired_ttl = 0; /* off: the expired entry is a miss, the next query joins it */
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_SERVED_EXPIRED), 0);
	assert_int_equal(metrics_total(&m, CTR_MISSES), 2);
	assert_int_equal(metrics_total(&m, CTR_COALESCED), 1);
	assert_int_equal(metrics_total(&m, CTR_HITS_OWN), 1);
	metrics_free(&m);
	p.serve_expired_ttl = 1; /* a 1 s window: at 301 s the copy is 0.99 s past expiry, still served */
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_SERVED_EXPIRED), 2);
	metrics_free(&m);
	close_scenario(t, path);
}

static void test_prefetch(void **state)
{
	(void)state;
	/* a.example: TTL 300 s, resolved at 10 ms; its last 10 % starts at 270.010 s. */
	static const struct query_spec q[] = {
		{ 0, "a.example" },
		{ 260000, "a.example" }, /* hit, 40 s left: no prefetch */
		{ 275000, "a.example" }, /* hit, 25 s left: prefetch, refreshed at 275.010 s */
		{ 275005, "a.example" }, /* hit, refresh in flight: no second prefetch */
		{ 301000, "a.example" }, /* hit on the prefetched copy */
	};
	char path[64];
	struct trace *t = scenario_trace(records, 6, q, 5, path);
	struct sim_params p;
	scenario_params(&p);
	p.nodes = 1;
	p.prefetch = 1;
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_PREFETCH), 1);
	assert_int_equal(metrics_total(&m, CTR_HITS_OWN), 4);
	assert_int_equal(metrics_total(&m, CTR_MISSES), 1);
	assert_int_equal(metrics_total(&m, CTR_UPSTREAM), 2);
	metrics_free(&m);
	p.prefetch = 0;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_PREFETCH), 0);
	assert_int_equal(metrics_total(&m, CTR_HITS_OWN), 3);
	assert_int_equal(metrics_total(&m, CTR_MISSES), 2);
	metrics_free(&m);
	close_scenario(t, path);
}

static void test_sites(void **state)
{
	(void)state;
	/* n0 resolves a.example at 10 ms and shares it: n2 (its site) has it at 11 ms, n1 and n3 (the
	 * other site, 20 ms away) at 30 ms. */
	static const struct query_spec q[] = { { 0, "a.example" }, { 12, "a.example" },
		                               { 14, "a.example" }, { 21, "a.example" } };
	char path[64];
	struct trace *t = scenario_trace(records, 6, q, 4, path);
	struct sim_params p;
	scenario_params(&p);
	p.nodes = 4;
	p.sites = 2;
	p.inter_site_latency_ms = 20;
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	const uint64_t misses[] = { 1, 1, 0, 1 }, shared[] = { 0, 0, 1, 0 };
	check_nodes(&m, CTR_MISSES, misses, 4);
	check_nodes(&m, CTR_HITS_SHARED, shared, 4);
	metrics_free(&m);
	p.sites = 1; /* one site: everything 1 ms away, all three peers hit */
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_MISSES), 1);
	assert_int_equal(metrics_total(&m, CTR_HITS_SHARED), 3);
	metrics_free(&m);
	close_scenario(t, path);
}

/* Negative answers shared (draft 7.2.2, share.negative): NXDOMAIN and NODATA reach the peer,
 * with the question and an SOA bounding the negative TTL; the draft's rule forbids it by default,
 * Unbound's proof-of-concept receiver drops them (no answer), and without a question there is
 * nothing to share. */
static const struct record_spec neg_records[] = {
	{ "a.example", DNS_RCODE_NOERROR, 1, 1, 300 },
	{ "nx.example", DNS_RCODE_NXDOMAIN, 1, 0, 0 },
	{ "nodata.example", DNS_RCODE_NOERROR, 1, 0, 0 },
};
static const struct query_spec neg_queries[] = {
	{ 0, "nx.example" },      /* n0 miss; resolved at 10, negative share reaches n1 at 11 */
	{ 20, "nx.example" },     /* n1 hit on the shared NXDOMAIN */
	{ 21, "nx.example" },     /* n0 hit, own */
	{ 30, "nodata.example" }, /* n1 miss; resolved at 40, share reaches n0 at 41 */
	{ 50, "nodata.example" }, /* n0 hit on the shared NODATA */
	{ 60, "a.example" },      /* n1 miss; a positive share to n0 */
	{ 902000, "nx.example" }, /* n0: its copy (900 s negative TTL) expired at 900.010 s: miss, shared again at 902.010 */
	{ 903000, "nx.example" }, /* n1: first copy expired at 900.011 s, the new one came at 902.011: hit */
};

static void test_negative_shares(void **state)
{
	(void)state;
	char path[64], err[256];
	struct sim_params p;
	struct trace *t = open_scenario(neg_records, 3, neg_queries, 8, path, &p);
	p.share_negative = 1;
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	const struct expected e[] = {
		{ CTR_QUERIES, 4, 4 },
		{ CTR_HITS_SHARED, 1, 2 },
		{ CTR_HITS_OWN, 1, 0 },
		{ CTR_MISSES, 2, 2 },
		{ CTR_ANSWERS_NXDOMAIN, 3, 2 },
		{ CTR_ANSWERS_NODATA, 1, 1 },
		{ CTR_SHARE_SENT_MSGS, 2, 2 }, /* n0: nx twice; n1: nodata, a */
		{ CTR_SHARE_ACCEPTED, 2, 2 },
		{ CTR_SHARE_RRSETS_CACHED, 2, 2 },
		{ CTR_REJ_NEGATIVE, 0, 0 },
	};
	check(&m, e, sizeof(e) / sizeof(e[0]));
	metrics_free(&m);

	/* The draft's rule (D-NONEG): only the positive answer travels. */
	p.share_negative = 0;
	run_ok(&p, t, &m, NULL);
	const struct expected draft[] = {
		{ CTR_HITS_SHARED, 0, 0 },
		{ CTR_MISSES, 3, 4 },
		{ CTR_SHARE_SENT_MSGS, 0, 1 },
		{ CTR_SHARE_NOT_ELIGIBLE, 3, 3 }, /* n0: nx, nodata, nx; n1: nx, nodata, nx */
	};
	check(&m, draft, sizeof(draft) / sizeof(draft[0]));
	metrics_free(&m);

	/* Unbound's proof of concept drops what has no answer. */
	p.share_negative = 1;
	p.receiver = RECEIVER_UNBOUND_POC;
	run_ok(&p, t, &m, NULL);
	const struct expected poc[] = {
		{ CTR_HITS_SHARED, 0, 0 },
		{ CTR_REJ_PROFILE, 3, 3 }, /* every negative share: each node then resolves nx, nodata, nx itself */
		{ CTR_SHARE_ACCEPTED, 1, 0 },
	};
	check(&m, poc, sizeof(poc) / sizeof(poc[0]));
	metrics_free(&m);

	/* Without the question a negative share would name nothing: not sent. */
	p.receiver = RECEIVER_DRAFT;
	p.question = SHARE_QUESTION_REMOVE;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_SHARE_SENT_MSGS), 1);
	assert_int_equal(metrics_total(&m, CTR_HITS_SHARED), 0);
	metrics_free(&m);
	close_scenario(t, path);

	/* The message itself: NXDOMAIN, the question, no answer, the SOA with MINIMUM = TTL. */
	scenario_params(&p);
	p.share_negative = 1;
	struct dns_tsig_key key;
	assert_int_equal(dns_tsig_key_parse(p.key_spec, &key, err, sizeof(err)), 0);
	uint8_t qname[DNS_NAME_MAX], wire[SHARE_MSG_MAX], qlen;
	assert_int_equal(dns_name_from_text("nx.example", qname, &qlen), 0);
	struct share_content c = { .id = 7, .qname = qname, .qname_len = qlen, .qtype = DNS_TYPE_A,
		                   .qclass = DNS_CLASS_IN, .aa = 1, .ttl = 900, .rcode = DNS_RCODE_NXDOMAIN };
	size_t len;
	assert_int_equal(share_build(&p, &key, &c, 1700000000, wire, sizeof(wire), &len), 0);
	struct dns_msg parsed;
	assert_int_equal(share_check(&p, &key, wire, len, 1700000000, &parsed), CTR_SHARE_ACCEPTED);
	assert_int_equal(DNS_RCODE(parsed.hdr.flags), DNS_RCODE_NXDOMAIN);
	assert_int_equal(parsed.hdr.qdcount, 1);
	assert_int_equal(parsed.hdr.ancount, 0);
	assert_int_equal(parsed.hdr.nscount, 1);
	size_t off = parsed.authority_off;
	struct dns_rr rr;
	assert_int_equal(dns_rr_read(wire, len, &off, &rr), DNS_OK);
	assert_int_equal(rr.type, DNS_TYPE_SOA);
	assert_int_equal(rr.ttl, 900);
	uint8_t zone[DNS_NAME_MAX], zlen;
	assert_int_equal(dns_name_from_text("example", zone, &zlen), 0);
	assert_int_equal(rr.owner_len, zlen);
	assert_memory_equal(rr.owner, zone, zlen);
	const uint8_t *minimum = wire + rr.rdata_off + rr.rdlength - 4;
	assert_int_equal((uint32_t)minimum[0] << 24 | (uint32_t)minimum[1] << 16 | minimum[2] << 8 | minimum[3], 900);
	p.share_negative = 0; /* a receiver that keeps the draft's rule */
	assert_int_equal(share_check(&p, &key, wire, len, 1700000000, &parsed), CTR_REJ_NEGATIVE);
	dns_tsig_key_free(&key);
}

/* share.session: long-lived TCP or TLS connections between the two peers — one set-up for the
 * pair, counted once, delaying the first share by its round trips; per-message framing; a lost
 * segment retransmitted after 200 ms rather than lost. */
static void test_sessions(void **state)
{
	(void)state;
	char path[64];
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, queries, 14, path, &p);
	struct metrics udp, m;
	run_ok(&p, t, &udp, NULL);
	uint64_t msgs = metrics_total(&udp, CTR_SHARE_SENT_MSGS);
	assert_int_equal(msgs, 5);
	assert_int_equal(metrics_total(&udp, CTR_SESSION_SETUPS), 0);

	p.session = SESSION_TCP;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_SESSION_SETUPS), 1); /* one pair */
	assert_int_equal(metrics_total(&m, CTR_SESSION_BYTES), 3 * 20 + 40 + 40 + 32);
	/* 20 IP + 32 TCP + 2 length instead of 20 IP + 8 UDP: 26 more bytes per message. */
	assert_int_equal(metrics_total(&m, CTR_SHARE_SENT_BYTES), metrics_total(&udp, CTR_SHARE_SENT_BYTES) + 26 * msgs);
	assert_int_equal(metrics_total(&m, CTR_HITS_SHARED), metrics_total(&udp, CTR_HITS_SHARED));
	/* The first share (a.example, resolved at 10 ms) waits one round trip (2 ms): n1's hit on it
	 * at 25 ms is unchanged, and every later share goes at once. */
	assert_int_equal(metrics_total(&m, CTR_SHARE_RECV_MSGS), msgs);
	metrics_free(&m);

	p.session = SESSION_TLS;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_SESSION_BYTES), 3 * 20 + 40 + 40 + 32 + 3180 + 3 * (20 + 32));
	assert_int_equal(metrics_total(&m, CTR_SHARE_SENT_BYTES), metrics_total(&udp, CTR_SHARE_SENT_BYTES) + 48 * msgs);
	metrics_free(&m);

	/* Every datagram lost: UDP shares vanish, TCP ones arrive 200 ms late. */
	p.link_loss = 1;
	p.session = SESSION_UDP;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_SHARE_RECV_MSGS), 0);
	assert_int_equal(metrics_total(&m, CTR_SHARE_LOST), metrics_total(&m, CTR_SHARE_SENT_MSGS));
	metrics_free(&m);
	p.session = SESSION_TCP;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_SHARE_LOST), 0);
	assert_int_equal(metrics_total(&m, CTR_SHARE_RETRANSMITTED), metrics_total(&m, CTR_SHARE_SENT_MSGS));
	assert_int_equal(metrics_total(&m, CTR_SHARE_RECV_MSGS), metrics_total(&m, CTR_SHARE_SENT_MSGS));
	/* a.example's share reaches n1 at 213 ms: A.EXAMPLE at 25 ms is now a miss there. */
	assert_true(metrics_total(&m, CTR_HITS_SHARED) < metrics_total(&udp, CTR_HITS_SHARED));
	metrics_free(&m);
	metrics_free(&udp);
	close_scenario(t, path);
}

/* A tree of relays: 8 resolvers, relays 0 (root), 1 and 2 (fanout 2); resolver i attaches to
 * relay i mod 3. Resolver 0 publishes at relay 0, which forwards to resolvers 3 and 6 and to
 * relays 1 and 2, which forward to 1, 4, 7 and 2, 5: one copy per link. */
static void test_pubsub_relay_tree(void **state)
{
	(void)state;
	static const struct query_spec q[] = {
		{ 0, "a.example" },  /* n0: resolved at 10, at relay 0 at 11, relay 1 at 12, n1 at 13 */
		{ 14, "a.example" }, /* n1: hit */
		{ 15, "a.example" }, /* n2: hit (relay 2 at 12, n2 at 13) */
		{ 16, "a.example" }, /* n3: hit (straight from relay 0, at 12) */
	};
	char path[64];
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, q, 4, path, &p);
	p.nodes = 8;
	p.transport = SHARE_PUBSUB;
	p.pubsub_subscribe = PUBSUB_ALL;
	p.pubsub_idle_timeout = 600;
	p.pubsub_relays = 3;
	p.pubsub_fanout = 2;
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_SHARE_SENT_MSGS), 1);
	assert_int_equal(metrics_total(&m, CTR_SHARE_RECV_MSGS), 7);
	assert_int_equal(metrics_total(&m, CTR_RELAY_TREE_MSGS), 2);
	assert_int_equal(metrics_total(&m, CTR_RELAY_FORWARDED_MSGS), 9);
	assert_int_equal(metrics_total(&m, CTR_RELAY_BUSIEST), 4); /* relay 0: 2 resolvers, 2 relays */
	assert_int_equal(metrics_total(&m, CTR_HITS_SHARED), 3);
	metrics_free(&m);
	/* The same over one relay: 7 copies, all from it. */
	p.pubsub_relays = 1;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_RELAY_FORWARDED_MSGS), 7);
	assert_int_equal(metrics_total(&m, CTR_RELAY_TREE_MSGS), 0);
	assert_int_equal(metrics_total(&m, CTR_RELAY_BUSIEST), 7);
	assert_int_equal(metrics_total(&m, CTR_HITS_SHARED), 3);
	metrics_free(&m);
	/* Interest subscriptions: each resolver subscribes when its client asks. n0's object (at 11)
	 * finds no other subscriber: nothing forwarded. n1, n2 and n3 then miss, resolve and publish
	 * at 24, 25, 26 ms; each object reaches the three other subscribers, through the relays
	 * whose subtree holds one: 3 copies to resolvers + 2 between relays, for each. */
	p.pubsub_relays = 3;
	p.pubsub_subscribe = PUBSUB_INTEREST;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_HITS_SHARED), 0);
	assert_int_equal(metrics_total(&m, CTR_SHARE_SENT_MSGS), 4);
	assert_int_equal(metrics_total(&m, CTR_RELAY_TREE_MSGS), 6);
	assert_int_equal(metrics_total(&m, CTR_RELAY_FORWARDED_MSGS), 15);
	assert_int_equal(metrics_total(&m, CTR_SHARE_RECV_MSGS), 9);
	metrics_free(&m);
	close_scenario(t, path);
}

/* resolvers.join_at: n1 joins at 50 ms. Before, round robin's queries for it go to n0 and no
 * share is sent to it; it then starts cold, or (resolvers.warm_start) with n0's cache. */
static void test_join_and_warm_start(void **state)
{
	(void)state;
	static const struct query_spec q[] = {
		{ 0, "a.example" },  /* n0: miss, resolved at 10; n1 not there: nothing sent */
		{ 20, "b.example" }, /* for n1, answered by n0: miss, resolved at 30 */
		{ 60, "a.example" }, /* n0: hit */
		{ 61, "a.example" }, /* n1 (joined at 50): cold: miss, shares to n0; warm: hit */
	};
	char path[64];
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, q, 4, path, &p);
	p.join_at = 0.05;
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	const struct expected cold[] = {
		{ CTR_QUERIES, 3, 1 },
		{ CTR_MISSES, 2, 1 },
		{ CTR_HITS_OWN, 1, 0 },
		{ CTR_SHARE_SENT_MSGS, 0, 1 },
		{ CTR_SHARE_RECV_MSGS, 1, 0 },
		{ CTR_WARM_ENTRIES, 0, 0 },
	};
	check(&m, cold, sizeof(cold) / sizeof(cold[0]));
	metrics_free(&m);
	p.warm_start = 1;
	run_ok(&p, t, &m, NULL);
	const struct expected warm[] = {
		{ CTR_MISSES, 2, 0 },
		{ CTR_HITS_SHARED, 0, 1 },
		{ CTR_SHARE_SENT_MSGS, 0, 0 },
		{ CTR_WARM_ENTRIES, 0, 2 }, /* a and b */
	};
	check(&m, warm, sizeof(warm) / sizeof(warm[0]));
	/* The dump's size: per entry the name (11 octets), 10 and the answer (16 octets of an A). */
	assert_int_equal(metrics_total(&m, CTR_WARM_BYTES), 2 * (11 + 10 + 16));
	metrics_free(&m);
	close_scenario(t, path);
}

/* A publication signed with another key than the subscribers expect (a forged publisher): the
 * relay forwards it, every subscriber rejects it (badsig) and caches nothing. */
static void test_pubsub_forged_publish(void **state)
{
	(void)state;
	static const struct query_spec q[] = {
		{ 0, "a.example" },  /* n0 publishes at 10 with its (wrong) key */
		{ 13, "a.example" }, /* n1: miss */
		{ 14, "a.example" }, /* n2: miss */
	};
	char path[64];
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, q, 3, path, &p);
	p.nodes = 3;
	p.transport = SHARE_PUBSUB;
	p.pubsub_subscribe = PUBSUB_ALL;
	p.pubsub_idle_timeout = 600;
	snprintf(p.receiver_key_spec, sizeof(p.receiver_key_spec), "hmac-sha256:share.test.:c2VjcmV0");
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	/* n0's object reaches n1 and n2; n1's and n2's own (after their misses) reach the others. */
	assert_int_equal(metrics_total(&m, CTR_SHARE_SENT_MSGS), 3);
	assert_int_equal(metrics_total(&m, CTR_RELAY_FORWARDED_MSGS), 6);
	assert_int_equal(metrics_total(&m, CTR_REJ_BADSIG), 6);
	assert_int_equal(metrics_total(&m, CTR_SHARE_ACCEPTED), 0);
	assert_int_equal(metrics_total(&m, CTR_SHARE_RRSETS_CACHED), 0);
	assert_int_equal(metrics_total(&m, CTR_HITS_SHARED), 0);
	metrics_free(&m);
	close_scenario(t, path);
}

/* authority.changes = trace: a name whose answer changed at 100 ms and 300 ms in the capture.
 * One resolver caches it at 10 ms (version 0, TTL 300 s): its answers at 150 ms and 350 ms are
 * stale (versions 1 and 2 are out), the one at 50 ms is not. The declared model (no changing
 * names) sees nothing stale. */
static void test_changes_from_trace(void **state)
{
	(void)state;
	struct trace_writer *w;
	struct trace_addr client = { .family = 4, .addr = { 192, 0, 2, 1 } }, resolver = { .family = 4, .addr = { 192, 0, 2, 53 } };
	uint8_t a[DNS_NAME_MAX], al;
	char path[64], err[256];
	dns_name_from_text("a.example", a, &al);
	assert_int_equal(trace_writer_new(&w), 0);
	const int64_t at[] = { 0, 50, 150, 350 };
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(trace_writer_add_query(w, T0 + at[i] * MS, a, al, DNS_TYPE_A, DNS_CLASS_IN, TRACE_QF_RD,
		                                        &client, &resolver), 0);
	const struct { int64_t ms; uint64_t hash; } seen[] = { { 0, 11 }, { 100, 22 }, { 300, 33 } };
	for (size_t i = 0; i < 3; i++) {
		struct trace_response r = { .time_ns = T0 + seen[i].ms * MS, .aa = 1, .ancount = 1, .answer_size = 16,
			                    .min_ttl = 300, .answer_hash = seen[i].hash };
		assert_int_equal(trace_writer_add_response(w, a, al, DNS_TYPE_A, DNS_CLASS_IN, &r), 0);
	}
	snprintf(path, sizeof(path), "/tmp/sharesim-changes-%d.trace", (int)getpid());
	assert_int_equal(trace_writer_write(w, path, err, sizeof(err)), 0);
	trace_writer_free(w);
	struct trace *t;
	assert_int_equal(trace_open(path, &t, err, sizeof(err)), 0);
	struct sim_params p;
	scenario_params(&p);
	p.nodes = 1;
	p.transport = SHARE_NONE;
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_ANSWERS_STALE), 0);
	metrics_free(&m);
	p.changes_from_trace = 1;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_HITS_OWN), 3);
	assert_int_equal(metrics_total(&m, CTR_ANSWERS_STALE), 2);
	/* Their ages: 150 - 100 and 350 - 100 ms (stale since the first change after the copy). */
	assert_int_equal(m.latency_sum_ns[LAT_STALE_AGE], (50 + 250) * MS);
	metrics_free(&m);
	close_scenario(t, path);
}

/* authority.iterative: a cold resolver pays for the delegation chain, and cached delegations
 * make later misses in the same zones cheaper (10 ms per step, one resolver, no sharing). */
static void test_iterative_resolution(void **state)
{
	(void)state;
	static const struct query_spec q[] = {
		{ 0, "a.example" },       /* root (example) + TLD (a.example) + authority: 30 ms, 3 upstream */
		{ 100, "b.example" },     /* TLD (b.example) + authority: 20 ms, 2 upstream */
		{ 200, "www.a.example" }, /* both delegations held: 10 ms, 1 upstream */
		{ 300, "a.example" },     /* a hit */
		{ 400, "x.test" },        /* root (test) + TLD (x.test) + authority: 30 ms, 3 upstream */
	};
	char path[64];
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, q, 5, path, &p);
	p.nodes = 1;
	p.transport = SHARE_NONE;
	p.iterative = 1;
	p.delegation_ttl = 172800;
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_UPSTREAM), 9);
	assert_int_equal(metrics_total(&m, CTR_UPSTREAM_ROOT), 2);
	assert_int_equal(metrics_total(&m, CTR_UPSTREAM_TLD), 3);
	assert_int_equal(metrics_total(&m, CTR_MISSES), 4);
	assert_int_equal(m.latency_sum_ns[LAT_MISS], (30 + 20 + 10 + 30) * MS + 4 * 100000LL);
	metrics_free(&m);
	/* Not iterative: one step per miss. */
	p.iterative = 0;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_UPSTREAM), 4);
	assert_int_equal(m.latency_sum_ns[LAT_MISS], 4 * 10 * MS + 4 * 100000LL);
	metrics_free(&m);
	close_scenario(t, path);
}

/* authority.latency_per_zone: a zone's latency is drawn once from the seed, so two names of one
 * zone (its last two labels) take the same time, whenever asked; another zone another time. */
static sim_time one_miss(const char *name, int per_zone, uint64_t seed)
{
	const struct query_spec q[] = { { 0, "warm.up" }, { 5, name } }; /* the second draw, if per query */
	char path[64], err[256];
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, q, 2, path, &p);
	p.nodes = 1;
	p.transport = SHARE_NONE;
	p.upstream_latency_sigma = 1;
	p.latency_per_zone = per_zone;
	p.seed = seed;
	struct metrics m;
	struct run_summary s;
	run_ok(&p, t, &m, &s);
	sim_time first = 0;
	if (per_zone) { /* the warm-up's own zone latency, to subtract */
		struct metrics m1;
		const struct query_spec q1[] = { { 0, "warm.up" } };
		char path1[64];
		struct trace *t1 = scenario_trace(records, 6, q1, 1, path1);
		assert_int_equal(sim_run(&p, t1, NULL, &m1, &s, err, sizeof(err)), 0);
		first = m1.latency_sum_ns[LAT_MISS];
		metrics_free(&m1);
		trace_close(t1);
		unlink(path1);
	}
	sim_time total = m.latency_sum_ns[LAT_MISS] - first;
	metrics_free(&m);
	close_scenario(t, path);
	return total;
}

static void test_latency_per_zone(void **state)
{
	(void)state;
	sim_time www = one_miss("www.a.example", 1, 1), mail = one_miss("mail.a.example", 1, 1);
	assert_int_equal(www, mail);
	assert_int_not_equal(www, one_miss("x.test", 1, 1));
	assert_int_not_equal(www, one_miss("www.a.example", 1, 2)); /* another seed, another world */
	assert_true(www > 0);
}

/* authority.capacity: 2 queries per second for a.example's servers; one resolver, 10 ms per
 * step. Seconds are windows of simulated time from the first query. */
static void test_authority_capacity(void **state)
{
	(void)state;
	static const struct query_spec q[] = {
		{ 0, "w1.a.example" },    /* second 0: 1st query, no wait: 10 ms */
		{ 100, "w2.a.example" },  /* second 0: 2nd, 10 ms */
		{ 200, "w3.a.example" },  /* second 0 full: waits 800 ms for second 1: 810 ms */
		{ 300, "w4.a.example" },  /* second 1: 2nd, waits 700 ms: 710 ms */
		{ 400, "w5.a.example" },  /* second 1 full: waits 1,600 ms for second 2: 1,610 ms */
		{ 2500, "w6.a.example" }, /* second 2 holds one: room, no wait */
		{ 2600, "x.test" },       /* another authority: no wait */
	};
	char path[64];
	struct sim_params p;
	struct trace *t = open_scenario(records, 6, q, 7, path, &p);
	p.nodes = 1;
	p.transport = SHARE_NONE;
	p.authority_capacity = 2;
	struct metrics m;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_UPSTREAM), 7);
	assert_int_equal(metrics_total(&m, CTR_UPSTREAM_QUEUED), 3);
	assert_int_equal(metrics_total(&m, CTR_UPSTREAM_WAIT_US), 800000 + 700000 + 1600000);
	assert_int_equal(metrics_total(&m, CTR_AUTHORITY_PEAK), 2);
	assert_int_equal(m.latency_sum_ns[LAT_MISS], 7 * 10100000LL + 3100 * MS);
	metrics_free(&m);
	/* No capacity (the default): no wait, no gauge. */
	p.authority_capacity = 0;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_UPSTREAM_QUEUED), 0);
	assert_int_equal(metrics_total(&m, CTR_AUTHORITY_PEAK), 0);
	assert_int_equal(m.latency_sum_ns[LAT_MISS], 7 * 10100000LL);
	metrics_free(&m);
	/* A capacity no second reaches measures the busiest authority without limiting it. */
	p.authority_capacity = 1000000;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_UPSTREAM_QUEUED), 0);
	assert_int_equal(metrics_total(&m, CTR_AUTHORITY_PEAK), 5); /* a.example, second 0: w1 to w5 */
	assert_int_equal(m.latency_sum_ns[LAT_MISS], 7 * 10100000LL);
	metrics_free(&m);
	close_scenario(t, path);

	/* Iterative, 1 query per second: the root, the TLD example and each SLD are authorities;
	 * a step leaves when the one before is answered. */
	static const struct query_spec qi[] = {
		{ 0, "a.example" },     /* root, example, a.example at 0, 10, 20 ms: 30 ms */
		{ 100, "x.a.example" }, /* delegations held; a.example's second 0 is full: 900 + 10 ms */
		{ 200, "b.example" },   /* example's second 0 is full: 800 ms, then 10 + 10: 820 ms */
	};
	t = scenario_trace(records, 6, qi, 3, path);
	assert_non_null(t);
	p.authority_capacity = 1;
	p.iterative = 1;
	p.delegation_ttl = 172800;
	run_ok(&p, t, &m, NULL);
	assert_int_equal(metrics_total(&m, CTR_UPSTREAM), 6);
	assert_int_equal(metrics_total(&m, CTR_UPSTREAM_QUEUED), 2);
	assert_int_equal(metrics_total(&m, CTR_UPSTREAM_WAIT_US), 900000 + 800000);
	assert_int_equal(metrics_total(&m, CTR_AUTHORITY_PEAK), 1);
	assert_int_equal(m.latency_sum_ns[LAT_MISS], (30 + 910 + 820) * MS + 3 * 100000LL);
	metrics_free(&m);
	close_scenario(t, path);
}

/* network.latency_matrix: one-way delays from row to column, not symmetric. */
static const char site_matrix[] = "# to: site 0, site 1, site 2\n"
                                  "1  5  30  # from site 0\n"
                                  "4  1  12\n"
                                  "25 12 1\n";

static void write_matrix(char *path, const char *text)
{
	snprintf(path, 64, "/tmp/sharesim-matrix-%d-XXXXXX", (int)getpid());
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* Six resolvers in three sites (i in site i mod 3), round robin. n0 resolves a.example at
 * 10 ms and shares it: n3 (its site) has it at 11 ms, n1 and n4 (site 1) at 15, n2 and n5
 * (site 2) at 40. */
static void test_latency_matrix(void **state)
{
	(void)state;
	static const struct query_spec q[] = {
		{ 0, "a.example" },  /* n0 miss */
		{ 14, "a.example" }, /* n1 miss: the share comes at 15 */
		{ 16, "a.example" }, /* n2 miss: at 40 */
		{ 17, "a.example" }, /* n3 hit: at 11 */
		{ 18, "a.example" }, /* n4 hit: at 15 */
		{ 19, "a.example" }, /* n5 miss: at 40 */
	};
	char path[64], mpath[64], err[512];
	struct trace *t = scenario_trace(records, 6, q, 6, path);
	assert_non_null(t);
	write_matrix(mpath, site_matrix);
	struct sim_params p;
	scenario_params(&p);
	p.nodes = 6;
	p.sites = 3;
	p.inter_site_latency_ms = 20;
	snprintf(p.latency_matrix_path, sizeof(p.latency_matrix_path), "%s", mpath);
	struct metrics m;
	struct run_summary s;
	run_ok(&p, t, &m, &s);
	const uint64_t misses[] = { 1, 1, 1, 0, 0, 1 }, shared[] = { 0, 0, 0, 1, 1, 0 };
	check_nodes(&m, CTR_MISSES, misses, 6);
	check_nodes(&m, CTR_HITS_SHARED, shared, 6);
	metrics_free(&m);

	/* Without the matrix: 1 ms within a site, 20 ms between: n4 has it only at 30 ms. */
	p.latency_matrix_path[0] = '\0';
	run_ok(&p, t, &m, &s);
	const uint64_t misses_flat[] = { 1, 1, 1, 0, 1, 1 };
	check_nodes(&m, CTR_MISSES, misses_flat, 6);
	metrics_free(&m);

	/* network.site_loss = 1: every copy between sites is lost, none within. Five resolutions
	 * (n0, n1, n2, n4, n5), each sent to 5 peers of which 4 in other sites. */
	snprintf(p.latency_matrix_path, sizeof(p.latency_matrix_path), "%s", mpath);
	p.site_loss = 1;
	run_ok(&p, t, &m, &s);
	const uint64_t misses_lost[] = { 1, 1, 1, 0, 1, 1 };
	check_nodes(&m, CTR_MISSES, misses_lost, 6);
	assert_int_equal(metrics_total(&m, CTR_SHARE_LOST), 20);
	assert_int_equal(metrics_total(&m, CTR_SHARE_RECV_MSGS), 5);
	metrics_free(&m);

	/* network.site_jitter = 1 s: copies between sites are late (n4 misses), n3's is not. */
	p.site_loss = 0;
	p.site_jitter_ms = 1000;
	run_ok(&p, t, &m, &s);
	check_nodes(&m, CTR_MISSES, misses_lost, 6);
	assert_int_equal(metrics_total(&m, CTR_SHARE_LOST), 0);
	metrics_free(&m);
	close_scenario(t, path);

	/* Pull: the central cache is in site 0; a lookup goes row-to-column out and back. */
	static const struct query_spec qp[] = { { 0, "a.example" }, { 100, "a.example" }, { 200, "a.example" } };
	t = scenario_trace(records, 6, qp, 3, path);
	assert_non_null(t);
	p.site_jitter_ms = 0;
	p.nodes = 3;
	p.transport = SHARE_PULL;
	run_ok(&p, t, &m, &s);
	assert_int_equal(metrics_total(&m, CTR_PULL_HITS), 2);
	assert_int_equal(m.latency_sum_ns[0 * LAT__COUNT + LAT_MISS], (1 + 1 + 10) * MS + 100000LL);
	assert_int_equal(m.latency_sum_ns[1 * LAT__COUNT + LAT_HIT_PULL], (4 + 5) * MS + 100000LL);
	assert_int_equal(m.latency_sum_ns[2 * LAT__COUNT + LAT_HIT_PULL], (25 + 30) * MS + 100000LL);
	metrics_free(&m);

	/* The matrix's size must be network.sites. */
	p.sites = 2;
	assert_int_not_equal(sim_run(&p, t, NULL, &m, &s, err, sizeof(err)), 0);
	char expected[512];
	snprintf(expected, sizeof(expected), "%s: 3 sites, but network.sites = 2: set network.sites = 3", mpath);
	assert_string_equal(err, expected);
	metrics_free(&m);
	close_scenario(t, path);
	unlink(mpath);
}

/* resolvers.site_policy: 4 resolvers in 2 sites (0, 2 in site 0; 1, 3 in site 1), round robin
 * inside what a query may reach; two clients (6 queries and 2), two resolver addresses in the
 * capture. */
static void test_site_policy(void **state)
{
	(void)state;
	static const struct query_spec q[] = {
		{ 0, "a.example" }, { 1, "a.example" }, { 2, "a.example" }, { 3, "a.example" },
		{ 4, "b.example" }, { 5, "b.example" }, { 6, "b.example" }, { 7, "b.example" },
	};
	static const uint8_t clients[] = { 0, 0, 0, 0, 0, 0, 1, 1 };
	static const uint8_t resolvers[] = { 0, 1, 0, 1, 1, 1, 1, 0 };
	char path[64];
	struct trace *t = scenario_trace_addrs(records, 6, q, 8, clients, resolvers, path);
	assert_non_null(t);
	struct sim_params p;
	scenario_params(&p);
	p.nodes = 4;
	p.sites = 2;
	p.transport = SHARE_NONE;
	struct metrics m;
	/* spread: round robin over all four. */
	run_ok(&p, t, &m, NULL);
	const uint64_t spread[] = { 2, 2, 2, 2 };
	check_nodes(&m, CTR_QUERIES, spread, 4);
	metrics_free(&m);
	/* nearest: client 0's home is site 1, client 1's site 0 (XXH64 of the client with the seed):
	 * client 0's six queries go to n1, n3, n1, n3, n1, n3, client 1's two to n0, n2. */
	p.site_policy = SITES_NEAREST;
	run_ok(&p, t, &m, NULL);
	const uint64_t nearest[] = { 1, 3, 1, 3 };
	check_nodes(&m, CTR_QUERIES, nearest, 4);
	metrics_free(&m);
	/* trace: the capture's resolver 0 is site 0 (n0, n2), resolver 1 site 1 (n1, n3); one round
	 * robin counter for all, j = count mod 2 picking home + 2j: n0, n3, n0, n3, n1, n3, n1, n2. */
	p.site_policy = SITES_TRACE;
	run_ok(&p, t, &m, NULL);
	const uint64_t traced[] = { 2, 2, 1, 3 };
	check_nodes(&m, CTR_QUERIES, traced, 4);
	metrics_free(&m);
	/* One site: the policy changes nothing. */
	p.sites = 1;
	run_ok(&p, t, &m, NULL);
	check_nodes(&m, CTR_QUERIES, spread, 4);
	metrics_free(&m);
	close_scenario(t, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unicast_sharing),
		cmocka_unit_test(test_question_removed_and_unbound_receiver),
		cmocka_unit_test(test_wrong_receiver_key_caches_nothing),
		cmocka_unit_test(test_loss_and_determinism),
		cmocka_unit_test(test_multicast_groups),
		cmocka_unit_test(test_hub_relays),
		cmocka_unit_test(test_pull_central_cache),
		cmocka_unit_test(test_pubsub_all),
		cmocka_unit_test(test_pubsub_interest),
		cmocka_unit_test(test_time_checked_per_receiver),
		cmocka_unit_test(test_stale_answers),
		cmocka_unit_test(test_pubsub_push_refreshes),
		cmocka_unit_test(test_consistency_mismatch),
		cmocka_unit_test(test_cache_capacity),
		cmocka_unit_test(test_serve_expired),
		cmocka_unit_test(test_prefetch),
		cmocka_unit_test(test_sites),
		cmocka_unit_test(test_negative_shares),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_pubsub_relay_tree),
		cmocka_unit_test(test_join_and_warm_start),
		cmocka_unit_test(test_pubsub_forged_publish),
		cmocka_unit_test(test_changes_from_trace),
		cmocka_unit_test(test_iterative_resolution),
		cmocka_unit_test(test_latency_per_zone),
		cmocka_unit_test(test_authority_capacity),
		cmocka_unit_test(test_latency_matrix),
		cmocka_unit_test(test_site_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
