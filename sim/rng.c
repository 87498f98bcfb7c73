/*
 * rng — independent GSL mt19937 streams per purpose, seeded from XXH64 of
 * (seed, repetition, purpose), and a stateless hash-to-unit function for world properties.
 */
#include "sim/rng.h"

#include <gsl/gsl_rng.h>
#include <xxhash.h>

static const char *const rng_purpose_names[RNG__COUNT] = {
	[RNG_FRONTEND] = "frontend",
	[RNG_UPSTREAM_LATENCY] = "upstream-latency",
	[RNG_LINK_LATENCY] = "link-latency",
	[RNG_LINK_LOSS] = "link-loss",
	[RNG_SHARE_ID] = "share-id",
	[RNG_CONSISTENCY] = "consistency",
	[RNG_CLIENTS] = "clients",
};

const char *rng_purpose_name(enum rng_purpose p)
{
	return (unsigned)p < RNG__COUNT ? rng_purpose_names[p] : "unknown";
}

int rng_init(struct rng_streams *r, uint64_t seed, uint32_t repetition)
{
	r->seed = seed;
	for (int p = 0; p < RNG__COUNT; p++)
		r->stream[p] = NULL;
	for (int p = 0; p < RNG__COUNT; p++) {
		gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
		if (!g) {
			rng_free(r);
			return -1;
		}
		uint64_t material[3] = { seed, repetition, (uint64_t)p };
		uint64_t h = XXH64(material, sizeof(material), 0);
		/* mt19937 takes an unsigned long seed; 0 means "default seed" to GSL, avoid it. */
		unsigned long s = (unsigned long)(h ^ (h >> 32)) & 0xffffffffUL;
		gsl_rng_set(g, s ? s : 1);
		r->stream[p] = g;
	}
	return 0;
}

void rng_free(struct rng_streams *r)
{
	for (int p = 0; p < RNG__COUNT; p++) {
		gsl_rng_free(r->stream[p]);
		r->stream[p] = NULL;
	}
}

void *rng_gsl(struct rng_streams *r, enum rng_purpose p)
{
	return r->stream[p];
}

double rng_uniform(struct rng_streams *r, enum rng_purpose p)
{
	return gsl_rng_uniform(r->stream[p]);
}

uint32_t rng_uniform_int(struct rng_streams *r, enum rng_purpose p, uint32_t n)
{
	return (uint32_t)gsl_rng_uniform_int(r->stream[p], n);
}

double rng_hash_unit(uint64_t seed, uint64_t a, uint64_t b)
{
	uint64_t material[2] = { a, b };
	uint64_t h = XXH64(material, sizeof(material), seed);
	return (double)(h >> 11) * 0x1.0p-53; /* the top 53 bits: exact doubles in [0, 1) */
}
