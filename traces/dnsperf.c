/*
 * dnsperf — dnsperf/resperf query files ("name type" per line, ';' or '#' comments) as
 * arrivals. Such a file has no times, clients or resolver: arrivals are a Poisson process at a
 * declared rate (import_ctx.arrival_rate, seeded by arrival_seed), each from one of
 * arrival_clients clients drawn uniformly (10.0.0.1 on), sent to 192.0.2.53 (TEST-NET-1),
 * starting at Unix time 1700000000. Lines that are not a name and a type are counted
 * (skipped.dnsperf.malformed) and named in the import log.
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_wire.h"
#include "traces/import.h"
#include "traces/trace_writer.h"

#define DNSPERF_START_NS 1700000000000000000LL

/* The line at *i (without its CR LF, cut to size - 1), *i moved past it; *whole is 0 when the
 * text ends before the line does. Returns its length. */
static size_t next_line(const char *text, size_t len, size_t *i, char *line, size_t size, int *whole)
{
	size_t end = *i;
	while (end < len && text[end] != '\n')
		end++;
	if (whole)
		*whole = end < len;
	size_t l = end - *i < size - 1 ? end - *i : size - 1;
	memcpy(line, text + *i, l);
	line[l] = '\0';
	*i = end + 1;
	if (l && line[l - 1] == '\r')
		line[--l] = '\0';
	return l;
}

/* Does this text look like a dnsperf query file (every line of its start a name and a type)? */
int dnsperf_detect(const uint8_t *data, size_t len)
{
	size_t lines = 0, i = 0;
	while (i < len && lines < 8) {
		char line[300];
		int whole = 1;
		size_t l = next_line((const char *)data, len, &i, line, sizeof(line), &whole);
		if (!whole && len >= 4096)
			break; /* a line cut by the sample's end */
		if (l == 0 || line[0] == ';' || line[0] == '#')
			continue;
		char name[256], type[32], extra;
		uint16_t t;
		if (sscanf(line, "%255s %31s %c", name, type, &extra) != 2 || dns_type_from_text(type, &t))
			return 0;
		lines++;
	}
	return lines > 0;
}

int dnsperf_import(const struct import_ctx *ctx, FILE *in, const char *name, char *err, size_t err_size)
{
	if (!(ctx->arrival_rate > 0)) {
		snprintf(err, err_size, "%s: a dnsperf query file has no times: give the arrival rate (--rate QPS)", name);
		return -1;
	}
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!rng) {
		snprintf(err, err_size, "out of memory");
		return -1;
	}
	gsl_rng_set(rng, (unsigned long)(ctx->arrival_seed ? ctx->arrival_seed : 1));
	uint32_t clients = ctx->arrival_clients ? ctx->arrival_clients : 1;
	struct trace_addr resolver = { .family = 4, .addr = { 192, 0, 2, 53 } };
	uint64_t lines = 0, queries = 0, bad = 0;
	double t = 0;
	int rc = 0;
	char line[600];
	size_t l;
	int nul;
	while (rc == 0 && import_read_line(in, line, sizeof(line), &l, &nul) == 0) {
		/* Cut to the buffer, as sscanf below reads no further. */
		if (l >= sizeof(line))
			l = sizeof(line) - 1;
		if (l && line[l - 1] == '\r')
			line[--l] = '\0';
		lines++;
		if (l == 0 || line[0] == ';' || line[0] == '#') {
			rc = trace_writer_count(ctx->w, "skipped.dnsperf.comment", 1);
			continue;
		}
		char qname_text[300], type[32], extra;
		uint16_t qtype;
		uint8_t wire[DNS_NAME_MAX], wire_len;
		if (sscanf(line, "%299s %31s %c", qname_text, type, &extra) != 2 || dns_type_from_text(type, &qtype) ||
		    dns_name_from_text(qname_text, wire, &wire_len)) {
			if (bad++ < 5)
				import_warn(ctx->log, "%s:%llu: not a name and a type", name, (unsigned long long)lines);
			rc = trace_writer_count(ctx->w, "skipped.dnsperf.malformed", 1);
			continue;
		}
		t += gsl_ran_exponential(rng, 1e9 / ctx->arrival_rate);
		uint32_t c = clients > 1 ? (uint32_t)gsl_rng_uniform_int(rng, clients) : 0;
		uint32_t host = c + 1;
		struct trace_addr client = { .family = 4, .addr = { 10, (uint8_t)(host >> 16), (uint8_t)(host >> 8), (uint8_t)host } };
		rc = trace_writer_add_query(ctx->w, DNSPERF_START_NS + (int64_t)t, wire, wire_len, qtype, DNS_CLASS_IN,
		                            TRACE_QF_RD, &client, &resolver) ||
		     trace_writer_count(ctx->w, "query", 1);
		queries++;
	}
	gsl_rng_free(rng);
	if (rc) {
		snprintf(err, err_size, "%s: out of memory", name);
		return -1;
	}
	char source[512];
	snprintf(source, sizeof(source), "dnsperf %s lines=%llu queries=%llu rate=%g clients=%u seed=%llu", name,
	         (unsigned long long)lines, (unsigned long long)queries, ctx->arrival_rate, clients,
	         (unsigned long long)(ctx->arrival_seed ? ctx->arrival_seed : 1));
	return trace_writer_count(ctx->w, "packets", lines) || trace_writer_add_source(ctx->w, source);
}
