/*
 * cache — one resolver's RRset cache: a flat open-addressing table keyed by
 * (name_id, qtype, qclass) packed in 64 bits. Entries are overwritten, never deleted, so a
 * lookup is a probe sequence without tombstones; expiry is a time compared at lookup.
 * A slot also remembers a resolution in flight for its key (in-flight coalescing).
 *
 * Eviction (cache.eviction): sampled LRU (the least recently used of a few random entries, as
 * Redis's approximated LRU) or exact LRU (a doubly-linked list by slot index in a side array, as
 * Unbound's lruhash: a use moves the entry to the front, the back goes first). Entries with a
 * resolution in flight are never evicted.
 */
#ifndef SHARESIM_CACHE_H
#define SHARESIM_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"

enum cache_origin { CACHE_OWN = 0, CACHE_SHARED = 1 };

/** Exact LRU: the neighbours of a slot's entry in recency order (CACHE_NIL: none). */
struct cache_link { uint32_t newer, older; };
#define CACHE_NIL UINT32_MAX

/* A cache entry is 32 bytes (issue 7's budget per cached record): the last use is kept as a
 * CACHE_STAMP (units of 2^20 ns, about 1 ms: 52 days of trace before it wraps) and the small
 * fields share one word; a TTL is at most CACHE_TTL_MAX (cache.max_ttl is bounded by it). */
#define CACHE_STAMP(t) ((uint32_t)((uint64_t)(t) >> 20))
#define CACHE_TTL_MAX 16777215u

struct cache_entry {
	uint64_t key;
	sim_time expires;    /**< INT64_MIN: nothing cached (only a resolution in flight) */
	uint32_t inflight;   /**< 1 + index of the resolution in flight for this key, or 0 */
	uint32_t version;    /**< the authority's version of the data held */
	uint32_t last_used;  /**< CACHE_STAMP of the last insert or hit, for eviction */
	uint32_t ttl : 24;   /**< the TTL the data was stored with, s (prefetch) */
	uint32_t used : 1;
	uint32_t origin : 2; /**< enum cache_origin */
	uint32_t negative : 1; /**< NXDOMAIN or NODATA */
	uint32_t rcode : 4;
};
_Static_assert(sizeof(struct cache_entry) == 32, "a cache entry is 32 bytes");

struct cache {
	struct cache_entry *slots;
	uint32_t cap;      /**< a power of two */
	uint32_t used;
	uint32_t capacity; /**< entries kept at most (0: no limit), evicting by sampled LRU */
	uint64_t sampler;  /**< xorshift state of the eviction sampler (deterministic) */
	/* A bound in bytes (0: none), each entry weighing size_of(size_ctx, key), evicting alike. */
	uint64_t capacity_bytes, bytes;
	uint32_t (*size_of)(const void *ctx, uint64_t key);
	const void *size_ctx;
	/* Exact LRU (cache_use_lru): links[cap] beside the slots, so an entry stays 32 bytes;
	 * NULL under sampled LRU. newest and oldest are slot indices (CACHE_NIL when empty). */
	struct cache_link *links;
	uint32_t newest, oldest;
};

/** Candidates looked at per eviction: the least recently used of them goes (Redis's default). */
#define CACHE_EVICTION_SAMPLES 5

static inline uint64_t cache_key(uint32_t name_id, uint16_t qtype, uint16_t qclass)
{
	return (uint64_t)name_id << 32 | (uint64_t)qtype << 16 | qclass;
}

/** The slot where key's probe sequence starts. */
static inline uint32_t cache_home_slot(uint64_t key, uint32_t mask)
{
	/* Fibonacci hashing: name ids are dense, so spread them before masking. */
	return (uint32_t)((key * 0x9e3779b97f4a7c15ULL) >> 32) & mask;
}

/** Ask for key's slot to be brought into the CPU caches (a lookup coming soon; no effect else):
 * the line of its home slot and, when that is the second slot of its 64-byte line (the table is
 * page-aligned), the next line, where the probe goes on after a collision. */
/* Always inline: GCC 12 takes a prefetch-only function for one without effects (ipa-pure-const)
 * and deletes its calls unless it was inlined before that pass. */
static inline __attribute__((always_inline)) void cache_prefetch(const struct cache *c, uint64_t key)
{
	uint32_t mask = c->cap - 1, home = cache_home_slot(key, mask);
	__builtin_prefetch(&c->slots[home]);
	__builtin_prefetch(&c->slots[(home + (home & 1)) & mask]);
}

int cache_init(struct cache *c, uint32_t initial_cap);
/** Evict by exact LRU from now on (entries already held are ranked in slot order); 0 or -1. */
int cache_use_lru(struct cache *c);
void cache_free(struct cache *c);
/** The slot holding key, or else the free slot where its probe ends (inline: every lookup of
 * the replay). */
static inline struct cache_entry *cache_probe(const struct cache *c, uint64_t key)
{
	uint32_t mask = c->cap - 1;
	for (uint32_t i = cache_home_slot(key, mask);; i = (i + 1) & mask) {
		struct cache_entry *e = &c->slots[i];
		if (!e->used || e->key == key)
			return e;
	}
}
/** The slot of key, or NULL if the key was never stored. */
static inline struct cache_entry *cache_find(const struct cache *c, uint64_t key)
{
	struct cache_entry *e = cache_probe(c, key);
	return e->used ? e : NULL;
}
/**
 * Whether holding this many entries would make the table grow. Linear probing stays short up to
 * 3/4 load, and a table half as large is half the pages the kernel must supply (first touches
 * of fresh memory were a fifth of a run without sharing). A bounded cache keeps to 1/2: its
 * sampled eviction picks slots by position, so its table size is part of its results.
 */
static inline int cache_full(const struct cache *c, uint64_t entries)
{
	if (c->capacity || c->capacity_bytes)
		return entries * 2 > c->cap;
	return entries * 4 > (uint64_t)c->cap * 3;
}

/** Slots for an unbounded cache (cache_init) to hold this many entries without growing. */
uint64_t cache_unbounded_slots(uint64_t entries);
/** A free slot made key's, empty (expires INT64_MIN). */
static inline struct cache_entry *cache_slot_fill(struct cache *c, struct cache_entry *e, uint64_t key)
{
	*e = (struct cache_entry){ .key = key, .expires = INT64_MIN, .used = 1 };
	c->used++;
	return e;
}
/** cache_slot_evict for a key not held, free_slot being where cache_probe(c, key) ended. */
struct cache_entry *cache_slot_new(struct cache *c, uint64_t key, struct cache_entry *free_slot,
                                   uint64_t *evicted);
/**
 * The slot of key, created empty (expires INT64_MIN) if new; NULL on allocation failure. When the
 * cache is at its capacity, making a new slot first evicts an entry (never one with a resolution
 * in flight) and adds 1 to *evicted if evicted is not NULL. Pointers into the cache are valid
 * until the next cache_slot.
 */
static inline struct cache_entry *cache_slot_evict(struct cache *c, uint64_t key, uint64_t *evicted)
{
	struct cache_entry *e = cache_probe(c, key); /* a key already held (every hit) costs no call */
	if (e->used)
		return e;
	/* Unbounded, plain LRU stamps, room to spare (a presized cache): nothing to evict, grow or
	 * link, so no call (every miss of a replay). */
	if (!c->capacity && !c->capacity_bytes && !c->links && !cache_full(c, (uint64_t)c->used + 1))
		return cache_slot_fill(c, e, key);
	return cache_slot_new(c, key, e, evicted);
}
static inline struct cache_entry *cache_slot(struct cache *c, uint64_t key)
{
	return cache_slot_evict(c, key, NULL);
}
/** Exact LRU: make slot i's entry the most recently used (O(1)). */
void cache_lru_front(struct cache *c, uint32_t i);
/** A use of entry e at now: its last-use stamp, and under exact LRU the front of the list. */
static inline void cache_touch(struct cache *c, struct cache_entry *e, sim_time now)
{
	e->last_used = CACHE_STAMP(now);
	if (c->links)
		cache_lru_front(c, (uint32_t)(e - c->slots));
}
/** Remove the entry at slot i (backward-shift deletion keeps every probe chain whole). */
void cache_remove(struct cache *c, uint32_t i);
/** Entries whose data has not expired at now (a gauge; O(capacity)). */
uint32_t cache_live(const struct cache *c, sim_time now);

#endif
