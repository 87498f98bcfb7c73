/*
 * cache — open addressing with linear probing, grown at 50 % load; tables of 2 MB and more on
 * transparent huge pages.
 */
#include "nodes/cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

/* Tables of 2 MB and more are mapped anonymously with transparent huge pages asked for: a
 * lookup is a random access, so 4 KB pages cost a page fault per few slots when the table is
 * first filled and a TLB miss on most lookups. Smaller tables come from calloc. */
#define HUGE_BYTES ((size_t)2 << 20)
/* Under ASan every table comes from calloc, so that the sanitizer watches it. */
#if defined(__SANITIZE_ADDRESS__)
#define HUGE_TABLES 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HUGE_TABLES 0
#endif
#endif
#ifndef HUGE_TABLES
#define HUGE_TABLES 1
#endif

static struct cache_entry *slots_alloc(uint32_t cap)
{
	size_t bytes = (size_t)cap * sizeof(struct cache_entry);
	if (!HUGE_TABLES || bytes < HUGE_BYTES)
		return calloc(cap, sizeof(struct cache_entry));
	/* Map 2 MB more and trim, so the table starts on a huge page boundary. */
	size_t span = bytes + HUGE_BYTES;
	uint8_t *p = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	uint8_t *start = (uint8_t *)(((uintptr_t)p + HUGE_BYTES - 1) & ~(uintptr_t)(HUGE_BYTES - 1));
	if (start > p)
		munmap(p, (size_t)(start - p));
	if (p + span > start + bytes)
		munmap(start + bytes, (size_t)(p + span - (start + bytes)));
#ifdef MADV_HUGEPAGE
	madvise(start, bytes, MADV_HUGEPAGE);
#endif
	return (struct cache_entry *)(void *)start;
}

static void slots_free(struct cache_entry *slots, uint32_t cap)
{
	size_t bytes = (size_t)cap * sizeof(struct cache_entry);
	if (!slots)
		return;
	if (!HUGE_TABLES || bytes < HUGE_BYTES)
		free(slots);
	else
		munmap(slots, bytes);
}

int cache_init(struct cache *c, uint32_t initial_cap)
{
	uint32_t cap = 64;
	while (cap < initial_cap)
		cap *= 2;
	*c = (struct cache){ .slots = slots_alloc(cap), .cap = cap, .sampler = 0x9e3779b97f4a7c15ULL };
	return c->slots ? 0 : -1;
}

void cache_free(struct cache *c)
{
	slots_free(c->slots, c->cap);
	c->slots = NULL;
	c->cap = c->used = 0;
}

struct cache_entry *cache_find(const struct cache *c, uint64_t key)
{
	uint32_t mask = c->cap - 1;
	for (uint32_t i = cache_home_slot(key, mask);; i = (i + 1) & mask) {
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
	struct cache_entry *slots = slots_alloc(cap);
	if (!slots)
		return -1;
	for (uint32_t i = 0; i < c->cap; i++)
		if (c->slots[i].used) {
			uint32_t j = cache_home_slot(c->slots[i].key, mask);
			while (slots[j].used)
				j = (j + 1) & mask;
			slots[j] = c->slots[i];
		}
	slots_free(c->slots, c->cap);
	c->slots = slots;
	c->cap = cap;
	return 0;
}

void cache_remove(struct cache *c, uint32_t i)
{
	uint32_t mask = c->cap - 1;
	for (uint32_t j = (i + 1) & mask; c->slots[j].used; j = (j + 1) & mask) {
		uint32_t home = cache_home_slot(c->slots[j].key, mask);
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
	if (c->capacity_bytes)
		c->bytes -= c->size_of(c->size_ctx, c->slots[victim].key);
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
	uint32_t size = c->capacity_bytes ? c->size_of(c->size_ctx, key) : 0;
	while (c->capacity_bytes && c->used && c->bytes + size > c->capacity_bytes && evict_one(c) == 0)
		if (evicted)
			(*evicted)++;
	c->bytes += size;
	if ((c->used + 1) * 2 > c->cap && grow(c))
		return NULL;
	uint32_t mask = c->cap - 1, i = cache_home_slot(key, mask);
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
