/*
 * bench_share — the per-message costs of the share protocol, against ldns doing the same work
 * (build, TSIG-sign, parse, verify a share message), plus the cache and event-queue primitives.
 */
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nodes/cache.h"
#include "nodes/share.h"
#include "sim/event.h"

#define KEY_NAME "share.bench."
#define KEY_SECRET "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile uint64_t sink;

static double ldns_round_trip(int n)
{
	double t0 = now();
	for (int i = 0; i < n; i++) {
		ldns_pkt *p = ldns_pkt_new();
		ldns_pkt_set_id(p, (uint16_t)i);
		ldns_pkt_set_qr(p, 1);
		ldns_pkt_set_aa(p, 1);
		ldns_rr *q = NULL, *a = NULL;
		ldns_rr_new_question_frm_str(&q, "www.example.com. IN A", NULL, NULL);
		ldns_rr_new_frm_str(&a, "www.example.com. 300 IN A 198.18.0.1", 0, NULL, NULL);
		ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, q);
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, a);
		ldns_pkt_set_edns_udp_size(p, 1232);
		ldns_pkt_tsig_sign(p, KEY_NAME, KEY_SECRET, 300, "hmac-sha256.", NULL);
		uint8_t *wire = NULL;
		size_t len = 0;
		ldns_pkt2wire(&wire, p, &len);
		ldns_pkt *r = NULL;
		ldns_wire2pkt(&r, wire, len);
		sink += ldns_pkt_tsig_verify(r, wire, len, KEY_NAME, KEY_SECRET, NULL);
		ldns_pkt_free(r);
		free(wire);
		ldns_pkt_free(p);
	}
	return (now() - t0) / n;
}

static double ours_round_trip(int n, const struct sim_params *p, const struct dns_tsig_key *key,
                              double *build_only)
{
	uint8_t name[DNS_NAME_MAX], nlen, buf[SHARE_MSG_MAX];
	dns_name_from_text("www.example.com", name, &nlen);
	struct share_content c = { .qname = name, .qname_len = nlen, .qtype = 1, .qclass = 1, .aa = 1,
		                   .ttl = 300, .ancount = 1, .seed = 1 };
	size_t len = 0;
	double t0 = now();
	for (int i = 0; i < n; i++) {
		c.id = (uint16_t)i;
		share_build(p, key, &c, 1700000000, buf, sizeof(buf), &len);
	}
	*build_only = (now() - t0) / n;
	t0 = now();
	for (int i = 0; i < n; i++) {
		c.id = (uint16_t)i;
		share_build(p, key, &c, 1700000000, buf, sizeof(buf), &len);
		struct dns_msg m;
		sink += share_check(p, key, buf, len, 1700000000, &m);
	}
	return (now() - t0) / n;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20000;
	struct sim_params p = { .question = SHARE_QUESTION_KEEP, .edns_udp_size = 1232, .tsig_fudge = 300 };
	struct dns_tsig_key key;
	char err[256];
	if (dns_tsig_key_parse(KEY_NAME ":" KEY_SECRET, &key, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	double build;
	double ours = ours_round_trip(n, &p, &key, &build);
	double base = ldns_round_trip(n);
	printf("share message, build + sign + parse + verify (%d messages):\n", n);
	printf("  ldns (baseline)   %8.2f us\n", base * 1e6);
	printf("  sharesim          %8.2f us   (%.1fx faster; build + sign alone %.2f us)\n", ours * 1e6,
	       base / ours, build * 1e6);

	/* A cache of 100,000 keys probed 4 million times at random. */
	struct cache c;
	cache_init(&c, 64);
	for (uint32_t i = 0; i < 100000; i++)
		cache_slot(&c, cache_key(i, 1, 1))->expires = i;
	uint64_t x = 88172645463325252ULL;
	int probes = 4000000;
	double t0 = now();
	for (int i = 0; i < probes; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		struct cache_entry *e = cache_find(&c, cache_key((uint32_t)(x % 120000), 1, 1));
		sink += e ? (uint64_t)e->expires : 0;
	}
	double lookup = (now() - t0) / probes;
	printf("cache lookup, 100,000 entries, random keys: %.1f ns\n", lookup * 1e9);
	cache_free(&c);

	/* Event queue at a steady 10,000 pending events. */
	struct event_queue q;
	ev_init(&q, 16);
	for (int i = 0; i < 10000; i++)
		ev_push(&q, (sim_time)(x = x * 6364136223846793005ULL + 1) >> 40, 0, 0, 0);
	t0 = now();
	struct event e;
	for (int i = 0; i < probes; i++) {
		ev_pop(&q, &e);
		ev_push(&q, e.time + (sim_time)((x = x * 6364136223846793005ULL + 1) >> 44), 0, 0, 0);
	}
	printf("event queue pop + push, 10,000 pending: %.1f ns\n", (now() - t0) / probes * 1e9);
	ev_free(&q);
	dns_tsig_key_free(&key);
	return 0;
}
