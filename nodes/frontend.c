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
	f->site_policy = p->site_policy;
	f->all_sites = p->sites ? p->sites : 1;
	/* Sites beyond the number of resolvers hold none: homes are drawn among the others. */
	f->sites = p->site_policy != SITES_SPREAD && p->sites > 1 ? (p->sites < p->nodes ? p->sites : p->nodes) : 0;
	if (f->sites < 2)
		f->sites = 0;
	f->random = rng_bound_of(p->nodes ? p->nodes : 1);
}

/* One of n resolvers (0..n-1) as the policy picks; id: the capture's resolver index. */
static uint32_t pick(struct frontend *f, struct rng_streams *rng, const struct trace_query *q, uint32_t id,
                     uint32_t n)
{
	switch (f->policy) {
	case FRONTEND_TRACE:
		return id % n;
	case FRONTEND_CLIENT_HASH:
		return (uint32_t)(XXH64(&q->client_id, sizeof(q->client_id), f->seed) % n);
	case FRONTEND_RANDOM:
		return rng_uniform_int(rng, RNG_FRONTEND, n);
	case FRONTEND_ROUND_ROBIN:
	default:
		return (uint32_t)(f->next++ % n);
	}
}

/* The client's home site, from a hash independent of client-hash's choice inside the site. */
#define SITE_SALT 0x5349544553495445ULL /* "SITESITE" */

uint32_t frontend_pick_policy(struct frontend *f, struct rng_streams *rng, const struct trace_query *q)
{
	if (!f->sites)
		return pick(f, rng, q, q->resolver_id, f->nodes);
	uint32_t home = f->site_policy == SITES_TRACE
		                ? q->resolver_id % f->sites
		                : (uint32_t)(XXH64(&q->client_id, sizeof(q->client_id), f->seed ^ SITE_SALT) % f->sites);
	/* Resolvers home, home + S, home + 2S, ... where S is network.sites. */
	uint32_t in_site = (f->nodes - home + f->all_sites - 1) / f->all_sites;
	return home + pick(f, rng, q, q->resolver_id / f->sites, in_site) * f->all_sites;
}
