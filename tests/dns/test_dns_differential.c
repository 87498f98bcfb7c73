/*
 * dns_wire against ldns (tests/dns/dns_differential.c) on: the DNS fuzz corpora, every DNS
 * message of the bundled captures and of the capture corpus (UDP, TCP streams, reassembled
 * fragments), and hand-made edge cases. Exact counts of each verdict: a change in either parser
 * that moves one message shows here, and no message may disagree.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <pcap/pcap.h>

#include "dns/dns_wire.h"
#include "dns_differential.h"
#include "test_util.h"
#include "traces/ip_reasm.h"
#include "traces/pcap_decode.h"
#include "traces/tcp_stream.h"

static const char *source_dir(void)
{
	const char *d = getenv("SHARESIM_SOURCE_DIR");
	return d ? d : ".";
}

static void print_hex(const uint8_t *wire, size_t len)
{
	for (size_t i = 0; i < len; i++)
		printf("%02x", wire[i]);
	printf("\n");
}

/* Compare from a heap copy of exactly len bytes (so ASan sees any overread) and count. */
static enum dns_diff_verdict tally(struct dns_diff_tally *t, const uint8_t *wire, size_t len)
{
	uint8_t *exact = malloc(len ? len : 1);
	assert_non_null(exact);
	if (len)
		memcpy(exact, wire, len);
	struct dns_diff_result r;
	enum dns_diff_verdict v = dns_diff_tally_add(t, exact, len, &r);
	if (v == DNS_DIFF_DISAGREE) {
		printf("disagreement (ours %s, ldns %d): %s\n", dns_strerror(r.ours), r.ldns, r.why);
		print_hex(exact, len);
	}
	free(exact);
	return v;
}

static void expect(const struct dns_diff_tally *t, const char *what, uint64_t total,
                   uint64_t accept, uint64_t reject, uint64_t trailing, uint64_t pointer,
                   uint64_t opt, uint64_t tsig, uint64_t rdata)
{
	printf("%s: %llu messages compared: %llu both accept, %llu both reject, legitimate "
	       "differences: %llu trailing, %llu pointer, %llu opt, %llu tsig, %llu ldns_rdata; %llu disagree\n",
	       what, (unsigned long long)t->total, (unsigned long long)t->n[DNS_DIFF_BOTH_ACCEPT],
	       (unsigned long long)t->n[DNS_DIFF_BOTH_REJECT], (unsigned long long)t->n[DNS_DIFF_TRAILING],
	       (unsigned long long)t->n[DNS_DIFF_POINTER], (unsigned long long)t->n[DNS_DIFF_OPT],
	       (unsigned long long)t->n[DNS_DIFF_TSIG], (unsigned long long)t->n[DNS_DIFF_LDNS_RDATA],
	       (unsigned long long)t->n[DNS_DIFF_DISAGREE]);
	assert_int_equal(t->n[DNS_DIFF_DISAGREE], 0);
	assert_int_equal(t->total, total);
	assert_int_equal(t->n[DNS_DIFF_BOTH_ACCEPT], accept);
	assert_int_equal(t->n[DNS_DIFF_BOTH_REJECT], reject);
	assert_int_equal(t->n[DNS_DIFF_TRAILING], trailing);
	assert_int_equal(t->n[DNS_DIFF_POINTER], pointer);
	assert_int_equal(t->n[DNS_DIFF_OPT], opt);
	assert_int_equal(t->n[DNS_DIFF_TSIG], tsig);
	assert_int_equal(t->n[DNS_DIFF_LDNS_RDATA], rdata);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	assert_non_null(buf);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of a corpus directory, each a DNS message. */
static void tally_dir(struct dns_diff_tally *t, const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	char *names[512];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 512)
		if (e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		size_t len;
		uint8_t *data = read_file(path, &len);
		enum dns_diff_verdict v = tally(t, data, len);
		if (v != DNS_DIFF_BOTH_ACCEPT)
			printf("  %s: %s\n", names[i], dns_diff_verdict_name(v));
		free(data);
		free(names[i]);
	}
}

static int tcp_message(void *ctx, int64_t time_ns, const struct decoded_packet *m)
{
	(void)time_ns;
	tally(ctx, m->payload, m->payload_len);
	return 0;
}

/* Every DNS message of a capture: UDP payloads, messages cut from TCP streams, and UDP
 * datagrams put back together from IP fragments, as the importer finds them. */
static void tally_pcap(struct dns_diff_tally *t, const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!pc)
		fail_msg("%s: %s", path, err);
	int linktype = pcap_datalink(pc);
	struct tcp_streams *streams = NULL;
	struct ip_reasm *reasm = NULL;
	assert_int_equal(tcp_streams_new(&streams), 0);
	assert_int_equal(ip_reasm_new(&reasm), 0);
	struct pcap_pkthdr *h;
	const u_char *frame;
	while (pcap_next_ex(pc, &h, &frame) == 1) {
		int64_t ts = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec;
		struct decoded_packet p;
		enum pkt_outcome o = pcap_decode_packet(linktype, frame, h->caplen, 53, &p);
		if (o == PKT_UDP) {
			tally(t, p.payload, p.payload_len);
		} else if (o == PKT_TCP_DNS) {
			assert_true(tcp_streams_feed(streams, ts, &p, tcp_message, t) >= 0);
		} else if (o == PKT_FRAGMENT) {
			struct reasm_datagram d;
			if (ip_reasm_feed(reasm, ts, &p, &d) != REASM_COMPLETE)
				continue;
			struct decoded_packet whole = { .src = p.src, .dst = p.dst };
			if (pcap_decode_transport(p.src.family == 4 ? 4 : 6, d.proto, d.data, d.len, 53,
			                          &whole) == PKT_UDP)
				tally(t, whole.payload, whole.payload_len);
		}
	}
	ip_reasm_free(reasm);
	tcp_streams_free(streams);
	pcap_close(pc);
}

static void test_fuzz_corpora(void **state)
{
	(void)state;
	char dir[4096];
	struct dns_diff_tally t;
	memset(&t, 0, sizeof(t));
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/fuzz_dns_msg", source_dir());
	tally_dir(&t, dir);
	expect(&t, "fuzz_dns_msg corpus", 9, 7, 2, 0, 0, 0, 0, 0);
	memset(&t, 0, sizeof(t));
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/fuzz_share_receive", source_dir());
	tally_dir(&t, dir);
	expect(&t, "fuzz_share_receive corpus", 19, 16, 2, 0, 0, 0, 0, 1);
	memset(&t, 0, sizeof(t));
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/fuzz_dns_differential", source_dir());
	tally_dir(&t, dir);
	expect(&t, "fuzz_dns_differential corpus", 139, 34, 75, 10, 3, 5, 5, 7);
}

static void test_bundled_captures(void **state)
{
	(void)state;
	static const char *const files[] = {
		"traces/data/cznic-dnsjit-pellets-20191011.pcap",
		"traces/data/dnsoarc-dnscap-test-dns.pcap",
		"traces/data/icann-root-knot-live-20161006.pcap",
	};
	/* messages, both accept, both reject */
	static const uint64_t totals[][3] = { { 91, 91, 0 }, { 82, 82, 0 }, { 16531, 16529, 2 } };
	struct dns_diff_tally all;
	memset(&all, 0, sizeof(all));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[4096];
		struct dns_diff_tally t;
		memset(&t, 0, sizeof(t));
		snprintf(path, sizeof(path), "%s/%s", source_dir(), files[i]);
		tally_pcap(&t, path);
		expect(&t, files[i], totals[i][0], totals[i][1], totals[i][2], 0, 0, 0, 0, 0);
		for (int v = 0; v < DNS_DIFF_VERDICTS; v++)
			all.n[v] += t.n[v];
		all.total += t.total;
	}
	expect(&all, "bundled captures", 16704, 16702, 2, 0, 0, 0, 0, 0);
}

static void test_capture_corpus(void **state)
{
	(void)state;
	static const char *const files[] = {
		"dnscap.pcap", "fragments.pcap", "null-loop.pcap", "pellets-rawip.pcap", "root-cut.pcap",
		"root-tcp.pcap", "sll.pcap", "sll2.pcap", "vlan2-frag-tcp.pcap",
	};
	struct dns_diff_tally t;
	memset(&t, 0, sizeof(t));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/fuzz_pcap_import/%s", source_dir(), files[i]);
		tally_pcap(&t, path);
	}
	expect(&t, "fuzz_pcap_import corpus captures", 191, 191, 0, 0, 0, 0, 0, 0);
}

/* A response signed by dnspython 2.3 (www.example.com A, two answers, OPT 1232, TSIG). */
static const char signed_response_hex[] =
	"12348500000100020000000203777777076578616d706c6503636f6d0000010001c00c000100010000012c0004c0"
	"000202c00c000100010000012c0004c000020100002904d0000000000000057368617265076578616d706c650000fa"
	"00ff00000000003d0b686d61632d7368613235360000005ab687a8012c0020755b50edf6e6688392e4d811e5d7e53d"
	"027c7074bbf8551d67dc564e8e5cc3b0123400000000";

/* Every cut of a real response is rejected by both. */
static void test_truncations(void **state)
{
	(void)state;
	uint8_t signed_response[512];
	size_t len = hex_decode(signed_response_hex, signed_response, sizeof(signed_response));
	char path[4096];
	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/fuzz_dns_msg/dnscap-4", source_dir());
	size_t real_len;
	uint8_t *real = read_file(path, &real_len); /* google.com NS from the dnscap capture: 261 bytes */
	struct dns_diff_tally t;
	memset(&t, 0, sizeof(t));
	for (size_t cut = 0; cut <= len; cut++)
		tally(&t, signed_response, cut);
	for (size_t cut = 0; cut <= real_len; cut++)
		tally(&t, real, cut);
	free(real);
	expect(&t, "truncations", 162 + 1 + 261 + 1, 2, 162 + 261, 0, 0, 0, 0, 0);
}

/* Header of a query or response with the given counts. */
static size_t header(uint8_t *w, uint16_t flags, unsigned qd, unsigned an, unsigned ns, unsigned ar)
{
	const uint8_t h[12] = { 0xab, 0xcd, (uint8_t)(flags >> 8), (uint8_t)flags, 0, (uint8_t)qd,
		                0, (uint8_t)an, 0, (uint8_t)ns, 0, (uint8_t)ar };
	memcpy(w, h, 12);
	return 12;
}

static size_t put(uint8_t *w, size_t at, const void *bytes, size_t n)
{
	memcpy(w + at, bytes, n);
	return at + n;
}

/* A record: owner bytes, then type, class IN, TTL 300, rdlength and rdata. */
static size_t record(uint8_t *w, size_t at, const void *owner, size_t owner_len, uint16_t type,
                     const void *rdata, uint16_t rdlength)
{
	at = put(w, at, owner, owner_len);
	const uint8_t f[10] = { (uint8_t)(type >> 8), (uint8_t)type, 0, 1, 0, 0, 0x01, 0x2c,
		                (uint8_t)(rdlength >> 8), (uint8_t)rdlength };
	at = put(w, at, f, 10);
	return put(w, at, rdata, rdlength);
}

static const uint8_t www_example[] = "\3www\7example\3com"; /* with its final 0: 17 bytes */
static const uint8_t q_a_in[] = { 0, 1, 0, 1 };
static const uint8_t ptr12[] = { 0xc0, 12 };
static const uint8_t a_rdata[] = { 192, 0, 2, 1, 192, 0, 2, 2 };
static const uint8_t opt_fields[] = { 0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0 }; /* root OPT, DO */

/* One case: a message and the verdict the comparator must give. */
static void check(struct dns_diff_tally *t, const char *what, const uint8_t *w, size_t len,
                  enum dns_diff_verdict want)
{
	enum dns_diff_verdict v = tally(t, w, len);
	printf("  %-44s %s\n", what, dns_diff_verdict_name(v));
	const char *seeds = getenv("SHARESIM_DIFF_SEED_DIR"); /* to refresh the fuzz corpus */
	if (seeds) {
		char path[4096], *c;
		snprintf(path, sizeof(path), "%s/edge-%s", seeds, what);
		for (c = path + strlen(seeds) + 1; *c; c++)
			if (*c == ' ')
				*c = '-';
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(w, 1, len, f), len);
		fclose(f);
	}
	assert_int_equal(v, want);
}

static void test_edge_cases(void **state)
{
	(void)state;
	struct dns_diff_tally t;
	memset(&t, 0, sizeof(t));
	uint8_t w[1024];
	size_t n;

	/* Base: a response with two A records, then the same with OPT. */
	n = header(w, 0x8180, 1, 2, 0, 0);
	n = put(w, n, www_example, 17);
	n = put(w, n, q_a_in, 4);
	n = record(w, n, ptr12, 2, 1, a_rdata, 4);
	n = record(w, n, ptr12, 2, 1, a_rdata + 4, 4);
	size_t base = n;
	check(&t, "two A records", w, n, DNS_DIFF_BOTH_ACCEPT);
	w[11] = 1;
	n = put(w, base, opt_fields, sizeof(opt_fields));
	check(&t, "with OPT", w, n, DNS_DIFF_BOTH_ACCEPT);
	w[1]++;
	check(&t, "trailing byte", w, n + 1, DNS_DIFF_TRAILING);
	/* OPT twice (RFC 6891: FORMERR). */
	w[11] = 2;
	n = put(w, n, opt_fields, sizeof(opt_fields));
	check(&t, "OPT twice", w, n, DNS_DIFF_OPT);
	/* OPT in the answer section. */
	n = header(w, 0x8180, 1, 1, 0, 0);
	n = put(w, n, www_example, 17);
	n = put(w, n, q_a_in, 4);
	n = put(w, n, opt_fields, sizeof(opt_fields));
	check(&t, "OPT in the answer section", w, n, DNS_DIFF_OPT);
	/* OPT owned by www.example.com. */
	n = header(w, 0x8180, 1, 0, 0, 1);
	n = put(w, n, www_example, 17);
	n = put(w, n, q_a_in, 4);
	n = put(w, n, ptr12, 2);
	n = put(w, n, opt_fields + 1, sizeof(opt_fields) - 1);
	check(&t, "OPT not at the root", w, n, DNS_DIFF_OPT);

	/* TSIG: the signed response, then its TSIG moved before the OPT, then two TSIGs. */
	uint8_t signed_response[512];
	size_t slen = hex_decode(signed_response_hex, signed_response, sizeof(signed_response));
	check(&t, "TSIG last", signed_response, slen, DNS_DIFF_BOTH_ACCEPT);
	/* OPT is 65..75, TSIG 76..161. */
	n = put(w, 0, signed_response, 65);
	n = put(w, n, signed_response + 76, slen - 76);
	n = put(w, n, signed_response + 65, 11);
	check(&t, "TSIG before OPT", w, n, DNS_DIFF_TSIG);
	n = put(w, 0, signed_response, slen);
	n = put(w, n, signed_response + 76, slen - 76);
	w[11] = 3;
	check(&t, "TSIG twice", w, n, DNS_DIFF_TSIG);
	n = put(w, 0, signed_response, 12);
	w[7] = 1, w[11] = 0; /* ancount 1: TSIG in the answer section */
	n = put(w, n, signed_response + 12, 21);
	n = put(w, n, signed_response + 76, slen - 76);
	check(&t, "TSIG in the answer section", w, n, DNS_DIFF_TSIG);

	/* Pointers. */
	n = header(w, 0x0100, 1, 0, 0, 0);
	n = put(w, n, ptr12, 2);
	n = put(w, n, q_a_in, 4);
	check(&t, "pointer to itself", w, n, DNS_DIFF_BOTH_REJECT);
	n = header(w, 0x0100, 1, 0, 0, 0);
	n = put(w, n, "\xc0\x0e\xc0\x0c", 4);
	n = put(w, n, q_a_in, 4);
	check(&t, "loop of two pointers", w, n, DNS_DIFF_BOTH_REJECT);
	n = header(w, 0x0100, 1, 0, 0, 0);
	n = put(w, n, "\1a\xc0\x0c", 4);
	n = put(w, n, q_a_in, 4);
	check(&t, "loop through a label", w, n, DNS_DIFF_BOTH_REJECT);
	n = header(w, 0x0100, 1, 0, 0, 0);
	w[0] = w[1] = 0; /* id 0: offset 0 reads as the root */
	n = put(w, n, "\xc0\x00", 2);
	n = put(w, n, q_a_in, 4);
	check(&t, "pointer to offset 0", w, n, DNS_DIFF_BOTH_REJECT);
	w[13] = 5; /* qdcount's low byte, 1: a label of one byte, then ancount's low byte, 0 */
	check(&t, "pointer into the header", w, n, DNS_DIFF_POINTER);
	/* A forward pointer: the question names the CNAME target that follows it. */
	n = header(w, 0x8180, 1, 1, 0, 0);
	n = put(w, n, "\xc0\x1d", 2);
	n = put(w, n, q_a_in, 4);
	n = record(w, n, "", 1, 5, "\3foo", 5);
	check(&t, "forward pointer", w, n, DNS_DIFF_POINTER);
	/* A pointer going up: the second answer's owner points back to 44 ("bar", in the RDATA
	 * of a record of unknown type), whose pointer goes up to 50 ("baz"). */
	n = header(w, 0x8180, 1, 2, 0, 0);
	n = put(w, n, www_example, 17);      /* 12..28 */
	n = put(w, n, q_a_in, 4);            /* 29..32 */
	n = record(w, n, "", 1, 65280, "\3bar\xc0\x32\3baz", 11); /* RDATA at 44 */
	n = record(w, n, "\xc0\x2c", 2, 1, a_rdata, 4);
	check(&t, "pointer above the previous target", w, n, DNS_DIFF_POINTER);

	/* Labels and names at and past their limits. */
	n = header(w, 0x0100, 1, 0, 0, 0);
	w[n++] = 63;
	memset(w + n, 'a', 63);
	n += 63;
	w[n++] = 0;
	n = put(w, n, q_a_in, 4);
	check(&t, "label of 63", w, n, DNS_DIFF_BOTH_ACCEPT);
	n = header(w, 0x0100, 1, 0, 0, 0);
	w[n++] = 64;
	memset(w + n, 'a', 64);
	n += 64;
	w[n++] = 0;
	n = put(w, n, q_a_in, 4);
	check(&t, "label of 64", w, n, DNS_DIFF_BOTH_REJECT);
	for (int extra = 0; extra <= 1; extra++) { /* names of 255 and 256 octets */
		n = header(w, 0x0100, 1, 0, 0, 0);
		const int labels[4] = { 63, 63, 63, 61 + extra };
		for (int i = 0; i < 4; i++) {
			w[n++] = (uint8_t)labels[i];
			memset(w + n, 'b', (size_t)labels[i]);
			n += (size_t)labels[i];
		}
		w[n++] = 0;
		assert_int_equal(n - 12, 255 + extra);
		n = put(w, n, q_a_in, 4);
		check(&t, extra ? "name of 256" : "name of 255", w, n,
		      extra ? DNS_DIFF_BOTH_REJECT : DNS_DIFF_BOTH_ACCEPT);
	}
	/* A name of 256 made by a pointer: 253 octets of labels, then a pointer to "c.". */
	n = header(w, 0x8180, 1, 1, 0, 0);
	n = put(w, n, "\1c", 3);
	n = put(w, n, q_a_in, 4);
	size_t owner_at = n;
	const int labels[4] = { 63, 63, 63, 60 }; /* 253 octets, and 3 of "c." */
	for (int i = 0; i < 4; i++) {
		w[n++] = (uint8_t)labels[i];
		memset(w + n, 'd', (size_t)labels[i]);
		n += (size_t)labels[i];
	}
	n = put(w, n, ptr12, 2);
	assert_int_equal(n - owner_at, 255);
	n = record(w, n, "", 0, 1, a_rdata, 4);
	check(&t, "name of 256 through a pointer", w, n, DNS_DIFF_BOTH_REJECT);
	n = header(w, 0x0100, 1, 0, 0, 0);
	n = put(w, n, "\x80\1a\0", 4);
	n = put(w, n, q_a_in, 4);
	check(&t, "reserved label type", w, n, DNS_DIFF_BOTH_REJECT);

	/* RDATA that ldns reads by its schema and we take as opaque bytes. */
	n = header(w, 0x8180, 1, 1, 0, 0);
	n = put(w, n, www_example, 17);
	n = put(w, n, q_a_in, 4);
	size_t ans = n;
	n = record(w, n, ptr12, 2, 1, a_rdata, 3);
	check(&t, "A with 3 bytes of RDATA", w, n, DNS_DIFF_LDNS_RDATA);
	n = record(w, ans, ptr12, 2, 1, a_rdata, 8);
	check(&t, "A with 8 bytes of RDATA", w, n, DNS_DIFF_LDNS_RDATA);
	n = record(w, ans, ptr12, 2, 5, "\3foo\0", 3); /* a CNAME name running past rdlength */
	n = put(w, n, "o\0", 2);
	w[7] = 1;
	check(&t, "CNAME target past rdlength", w, n, DNS_DIFF_LDNS_RDATA);
	n = record(w, ans, ptr12, 2, 5, "\xc0\x00", 2); /* a pointer to 0 inside RDATA */
	check(&t, "CNAME target pointing to 0", w, n, DNS_DIFF_LDNS_RDATA);
	n = record(w, ans, ptr12, 2, 5, "\3foo", 5);
	check(&t, "CNAME", w, n, DNS_DIFF_BOTH_ACCEPT);

	expect(&t, "edge cases", 28, 6, 8, 1, 3, 3, 3, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz_corpora),
		cmocka_unit_test(test_bundled_captures),
		cmocka_unit_test(test_capture_corpus),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_edge_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
