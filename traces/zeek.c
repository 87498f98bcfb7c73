/*
 * zeek — Zeek dns.log (TSV) rows into queries and record-model responses.
 *
 * Columns are found by name from the #fields line. Each row is one transaction: a query from
 * id.orig_h to id.resp_h and, when rcode is set, what the answer says. A capture merged from
 * several taps logs a transaction more than once within microseconds: a row repeating
 * (uid, trans_id, query, qtype) less than 1 ms after the last one is dropped as a duplicate;
 * client retransmissions (seconds apart) stay, since they did reach the resolver.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "dns/dns_wire.h"
#include "traces/import.h"
#include "traces/trace_writer.h"

#define ZEEK_DUPLICATE_NS 1000000 /* 1 ms */
#define ZEEK_MAX_FIELDS 64

enum zeek_col { ZC_TS, ZC_UID, ZC_ORIG_H, ZC_RESP_H, ZC_PROTO, ZC_TRANS_ID, ZC_QUERY, ZC_QCLASS,
	        ZC_QTYPE, ZC_RCODE, ZC_AA, ZC_RD, ZC_ANSWERS, ZC_TTLS, ZC__COUNT };
static const char *const zeek_col_names[ZC__COUNT] = {
	"ts", "uid", "id.orig_h", "id.resp_h", "proto", "trans_id", "query", "qclass", "qtype",
	"rcode", "AA", "RD", "answers", "TTLs",
};

/*
 * Last time each transaction key was seen: open addressing on a 64-bit hash of the key. Only
 * recent keys can make a duplicate, so a full table first forgets keys not seen for
 * ZEEK_SEEN_HORIZON_NS before the latest time in the log: its size follows the rows of that
 * window, not the log's length. Rows come out of Zeek as transactions end (a reply or its
 * timeout, seconds after the query's ts), so a window of minutes keeps every key a duplicate
 * could still need.
 */
#define ZEEK_SEEN_HORIZON_NS (600 * 1000000000LL)

struct seen_table {
	uint64_t *keys; /* 0 = empty */
	int64_t *times;
	size_t cap, len;
	int64_t latest;
};

/* Into fresh arrays of ncap slots: the keys seen at or after since. */
static int seen_rebuild(struct seen_table *s, size_t ncap, int64_t since)
{
	uint64_t *nk = calloc(ncap, sizeof(*nk));
	int64_t *nt = calloc(ncap, sizeof(*nt));
	if (!nk || !nt) {
		free(nk);
		free(nt);
		return -1;
	}
	size_t len = 0;
	for (size_t i = 0; i < s->cap; i++)
		if (s->keys[i] && s->times[i] >= since) {
			size_t j = s->keys[i] & (ncap - 1);
			while (nk[j])
				j = (j + 1) & (ncap - 1);
			nk[j] = s->keys[i];
			nt[j] = s->times[i];
			len++;
		}
	free(s->keys);
	free(s->times);
	s->keys = nk;
	s->times = nt;
	s->cap = ncap;
	s->len = len;
	return 0;
}

static int seen_update(struct seen_table *s, uint64_t key, int64_t t, int64_t *prev)
{
	if (key == 0)
		key = 1;
	if (s->cap == 0 || t > s->latest)
		s->latest = t;
	if (s->len * 2 >= s->cap) {
		int64_t since = s->latest - ZEEK_SEEN_HORIZON_NS;
		size_t recent = 0;
		for (size_t i = 0; i < s->cap; i++)
			recent += s->keys[i] && s->times[i] >= since;
		/* The same size if forgetting leaves it at most a quarter full, else twice the size. */
		size_t ncap = s->cap == 0 ? 4096 : recent * 4 <= s->cap ? s->cap : s->cap * 2;
		if (seen_rebuild(s, ncap, since))
			return -1;
	}
	size_t i = key & (s->cap - 1);
	while (s->keys[i] && s->keys[i] != key)
		i = (i + 1) & (s->cap - 1);
	*prev = s->keys[i] ? s->times[i] : INT64_MIN;
	if (!s->keys[i])
		s->len++;
	s->keys[i] = key;
	s->times[i] = t;
	return 0;
}

/* "1521911720.865716" to ns, exactly (no floating point). */
static int parse_ts(const char *s, int64_t *out)
{
	char *end;
	long long sec = strtoll(s, &end, 10);
	if (end == s || sec < 0 || sec > 9000000000LL)
		return -1;
	int64_t ns = 0;
	int digits = 0;
	if (*end == '.') {
		for (end++; *end >= '0' && *end <= '9'; end++, digits++)
			if (digits < 9)
				ns = ns * 10 + (*end - '0');
	}
	if (*end)
		return -1;
	for (; digits < 9; digits++)
		ns *= 10;
	*out = (int64_t)sec * 1000000000 + ns;
	return 0;
}

static int parse_addr(const char *s, struct trace_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->addr) == 1) {
		a->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->addr) == 1) {
		a->family = 6;
		return 0;
	}
	return -1;
}

static int parse_u16(const char *s, uint16_t *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (end == s || *end || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/*
 * Zeek logs the answers' rdata as text, not their wire size, so the answer section is estimated
 * per RR as if its owner were a compression pointer (2 octets) followed by type, class, TTL and
 * rdlength (10): an IPv4 address 12 + 4 = 16 octets, an IPv6 address 12 + 16 = 28, anything
 * else (CNAME, PTR, NS targets; MX, SRV and TXT text) 12 + the text's length as an
 * uncompressed name (strlen + 2). ancount is the number of answers; the TTL is the minimum.
 */
static void answers_summary(char *answers, char *ttls, struct trace_response *r)
{
	r->ancount = 0;
	r->answer_size = 0;
	r->min_ttl = 0;
	r->answer_hash = 0;
	if (strcmp(answers, "-") && strcmp(answers, "(empty)")) {
		size_t size = 0;
		for (char *save = NULL, *a = strtok_r(answers, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
			uint8_t buf[16];
			r->ancount++;
			r->answer_hash += XXH3_64bits(a, strlen(a)); /* a sum: the order does not matter */
			if (inet_pton(AF_INET, a, buf) == 1)
				size += 16;
			else if (inet_pton(AF_INET6, a, buf) == 1)
				size += 28;
			else
				size += 12 + strlen(a) + 2;
		}
		r->answer_size = (uint16_t)(size > UINT16_MAX ? UINT16_MAX : size);
	}
	uint32_t min = UINT32_MAX;
	if (strcmp(ttls, "-") && strcmp(ttls, "(empty)"))
		for (char *save = NULL, *t = strtok_r(ttls, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			double v = strtod(t, NULL);
			if (v >= 0 && v < (double)UINT32_MAX && (uint32_t)v < min)
				min = (uint32_t)v;
		}
	r->min_ttl = min == UINT32_MAX ? 0 : min;
}

struct zeek_state {
	struct trace_writer *w;
	const struct import_ctx *ctx;
	int col[ZC__COUNT];
	int have_fields;
	struct seen_table seen;
	unsigned long malformed_reported;
};

/* One data row; returns the accounting line it ends in, or NULL on allocation failure. */
static const char *zeek_row(struct zeek_state *z, char *line, const char *name,
                            unsigned long lineno, struct import_log *log)
{
	char *field[ZEEK_MAX_FIELDS];
	int n = 0;
	for (char *p = line;; ) {
		if (n == ZEEK_MAX_FIELDS)
			break;
		field[n++] = p;
		char *tab = strchr(p, '\t');
		if (!tab)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	const char *v[ZC__COUNT];
	for (int c = 0; c < ZC__COUNT; c++) {
		if (z->col[c] >= n) {
			if (z->malformed_reported++ < 5)
				import_warn(log, "%s:%lu: %d fields, expected at least %d", name, lineno, n, z->col[c] + 1);
			return "skipped.zeek.malformed";
		}
		v[c] = field[z->col[c]];
	}
	if (!strcmp(v[ZC_QUERY], "-") || !strcmp(v[ZC_QTYPE], "-"))
		return "skipped.zeek.no_query";
	int64_t t;
	struct trace_addr client, resolver;
	uint16_t qtype, qclass = DNS_CLASS_IN;
	uint8_t qname[DNS_NAME_MAX], qname_len;
	if (parse_ts(v[ZC_TS], &t) || parse_addr(v[ZC_ORIG_H], &client) ||
	    parse_addr(v[ZC_RESP_H], &resolver) || parse_u16(v[ZC_QTYPE], &qtype) ||
	    (strcmp(v[ZC_QCLASS], "-") && parse_u16(v[ZC_QCLASS], &qclass))) {
		if (z->malformed_reported++ < 5)
			import_warn(log, "%s:%lu: unparsable time, address, type or class", name, lineno);
		return "skipped.zeek.malformed";
	}
	if (dns_name_from_text(v[ZC_QUERY], qname, &qname_len) != DNS_OK)
		return "skipped.zeek.bad_name";
	dns_name_fold(qname, qname_len);
	/* The transaction key: uid, DNS id, folded name, type. */
	char keytext[600];
	int kl = snprintf(keytext, sizeof(keytext), "%.200s|%.20s|%u|", v[ZC_UID], v[ZC_TRANS_ID], qtype);
	memcpy(keytext + kl, qname, qname_len);
	int64_t prev;
	if (seen_update(&z->seen, XXH3_64bits(keytext, (size_t)kl + qname_len), t, &prev))
		return NULL;
	if (prev != INT64_MIN && t - prev < ZEEK_DUPLICATE_NS)
		return "skipped.zeek.duplicate";
	int keep = import_keeps_query(z->ctx, &resolver);
	/* --side client: a query without RD is a resolver's own; its answer still feeds the model. */
	int upstream = keep && z->ctx->client_side_only && strcmp(v[ZC_RD], "T");
	keep &= !upstream;
	uint16_t flags = (!strcmp(v[ZC_RD], "T") ? TRACE_QF_RD : 0) |
	                 (!strcmp(v[ZC_PROTO], "tcp") ? TRACE_QF_TCP : 0);
	if (keep && (trace_writer_add_query(z->w, t, qname, qname_len, qtype, qclass, flags, &client, &resolver) ||
	             trace_writer_count(z->w, "query", 1)))
		return NULL;
	uint16_t rcode;
	if (!strcmp(v[ZC_RCODE], "-") || parse_u16(v[ZC_RCODE], &rcode) || rcode > 15)
		return keep ? "zeek.unanswered" : upstream ? "skipped.upstream_query" : "skipped.zeek.not_to_resolver";
	struct trace_response r = { .time_ns = t, .rcode = (uint8_t)rcode, .aa = !strcmp(v[ZC_AA], "T") };
	answers_summary(field[z->col[ZC_ANSWERS]], field[z->col[ZC_TTLS]], &r);
	if (trace_writer_add_response(z->w, qname, qname_len, qtype, qclass, &r) ||
	    trace_writer_count(z->w, "response", 1))
		return NULL;
	return keep ? "zeek.answered" : upstream ? "zeek.upstream_response_only" : "zeek.response_only";
}

static int zeek_fields(struct zeek_state *z, char *line, const char *name, unsigned long lineno,
                       char *err, size_t err_size)
{
	for (int c = 0; c < ZC__COUNT; c++)
		z->col[c] = -1;
	int i = 0;
	char *save = NULL;
	strtok_r(line, "\t", &save); /* "#fields" */
	for (char *f = strtok_r(NULL, "\t", &save); f; f = strtok_r(NULL, "\t", &save), i++)
		for (int c = 0; c < ZC__COUNT; c++)
			if (!strcmp(f, zeek_col_names[c]))
				z->col[c] = i;
	for (int c = 0; c < ZC__COUNT; c++)
		if (z->col[c] < 0) {
			snprintf(err, err_size, "%s:%lu: Zeek log without a '%s' column: not a dns.log",
			         name, lineno, zeek_col_names[c]);
			return -1;
		}
	z->have_fields = 1;
	return 0;
}

int zeek_import(const struct import_ctx *ctx, FILE *in, const char *name, char *err, size_t err_size)
{
	struct trace_writer *w = ctx->w;
	struct import_log *log = ctx->log;
	struct zeek_state z = { .w = w, .ctx = ctx };
	char line[8192];
	unsigned long lineno = 0;
	uint64_t rows = 0;
	int rc = 0, nul;
	size_t l;
	while (rc == 0 && import_read_line(in, line, sizeof(line), &l, &nul) == 0) {
		lineno++;
		if (l >= sizeof(line) || nul) {
			if (z.have_fields) {
				rows++;
				rc = trace_writer_count(w, "skipped.zeek.malformed", 1);
			}
			continue;
		}
		if (l && line[l - 1] == '\r')
			line[l - 1] = '\0';
		if (line[0] == '#') {
			if (!strncmp(line, "#fields\t", 8) && zeek_fields(&z, line, name, lineno, err, err_size))
				rc = -1;
			continue;
		}
		if (!line[0])
			continue;
		if (!z.have_fields) {
			snprintf(err, err_size, "%s:%lu: data before the #fields line", name, lineno);
			rc = -1;
			break;
		}
		rows++;
		const char *outcome = zeek_row(&z, line, name, lineno, log);
		if (!outcome || trace_writer_count(w, outcome, 1)) {
			snprintf(err, err_size, "%s:%lu: out of memory", name, lineno);
			rc = -1;
		}
	}
	free(z.seen.keys);
	free(z.seen.times);
	if (rc)
		return rc;
	if (!z.have_fields) {
		snprintf(err, err_size, "%s: Zeek log without a #fields line", name);
		return -1;
	}
	if (z.malformed_reported > 5)
		import_warn(log, "%s: %lu malformed rows in all", name, z.malformed_reported);
	char src[512];
	snprintf(src, sizeof(src), "zeek %s rows=%llu", name, (unsigned long long)rows);
	if (trace_writer_count(w, "packets", rows) || trace_writer_add_source(w, src)) {
		snprintf(err, err_size, "%s: out of memory", name);
		return -1;
	}
	return 0;
}
