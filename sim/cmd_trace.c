/*
 * cmd_trace — `sharesim import` and `sharesim info`.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/report.h"
#include "dns/dns_wire.h"
#include "sim/commands.h"
#include "traces/export.h"
#include "traces/import.h"
#include "traces/synth.h"
#include "traces/trace.h"

static const char import_usage[] =
	"usage: sharesim import INPUT... -o FILE.trace [--resolver ADDR[,ADDR...]]\n"
	"                       [--side client|any] [--rate QPS [--clients N] [--seed S]]\n\n"
	"Reads pcap, pcapng, dnstap or Zeek dns.log files (each plain or gzip-compressed, detected\n"
	"by content; - is standard input), merges them in time order and writes one trace file.\n"
	"Captures and dnstap files are streamed: memory grows with the names and records, not with\n"
	"the packets. DNS over UDP and TCP port 53 is imported; every other packet is counted by\n"
	"reason (see `sharesim info`).\n"
	"dnstap (Frame Streams of protobuf:dnstap.Dnstap, as Unbound, BIND, Knot Resolver and\n"
	"PowerDNS write it): CLIENT_QUERY frames are client queries (client = query_address,\n"
	"resolver = response_address), RESOLVER_QUERY frames the resolver's own queries upstream;\n"
	"CLIENT_RESPONSE and RESOLVER_RESPONSE frames feed the record model. Every frame is counted,\n"
	"used or skipped by reason (skipped.dnstap.auth_query, skipped.malformed.<reason>, ...). A\n"
	"file cut short keeps what was read (a warning with the byte offset); damaged framing is an\n"
	"error with the byte offset.\n"
	"--resolver keeps as client queries only those sent to these addresses (the client side of\n"
	"your resolvers, when the capture also holds their upstream traffic); every response seen\n"
	"still feeds the record model.\n"
	"--side client keeps as arrivals only queries with RD set (a stub's); queries without RD\n"
	"(a resolver's own, to authorities) are skipped, their answers still feed the record model.\n"
	"In dnstap the frame type tells instead of RD: RESOLVER_QUERY is skipped, CLIENT_QUERY kept.\n"
	"`sharesim info` tells which side a trace looks like.\n"
	"A dnsperf/resperf query file (\"name type\" per line) has no times: its queries arrive as\n"
	"a Poisson process at --rate QPS (required), from --clients N clients drawn uniformly (1),\n"
	"seeded by --seed S (1), to 192.0.2.53, from Unix time 1700000000.\n";

/* "10.0.0.100,2001:db8::53" into addresses; returns how many, or -1 naming the bad one. */
static int parse_resolvers(char *list, struct trace_addr *out, size_t cap, size_t n)
{
	char *save = NULL;
	for (char *a = strtok_r(list, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
		if (n == cap)
			return -1;
		memset(&out[n], 0, sizeof(out[n]));
		if (inet_pton(AF_INET, a, out[n].addr) == 1)
			out[n].family = 4;
		else if (inet_pton(AF_INET6, a, out[n].addr) == 1)
			out[n].family = 6;
		else {
			fprintf(stderr, "sharesim import: --resolver: '%s' is not an IPv4 or IPv6 address\n", a);
			return -1;
		}
		n++;
	}
	return (int)n;
}

int cmd_import(int argc, char **argv)
{
	const char *out = NULL;
	const char **inputs = calloc((size_t)argc, sizeof(*inputs));
	struct trace_addr resolvers[64];
	int nresolvers = 0;
	double rate = 0;
	int client_side = 0;
	uint32_t clients = 1;
	uint64_t seed = 1;
	size_t n = 0;
	if (!inputs)
		return 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(import_usage, stdout);
			free(inputs);
			return 0;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--resolver") && i + 1 < argc) {
			nresolvers = parse_resolvers(argv[++i], resolvers, 64, (size_t)nresolvers);
			if (nresolvers < 0) {
				free(inputs);
				return 2;
			}
		} else if (!strcmp(argv[i], "--side") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "client"))
				client_side = 1;
			else if (strcmp(argv[i], "any")) {
				fprintf(stderr, "sharesim import: --side: expected client or any, not '%s'\n", argv[i]);
				free(inputs);
				return 2;
			}
		} else if ((!strcmp(argv[i], "--rate") || !strcmp(argv[i], "--clients") || !strcmp(argv[i], "--seed")) &&
		           i + 1 < argc) {
			char *end;
			double v = strtod(argv[i + 1], &end);
			if (*end || end == argv[i + 1] || !(v > 0) || v > 1e12) {
				fprintf(stderr, "sharesim import: %s: expected a positive number, not '%s'\n", argv[i], argv[i + 1]);
				free(inputs);
				return 2;
			}
			if (!strcmp(argv[i], "--rate"))
				rate = v;
			else if (!strcmp(argv[i], "--clients"))
				clients = v > 16777215 ? 16777215 : (uint32_t)v;
			else
				seed = (uint64_t)v;
			i++;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "sharesim import: unknown option '%s'\n%s", argv[i], import_usage);
			free(inputs);
			return 2;
		} else {
			inputs[n++] = argv[i];
		}
	}
	if (!out || n == 0) {
		fputs(import_usage, stderr);
		free(inputs);
		return 2;
	}
	struct import_log log = { .len = 0 };
	char err[1024];
	struct import_ctx options = { .log = &log, .resolvers = resolvers, .resolver_count = (size_t)nresolvers,
		                      .arrival_rate = rate, .arrival_seed = seed, .arrival_clients = clients,
		                      .client_side_only = client_side };
	int rc = trace_import(inputs, n, out, &options, err, sizeof(err));
	free(inputs);
	if (log.len)
		fprintf(stderr, "%s", log.text);
	if (log.dropped)
		fprintf(stderr, "sharesim import: %u more warnings\n", log.dropped);
	if (rc) {
		fprintf(stderr, "sharesim import: %s\n", err);
		return 1;
	}
	struct trace *t;
	if (trace_open(out, &t, err, sizeof(err))) {
		fprintf(stderr, "sharesim import: %s\n", err);
		return 1;
	}
	printf("%s: %llu queries, %llu responses, %u names, %u clients, %.1f s\n", out,
	       (unsigned long long)trace_query_count(t), (unsigned long long)trace_response_count(t),
	       trace_name_count(t), trace_client_count(t), (double)trace_duration_ns(t) / 1e9);
	trace_close(t);
	return 0;
}

static void addr_text(const struct trace_addr *a, char *buf, size_t size)
{
	if (!inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->addr, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

struct count_entry {
	uint32_t key;
	uint64_t count;
};

static int cmp_count_desc(const void *a, const void *b)
{
	const struct count_entry *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* Sorted (count desc) non-zero entries of a dense histogram; returns how many. */
static size_t top_counts(const uint64_t *hist, size_t n, struct count_entry *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (hist[i])
			out[k++] = (struct count_entry){ (uint32_t)i, hist[i] };
	qsort(out, k, sizeof(*out), cmp_count_desc);
	return k;
}

/* Whether every input of a trace was a dnstap file: its sources are one line each. */
static int only_dnstap_sources(const char *sources)
{
	if (!*sources)
		return 0;
	for (const char *line = sources; *line;) {
		if (strncmp(line, "dnstap ", 7) != 0)
			return 0;
		const char *nl = strchr(line, '\n');
		line = nl ? nl + 1 : line + strlen(line);
	}
	return 1;
}

static const char info_usage[] =
	"usage: sharesim info FILE.trace [--json]\n\n"
	"Describes a trace: queries, responses, clients, names, resolver addresses, time span, query\n"
	"type and rcode mix, every packet, dnstap frame or log row the import skipped (by reason), and\n"
	"the sources.\n"
	"--json prints one object with the keys queries, responses, clients, names, records,\n"
	"queried_pairs, changes, changing_records, rd_queries, upstream_queries, resolvers[{address,queries}], start_ns,\n"
	"duration_ns, qtypes{}, rcodes{},\n"
	"accounting{}, sources[], digest.\n";

/*
 * The --json keys (stable; add, never rename):
 *   queries        client queries (arrivals) in the trace
 *   responses      responses that fed the record model
 *   clients        distinct client addresses
 *   names          distinct (case-folded) query names
 *   records        (name, type, class) keys with an answer in the record model
 *   queried_pairs  distinct (name, type, class) keys among the queries
 *   changes        answer changes seen (a response whose answer differs from the one before)
 *   changing_records  (name, type, class) keys with at least one change
 *   rd_queries     queries with RD set (near all: a resolver's client side; near none: its upstream)
 *   upstream_queries  queries a resolver's log calls its own (dnstap RESOLVER_QUERY)
 *   resolvers      [{"address": text, "queries": queries sent to it}], in first-seen order
 *   start_ns       Unix time of the first query, ns; duration_ns: last query - first
 *   qtypes         {type mnemonic: queries}, most frequent first
 *   rcodes         {rcode mnemonic: records whose last response had it}
 *   accounting     {line: count}: "packets" (packets, dnstap frames or log rows read) and every outcome
 *   sources        provenance lines of the inputs
 *   digest         SHA-256 of the trace file, lower-case hex
 */

int cmd_info(int argc, char **argv)
{
	const char *path = NULL;
	int json = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(info_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (argv[i][0] == '-' || path) {
			fprintf(stderr, "sharesim info: unexpected argument '%s'\n%s", argv[i], info_usage);
			return 2;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		fputs(info_usage, stderr);
		return 2;
	}
	struct trace *t;
	char err[1024];
	if (trace_open(path, &t, err, sizeof(err))) {
		fprintf(stderr, "sharesim info: %s\n", err);
		return 1;
	}
	uint64_t nq = trace_query_count(t);
	const struct trace_query *q = trace_queries(t);
	uint64_t *qtypes = calloc(65536, sizeof(uint64_t)), rcodes[16] = { 0 };
	uint32_t nres = trace_resolver_count(t);
	uint64_t *per_resolver = calloc(nres ? nres : 1, sizeof(uint64_t));
	struct count_entry *sorted = malloc(65536 * sizeof(*sorted));
	if (!qtypes || !per_resolver || !sorted) {
		fprintf(stderr, "sharesim info: out of memory\n");
		return 1;
	}
	for (uint64_t i = 0; i < nq; i++) {
		qtypes[q[i].qtype]++;
		per_resolver[q[i].resolver_id]++;
	}
	uint64_t pairs = trace_queried_keys(t);
	uint64_t rd = 0, upstream = 0; /* upstream: as the log said (dnstap frame types) */
	int sides_logged = only_dnstap_sources(trace_sources(t));
	for (uint64_t i = 0; i < nq; i++) {
		rd += (q[i].flags & TRACE_QF_RD) != 0;
		upstream += (q[i].flags & TRACE_QF_UPSTREAM) != 0;
	}
	size_t nchanges, changing = 0;
	const struct trace_change *ch = trace_changes(t, &nchanges);
	for (size_t i = 0; i < nchanges; i++)
		changing += i == 0 || ch[i].name_id != ch[i - 1].name_id || ch[i].qtype != ch[i - 1].qtype ||
		            ch[i].qclass != ch[i - 1].qclass;
	const struct trace_record *rec = trace_records(t);
	for (uint32_t i = 0; i < trace_record_count(t); i++)
		rcodes[rec[i].rcode & 15]++;
	char buf[64], abuf[64];
	size_t ntypes = top_counts(qtypes, 65536, sorted);
	if (json) {
		printf("{\"queries\":%llu,\"responses\":%llu,\"clients\":%u,\"names\":%u,\"records\":%u,"
		       "\"queried_pairs\":%llu,",
		       (unsigned long long)nq, (unsigned long long)trace_response_count(t),
		       trace_client_count(t), trace_name_count(t), trace_record_count(t),
		       (unsigned long long)pairs);
		printf("\"changes\":%zu,\"changing_records\":%zu,\"rd_queries\":%llu,\"upstream_queries\":%llu,",
		       nchanges, changing, (unsigned long long)rd, (unsigned long long)upstream);
		printf("\"resolvers\":[");
		for (uint32_t i = 0; i < nres; i++) {
			addr_text(trace_resolver(t, i), abuf, sizeof(abuf));
			printf("%s{\"address\":\"%s\",\"queries\":%llu}", i ? "," : "", abuf,
			       (unsigned long long)per_resolver[i]);
		}
		printf("],\"start_ns\":%lld,\"duration_ns\":%lld,\"qtypes\":{",
		       (long long)trace_start_time_ns(t), (long long)trace_duration_ns(t));
		for (size_t i = 0; i < ntypes; i++)
			printf("%s\"%s\":%llu", i ? "," : "", dns_type_to_text((uint16_t)sorted[i].key, buf, sizeof(buf)),
			       (unsigned long long)sorted[i].count);
		printf("},\"rcodes\":{");
		for (int i = 0, first = 1; i < 16; i++)
			if (rcodes[i]) {
				printf("%s\"%s\":%llu", first ? "" : ",", dns_rcode_to_text((uint16_t)i, buf, sizeof(buf)),
				       (unsigned long long)rcodes[i]);
				first = 0;
			}
		printf("},\"accounting\":{");
		for (size_t i = 0; i < trace_stat_count(t); i++) {
			printf("%s", i ? "," : "");
			report_json_string(stdout, trace_stats(t)[i].name);
			printf(":%llu", (unsigned long long)trace_stats(t)[i].count);
		}
		printf("},\"sources\":[");
		const char *s = trace_sources(t);
		for (int first = 1; *s; first = 0) {
			const char *nl = strchr(s, '\n');
			size_t l = nl ? (size_t)(nl - s) : strlen(s);
			char line[1024];
			snprintf(line, sizeof(line), "%.*s", (int)l, s);
			printf("%s", first ? "" : ",");
			report_json_string(stdout, line);
			s += l + (nl ? 1 : 0);
		}
		printf("],\"digest\":\"%s\"}\n", trace_digest(t));
	} else {
		time_t start = (time_t)(trace_start_time_ns(t) / 1000000000);
		char when[64];
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&start));
		printf("trace      %s\ndigest     sha256:%s\n", path, trace_digest(t));
		printf("queries    %llu\nresponses  %llu\nclients    %u\nnames      %u\n"
		       "name/type  %llu queried, %u with an answer in the record model\n",
		       (unsigned long long)nq, (unsigned long long)trace_response_count(t),
		       trace_client_count(t), trace_name_count(t), (unsigned long long)pairs,
		       trace_record_count(t));
		printf("changes    %zu answer changes seen, on %zu name/types\n", nchanges, changing);
		if (sides_logged && nq) /* a resolver's log says which side each query was on */
			printf("side       %s (from the log: %llu client, %llu upstream queries; RD set in %.1f %%)\n",
			       upstream == 0    ? "client side of a resolver"
			       : upstream == nq ? "upstream side (a resolver's queries to authorities)"
			                        : "both sides of a resolver",
			       (unsigned long long)(nq - upstream), (unsigned long long)upstream,
			       100.0 * (double)rd / (double)nq);
		else
			printf("side       %s (RD set in %.1f %% of the queries)\n",
			       nq == 0 ? "no queries" : rd * 10 >= nq * 9 ? "client side of a resolver" :
			       rd * 10 <= nq ? "upstream side (a resolver's queries to authorities)" : "mixed",
			       nq ? 100.0 * (double)rd / (double)nq : 0.0);
		printf("time span  %s, %.3f s\n", when, (double)trace_duration_ns(t) / 1e9);
		printf("resolvers  %u address(es)\n", nres);
		for (uint32_t i = 0; i < nres && i < 10; i++) {
			addr_text(trace_resolver(t, i), abuf, sizeof(abuf));
			printf("  %-40s %llu queries\n", abuf, (unsigned long long)per_resolver[i]);
		}
		if (nres > 10)
			printf("  ... and %u more\n", nres - 10);
		printf("qtypes\n");
		for (size_t i = 0; i < ntypes && i < 10; i++)
			printf("  %-10s %10llu  %5.1f%%\n", dns_type_to_text((uint16_t)sorted[i].key, buf, sizeof(buf)),
			       (unsigned long long)sorted[i].count, 100.0 * (double)sorted[i].count / (double)nq);
		printf("rcodes (per name/type answered)\n");
		for (int i = 0; i < 16; i++)
			if (rcodes[i])
				printf("  %-10s %10llu  %5.1f%%\n", dns_rcode_to_text((uint16_t)i, buf, sizeof(buf)),
				       (unsigned long long)rcodes[i],
				       100.0 * (double)rcodes[i] / (double)trace_record_count(t));
		printf("accounting (packets, dnstap frames or log rows, by outcome)\n");
		for (size_t i = 0; i < trace_stat_count(t); i++)
			printf("  %-36s %10llu\n", trace_stats(t)[i].name,
			       (unsigned long long)trace_stats(t)[i].count);
		printf("sources\n");
		const char *s = trace_sources(t);
		while (*s) {
			const char *nl = strchr(s, '\n');
			size_t l = nl ? (size_t)(nl - s) : strlen(s);
			printf("  %.*s\n", (int)l, s);
			s += l + (nl ? 1 : 0);
		}
	}
	free(qtypes);
	free(per_resolver);
	free(sorted);
	trace_close(t);
	return 0;
}

static const char synth_usage[] =
	"usage: sharesim synth -o FILE.pcap|- [-n QUERIES] [--names N] [--alpha A] [--clients N]\n"
	"                      [--client-alpha A] [--rate QPS] [--nxdomain P] [--responses] [--seed S]\n"
	"                      [--flood P [--flood-clients K]] [--private P [--private-names M]]\n\n"
	"Writes a synthetic workload as a real pcap (raw IPv4): Poisson arrivals at QPS (1000), Zipf\n"
	"popularity over N generated names (100000, alpha 0.9: Jung et al. 2002) and over N clients\n"
	"(1000, alpha 0.9), types A 65 %, AAAA 25 %, PTR 5 %, TXT and MX 2.5 % each, NXDOMAIN share\n"
	"P (0.05) and per-name TTLs from the OpenDNS 2012 distribution. --responses adds the\n"
	"resolver's answers (AA, full TTL) 20 ms after each query. -n defaults to 1000000.\n"
	"-o - writes the capture to standard output (sharesim synth -o - ... | sharesim import - ...).\n"
	"--flood P replaces a share P of the queries by a random-subdomain flood (x<8 hex>.flood.example,\n"
	"type A, NXDOMAIN, each name new) from K extra clients (10), as in the DNS water-torture\n"
	"attacks the draft's section 7.2.2 worries about; the regular queries stay those of the seed.\n"
	"--private P makes a share P of each client's queries (0) for names of its own, Zipf with the\n"
	"names' alpha over M names per client (1000; p<rank>.c<client>.synth.example): the long tail\n"
	"only one client asks for (Jung et al. 2002), which no sharing of caches serves; the other\n"
	"queries stay those of the seed.\n";

static int parse_number(const char *opt, const char *text, double min, double max, double *out)
{
	char *end;
	double v = strtod(text, &end);
	if (end == text || *end || !(v >= min && v <= max)) {
		fprintf(stderr, "sharesim synth: %s: bad value '%s' (expected %g..%g)\n", opt, text, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int cmd_synth(int argc, char **argv)
{
	struct synth_params p;
	synth_defaults(&p);
	const char *out = NULL;
	for (int i = 1; i < argc; i++) {
		double v;
		const char *o = argv[i];
		if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
			fputs(synth_usage, stdout);
			return 0;
		} else if (!strcmp(o, "--responses")) {
			p.responses = 1;
		} else if (i + 1 >= argc) {
			fprintf(stderr, "sharesim synth: unexpected argument '%s'\n%s", o, synth_usage);
			return 2;
		} else if (!strcmp(o, "-o")) {
			out = argv[++i];
		} else if (!strcmp(o, "-n")) {
			if (parse_number(o, argv[++i], 1, 1e10, &v)) return 2;
			p.queries = (uint64_t)v;
		} else if (!strcmp(o, "--names")) {
			if (parse_number(o, argv[++i], 1, 1e8, &v)) return 2;
			p.names = (uint32_t)v;
		} else if (!strcmp(o, "--alpha")) {
			if (parse_number(o, argv[++i], 0, 5, &p.alpha)) return 2;
		} else if (!strcmp(o, "--clients")) {
			if (parse_number(o, argv[++i], 1, 16777216, &v)) return 2;
			p.clients = (uint32_t)v;
		} else if (!strcmp(o, "--client-alpha")) {
			if (parse_number(o, argv[++i], 0, 5, &p.client_alpha)) return 2;
		} else if (!strcmp(o, "--rate")) {
			if (parse_number(o, argv[++i], 1e-3, 1e9, &p.rate)) return 2;
		} else if (!strcmp(o, "--nxdomain")) {
			if (parse_number(o, argv[++i], 0, 1, &p.nxdomain)) return 2;
		} else if (!strcmp(o, "--flood")) {
			if (parse_number(o, argv[++i], 0, 1, &p.flood)) return 2;
		} else if (!strcmp(o, "--flood-clients")) {
			if (parse_number(o, argv[++i], 1, 1e6, &v)) return 2;
			p.flood_clients = (uint32_t)v;
		} else if (!strcmp(o, "--private")) {
			if (parse_number(o, argv[++i], 0, 1, &p.private_share)) return 2;
		} else if (!strcmp(o, "--private-names")) {
			if (parse_number(o, argv[++i], 1, 1e8, &v)) return 2;
			p.private_names = (uint32_t)v;
		} else if (!strcmp(o, "--seed")) {
			if (parse_number(o, argv[++i], 0, 1.8e19, &v)) return 2;
			p.seed = (uint64_t)v;
		} else {
			fprintf(stderr, "sharesim synth: unexpected argument '%s'\n%s", o, synth_usage);
			return 2;
		}
	}
	if (!out) {
		fputs(synth_usage, stderr);
		return 2;
	}
	char err[1024];
	if (synth_write(&p, out, err, sizeof(err))) {
		fprintf(stderr, "sharesim synth: %s\n", err);
		return 1;
	}
	FILE *summary = strcmp(out, "-") ? stdout : stderr; /* "-": the capture itself is on stdout */
	fprintf(summary, "%s: %llu queries%s over %u names and %u clients, %.0f q/s, seed %llu", out,
	        (unsigned long long)p.queries, p.responses ? " and responses" : "", p.names, p.clients,
	        p.rate, (unsigned long long)p.seed);
	if (p.flood > 0)
		fprintf(summary, ", %.1f %% random-subdomain flood from %u clients", 100 * p.flood, p.flood_clients);
	if (p.private_share > 0)
		fprintf(summary, ", %.1f %% of each client's queries for its own %u names", 100 * p.private_share,
		        p.private_names);
	fputc('\n', summary);
	return 0;
}

static const char export_usage[] =
	"usage: sharesim export FILE.trace -o FILE.pcap\n\n"
	"Writes the trace's client queries as a pcap (raw IP, UDP to port 53, at their times), for\n"
	"replay to a real resolver (experiments/validate-unbound, dnsperf, dnsjit).\n";

int cmd_export(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(export_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (argv[i][0] == '-' || in) {
			fprintf(stderr, "sharesim export: unexpected argument '%s'\n%s", argv[i], export_usage);
			return 2;
		} else {
			in = argv[i];
		}
	}
	if (!in || !out) {
		fputs(export_usage, stderr);
		return 2;
	}
	struct trace *t;
	char err[1024];
	if (trace_open(in, &t, err, sizeof(err))) {
		fprintf(stderr, "sharesim export: %s\n", err);
		return 1;
	}
	int64_t n = trace_export_queries(t, out, err, sizeof(err));
	trace_close(t);
	if (n < 0) {
		fprintf(stderr, "sharesim export: %s\n", err);
		return 1;
	}
	printf("%s: %lld queries\n", out, (long long)n);
	return 0;
}
