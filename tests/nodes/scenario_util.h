/* Shared by the node tests: a tiny exact trace and the parameters of the scenarios. */
#ifndef SHARESIM_TEST_SCENARIO_UTIL_H
#define SHARESIM_TEST_SCENARIO_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/dns_wire.h"
#include "sim/params.h"
#include "traces/trace.h"
#include "traces/trace_writer.h"

#define T0 1700000000000000000LL /* Unix ns of the first query */
#define MS 1000000LL

struct record_spec { const char *name; uint8_t rcode, aa; uint16_t ancount; uint32_t ttl; };
struct query_spec { int64_t ms; const char *name; };

static inline void add_name_record(struct trace_writer *w, const struct record_spec *r)
{
	uint8_t wire[DNS_NAME_MAX], len;
	dns_name_from_text(r->name, wire, &len);
	struct trace_response resp = { .time_ns = T0, .rcode = r->rcode, .aa = r->aa,
		                       .ancount = r->ancount, .answer_size = (uint16_t)(16 * r->ancount),
		                       .min_ttl = r->ttl };
	trace_writer_add_response(w, wire, len, DNS_TYPE_A, DNS_CLASS_IN, &resp);
}

/* Write a trace of these records and queries to a temporary file and open it; query i comes
 * from client 192.0.2.(1 + client[i]) to resolver 192.0.2.(53 + resolver[i]) (NULL: 0 for all). */
static inline struct trace *scenario_trace_addrs(const struct record_spec *recs, size_t nrec,
                                                 const struct query_spec *qs, size_t nq,
                                                 const uint8_t *clients, const uint8_t *resolvers,
                                                 char *path)
{
	struct trace_writer *w;
	struct trace_addr client = { .family = 4, .addr = { 192, 0, 2, 1 } };
	struct trace_addr resolver = { .family = 4, .addr = { 192, 0, 2, 53 } };
	char err[256];
	if (trace_writer_new(&w))
		return NULL;
	for (size_t i = 0; i < nrec; i++)
		add_name_record(w, &recs[i]);
	for (size_t i = 0; i < nq; i++) {
		uint8_t wire[DNS_NAME_MAX], len;
		dns_name_from_text(qs[i].name, wire, &len);
		client.addr[3] = (uint8_t)(1 + (clients ? clients[i] : 0));
		resolver.addr[3] = (uint8_t)(53 + (resolvers ? resolvers[i] : 0));
		trace_writer_add_query(w, T0 + qs[i].ms * MS, wire, len, DNS_TYPE_A, DNS_CLASS_IN,
		                       TRACE_QF_RD, &client, &resolver);
	}
	snprintf(path, 64, "/tmp/sharesim-test-%d-XXXXXX", (int)getpid());
	int fd = mkstemp(path);
	if (fd >= 0)
		close(fd);
	struct trace *t = NULL;
	if (fd < 0 || trace_writer_write(w, path, err, sizeof(err)) || trace_open(path, &t, err, sizeof(err)))
		t = NULL;
	trace_writer_free(w);
	return t;
}

static inline struct trace *scenario_trace(const struct record_spec *recs, size_t nrec,
                                           const struct query_spec *qs, size_t nq, char *path)
{
	return scenario_trace_addrs(recs, nrec, qs, nq, NULL, NULL, path);
}

/* Two resolvers, round robin, deterministic latencies: 10 ms upstream, 1 ms between peers. */
static inline void scenario_params(struct sim_params *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->experiment, sizeof(p->experiment), "scenario");
	p->seed = 1;
	p->bin_seconds = 10;
	p->nodes = 2;
	p->frontend = FRONTEND_ROUND_ROBIN;
	p->service_time_ms = 0.1;
	p->cache_max_ttl = 86400;
	p->negative_ttl = 900;
	p->upstream_latency_median_ms = 10;
	p->upstream_latency_sigma = 0;
	p->default_nxdomain_share = 0;
	snprintf(p->default_ttl_dist, sizeof(p->default_ttl_dist), "fixed:3600");
	p->default_answer_rrs = 1;
	p->default_aa = 0; /* AA as the trace saw it */
	p->transport = SHARE_UNICAST;
	p->ttl_threshold = 60;
	p->question = SHARE_QUESTION_KEEP;
	p->rules = SHARE_RULES_04;
	p->receiver = RECEIVER_DRAFT;
	p->require_aa = 1;
	snprintf(p->key_spec, sizeof(p->key_spec), "hmac-sha256:share.test.:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
	p->tsig_fudge = 300;
	p->edns_udp_size = 1232;
	p->link_latency_ms = 1;
	p->ip_version = 4;
}

#endif
