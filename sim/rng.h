/*
 * rng — one independent random stream per purpose, derived from the run's seed.
 *
 * As ns-3's RngSeedManager and OMNeT++'s seed-set: adding a draw for one purpose never shifts
 * the draws of another. Each stream is a GSL generator (mt19937) seeded with
 * XXH64(seed, repetition, purpose). World properties that must not depend on the order in
 * which nodes ask (a name's default TTL, whether it exists) come from rng_hash_unit(), a
 * stateless function of (seed, key).
 */
#ifndef SHARESIM_RNG_H
#define SHARESIM_RNG_H

#include <stdint.h>

enum rng_purpose {
	RNG_FRONTEND = 0,     /**< random frontend choices */
	RNG_UPSTREAM_LATENCY, /**< resolution latency draws */
	RNG_LINK_LATENCY,     /**< jitter on links between nodes */
	RNG_LINK_LOSS,        /**< loss on links between nodes */
	RNG_SHARE_ID,         /**< message ids of share messages */
	RNG_CONSISTENCY,      /**< the peer each answer is compared with (answer consistency) */
	RNG_CLIENTS,          /**< the clients kept when resolvers.clients samples them */
	RNG__COUNT
};

struct gsl_rng_wrap; /* hides gsl_rng from headers that do not need GSL */

struct rng_streams {
	void *stream[RNG__COUNT]; /**< gsl_rng * */
	uint64_t seed;
};

int rng_init(struct rng_streams *r, uint64_t seed, uint32_t repetition);
void rng_free(struct rng_streams *r);
/** The GSL generator (gsl_rng *) of a purpose, for gsl_ran_* distributions. */
void *rng_gsl(struct rng_streams *r, enum rng_purpose p);
/** Uniform double in [0, 1) from a purpose's stream. */
double rng_uniform(struct rng_streams *r, enum rng_purpose p);
/** Uniform integer in [0, n) from a purpose's stream; n > 0. */
uint32_t rng_uniform_int(struct rng_streams *r, enum rng_purpose p, uint32_t n);
/** Stateless uniform double in [0, 1) from (seed, a, b): same inputs, same value. */
double rng_hash_unit(uint64_t seed, uint64_t a, uint64_t b);
const char *rng_purpose_name(enum rng_purpose p);

#endif
