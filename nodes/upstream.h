/*
 * upstream — the capacity of authorities (authority.capacity): each authority (a zone's
 * servers) answers at most `capacity` queries per second of simulated time. A query beyond it
 * waits, first come first served, for the next second with room, as in a server's queue; none
 * is dropped.
 *
 * Seconds are windows [k s, (k + 1) s) of simulated time. An authority remembers only its
 * latest window with queries and how many it holds, so a query is O(1) and memory is one cache
 * entry per authority asked. Queries are taken in the order the simulation issues them (an
 * iterative resolution issues its steps together, each at its own send time).
 */
#ifndef SHARESIM_UPSTREAM_H
#define SHARESIM_UPSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "nodes/cache.h"
#include "sim/time.h"

struct upstream_load {
	struct cache windows; /**< key: hash of the zone; expires: its latest window (s); version: queries in it */
	uint32_t capacity;    /**< queries per second per authority (> 0) */
	uint64_t peak;        /**< most queries one authority served in one second */
};

int upstream_load_init(struct upstream_load *u, uint32_t capacity);
void upstream_load_free(struct upstream_load *u);
/**
 * A query to the servers of zone (wire form) sent at t: counted in the first second from t with
 * room; *wait is how long it waits for that second (0 when there is room at once). 0 or -1
 * (out of memory).
 */
int upstream_load_take(struct upstream_load *u, const uint8_t *zone, size_t len, sim_time t, sim_time *wait);

#endif
