/*
 * cmd_zone — `sharesim zone`: the world model of an experiment as a zone file, so a real
 * authoritative server (NSD, Knot) can serve exactly what the simulated authorities answer and a
 * real resolver can be measured on the same trace (experiments/validate-unbound/).
 */
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_wire.h"
#include "nodes/authority.h"
#include "sim/commands.h"
#include "sim/config.h"
#include "traces/trace.h"

static const char zone_usage[] =
	"usage: sharesim zone EXPERIMENT.ini [--set section.key=value]... [--ttl-divisor S] -o FILE.zone\n\n"
	"Writes the root zone an authoritative server needs to answer every (name, type) the\n"
	"experiment's trace asks exactly as sharesim's authority model does (first point's\n"
	"parameters): answers with their TTLs and records; names that do not exist are left out\n"
	"(NXDOMAIN), and the SOA's TTL and minimum are cache.negative_ttl (RFC 2308).\n"
	"--ttl-divisor S divides every TTL by S (rounded, at least 1 s when not 0), for a replay\n"
	"S times faster than the trace.\n";

static uint32_t scaled(uint32_t ttl, uint32_t divisor)
{
	if (ttl == 0 || divisor <= 1)
		return ttl;
	uint32_t s = (uint32_t)(((uint64_t)ttl + divisor / 2) / divisor);
	return s ? s : 1;
}

/* One record in presentation form, through ldns (the reference for the wire format). */
static int print_rr(FILE *f, const uint8_t *name, size_t name_len, uint16_t type, uint32_t ttl,
                    const uint8_t *rdata, size_t rdlen)
{
	uint8_t wire[DNS_NAME_MAX + 10 + 512];
	memcpy(wire, name, name_len);
	uint8_t *p = wire + name_len;
	p[0] = (uint8_t)(type >> 8); p[1] = (uint8_t)type; p[2] = 0; p[3] = 1;
	p[4] = (uint8_t)(ttl >> 24); p[5] = (uint8_t)(ttl >> 16); p[6] = (uint8_t)(ttl >> 8); p[7] = (uint8_t)ttl;
	p[8] = (uint8_t)(rdlen >> 8); p[9] = (uint8_t)rdlen;
	memcpy(p + 10, rdata, rdlen);
	ldns_rr *rr = NULL;
	size_t pos = 0;
	if (ldns_wire2rr(&rr, wire, name_len + 10 + rdlen, &pos, LDNS_SECTION_ANSWER) != LDNS_STATUS_OK)
		return -1;
	char *text = ldns_rr2str(rr);
	int rc = text && fputs(text, f) >= 0 ? 0 : -1;
	free(text);
	ldns_rr_free(rr);
	return rc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int cmd_zone(int argc, char **argv)
{
	const char *ini = NULL, *out = NULL;
	const char **sets = calloc((size_t)argc, sizeof(*sets));
	size_t nsets = 0;
	uint32_t divisor = 1;
	if (!sets)
		return 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(zone_usage, stdout);
			free(sets);
			return 0;
		} else if (!strcmp(argv[i], "--set") && i + 1 < argc) {
			sets[nsets++] = argv[++i];
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--ttl-divisor") && i + 1 < argc) {
			char *end;
			unsigned long d = strtoul(argv[++i], &end, 10);
			if (*end || d < 1 || d > 86400) {
				fprintf(stderr, "sharesim zone: --ttl-divisor: expected 1..86400, not '%s'\n", argv[i]);
				free(sets);
				return 2;
			}
			divisor = (uint32_t)d;
		} else if (argv[i][0] == '-' || ini) {
			fprintf(stderr, "sharesim zone: unexpected argument '%s'\n%s", argv[i], zone_usage);
			free(sets);
			return 2;
		} else {
			ini = argv[i];
		}
	}
	if (!ini || !out) {
		fputs(zone_usage, stderr);
		free(sets);
		return 2;
	}
	struct experiment *e = NULL;
	struct experiment_point pt;
	struct trace *t = NULL;
	struct authority world;
	char err[1024];
	int status = 1;
	uint64_t *keys = NULL;
	FILE *f = NULL;
	if (experiment_load(ini, sets, nsets, &e, err, sizeof(err)) ||
	    experiment_point(e, 0, &pt, err, sizeof(err)) ||
	    trace_open(pt.params.trace_path, &t, err, sizeof(err)) ||
	    authority_init(&world, &pt.params, t, err, sizeof(err))) {
		fprintf(stderr, "sharesim zone: %s\n", err);
		goto done;
	}
	/* Every (name, type) the trace asks, once, in a stable order. */
	uint64_t n = trace_query_count(t), distinct = 0;
	keys = malloc((n ? n : 1) * sizeof(*keys));
	if (!keys)
		goto done;
	const struct trace_query *q = trace_queries(t);
	for (uint64_t i = 0; i < n; i++)
		if (q[i].qclass == DNS_CLASS_IN)
			keys[distinct++] = (uint64_t)q[i].name_id << 32 | (uint64_t)q[i].qtype << 16;
	qsort(keys, distinct, sizeof(*keys), cmp_u64);
	f = fopen(out, "w");
	if (!f) {
		perror(out);
		goto done;
	}
	uint32_t neg = scaled(pt.params.negative_ttl, divisor);
	fprintf(f, "; sharesim %s: the authority model of %s (trace sha256 %s)\n", "zone", ini, trace_digest(t));
	fprintf(f, ". %u IN SOA ns.sharesim.test. hostmaster.sharesim.test. 1 3600 900 604800 %u\n", neg, neg);
	fprintf(f, ". 86400 IN NS ns.sharesim.test.\nns.sharesim.test. 86400 IN A 127.0.0.1\n");
	uint64_t written = 0, nxdomain = 0, nodata = 0, unsharable = 0;
	for (uint64_t i = 0; i < distinct; i++) {
		if (i > 0 && keys[i] == keys[i - 1])
			continue;
		uint32_t name_id = (uint32_t)(keys[i] >> 32);
		uint16_t type = (uint16_t)(keys[i] >> 16);
		struct answer a;
		authority_answer(&world, name_id, type, DNS_CLASS_IN, &a);
		if (a.rcode != DNS_RCODE_NOERROR) {
			nxdomain++;
			continue;
		}
		if (a.ancount == 0) {
			nodata++;
			continue;
		}
		size_t name_len;
		const uint8_t *name = trace_name_wire(t, name_id, &name_len);
		unsigned count = a.ancount < 32 ? a.ancount : 32;
		for (unsigned k = 0; k < count; k++) {
			uint8_t rdata[512];
			int rdlen = authority_rdata(pt.params.seed, name_id, type, k, rdata, sizeof(rdata));
			if (rdlen < 0) {
				unsharable++;
				break;
			}
			if (print_rr(f, name, name_len, type, scaled(a.ttl, divisor), rdata, (size_t)rdlen) == 0)
				written++;
		}
	}
	if (fclose(f) != 0) {
		f = NULL;
		perror(out);
		goto done;
	}
	f = NULL;
	printf("%s: %llu records; %llu (name, type) pairs without a record: %llu NXDOMAIN, %llu NODATA, %llu meta types\n",
	       out, (unsigned long long)written, (unsigned long long)(nxdomain + nodata + unsharable),
	       (unsigned long long)nxdomain, (unsigned long long)nodata, (unsigned long long)unsharable);
	status = 0;
done:
	if (f)
		fclose(f);
	free(keys);
	trace_close(t);
	experiment_free(e);
	free(sets);
	return status;
}
