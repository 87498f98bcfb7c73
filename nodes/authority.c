/*
 * authority — answers from the record model, or from declared defaults.
 */
#include "nodes/authority.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "dns/dns_wire.h"
#include "sim/rng.h"
#include "traces/trace.h"

static int cmp_time(const void *x, const void *y)
{
	sim_time a = *(const sim_time *)x, b = *(const sim_time *)y;
	return a < b ? -1 : a > b;
}

/* Per name, the sorted change times of all its records (changes come sorted by name first). */
static int load_trace_changes(struct authority *a, const struct trace *t)
{
	size_t n;
	const struct trace_change *c = trace_changes(t, &n);
	uint32_t names = trace_name_count(t);
	a->change_first = calloc((size_t)names + 1, sizeof(*a->change_first));
	a->change_times = malloc((n ? n : 1) * sizeof(*a->change_times));
	if (!a->change_first || !a->change_times)
		return -1;
	for (size_t i = 0; i < n; i++) {
		a->change_times[i] = c[i].time_ns;
		a->change_first[c[i].name_id + 1]++;
	}
	for (uint32_t k = 0; k < names; k++)
		a->change_first[k + 1] += a->change_first[k];
	for (uint32_t k = 0; k < names; k++) /* one name's records may interleave their times */
		if (a->change_first[k + 1] - a->change_first[k] > 1)
			qsort(a->change_times + a->change_first[k], a->change_first[k + 1] - a->change_first[k],
			      sizeof(sim_time), cmp_time);
	return 0;
}

void authority_free(struct authority *a)
{
	free(a->change_first);
	free(a->change_times);
	a->change_first = NULL;
	a->change_times = NULL;
}

int authority_init(struct authority *a, const struct sim_params *p, const struct trace *t,
                   char *err, size_t err_size)
{
	memset(a, 0, sizeof(*a));
	a->trace = t;
	a->seed = p->seed;
	a->nxdomain_share = p->default_nxdomain_share;
	a->default_answer_rrs = (uint16_t)(p->default_answer_rrs ? p->default_answer_rrs : 1);
	a->aa = p->default_aa ? 1 : 0;
	a->change_share = p->change_share;
	a->change_interval = (sim_time)(p->change_interval * 1e9);
	if (a->change_share > 0 && a->change_interval <= 0) {
		snprintf(err, err_size, "authority.change_interval must be positive");
		return -1;
	}
	char *end;
	if (strncmp(p->default_ttl_dist, "fixed:", 6) != 0) {
		snprintf(err, err_size, "authority.ttl_dist: '%s' is not supported (fixed:SECONDS)", p->default_ttl_dist);
		return -1;
	}
	unsigned long ttl = strtoul(p->default_ttl_dist + 6, &end, 10);
	if (*end || end == p->default_ttl_dist + 6 || ttl > 2147483647UL) {
		snprintf(err, err_size, "authority.ttl_dist: bad TTL in '%s'", p->default_ttl_dist);
		return -1;
	}
	a->default_ttl = (uint32_t)ttl;
	if (p->changes_from_trace && load_trace_changes(a, t)) {
		snprintf(err, err_size, "out of memory for the trace's answer changes");
		return -1;
	}
	return 0;
}

void authority_answer(const struct authority *a, uint32_t name_id, uint16_t qtype,
                      uint16_t qclass, struct answer *out)
{
	const struct trace_record *r = trace_record_find(a->trace, name_id, qtype, qclass);
	memset(out, 0, sizeof(*out));
	/* AA: authorities set it on their own data; a client-side capture cannot show it. */
	out->aa = a->aa || (r && (r->flags & TRACE_RF_AA));
	if (r) {
		out->from_trace = 1;
		out->rcode = r->rcode;
		out->ancount = r->rcode == DNS_RCODE_NOERROR ? r->ancount : 0;
		out->ttl = r->max_ttl;
		return;
	}
	if (rng_hash_unit(a->seed, name_id, 0) < a->nxdomain_share) {
		out->rcode = DNS_RCODE_NXDOMAIN;
		return;
	}
	out->rcode = DNS_RCODE_NOERROR;
	out->ancount = a->default_answer_rrs;
	out->ttl = a->default_ttl;
}

/* A changing name's phase: version v covers [v * interval - phase, (v + 1) * interval - phase). */
static sim_time change_phase(const struct authority *a, uint32_t name_id)
{
	return (sim_time)(rng_hash_unit(a->seed, name_id, 4) * (double)a->change_interval);
}

int authority_changes(const struct authority *a, uint32_t name_id)
{
	if (a->change_first)
		return a->change_first[name_id + 1] > a->change_first[name_id];
	return a->change_share > 0 && rng_hash_unit(a->seed, name_id, 3) < a->change_share;
}

uint32_t authority_version_of_changing(const struct authority *a, uint32_t name_id, sim_time t)
{
	if (a->change_first) { /* the changes at or before t */
		uint32_t lo = a->change_first[name_id], hi = a->change_first[name_id + 1], first = lo;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (a->change_times[mid] <= t)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo - first;
	}
	if (!authority_changes(a, name_id) || t < 0)
		return 0;
	return (uint32_t)((t + change_phase(a, name_id)) / a->change_interval);
}

sim_time authority_version_start(const struct authority *a, uint32_t name_id, uint32_t v)
{
	if (a->change_first) {
		uint32_t first = a->change_first[name_id], count = a->change_first[name_id + 1] - first;
		return v == 0 ? INT64_MIN / 2 : v <= count ? a->change_times[first + v - 1] : INT64_MAX;
	}
	return (sim_time)v * a->change_interval - change_phase(a, name_id);
}

static size_t put_name(uint8_t *out, uint64_t h)
{
	/* "h<16 hex>.example.net." */
	char label[20];
	snprintf(label, sizeof(label), "h%016llx", (unsigned long long)h);
	size_t n = 0;
	out[n++] = (uint8_t)strlen(label);
	memcpy(out + n, label, strlen(label));
	n += strlen(label);
	memcpy(out + n, "\7example\3net", 13);
	return n + 13;
}

int authority_rdata(uint64_t seed, uint32_t name_id, uint16_t type, unsigned i, uint8_t *out,
                    size_t cap)
{
	uint64_t material[3] = { name_id, type, i };
	uint64_t h = XXH64(material, sizeof(material), seed);
	if (cap < 64)
		return -1;
	switch (type) {
	case DNS_TYPE_A: /* 198.18.0.0/15, the benchmarking block, so it never looks real */
		out[0] = 198; out[1] = (uint8_t)(18 + (h & 1)); out[2] = (uint8_t)(h >> 8); out[3] = (uint8_t)(h >> 16);
		return 4;
	case DNS_TYPE_AAAA: /* 2001:db8::/32 */
		memset(out, 0, 16);
		out[0] = 0x20; out[1] = 0x01; out[2] = 0x0d; out[3] = 0xb8;
		memcpy(out + 8, &h, 8);
		return 16;
	case DNS_TYPE_NS: case DNS_TYPE_CNAME: case DNS_TYPE_PTR:
		return (int)put_name(out, h);
	case DNS_TYPE_MX:
		out[0] = 0; out[1] = 10;
		return 2 + (int)put_name(out + 2, h);
	case DNS_TYPE_SRV:
		out[0] = 0; out[1] = 10; out[2] = 0; out[3] = 5; out[4] = 0x01; out[5] = 0xbb;
		return 6 + (int)put_name(out + 6, h);
	case DNS_TYPE_TXT:
		out[0] = 16;
		snprintf((char *)out + 1, 17, "%016llx", (unsigned long long)h);
		return 17;
	case DNS_TYPE_SOA: {
		size_t n = put_name(out, h);
		n += put_name(out + n, h ^ 1);
		memset(out + n, 0, 20);
		out[n + 3] = 1;                      /* serial 1 */
		out[n + 6] = 0x0e; out[n + 7] = 0x10; /* refresh 3600 */
		out[n + 10] = 0x03; out[n + 11] = 0x84; /* retry 900 */
		out[n + 13] = 0x09; out[n + 14] = 0x3a; out[n + 15] = 0x80; /* expire 604800 */
		out[n + 18] = 0x03; out[n + 19] = 0x84; /* minimum 900 */
		return (int)n + 20;
	}
	case DNS_TYPE_SVCB: case DNS_TYPE_HTTPS: /* priority 1, target "." */
		out[0] = 0; out[1] = 1; out[2] = 0;
		return 3;
	case DNS_TYPE_DS:
		out[0] = (uint8_t)(h >> 8); out[1] = (uint8_t)h; out[2] = 13; out[3] = 2;
		for (int k = 0; k < 32; k++)
			out[4 + k] = (uint8_t)(h >> (k % 8 * 8));
		return 36;
	case DNS_TYPE_DNSKEY:
		out[0] = 1; out[1] = 0; out[2] = 3; out[3] = 13;
		for (int k = 0; k < 32; k++)
			out[4 + k] = (uint8_t)(h >> (k % 8 * 8));
		return 36;
	case DNS_TYPE_OPT: case DNS_TYPE_TSIG: case DNS_TYPE_ANY: case 251: case 252: case 253: case 254:
		return -1;
	default:
		if (type >= 128 && type <= 255)
			return -1; /* meta types and QTYPEs have no records */
		memcpy(out, &h, 8); /* unknown types travel as opaque RDATA (RFC 3597) */
		return 8;
	}
}
