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

/*
 * MT19937 exactly as GSL's gsl_rng_mt19937 (same seeding, same stream: test_rng compares them),
 * with its state here so that the draws of every event are inline: no indirect call, no 64-bit
 * division. GSL's distributions still draw from it through rng_gsl().
 */
#define RNG_MT_WORDS 624
struct rng_mt {
	uint32_t word[RNG_MT_WORDS];
	uint32_t tempered[RNG_MT_WORDS]; /**< the outputs of word[], tempered when regenerated */
	uint32_t next; /**< the output to give next; RNG_MT_WORDS: regenerate first */
};

/** The next RNG_MT_WORDS words, and their outputs (tempered four at a time). */
void rng_mt_regenerate(struct rng_mt *s);

static inline uint32_t rng_mt_next(struct rng_mt *s)
{
	if (s->next >= RNG_MT_WORDS)
		rng_mt_regenerate(s);
	return s->tempered[s->next++];
}

struct rng_streams {
	void *stream[RNG__COUNT];       /**< gsl_rng * over mt[p] */
	struct rng_mt *mt[RNG__COUNT]; /**< each stream's state */
	uint64_t seed;
};

int rng_init(struct rng_streams *r, uint64_t seed, uint32_t repetition);
void rng_free(struct rng_streams *r);
/** The GSL generator (gsl_rng *) of a purpose, for gsl_ran_* distributions. */
void *rng_gsl(struct rng_streams *r, enum rng_purpose p);
/** Uniform double in [0, 1) (as gsl_rng_uniform over mt19937). */
static inline double rng_mt_unit(struct rng_mt *s)
{
	return rng_mt_next(s) / 4294967296.0;
}

/** Uniform double in [0, 1) from a purpose's stream. */
static inline double rng_uniform(struct rng_streams *r, enum rng_purpose p)
{
	return rng_mt_unit(r->mt[p]);
}

/** Uniform integer in [0, n) from a purpose's stream; n > 0 (as gsl_rng_uniform_int). */
static inline uint32_t rng_uniform_int(struct rng_streams *r, enum rng_purpose p, uint32_t n)
{
	uint32_t scale = UINT32_MAX / n, k;
	do
		k = rng_mt_next(r->mt[p]) / scale;
	while (k >= n);
	return k;
}

/*
 * rng_uniform_int for a bound drawn against again and again (the frontend's resolvers), with its
 * two divisions taken once: k / scale as a multiply by a 64-bit reciprocal, exact for every
 * 32-bit k (Lemire, Kaser and Kurz 2019, "Faster remainder by direct computation"). The same
 * draws as rng_uniform_int; n from 1 to 2^31 - 1.
 */
struct rng_bound {
	uint32_t n;
	uint64_t scale_reciprocal; /**< ceil(2^64 / (UINT32_MAX / n)) */
};

static inline struct rng_bound rng_bound_of(uint32_t n)
{
	return (struct rng_bound){ .n = n, .scale_reciprocal = UINT64_MAX / (UINT32_MAX / n) + 1 };
}

static inline uint32_t rng_uniform_bounded(struct rng_streams *r, enum rng_purpose p, struct rng_bound b)
{
	uint32_t k;
	do
		k = (uint32_t)(((unsigned __int128)b.scale_reciprocal * rng_mt_next(r->mt[p])) >> 64);
	while (k >= b.n);
	return k;
}

/** Log-normal with log-median zeta and shape sigma (as gsl_ran_lognormal: the same draws). */
double rng_lognormal(struct rng_streams *r, enum rng_purpose p, double zeta, double sigma);
/** Stateless uniform double in [0, 1) from (seed, a, b): same inputs, same value. */
double rng_hash_unit(uint64_t seed, uint64_t a, uint64_t b);
/** The 64-bit hash behind rng_hash_unit: XXH64 of the 16 bytes of (a, b), little-endian. */
uint64_t rng_hash_words(uint64_t seed, uint64_t a, uint64_t b);
const char *rng_purpose_name(enum rng_purpose p);

#endif
