/*
 * Fuzz target: arbitrary bytes delivered to a resolver as a share message, at a fixed clock
 * (simulated time 0 = Unix 1700000000, the trace's start). Each input is delivered twice: as
 * it is (to node 1), and signed with the sharing key at that clock (to node 0), so that mutated
 * content gets past the TSIG check and reaches the later checks and the caching of the Answer
 * section, which a fuzzer could never reach by forging an HMAC.
 *
 * Corpus (tests/fuzz/corpus/fuzz_share_receive): dnscap-*, query, header-only, pointer-loop,
 * empty: plain DNS (unsigned); signed-response: signed with another key (badkey); share-*: built
 * with share_build and this target's key at 1700000000: accepted (A, AAAA, no question, several
 * RRsets with a name the trace never saw), and rejected as badtime, badkey, badsig (a forged MAC),
 * malformed (a forged TSIG length), notresponse (QR=0) and negative (NXDOMAIN).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dns/dns_tsig.h"
#include "nodes/resolver.h"
#include "nodes/share.h"
#include "traces/trace.h"
#include "traces/trace_writer.h"

static struct {
	int ready;
	char path[64];
	struct trace *t;
	struct sim_params p;
	struct metrics m;
	struct rng_streams rng;
	struct event_queue ev;
	struct resolver_net net;
} F;

static int setup(void)
{
	struct trace_writer *w;
	struct trace_addr a = { .family = 4, .addr = { 192, 0, 2, 1 } };
	char err[256];
	if (trace_writer_new(&w))
		return -1;
	trace_writer_add_query(w, 1700000000000000000LL, (const uint8_t *)"\1a\7example\0", 11, 1, 1, 0, &a, &a);
	snprintf(F.path, sizeof(F.path), "/tmp/fuzz-share-%d.trace", (int)getpid());
	int rc = trace_writer_write(w, F.path, err, sizeof(err));
	trace_writer_free(w);
	if (rc || trace_open(F.path, &F.t, err, sizeof(err)))
		return -1;
	unlink(F.path);
	F.p = (struct sim_params){ .seed = 1, .bin_seconds = 10, .nodes = 2, .cache_max_ttl = 86400,
		                   .tsig_fudge = 300, .edns_udp_size = 1232, .ip_version = 4,
		                   .transport = SHARE_UNICAST, .require_aa = 1, .default_answer_rrs = 1 };
	snprintf(F.p.default_ttl_dist, sizeof(F.p.default_ttl_dist), "fixed:3600");
	snprintf(F.p.key_spec, sizeof(F.p.key_spec), "hmac-sha256:share.test.:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
	if (metrics_init(&F.m, 2, SIM_S, SIM_S) || rng_init(&F.rng, 1, 0) || ev_init(&F.ev, 16) ||
	    resolver_net_init(&F.net, &F.p, F.t, &F.m, &F.rng, &F.ev, NULL, err, sizeof(err)))
		return -1;
	F.ready = 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!F.ready && setup())
		return 0;
	resolver_receive(&F.net, 1, 0, data, size);
	/* The same bytes signed by a genuine peer: room for the TSIG record (under 200 bytes). */
	static uint8_t signed_msg[SHARE_MSG_MAX];
	size_t len = size;
	if (size >= DNS_HEADER_SIZE && size + 200 <= sizeof(signed_msg)) {
		memcpy(signed_msg, data, size);
		if (dns_tsig_sign(&F.net.send_key, signed_msg, &len, sizeof(signed_msg),
		                  (uint64_t)(trace_start_time_ns(F.t) / 1000000000), F.p.tsig_fudge) == 0)
			resolver_receive(&F.net, 0, 0, signed_msg, len);
	}
	return 0;
}
