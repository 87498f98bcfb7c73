/*
 * cache — open addressing with linear probing, grown at 3/4 load (1/2 for a bounded cache);
 * tables of 2 MB and more on transparent huge pages. Exact LRU keeps its list in a side array
 * indexed like the slots: an entry moved by growth or by backward-shift deletion takes its links
 * along.
 */
#include "nodes/cache.h"

#include <stdint.h>
#include <stdlib.h>

#include "sim/huge_pages.h"

static struct cache_entry *slots_alloc(uint32_t cap)
{
	return huge_zalloc((size_t)cap * sizeof(struct cache_entry));
}

static void slots_free(struct cache_entry *slots, uint32_t cap)
{
	huge_free(slots, (size_t)cap * sizeof(struct cache_entry));
}

int cache_init(struct cache *c, uint32_t initial_cap)
{
	uint32_t cap = 64;
	while (cap < initial_cap)
		cap *= 2;
	*c = (struct cache){ .slots = slots_alloc(cap), .cap = cap, .sampler = 0x9e3779b97f4a7c15ULL,
		             .newest = CACHE_NIL, .oldest = CACHE_NIL };
	return c->slots ? 0 : -1;
}

static void lru_unlink(struct cache *c, uint32_t i)
{
	struct cache_link l = c->links[i];
	if (l.newer != CACHE_NIL)
		c->links[l.newer].older = l.older;
	else
		c->newest = l.older;
	if (l.older != CACHE_NIL)
		c->links[l.older].newer = l.newer;
	else
		c->oldest = l.newer;
}

static void lru_push_front(struct cache *c, uint32_t i)
{
	c->links[i] = (struct cache_link){ CACHE_NIL, c->newest };
	if (c->newest != CACHE_NIL)
		c->links[c->newest].newer = i;
	else
		c->oldest = i;
	c->newest = i;
}

/* The entry at slot from now sits at slot to: its neighbours point to its new place. */
static void lru_moved(struct cache *c, uint32_t from, uint32_t to)
{
	struct cache_link l = c->links[from];
	c->links[to] = l;
	if (l.newer != CACHE_NIL)
		c->links[l.newer].older = to;
	else
		c->newest = to;
	if (l.older != CACHE_NIL)
		c->links[l.older].newer = to;
	else
		c->oldest = to;
}

void cache_lru_front(struct cache *c, uint32_t i)
{
	if (c->newest == i)
		return;
	lru_unlink(c, i);
	lru_push_front(c, i);
}

int cache_use_lru(struct cache *c)
{
	if (c->links)
		return 0;
	if (!(c->links = malloc((size_t)c->cap * sizeof(*c->links))))
		return -1;
	c->newest = c->oldest = CACHE_NIL;
	for (uint32_t i = 0; i < c->cap; i++)
		if (c->slots[i].used)
			lru_push_front(c, i);
	return 0;
}

void cache_free(struct cache *c)
{
	slots_free(c->slots, c->cap);
	free(c->links);
	c->links = NULL;
	c->slots = NULL;
	c->cap = c->used = 0;
}

/* Put entry e in a fresh table; its slot. */
static uint32_t place(struct cache_entry *slots, uint32_t mask, const struct cache_entry *e)
{
	uint32_t j = cache_home_slot(e->key, mask);
	while (slots[j].used)
		j = (j + 1) & mask;
	slots[j] = *e;
	return j;
}

static int grow(struct cache *c)
{
	uint32_t cap = c->cap * 2, mask = cap - 1;
	struct cache_entry *slots = slots_alloc(cap);
	struct cache_link *links = NULL;
	if (!slots)
		return -1;
	if (c->links && !(links = malloc((size_t)cap * sizeof(*links)))) {
		slots_free(slots, cap);
		return -1;
	}
	if (!links) {
		for (uint32_t i = 0; i < c->cap; i++)
			if (c->slots[i].used)
				place(slots, mask, &c->slots[i]);
	} else {
		/* Oldest first, each new entry becoming the newest: the same order in the new list. */
		struct cache_link *old = c->links;
		uint32_t i = c->oldest;
		c->links = links;
		c->newest = c->oldest = CACHE_NIL;
		for (; i != CACHE_NIL; i = old[i].newer)
			lru_push_front(c, place(slots, mask, &c->slots[i]));
		free(old);
	}
	slots_free(c->slots, c->cap);
	c->slots = slots;
	c->cap = cap;
	return 0;
}

void cache_remove(struct cache *c, uint32_t i)
{
	uint32_t mask = c->cap - 1;
	if (c->links)
		lru_unlink(c, i);
	for (uint32_t j = (i + 1) & mask; c->slots[j].used; j = (j + 1) & mask) {
		uint32_t home = cache_home_slot(c->slots[j].key, mask);
		/* j's entry may fill the hole at i unless its home lies cyclically in (i, j]. */
		int home_between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!home_between) {
			c->slots[i] = c->slots[j];
			if (c->links)
				lru_moved(c, j, i);
			i = j;
		}
	}
	c->slots[i].used = 0;
	c->used--;
}

/* The victim under exact LRU: the oldest entry without a resolution in flight. */
static uint32_t lru_victim(const struct cache *c)
{
	uint32_t i = c->oldest;
	while (i != CACHE_NIL && c->slots[i].inflight)
		i = c->links[i].newer;
	return i;
}

/* Exact LRU, or sampled LRU: the least recently used of a few entries picked at random. */
static int evict_one(struct cache *c)
{
	uint32_t mask = c->cap - 1, victim = c->links ? lru_victim(c) : UINT32_MAX;
	for (int s = 0; !c->links && s < CACHE_EVICTION_SAMPLES; s++) {
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

uint64_t cache_unbounded_slots(uint64_t entries)
{
	return entries * 4 / 3 + 2; /* never full, as cache_full has it */
}

/* key is not held: its slot, made. */
struct cache_entry *cache_slot_new(struct cache *c, uint64_t key, struct cache_entry *free_slot,
                                   uint64_t *evicted)
{
	uint64_t removed = 0;
	if (c->capacity && c->used >= c->capacity && evict_one(c) == 0)
		removed++;
	uint32_t size = c->capacity_bytes ? c->size_of(c->size_ctx, key) : 0;
	while (c->capacity_bytes && c->used && c->bytes + size > c->capacity_bytes && evict_one(c) == 0)
		removed++;
	if (evicted)
		*evicted += removed;
	c->bytes += size;
	int grown = cache_full(c, c->used + 1);
	if (grown && grow(c))
		return NULL;
	uint32_t mask = c->cap - 1, i;
	if (removed || grown) { /* entries moved: the probe's free slot may not be the key's now */
		for (i = cache_home_slot(key, mask); c->slots[i].used; i = (i + 1) & mask)
			;
	} else {
		i = (uint32_t)(free_slot - c->slots);
	}
	struct cache_entry *e = cache_slot_fill(c, &c->slots[i], key);
	if (c->links)
		lru_push_front(c, i);
	return e;
}

uint32_t cache_live(const struct cache *c, sim_time now)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < c->cap; i++)
		n += c->slots[i].used && c->slots[i].expires > now;
	return n;
}
