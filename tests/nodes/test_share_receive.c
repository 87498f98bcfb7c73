/* The receiver's checks: every forged or unacceptable share is counted by reason and caches nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dns/dns_build.h"
#include "nodes/resolver.h"
#include "nodes/share.h"
#include "scenario_util.h"

static const struct record_spec records[] = { { "a.example", DNS_RCODE_NOERROR, 1, 1, 300 } };
static const struct query_spec queries[] = { { 0, "a.example" } };

struct fixture {
	char path[64];
	struct trace *t;
	struct sim_params p;
	struct metrics m;
	struct rng_streams rng;
	struct event_queue ev;
	struct resolver_net net;
	uint8_t name[DNS_NAME_MAX];
	uint8_t name_len;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];
	f->t = scenario_trace(records, 1, queries, 1, f->path);
	scenario_params(&f->p);
	if (!f->t || metrics_init(&f->m, 2, SIM_S, SIM_S) || rng_init(&f->rng, 1, 0) || ev_init(&f->ev, 16) ||
	    resolver_net_init(&f->net, &f->p, f->t, &f->m, &f->rng, &f->ev, NULL, err, sizeof(err)))
		return -1;
	dns_name_from_text("a.example", f->name, &f->name_len);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	resolver_net_free(&f->net);
	ev_free(&f->ev);
	rng_free(&f->rng);
	metrics_free(&f->m);
	trace_close(f->t);
	unlink(f->path);
	free(f);
	return 0;
}

/* A share of a.example built with key_spec at time signed_at (Unix s). */
static size_t build(struct fixture *f, const char *key_spec, uint64_t signed_at, uint8_t *buf)
{
	struct dns_tsig_key key;
	char err[256];
	assert_int_equal(dns_tsig_key_parse(key_spec, &key, err, sizeof(err)), 0);
	struct share_content c = { .id = 7, .qname = f->name, .qname_len = f->name_len,
		                   .qtype = DNS_TYPE_A, .qclass = DNS_CLASS_IN, .aa = 1, .ttl = 300,
		                   .ancount = 1, .seed = 1 };
	size_t len;
	assert_int_equal(share_build(&f->p, &key, &c, signed_at, buf, SHARE_MSG_MAX, &len), 0);
	dns_tsig_key_free(&key);
	return len;
}

static void expect_only(struct fixture *f, enum metrics_counter reason)
{
	for (int c = CTR_SHARE_ACCEPTED; c <= CTR_REJ_PROFILE; c++)
		if (c != CTR_SHARE_RRSETS_CACHED && metrics_total(&f->m, c) != (c == (int)reason ? 1u : 0u))
			fail_msg("%s = %llu, expected only %s", metrics_counter_name(c),
			         (unsigned long long)metrics_total(&f->m, c), metrics_counter_name(reason));
	assert_int_equal(metrics_total(&f->m, CTR_SHARE_RECV_MSGS), 1);
	memset(f->m.counters, 0, (size_t)f->m.nodes * f->m.bins * CTR__COUNT * sizeof(uint64_t));
}

static int cached(struct fixture *f)
{
	uint32_t id;
	assert_int_equal(trace_name_lookup(f->t, f->name, f->name_len, &id), 0);
	struct cache_entry *e = cache_find(&f->net.caches[1], cache_key(id, DNS_TYPE_A, DNS_CLASS_IN));
	return e && e->expires > 0;
}

static void test_rejections(void **state)
{
	struct fixture *f = *state;
	uint64_t now_s = (uint64_t)(T0 / 1000000000);
	uint8_t msg[SHARE_MSG_MAX];
	size_t len;

	len = build(f, f->p.key_spec, now_s, msg);
	msg[len - 10] ^= 0x01; /* a forged MAC */
	resolver_receive(&f->net, 1, 0, msg, len);
	expect_only(f, CTR_REJ_BADSIG);
	assert_false(cached(f));

	len = build(f, "hmac-sha256:intruder.test.:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", now_s, msg);
	resolver_receive(&f->net, 1, 0, msg, len);
	expect_only(f, CTR_REJ_BADKEY);

	len = build(f, f->p.key_spec, now_s - 301, msg); /* outside the 300 s fudge */
	resolver_receive(&f->net, 1, 0, msg, len);
	expect_only(f, CTR_REJ_BADTIME);

	len = build(f, f->p.key_spec, now_s, msg);
	msg[11] = 1; /* ARCOUNT: drop the TSIG record */
	struct dns_msg parsed;
	assert_int_equal(dns_msg_parse(msg, len, &parsed), DNS_ETRAILING);
	resolver_receive(&f->net, 1, 0, msg, len);
	expect_only(f, CTR_REJ_MALFORMED);

	/* Unsigned: a real response without TSIG. */
	struct dns_builder b;
	uint8_t rdata[4] = { 192, 0, 2, 1 };
	dns_build_init(&b, msg, sizeof(msg), 1, DNS_FLAG_QR | DNS_FLAG_AA);
	dns_build_question(&b, f->name, f->name_len, DNS_TYPE_A, DNS_CLASS_IN);
	dns_build_rr(&b, 1, f->name, f->name_len, DNS_TYPE_A, DNS_CLASS_IN, 300, rdata, 4);
	resolver_receive(&f->net, 1, 0, msg, dns_build_len(&b));
	expect_only(f, CTR_REJ_UNSIGNED);

	/* Signed, but a query (QR=0), and signed, but NXDOMAIN. */
	struct dns_tsig_key key;
	char err[256];
	assert_int_equal(dns_tsig_key_parse(f->p.key_spec, &key, err, sizeof(err)), 0);
	dns_build_init(&b, msg, sizeof(msg), 1, DNS_FLAG_AA);
	dns_build_question(&b, f->name, f->name_len, DNS_TYPE_A, DNS_CLASS_IN);
	dns_build_rr(&b, 1, f->name, f->name_len, DNS_TYPE_A, DNS_CLASS_IN, 300, rdata, 4);
	len = dns_build_len(&b);
	assert_int_equal(dns_tsig_sign(&key, msg, &len, sizeof(msg), now_s, 300), 0);
	resolver_receive(&f->net, 1, 0, msg, len);
	expect_only(f, CTR_REJ_NOT_RESPONSE);
	dns_build_init(&b, msg, sizeof(msg), 1, DNS_FLAG_QR | DNS_FLAG_AA | DNS_RCODE_NXDOMAIN);
	dns_build_question(&b, f->name, f->name_len, DNS_TYPE_A, DNS_CLASS_IN);
	len = dns_build_len(&b);
	assert_int_equal(dns_tsig_sign(&key, msg, &len, sizeof(msg), now_s, 300), 0);
	resolver_receive(&f->net, 1, 0, msg, len);
	expect_only(f, CTR_REJ_NEGATIVE);
	dns_tsig_key_free(&key);

	uint8_t garbage[40] = { 0xde, 0xad, 0xbe, 0xef };
	resolver_receive(&f->net, 1, 0, garbage, sizeof(garbage));
	expect_only(f, CTR_REJ_MALFORMED);
	assert_false(cached(f));

	/* And the genuine share is accepted and cached. */
	len = build(f, f->p.key_spec, now_s, msg);
	resolver_receive(&f->net, 1, 0, msg, len);
	assert_int_equal(metrics_total(&f->m, CTR_SHARE_RRSETS_CACHED), 1);
	expect_only(f, CTR_SHARE_ACCEPTED);
	assert_true(cached(f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rejections, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
