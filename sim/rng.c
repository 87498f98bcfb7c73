/*
 * rng — independent mt19937 streams per purpose, seeded from XXH64 of (seed, repetition,
 * purpose), and a stateless hash-to-unit function for world properties. The generator is
 * GSL's mt19937 written out (Matsumoto and Nishimura 1998, seeded as GSL seeds it: Knuth's
 * multiplier 1812433253, seed 0 taken as 4357), wrapped as a gsl_rng type so that GSL's
 * distributions draw from the same stream.
 */
#include "sim/rng.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>
/* Inlined: rng_hash_unit runs once or twice per resolution, on 16 bytes. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#define MT_SHIFT 397
#define MT_UPPER 0x80000000u
#define MT_LOWER 0x7fffffffu

static inline uint32_t mt_twist(uint32_t high_of, uint32_t low_of, uint32_t shifted)
{
	uint32_t y = (high_of & MT_UPPER) | (low_of & MT_LOWER);
	return shifted ^ (y >> 1) ^ ((y & 1) ? 0x9908b0dfu : 0);
}

/* Four words of the twist at once: word k needs words k + 1 (not yet rewritten) and
 * k + MT_SHIFT or k + MT_SHIFT - RNG_MT_WORDS (rewritten already, or not yet, the same for the
 * four), so the same values as the scalar loop. */
typedef uint32_t mt_vec __attribute__((vector_size(16)));

static inline mt_vec mt_load(const uint32_t *p)
{
	mt_vec v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void mt_twist4(uint32_t *w, int k, int shifted)
{
	mt_vec y = (mt_load(w + k) & MT_UPPER) | (mt_load(w + k + 1) & MT_LOWER);
	mt_vec v = mt_load(w + shifted) ^ (y >> 1) ^ (-(y & 1) & 0x9908b0dfu);
	memcpy(w + k, &v, sizeof(v));
}

void rng_mt_regenerate(struct rng_mt *s)
{
	uint32_t *w = s->word;
	int k = 0;
	for (; k + 4 <= RNG_MT_WORDS - MT_SHIFT; k += 4)
		mt_twist4(w, k, k + MT_SHIFT);
	for (; k < RNG_MT_WORDS - MT_SHIFT; k++)
		w[k] = mt_twist(w[k], w[k + 1], w[k + MT_SHIFT]);
	for (; k + 4 <= RNG_MT_WORDS - 1; k += 4)
		mt_twist4(w, k, k + MT_SHIFT - RNG_MT_WORDS);
	for (; k < RNG_MT_WORDS - 1; k++)
		w[k] = mt_twist(w[k], w[k + 1], w[k + MT_SHIFT - RNG_MT_WORDS]);
	w[k] = mt_twist(w[k], w[0], w[MT_SHIFT - 1]);
	for (k = 0; k < RNG_MT_WORDS; k += 4) {
		mt_vec t = mt_load(w + k);
		t ^= t >> 11;
		t ^= (t << 7) & 0x9d2c5680u;
		t ^= (t << 15) & 0xefc60000u;
		t ^= t >> 18;
		memcpy(s->tempered + k, &t, sizeof(t));
	}
	s->next = 0;
}

static void mt_set(void *state, unsigned long seed)
{
	struct rng_mt *s = state;
	uint32_t x = seed ? (uint32_t)seed : 4357;
	s->word[0] = x;
	for (uint32_t i = 1; i < RNG_MT_WORDS; i++)
		s->word[i] = x = 1812433253u * (x ^ (x >> 30)) + i;
	s->next = RNG_MT_WORDS;
}

static unsigned long mt_get(void *state)
{
	return rng_mt_next(state);
}

static double mt_get_double(void *state)
{
	return rng_mt_unit(state);
}

static const gsl_rng_type mt19937_inline = {
	"mt19937 (sharesim, inline)", 0xffffffffUL, 0, sizeof(struct rng_mt), mt_set, mt_get, mt_get_double,
};

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
	for (int p = 0; p < RNG__COUNT; p++) {
		r->stream[p] = NULL;
		r->mt[p] = NULL;
	}
	for (int p = 0; p < RNG__COUNT; p++) {
		gsl_rng *g = gsl_rng_alloc(&mt19937_inline);
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
		r->mt[p] = g->state;
	}
	return 0;
}

void rng_free(struct rng_streams *r)
{
	for (int p = 0; p < RNG__COUNT; p++) {
		gsl_rng_free(r->stream[p]);
		r->stream[p] = NULL;
		r->mt[p] = NULL;
	}
}

void *rng_gsl(struct rng_streams *r, enum rng_purpose p)
{
	return r->stream[p];
}

/* GSL's polar (Box-Muller) log-normal, step by step, so that the values are GSL's to the bit
 * (this file is compiled without floating-point contraction for that). */
double rng_lognormal(struct rng_streams *r, enum rng_purpose p, double zeta, double sigma)
{
	double u, v, r2;
	do {
		u = -1 + 2 * rng_uniform(r, p);
		v = -1 + 2 * rng_uniform(r, p);
		r2 = u * u + v * v;
	} while (r2 > 1.0 || r2 == 0);
	double normal = u * sqrt(-2.0 * log(r2) / r2);
	return exp(sigma * normal + zeta);
}

/* XXH64 of 16 bytes written out (a resolution hashes its name once or twice): the input's two
 * little-endian words, one round each, then the avalanche, as XXH64 does below 32 bytes. */
uint64_t rng_hash_words(uint64_t seed, uint64_t a, uint64_t b)
{
	uint64_t h = seed + XXH_PRIME64_5 + 16;
	h ^= XXH64_round(0, XXH_readLE64(&a));
	h = XXH_rotl64(h, 27) * XXH_PRIME64_1 + XXH_PRIME64_4;
	h ^= XXH64_round(0, XXH_readLE64(&b));
	h = XXH_rotl64(h, 27) * XXH_PRIME64_1 + XXH_PRIME64_4;
	return XXH64_avalanche(h);
}

double rng_hash_unit(uint64_t seed, uint64_t a, uint64_t b)
{
	uint64_t h = rng_hash_words(seed, a, b);
	return (double)(h >> 11) * 0x1.0p-53; /* the top 53 bits: exact doubles in [0, 1) */
}
