/*
 * synth — generation and pcap writing of a synthetic workload (see synth.h for the model).
 */
#include "traces/synth.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "dns/dns_build.h"
#include "traces/pcap_write.h"

#define SYNTH_RESPONSE_DELAY_NS 20000000LL /* the resolver answers 20 ms after the query */

void synth_defaults(struct synth_params *p)
{
	*p = (struct synth_params){ .queries = 1000000, .names = 100000, .alpha = 0.9,
		                    .clients = 1000, .client_alpha = 0.9, .rate = 1000, .nxdomain = 0.05,
		                    .responses = 0, .flood = 0, .flood_clients = 10, .private_share = 0,
		                    .private_names = 1000, .seed = 1,
		                    .start_ns = 1700000000000000000LL };
}

static double hash_unit(uint64_t seed, uint64_t a, uint64_t b)
{
	uint64_t m[2] = { a, b };
	return (double)(XXH64(m, sizeof(m), seed) >> 11) * 0x1.0p-53;
}

uint32_t synth_ttl(uint64_t seed, uint32_t rank)
{
	/* Cumulative share at each spike: OpenDNS 2012, then 4 h and 1 day above 1 h. */
	static const struct { uint32_t ttl; double cdf; } steps[] = {
		{ 0, 0.0016 }, { 60, 0.0984 }, { 120, 0.1632 }, { 300, 0.3988 }, { 3600, 0.7007 },
		{ 14400, 0.80 }, { 86400, 1.0 },
	};
	double u = hash_unit(seed, rank, 2);
	uint32_t prev_ttl = 0;
	double prev_cdf = 0;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (u < steps[i].cdf || i + 1 == sizeof(steps) / sizeof(steps[0])) {
			if (i == 0)
				return 0;
			double within = (u - prev_cdf) / (steps[i].cdf - prev_cdf);
			if (within < 0.5)
				return steps[i].ttl; /* the spike */
			uint32_t span = steps[i].ttl - prev_ttl - 1;
			return prev_ttl + 1 + (uint32_t)((within - 0.5) * 2 * span);
		}
		prev_ttl = steps[i].ttl;
		prev_cdf = steps[i].cdf;
	}
	return 86400;
}

/* Cumulative Zipf weights of n ranks; sampled by binary search. */
static double *zipf_cdf(uint32_t n, double alpha)
{
	double *cdf = malloc((size_t)n * sizeof(*cdf));
	if (!cdf)
		return NULL;
	double sum = 0;
	for (uint32_t i = 0; i < n; i++)
		cdf[i] = (sum += pow((double)i + 1, -alpha));
	for (uint32_t i = 0; i < n; i++)
		cdf[i] /= sum;
	return cdf;
}

static uint32_t zipf_draw(const double *cdf, uint32_t n, double u)
{
	uint32_t lo = 0, hi = n - 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A query to answer; for a flood query, rank is the random label's value; for a client's own
 * name, its rank among that client's names. */
struct pending { int64_t time_ns; uint32_t client, rank; uint16_t qtype, id; uint8_t flood, own; };

struct writer {
	pcap_dumper_t *dumper;
	const struct synth_params *p;
	struct pending *fifo;
	size_t head, len, cap;
};

static void name_of(uint32_t rank, uint8_t *wire, uint8_t *len)
{
	char label[16];
	int l = snprintf(label, sizeof(label), "n%u", rank);
	wire[0] = (uint8_t)l;
	memcpy(wire + 1, label, (size_t)l);
	memcpy(wire + 1 + l, "\5synth\7example\0", 15);
	*len = (uint8_t)(1 + l + 15);
}

/* A client's own name: p<rank>.c<client>.synth.example. */
static void own_name_of(uint32_t client, uint32_t rank, uint8_t *wire, uint8_t *len)
{
	char p[16], c[16];
	int pl = snprintf(p, sizeof(p), "p%u", rank), cl = snprintf(c, sizeof(c), "c%u", client);
	wire[0] = (uint8_t)pl;
	memcpy(wire + 1, p, (size_t)pl);
	wire[1 + pl] = (uint8_t)cl;
	memcpy(wire + 2 + pl, c, (size_t)cl);
	memcpy(wire + 2 + pl + cl, "\5synth\7example\0", 15);
	*len = (uint8_t)(2 + pl + cl + 15);
}

/* A random-subdomain ("water torture") query name: x<8 hex digits>.flood.example. */
static void flood_name_of(uint32_t label, uint8_t *wire, uint8_t *len)
{
	char text[16];
	snprintf(text, sizeof(text), "x%08x", label);
	wire[0] = 9;
	memcpy(wire + 1, text, 9);
	memcpy(wire + 10, "\5flood\7example\0", 15);
	*len = 25;
}

/* The key of a query's name for its properties (TTL, existence, data): the rank of a shared
 * name, a hash of (client, rank) for a client's own. */
static uint32_t name_key(const struct pending *q)
{
	if (!q->own)
		return q->rank;
	uint32_t m[2] = { q->client, q->rank };
	return (uint32_t)XXH64(m, sizeof(m), 0x4f574e) | 0x80000000u;
}

/* A query's name in wire form. */
static void query_name(const struct pending *q, uint8_t *wire, uint8_t *len)
{
	if (q->flood)
		flood_name_of(q->rank, wire, len);
	else if (q->own)
		own_name_of(q->client, q->rank, wire, len);
	else
		name_of(q->rank, wire, len);
}

static size_t rdata_of(uint16_t qtype, uint32_t rank, uint8_t *out)
{
	switch (qtype) {
	case 1:
		out[0] = 198; out[1] = 18; out[2] = (uint8_t)(rank >> 8); out[3] = (uint8_t)rank;
		return 4;
	case 28:
		memset(out, 0, 16);
		out[0] = 0x20; out[1] = 0x01; out[2] = 0x0d; out[3] = 0xb8;
		memcpy(out + 12, &rank, 4);
		return 16;
	case 16:
		out[0] = 8;
		snprintf((char *)out + 1, 9, "%08x", rank);
		return 9;
	case 15: {
		uint8_t len;
		out[0] = 0; out[1] = 10;
		name_of(rank, out + 2, &len);
		return 2 + (size_t)len;
	}
	default: { /* PTR */
		uint8_t len;
		name_of(rank + 1, out, &len);
		return len;
	}
	}
}

/* One UDP datagram between client c (10.0.0.0/8) and the resolver 192.0.2.53. */
static void dump_dns(struct writer *w, int64_t t, uint32_t client, int to_resolver,
                     const uint8_t *dns, size_t len)
{
	struct trace_addr c = { .family = 4, .addr = { 10, (uint8_t)(client >> 16), (uint8_t)(client >> 8),
		                                       (uint8_t)client } };
	struct trace_addr r = { .family = 4, .addr = { 192, 0, 2, 53 } };
	uint16_t cport = (uint16_t)(1024 + client % 60000);
	if (to_resolver)
		pcap_write_udp(w->dumper, t, &c, cport, &r, 53, dns, len);
	else
		pcap_write_udp(w->dumper, t, &r, 53, &c, cport, dns, len);
}

static void write_response(struct writer *w, const struct pending *q)
{
	uint8_t name[DNS_NAME_MAX], nlen, buf[512], rdata[300];
	query_name(q, name, &nlen);
	uint32_t key = name_key(q);
	int nx = q->flood || hash_unit(w->p->seed, key, 1) < w->p->nxdomain;
	struct dns_builder b;
	dns_build_init(&b, buf, sizeof(buf), q->id,
	               DNS_FLAG_QR | DNS_FLAG_AA | DNS_FLAG_RD | DNS_FLAG_RA | (nx ? DNS_RCODE_NXDOMAIN : 0));
	dns_build_question(&b, name, nlen, q->qtype, DNS_CLASS_IN);
	if (!nx) {
		size_t rlen = rdata_of(q->qtype, key, rdata);
		dns_build_rr(&b, 1, name, nlen, q->qtype, DNS_CLASS_IN, synth_ttl(w->p->seed, key),
		             rdata, (uint16_t)rlen);
	}
	dump_dns(w, q->time_ns + SYNTH_RESPONSE_DELAY_NS, q->client, 0, buf, dns_build_len(&b));
}

/* Answers are due in query order (a constant delay): flush those due by time t. */
static void flush_responses(struct writer *w, int64_t t)
{
	while (w->len && w->fifo[w->head].time_ns + SYNTH_RESPONSE_DELAY_NS <= t) {
		write_response(w, &w->fifo[w->head]);
		w->head = (w->head + 1) % w->cap;
		w->len--;
	}
}

static int push_pending(struct writer *w, const struct pending *q)
{
	if (w->len == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 1024;
		struct pending *nf = malloc(ncap * sizeof(*nf));
		if (!nf)
			return -1;
		for (size_t i = 0; i < w->len; i++)
			nf[i] = w->fifo[(w->head + i) % w->cap];
		free(w->fifo);
		w->fifo = nf;
		w->head = 0;
		w->cap = ncap;
	}
	w->fifo[(w->head + w->len++) % w->cap] = *q;
	return 0;
}

static uint16_t draw_type(double u)
{
	return u < 0.65 ? 1 : u < 0.90 ? 28 : u < 0.95 ? 12 : u < 0.975 ? 16 : 15;
}

int synth_write(const struct synth_params *p, const char *path, char *err, size_t err_size)
{
	if (p->names == 0 || p->clients == 0 || (uint64_t)p->clients + p->flood_clients > 1u << 24 || p->rate <= 0 ||
	    !(p->flood >= 0 && p->flood <= 1) || (p->flood > 0 && p->flood_clients == 0) ||
	    !(p->private_share >= 0 && p->private_share <= 1) || (p->private_share > 0 && p->private_names == 0)) {
		snprintf(err, err_size, "synth: names, clients (with flood clients, at most 2^24), rate and a client's own "
		                        "names must be positive, the flood and own shares within [0, 1]");
		return -1;
	}
	double *names = zipf_cdf(p->names, p->alpha), *clients = zipf_cdf(p->clients, p->client_alpha);
	double *own = p->private_share > 0 ? zipf_cdf(p->private_names, p->alpha) : NULL;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	pcap_t *dead = pcap_open_dead_with_tstamp_precision(DLT_RAW, 65535, PCAP_TSTAMP_PRECISION_NANO);
	struct writer w = { .p = p, .dumper = dead ? pcap_dump_open(dead, path) : NULL };
	int rc = 0;
	if (!names || !clients || (p->private_share > 0 && !own) || !rng || !w.dumper) {
		snprintf(err, err_size, "%s: %s", path, w.dumper || !dead ? "out of memory" : pcap_geterr(dead));
		rc = -1;
		goto done;
	}
	gsl_rng_set(rng, (unsigned long)(XXH64(&p->seed, sizeof(p->seed), 0x53594e54) | 1));
	/* The flood has a stream of its own: the regular queries stay those of the same seed
	 * without a flood, where they are not replaced. */
	gsl_rng *flood_rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!flood_rng) {
		snprintf(err, err_size, "out of memory");
		rc = -1;
		goto done;
	}
	gsl_rng_set(flood_rng, (unsigned long)(XXH64(&p->seed, sizeof(p->seed), 0x464c4f4f) | 1));
	/* So has the choice of a client's own names: without it, the same queries as before. */
	gsl_rng *own_rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!own_rng) {
		gsl_rng_free(flood_rng);
		snprintf(err, err_size, "out of memory");
		rc = -1;
		goto done;
	}
	gsl_rng_set(own_rng, (unsigned long)(XXH64(&p->seed, sizeof(p->seed), 0x4f574e53) | 1));
	double t = 0;
	for (uint64_t i = 0; i < p->queries && rc == 0; i++) {
		t += gsl_ran_exponential(rng, 1e9 / p->rate);
		struct pending q = {
			.time_ns = p->start_ns + (int64_t)t,
			.rank = zipf_draw(names, p->names, gsl_rng_uniform(rng)),
			.client = zipf_draw(clients, p->clients, gsl_rng_uniform(rng)),
			.qtype = draw_type(gsl_rng_uniform(rng)),
			.id = (uint16_t)i,
		};
		if (p->private_share > 0 && gsl_rng_uniform(own_rng) < p->private_share) {
			q.own = 1;
			q.rank = zipf_draw(own, p->private_names, gsl_rng_uniform(own_rng));
		}
		if (p->flood > 0 && gsl_rng_uniform(flood_rng) < p->flood) {
			q.own = 0;
			q.flood = 1;
			q.rank = (uint32_t)gsl_rng_get(flood_rng);
			q.client = p->clients + (uint32_t)gsl_rng_uniform_int(flood_rng, p->flood_clients ? p->flood_clients : 1);
			q.qtype = 1;
		}
		flush_responses(&w, q.time_ns);
		uint8_t name[DNS_NAME_MAX], nlen, buf[512];
		query_name(&q, name, &nlen);
		struct dns_builder b;
		dns_build_init(&b, buf, sizeof(buf), q.id, DNS_FLAG_RD);
		dns_build_question(&b, name, nlen, q.qtype, DNS_CLASS_IN);
		dump_dns(&w, q.time_ns, q.client, 1, buf, dns_build_len(&b));
		if (p->responses)
			rc = push_pending(&w, &q);
	}
	flush_responses(&w, INT64_MAX);
	gsl_rng_free(flood_rng);
	gsl_rng_free(own_rng);
	if (rc)
		snprintf(err, err_size, "%s: out of memory", path);
done:
	if (w.dumper) {
		if (pcap_dump_flush(w.dumper) && rc == 0) {
			snprintf(err, err_size, "%s: write failed", path);
			rc = -1;
		}
		pcap_dump_close(w.dumper);
	}
	if (dead)
		pcap_close(dead);
	gsl_rng_free(rng);
	free(names);
	free(clients);
	free(own);
	free(w.fifo);
	return rc;
}
