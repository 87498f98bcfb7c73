/*
 * frontend — which resolver a client query reaches (resolvers.frontend): the resolver address
 * the capture saw (modulo the number of nodes), a hash of the client (an anycast or load
 * balancer keeping clients sticky), uniformly random, or round robin. With network.sites > 1
 * and resolvers.site_policy nearest or trace, a query first goes to its client's home site (a
 * hash of the client, or the capture's resolver address) and the policy picks among that
 * site's resolvers (resolver i is in site i mod sites).
 */
#ifndef SHARESIM_FRONTEND_H
#define SHARESIM_FRONTEND_H

#include <stdint.h>

#include "sim/params.h"
#include "sim/rng.h"

struct trace_query;

struct frontend {
	enum frontend_policy policy;
	uint32_t nodes;
	uint64_t seed;
	uint64_t next; /**< round robin position */
	uint32_t sites;      /**< sites with a resolver, when queries stay in their home site (else 0) */
	uint32_t all_sites;  /**< network.sites */
	enum site_policy site_policy;
	struct rng_bound random; /**< the random policy's draw among all nodes */
};

void frontend_init(struct frontend *f, const struct sim_params *p);
uint32_t frontend_pick_policy(struct frontend *f, struct rng_streams *rng, const struct trace_query *q);
/** The resolver a query reaches; drawn here for the random policy on one site (every query). */
static inline uint32_t frontend_pick(struct frontend *f, struct rng_streams *rng, const struct trace_query *q)
{
	if (f->policy == FRONTEND_RANDOM && !f->sites)
		return rng_uniform_bounded(rng, RNG_FRONTEND, f->random);
	return frontend_pick_policy(f, rng, q);
}

#endif
