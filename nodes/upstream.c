/*
 * upstream — per-authority one-second windows, FIFO: a window fills up to the capacity, then
 * the next one starts.
 */
#include "nodes/upstream.h"

#include <xxhash.h>

int upstream_load_init(struct upstream_load *u, uint32_t capacity)
{
	*u = (struct upstream_load){ .capacity = capacity };
	return cache_init(&u->windows, 64);
}

void upstream_load_free(struct upstream_load *u)
{
	cache_free(&u->windows);
	*u = (struct upstream_load){ 0 };
}

int upstream_load_take(struct upstream_load *u, const uint8_t *zone, size_t len, sim_time t, sim_time *wait)
{
	struct cache_entry *a = cache_slot(&u->windows, XXH3_64bits(zone, len) | 1); /* never 0 */
	if (!a)
		return -1;
	int64_t second = t / SIM_S;
	if (a->expires == INT64_MIN || a->expires < second) { /* new, or its last busy second is past */
		a->expires = second;
		a->version = 0;
	} else if (a->version >= u->capacity) { /* full: the next second (later queries queue behind) */
		a->expires++;
		a->version = 0;
	}
	a->version++;
	if (a->version > u->peak)
		u->peak = a->version;
	sim_time start = a->expires * SIM_S;
	*wait = start > t ? start - t : 0;
	return 0;
}
