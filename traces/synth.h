/*
 * synth — a synthetic DNS workload written as a real pcap, so tests, demos and benchmarks need
 * no private data. Queries (and, optionally, the resolver's responses with authoritative TTLs)
 * from declared distributions, calibrated on published figures:
 *   names     Zipf(alpha) over `names` generated names (alpha 0.9: Jung et al., ToN 2002;
 *             CALIBRATION's suggested 0.9-1.1)
 *   clients   Zipf(client_alpha) over `clients` (0.9, as root-side client counts)
 *   arrivals  Poisson at `rate` queries per second
 *   types     A 65 %, AAAA 25 %, PTR 5 %, TXT 2.5 %, MX 2.5 %
 *   NXDOMAIN  a name does not exist with probability `nxdomain` (5 %)
 *   locality  a share `private_share` of each client's queries (0 by default) are for names of
 *             its own, Zipf(alpha) over `private_names` per client (p<rank>.c<client>.synth.example):
 *             the long tail that only one client asks for, which no sharing of caches can serve
 *             (Jung et al., ToN 2002, section 4)
 *   TTLs      per name, the OpenDNS 2012 breakpoints (0: 0.16 %, <= 60 s: 9.84 %, <= 120 s: 16.32 %,
 *             <= 300 s: 39.88 %, <= 1 h: 70.07 %), half of each step on its spike, half uniform
 *             inside it; above 1 h, spikes at 4 h and 1 day.
 * Deterministic by seed; memory grows with names, not with queries (the pcap is streamed).
 */
#ifndef SHARESIM_SYNTH_H
#define SHARESIM_SYNTH_H

#include <stddef.h>
#include <stdint.h>

struct synth_params {
	uint64_t queries;
	uint32_t names;
	double alpha;
	uint32_t clients;
	double client_alpha;
	double rate;          /**< queries per second */
	double nxdomain;
	int responses;        /**< 1: write each answer, 20 ms after its query */
	double flood;         /**< share of queries that are a random-subdomain flood (NXDOMAIN) */
	uint32_t flood_clients; /**< clients sending the flood (addresses after the regular ones) */
	double private_share;   /**< share of a client's queries for names of its own */
	uint32_t private_names; /**< names of its own per client */
	uint64_t seed;
	int64_t start_ns;     /**< Unix time of the first query */
};

void synth_defaults(struct synth_params *p);

/** The TTL of name rank (0-based) under the OpenDNS-2012 model; a pure function of (seed, rank). */
uint32_t synth_ttl(uint64_t seed, uint32_t rank);

/** Write the workload to a pcap at path (raw IPv4 link type, nanosecond timestamps). */
int synth_write(const struct synth_params *p, const char *path, char *err, size_t err_size);

#endif
