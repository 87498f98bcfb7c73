/*
 * run — one simulation run: the event loop over trace arrivals, resolutions and share
 * deliveries. Arrivals are streamed: only the next one is in the queue, so the queue holds
 * what is in flight, not the trace.
 */
#include "sim/run.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nodes/frontend.h"
#include "nodes/pubsub.h"
#include "nodes/resolver.h"
#include "sim/event.h"
#include "sim/rng.h"
#include "traces/trace.h"

/* The one process-wide flag: a signal handler cannot be given context. */
static volatile sig_atomic_t interrupt_requested;

void sim_run_interrupt(void)
{
	interrupt_requested = 1;
}

static FILE *progress_out;
static int progress_always;
static char progress_label[256];

void sim_run_progress(FILE *out, const char *label, int always)
{
	progress_out = out;
	progress_always = always;
	snprintf(progress_label, sizeof(progress_label), "%s", label ? label : "");
}

static double monotonic_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One status line, rewritten in place (a terminal's carriage return); never touches results. */
static void show_progress(const struct run_summary *s, sim_time now, sim_time start, sim_time span,
                          double began, int last)
{
	double elapsed = monotonic_seconds() - began;
	double done = span > 0 ? (double)(now - start) / (double)span : 1; /* simulated time: also right for a client sample */
	double eta = done > 0 ? elapsed * (1 - done) / done : 0;
	fprintf(progress_out, "\r%s: %llu events, %.0f of %.0f simulated s (%.1f%%), %.2f M events/s, %s %.0f s   %s",
	        progress_label, (unsigned long long)s->events, sim_time_to_s(now - start), sim_time_to_s(span),
	        100 * done, elapsed > 0 ? (double)s->events / elapsed / 1e6 : 0, last ? "took" : "ETA",
	        last ? elapsed : eta, last ? "\n" : "");
	fflush(progress_out);
}

/* resolvers.clients: a uniform sample of k of the n clients (partial Fisher-Yates), as flags. */
static uint8_t *sample_clients(uint32_t n, uint32_t k, struct rng_streams *rng)
{
	uint32_t *ids = malloc((size_t)n * sizeof(*ids));
	uint8_t *kept = calloc(n, 1);
	if (!ids || !kept) {
		free(ids);
		free(kept);
		return NULL;
	}
	for (uint32_t i = 0; i < n; i++)
		ids[i] = i;
	for (uint32_t i = 0; i < k; i++) {
		uint32_t j = i + rng_uniform_int(rng, RNG_CLIENTS, n - i);
		uint32_t tmp = ids[i];
		ids[i] = ids[j];
		ids[j] = tmp;
		kept[ids[i]] = 1;
	}
	free(ids);
	return kept;
}

/*
 * The next trace arrivals, their resolvers already chosen: each one's cache slot is fetched from
 * memory while the events before it are handled (a lookup in a large cache is a miss otherwise).
 * The fetches are asked for ARRIVAL_BATCH at a time: on this machine a prefetch holds up the
 * instructions after it until its line arrives, so prefetches one per arrival each cost a
 * memory latency, and a batch of them costs about one (replay without sharing: -10 % user
 * time).
 * Arrivals are not queued: the first one is merged with the event queue under the sequence
 * number a push would have given it, so the order of events is exactly that of a queue.
 * Choosing early changes nothing: only the frontend draws from its random stream, in arrival
 * order either way.
 */
#define ARRIVAL_LOOKAHEAD 32
#define ARRIVAL_BATCH 16
struct arrivals {
	uint64_t index[ARRIVAL_LOOKAHEAD];
	uint32_t node[ARRIVAL_LOOKAHEAD];
	unsigned head, count;
	uint64_t next;     /**< the next query to enter */
	uint64_t head_seq; /**< the first arrival's place among events at its time */
	int records;       /**< the trace has a record model to prefetch (else answers are declared) */
};

/* The first query at or after i from a kept client (nq when none). */
static uint64_t next_kept(const struct trace_query *q, uint64_t nq, const uint8_t *kept, uint64_t i)
{
	while (i < nq && !kept[q[i].client_id])
		i++;
	return i;
}

static inline __attribute__((always_inline)) void arrivals_fill(struct arrivals *a, const struct trace *t, const struct trace_query *q, uint64_t nq,
                          const uint8_t *kept, struct frontend *fe, struct rng_streams *rng,
                          struct resolver_net *net)
{
	if (a->count > ARRIVAL_LOOKAHEAD - ARRIVAL_BATCH)
		return;
	/* A miss looks the name's record model up: the index entries of the arrivals waiting were
	 * fetched with the batch before, their records are fetched now. */
	for (unsigned k = 0; a->records && k < a->count; k++)
		trace_prefetch_records(t, q[a->index[(a->head + k) % ARRIVAL_LOOKAHEAD]].name_id, 1);
	while (a->count < ARRIVAL_LOOKAHEAD && a->next < nq) {
		unsigned slot = (a->head + a->count++) % ARRIVAL_LOOKAHEAD;
		const struct trace_query *next = &q[a->next];
		a->index[slot] = a->next;
		a->node[slot] = frontend_pick(fe, rng, next);
		cache_prefetch(&net->caches[a->node[slot]], cache_key(next->name_id, next->qtype, next->qclass));
		if (a->records)
			trace_prefetch_records(t, next->name_id, 0);
		a->next = kept ? next_kept(q, nq, kept, a->next + 1) : a->next + 1;
	}
}

int sim_run(const struct sim_params *p, const struct trace *t, struct share_pcap *share_pcap,
            struct metrics *metrics, struct run_summary *summary, char *err, size_t err_size)
{
	memset(summary, 0, sizeof(*summary));
	memset(metrics, 0, sizeof(*metrics)); /* safe to free whatever happens */
	if (p->nodes == 0) {
		snprintf(err, err_size, "resolvers.nodes must be at least 1");
		return -1;
	}
	sim_time bin = (sim_time)(p->bin_seconds * 1e9);
	if (bin <= 0 || metrics_init(metrics, p->nodes, trace_duration_ns(t) + bin, bin)) {
		snprintf(err, err_size, "cannot allocate the metrics (%u nodes)", p->nodes);
		return -1;
	}
	struct rng_streams rng;
	struct event_queue ev;
	struct resolver_net net;
	struct frontend fe;
	if (rng_init(&rng, p->seed, p->repetition)) {
		snprintf(err, err_size, "cannot allocate the random streams");
		return -1;
	}
	if (ev_init(&ev, 1024)) {
		rng_free(&rng);
		snprintf(err, err_size, "out of memory");
		return -1;
	}
	if (resolver_net_init(&net, p, t, metrics, &rng, &ev, share_pcap, err, err_size)) {
		ev_free(&ev);
		rng_free(&rng);
		return -1;
	}
	frontend_init(&fe, p);
	const struct trace_query *q = trace_queries(t);
	uint64_t nq = trace_query_count(t), first = 0;
	uint8_t *kept = NULL;
	if (p->clients > 0 && p->clients < trace_client_count(t)) {
		if (!(kept = sample_clients(trace_client_count(t), p->clients, &rng))) {
			resolver_net_free(&net);
			ev_free(&ev);
			rng_free(&rng);
			snprintf(err, err_size, "out of memory");
			return -1;
		}
		first = next_kept(q, nq, kept, 0);
	}
	struct arrivals arr = { .next = first, .records = trace_record_count(t) > 0 };
	arrivals_fill(&arr, t, q, nq, kept, &fe, &rng, &net);
	if (arr.count)
		arr.head_seq = ev_take_seq(&ev);
	int rc = net.joining != UINT32_MAX ? ev_push(&ev, net.join_time, EV_JOIN, net.joining, 0) : 0;
	int deliveries = p->transport != SHARE_NONE && p->transport != SHARE_PULL; /* share copies travel */
	struct event e;
	sim_time now = 0, start = nq ? q[0].time_ns : 0;
	double began = progress_out ? monotonic_seconds() : 0, shown = began;
	while (rc == 0) {
		const struct trace_query *arrival = arr.count ? &q[arr.index[arr.head]] : NULL;
		if (arrival && !ev_precedes_queue(&ev, arrival->time_ns, arr.head_seq))
			arrival = NULL;
		if (!arrival && ev_pop(&ev, &e))
			break;
		now = arrival ? arrival->time_ns : e.time;
		if ((++summary->events & 4095) == 0) {
			if (interrupt_requested) {
				rc = SIM_RUN_INTERRUPTED;
				break;
			}
			if (progress_out && (summary->events & 262143) == 0 && monotonic_seconds() - shown >= 1) {
				show_progress(summary, now, start, trace_duration_ns(t), began, 0);
				shown = monotonic_seconds();
			}
		}
		if (arrival) {
			uint32_t node = arr.node[arr.head];
			if (!resolver_joined(&net, node, now)) /* not there yet: another resolver answers */
				node = arrival->client_id % (p->nodes - 1);
			rc = resolver_query(&net, node, now, arrival);
			summary->queries++;
			arr.head = (arr.head + 1) % ARRIVAL_LOOKAHEAD;
			arr.count--;
			arrivals_fill(&arr, t, q, nq, kept, &fe, &rng, &net);
			if (arr.count)
				arr.head_seq = ev_take_seq(&ev);
			continue;
		}
		const struct ev_payload *next = deliveries ? ev_peek_payload(&ev) : NULL;
		if (next && next->kind == EV_DELIVER) /* copies of a share arrive back to back */
			resolver_prefetch_delivery(&net, next->node, next->arg);
		switch (e.kind) {
		case EV_RESOLVED:
			rc = resolver_resolved(&net, e.node, now, e.arg);
			break;
		case EV_DELIVER:
			rc = resolver_deliver(&net, e.node, now, e.arg);
			break;
		case EV_PULL_LOOKUP:
			rc = resolver_pull_lookup(&net, e.node, now, e.arg);
			break;
		case EV_PULL_REPLY:
			rc = resolver_pull_reply(&net, e.node, now, e.arg);
			break;
		case EV_RELAY:
			rc = pubsub_relay(&net, e.node, now, e.arg);
			break;
		case EV_CHANGE:
			rc = pubsub_push_change(&net, now, e.arg);
			break;
		case EV_JOIN:
			rc = resolver_join(&net, now);
			break;
		}
	}
	if (rc == SIM_RUN_INTERRUPTED)
		snprintf(err, err_size, "interrupted at simulated time %.3f s", sim_time_to_s(now));
	else if (rc)
		snprintf(err, err_size, "out of memory at simulated time %.3f s", sim_time_to_s(now));
	for (uint32_t i = 0; i < p->nodes && rc == 0; i++)
		metrics_set(metrics, i, now, CTR_CACHE_ENTRIES, cache_live(&net.caches[i], now));
	if (rc == 0 && p->transport == SHARE_PUBSUB)
		pubsub_finish(&net, now);
	if (rc == 0)
		resolver_finish(&net, now);
	summary->simulated = now;
	if (progress_out && (shown > began || progress_always))
		show_progress(summary, now, start, trace_duration_ns(t), began, 1);
	free(kept);
	resolver_net_free(&net);
	ev_free(&ev);
	rng_free(&rng);
	return rc == SIM_RUN_INTERRUPTED ? rc : rc ? -1 : 0;
}
