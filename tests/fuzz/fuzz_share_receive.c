/* Fuzz target: arbitrary bytes delivered to a resolver as a share message. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nodes/resolver.h"
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
	return 0;
}
