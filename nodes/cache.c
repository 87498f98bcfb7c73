/*
 * cache — open addressing with linear probing, grown at 50 % load.
 */
#include "nodes/cache.h"

#include <stdlib.h>

static inline uint32_t slot_of(uint64_t key, uint32_t mask)
{
	/* Fibonacci hashing: name ids are dense, so spread them before masking. */
	return (uint32_t)((key * 0x9e3779b97f4a7c15ULL) >> 32) & mask;
}

int cache_init(struct cache *c, uint32_t initial_cap)
{
	uint32_t cap = 64;
	while (cap < initial_cap)
		cap *= 2;
	c->slots = calloc(cap, sizeof(*c->slots));
	c->cap = cap;
	c->used = 0;
	c->capacity = 0;
	c->sampler = 0x9e3779b97f4a7c15ULL;
	return c->slots ? 0 : -1;
}

void cache_free(struct cache *c)
{
	free(c->slots);
	c->slots = NULL;
	c->cap = c->used = 0;
}

struct cache_entry *cache_find(const struct cache *c, uint64_t key)
{
	uint32_t mask = c->cap - 1;
	for (uint32_t i = slot_of(key, mask);; i = (i + 1) & mask) {
		struct cache_entry *e = &c->slots[i];
		if (!e->used)
			return NULL;
		if (e->key == key)
			return e;
	}
}

static int grow(struct cache *c)
{
	uint32_t cap = c->cap * 2, mask = cap - 1;
	struct cache_entry *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -1;
	for (uint32_t i = 0; i < c->cap; i++)
		if (c->slots[i].used) {
			uint32_t j = slot_of(c->slots[i].key, mask);
			while (slots[j].used)
				j = (j + 1) & mask;
			slots[j] = c->slots[i];
		}
	free(c->slots);
	c->slots = slots;
	c->cap = cap;
	return 0;
}

void cache_remove(struct cache *c, uint32_t i)
{
	uint32_t mask = c->cap - 1;
	for (uint32_t j = (i + 1) & mask; c->slots[j].used; j = (j + 1) & mask) {
		uint32_t home = slot_of(c->slots[j].key, mask);
		/* j's entry may fill the hole at i unless its home lies cyclically in (i, j]. */
		int home_between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!home_between) {
			c->slots[i] = c->slots[j];
			i = j;
		}
	}
	c->slots[i].used = 0;
	c->used--;
}

/* Sampled LRU: the least recently used of a few entries picked at random. */
static int evict_one(struct cache *c)
{
	uint32_t mask = c->cap - 1, victim = UINT32_MAX;
	for (int s = 0; s < CACHE_EVICTION_SAMPLES; s++) {
		c->sampler ^= c->sampler << 13;
		c->sampler ^= c->sampler >> 7;
		c->sampler ^= c->sampler << 17;
		uint32_t i = (uint32_t)c->sampler & mask;
		for (uint32_t n = 0; n < c->cap && (!c->slots[i].used || c->slots[i].inflight); n++)
			i = (i + 1) & mask;
		if (!c->slots[i].used || c->slots[i].inflight)
			continue;
		if (victim == UINT32_MAX || c->slots[i].last_used < c->slots[victim].last_used)
			victim = i;
	}
	if (victim == UINT32_MAX)
		return -1; /* everything is in flight: let the cache grow past its capacity */
	cache_remove(c, victim);
	return 0;
}

struct cache_entry *cache_slot_evict(struct cache *c, uint64_t key, uint64_t *evicted)
{
	struct cache_entry *e = cache_find(c, key);
	if (e)
		return e;
	if (c->capacity && c->used >= c->capacity && evict_one(c) == 0 && evicted)
		(*evicted)++;
	if ((c->used + 1) * 2 > c->cap && grow(c))
		return NULL;
	uint32_t mask = c->cap - 1, i = slot_of(key, mask);
	while (c->slots[i].used)
		i = (i + 1) & mask;
	e = &c->slots[i];
	*e = (struct cache_entry){ .key = key, .expires = INT64_MIN, .used = 1 };
	c->used++;
	return e;
}

uint32_t cache_live(const struct cache *c, sim_time now)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < c->cap; i++)
		n += c->slots[i].used && c->slots[i].expires > now;
	return n;
}
