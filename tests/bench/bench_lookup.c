/*
 * The floor under a replay without sharing: the same trace's queries looked up in flat caches
 * (sharesim's nodes/cache) and nothing else: no events, no resolutions, no metrics. Each query
 * goes to a resolver drawn at random (as the random frontend does), whose table holds every key
 * that resolver was asked, as at the end of a run, so the tables have the sizes a run gives
 * them. Lookups are prefetched eight queries ahead, as the replay does.
 *
 * Prints lookups per CPU second: the figure that `sharesim run` with share.transport = none is
 * compared with in experiments/perf/run.
 *
 * usage: bench_lookup TRACE [RESOLVERS]   (default 16)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "nodes/cache.h"
#include "traces/trace.h"

#define LOOKAHEAD 8

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t next_resolver(uint64_t *x, uint32_t resolvers)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return (uint32_t)(((*x * 0x2545f4914f6cdd1dull) >> 32) % resolvers);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_lookup TRACE [RESOLVERS]\n");
		return 2;
	}
	uint32_t resolvers = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 16;
	struct trace *t;
	char err[512];
	if (resolvers == 0 || trace_open(argv[1], &t, err, sizeof(err))) {
		fprintf(stderr, "bench_lookup: %s\n", resolvers ? err : "RESOLVERS must be at least 1");
		return 1;
	}
	const struct trace_query *q = trace_queries(t);
	uint64_t n = trace_query_count(t);
	uint32_t *node = malloc((n + LOOKAHEAD) * sizeof(*node));
	struct cache *caches = calloc(resolvers, sizeof(*caches));
	if (!node || !caches) {
		fprintf(stderr, "bench_lookup: out of memory\n");
		return 1;
	}
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (uint64_t i = 0; i < n; i++)
		node[i] = next_resolver(&x, resolvers);
	for (uint64_t i = n; i < n + LOOKAHEAD; i++)
		node[i] = 0;
	for (uint32_t r = 0; r < resolvers; r++)
		if (cache_init(&caches[r], 64)) {
			fprintf(stderr, "bench_lookup: out of memory\n");
			return 1;
		}
	for (uint64_t i = 0; i < n; i++) { /* the tables a run ends with */
		struct cache_entry *e = cache_slot(&caches[node[i]], cache_key(q[i].name_id, q[i].qtype, q[i].qclass));
		if (!e) {
			fprintf(stderr, "bench_lookup: out of memory\n");
			return 1;
		}
		e->expires = q[i].time_ns;
	}
	uint64_t found = 0, slots = 0;
	double start = cpu_seconds();
	for (uint64_t i = 0; i < n; i++) {
		uint64_t ahead = i + LOOKAHEAD < n ? i + LOOKAHEAD : n - 1;
		cache_prefetch(&caches[node[ahead]], cache_key(q[ahead].name_id, q[ahead].qtype, q[ahead].qclass));
		struct cache_entry *e = cache_find(&caches[node[i]], cache_key(q[i].name_id, q[i].qtype, q[i].qclass));
		if (e) { /* a hit writes its entry, as a replay's does */
			e->last_used = (uint32_t)i;
			found++;
		}
	}
	double seconds = cpu_seconds() - start;
	for (uint32_t r = 0; r < resolvers; r++) {
		slots += caches[r].cap;
		cache_free(&caches[r]);
	}
	printf("%llu lookups in %u tables (%llu slots of %zu B), %llu found: %.3f s, %.0f lookups/s\n",
	       (unsigned long long)n, resolvers, (unsigned long long)slots, sizeof(struct cache_entry),
	       (unsigned long long)found, seconds, seconds > 0 ? (double)n / seconds : 0);
	free(caches);
	free(node);
	trace_close(t);
	return found == n ? 0 : 1;
}
