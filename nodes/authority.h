/*
 * authority — the world the resolvers query: what the authoritative side answers for a
 * (name, type, class). Answers the trace saw come from its record model; names the trace never
 * saw answered get the declared defaults (authority.* parameters), decided by a stateless hash
 * of (seed, name) so the world does not depend on the order in which resolvers ask.
 */
#ifndef SHARESIM_AUTHORITY_H
#define SHARESIM_AUTHORITY_H

#include <stddef.h>
#include <stdint.h>

#include "sim/params.h"
#include "sim/time.h"

struct trace;

struct answer {
	uint8_t rcode;
	uint8_t aa;
	uint16_t ancount;
	uint32_t ttl;
	uint8_t from_trace; /**< 1 if the record model had it */
};

struct authority {
	const struct trace *trace;
	uint64_t seed;
	double nxdomain_share;
	uint32_t default_ttl;
	uint16_t default_answer_rrs;
	uint8_t aa;
	double change_share;
	sim_time change_interval;
	/* authority.changes = trace: per name, the times its answers changed in the trace (the
	 * union over its types), times[first[name] .. first[name + 1]). */
	uint32_t *change_first;
	sim_time *change_times;
};

/** Check the authority.* parameters; errors name the parameter. */
int authority_init(struct authority *a, const struct sim_params *p, const struct trace *t,
                   char *err, size_t err_size);

void authority_free(struct authority *a);

void authority_answer(const struct authority *a, uint32_t name_id, uint16_t qtype,
                      uint16_t qclass, struct answer *out);

/**
 * RDATA of the i-th record of an answer of this type, deterministic in (seed, name, i), in a
 * valid wire form for the type (addresses from the documentation prefixes, names under
 * example.net). Returns its length, or -1 for types that have no records (ANY, AXFR, ...).
 */
int authority_rdata(uint64_t seed, uint32_t name_id, uint16_t type, unsigned i, uint8_t *out,
                    size_t cap);

/** 1 if a name's answers change over time. */
int authority_changes(const struct authority *a, uint32_t name_id);
/** Whether any answer ever changes (authority.change_share, or changes from the trace). */
static inline int authority_world_changes(const struct authority *a)
{
	return a->change_first || a->change_share > 0;
}
uint32_t authority_version_of_changing(const struct authority *a, uint32_t name_id, sim_time t);
/** Version of a name's answers at time t: 0 for names that never change. Asked at every hit
 * and resolution, so a world without changes answers here. */
static inline uint32_t authority_version(const struct authority *a, uint32_t name_id, sim_time t)
{
	if (!authority_world_changes(a))
		return 0;
	return authority_version_of_changing(a, name_id, t);
}
/** When version v of a changing name's answers began. */
sim_time authority_version_start(const struct authority *a, uint32_t name_id, uint32_t v);

#endif
