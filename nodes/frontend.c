/*
 * frontend — query-to-resolver assignment policies.
 */
#include "nodes/frontend.h"

#include <xxhash.h>

#include "traces/trace.h"

void frontend_init(struct frontend *f, const struct sim_params *p)
{
	f->policy = p->frontend;
	f->nodes = p->nodes;
	f->seed = p->seed;
	f->next = 0;
}

uint32_t frontend_pick(struct frontend *f, struct rng_streams *rng, const struct trace_query *q)
{
	switch (f->policy) {
	case FRONTEND_TRACE:
		return q->resolver_id % f->nodes;
	case FRONTEND_CLIENT_HASH:
		return (uint32_t)(XXH64(&q->client_id, sizeof(q->client_id), f->seed) % f->nodes);
	case FRONTEND_RANDOM:
		return rng_uniform_int(rng, RNG_FRONTEND, f->nodes);
	case FRONTEND_ROUND_ROBIN:
	default:
		return (uint32_t)(f->next++ % f->nodes);
	}
}
