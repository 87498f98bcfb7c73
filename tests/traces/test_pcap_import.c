/*
 * `sharesim import` on captures, through trace_import() as the command calls it: the bundled
 * captures with exact counts (measured with tshark, reconciled below), and small captures
 * written here with libpcap's own pcap_dump for every link type and every accounting line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "trace_checks.h"
#include <pcap/pcap.h>
#include <zlib.h>

#include "dns/dns_wire.h"
#include "traces/import.h"
#include "traces/trace.h"

static char dir[64];

static const char *tmp_path(const char *name)
{
	static char paths[16][128];
	static unsigned next;
	char *p = paths[next++ % 16];
	snprintf(p, 128, "%s/%s", dir, name);
	return p;
}


/* Import inputs into a trace and open it; returns 0 or the import's error (err set). */
static int import_open(const char *const *inputs, size_t n, struct trace **t, struct import_log *log,
                       char *err, size_t err_size)
{
	const char *out = tmp_path("out.trace");
	struct import_ctx ctx = { .log = log };
	unlink(out);
	int rc = trace_import(inputs, n, out, &ctx, err, err_size);
	if (rc)
		return rc;
	assert_int_equal(trace_open(out, t, err, err_size), 0);
	return 0;
}

static const char *data_path(const char *file)
{
	static char p[1024];
	const char *src = getenv("SHARESIM_SOURCE_DIR");
	snprintf(p, sizeof(p), "%s/traces/data/%s", src ? src : "../..", file);
	return p;
}

/* ---- the bundled captures ---- */

static void test_pellets(void **state)
{
	(void)state;
	const char *in[] = { data_path("cznic-dnsjit-pellets-20191011.pcap") };
	struct import_log log = { .len = 0 };
	struct trace *t;
	char err[512];
	assert_int_equal(import_open(in, 1, &t, &log, err, sizeof(err)), 0);
	assert_int_equal(stat_of(t, "packets"), 91); /* raw IPv6 (LINKTYPE_RAW) */
	assert_int_equal(stat_of(t, "query"), 91);
	assert_int_equal(trace_query_count(t), 91);
	assert_int_equal(trace_response_count(t), 0);
	assert_int_equal(trace_client_count(t), 29);
	assert_int_equal(trace_name_count(t), 59);
	assert_int_equal(trace_stat_count(t), 2);
	assert_int_equal(trace_client(t, 0)->family, 6);
	assert_int_equal(log.len, 0);
	trace_close(t);
}

static void test_dnscap(void **state)
{
	(void)state;
	const char *in[] = { data_path("dnsoarc-dnscap-test-dns.pcap") };
	struct import_log log = { .len = 0 };
	struct trace *t;
	char err[512];
	assert_int_equal(import_open(in, 1, &t, &log, err, sizeof(err)), 0);
	/* tshark -T fields -e frame.protocols: 82 ip:udp:dns, 41 ip:icmp:data, 10 arp. */
	assert_int_equal(stat_of(t, "packets"), 133);
	assert_int_equal(stat_of(t, "query"), 41);
	assert_int_equal(stat_of(t, "response"), 41);
	assert_int_equal(stat_of(t, "skipped.not_udp_tcp"), 41); /* ICMP */
	assert_int_equal(stat_of(t, "skipped.not_ip"), 10);      /* ARP */
	assert_int_equal(trace_stat_count(t), 5);
	assert_int_equal(trace_query_count(t), 41);
	assert_int_equal(trace_response_count(t), 41);
	assert_int_equal(trace_client_count(t), 1);
	assert_int_equal(trace_resolver_count(t), 1);
	assert_accounting_adds_up(t);
	trace_close(t);
}

static void test_root(void **state)
{
	(void)state;
	const char *in[] = { data_path("icann-root-knot-live-20161006.pcap") };
	struct import_log log = { .len = 0 };
	struct trace *t;
	char err[512];
	assert_int_equal(import_open(in, 1, &t, &log, err, sizeof(err)), 0);
	/*
	 * 17,493 frames, by tshark:
	 *   16,345 UDP port 53 outside ICMP (8,174 queries + 8,171 responses). tshark's often
	 *          quoted "8,190 UDP responses" also counts the 19 DNS responses quoted inside
	 *          ICMP/ICMPv6 errors (filter udp.port==53 matches the quoted header).
	 *          sharesim: 8,169 queries + 8,170 responses; 2 queries whose names exceed 255
	 *          octets (malformed.bad_label), 2 queries without a question (no_question), and an
	 *          UPDATE with its response (opcode 5: not_query_opcode).
	 *      956 TCP port 53: 763 control segments (SYN/FIN/RST/ACK), 191 with data, 2
	 *          retransmitted; reassembled into 93 queries and 93 responses as tshark finds.
	 *      189 ICMP/ICMPv6: 175 not_udp_tcp; 14 are ICMP errors whose outer IPv4 total length
	 *          claims more than the frame carries (tshark: "IPv4 total length exceeds packet
	 *          length"), counted as skipped.truncated before their protocol is looked at.
	 *        3 UDP between other ports (not_dns_port).
	 */
	const struct { const char *name; uint64_t count; } expected[] = {
		{ "packets", 17493 }, { "query", 8169 }, { "response", 8170 },
		{ "skipped.malformed.bad_label", 2 }, { "skipped.no_question", 2 },
		{ "skipped.not_query_opcode", 2 }, { "tcp.control", 763 }, { "tcp.data", 191 },
		{ "tcp.retransmission", 2 }, { "message.tcp.query", 93 }, { "message.tcp.response", 93 },
		{ "skipped.not_udp_tcp", 175 }, { "skipped.truncated", 14 }, { "skipped.not_dns_port", 3 },
	};
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		if (stat_of(t, expected[i].name) != expected[i].count)
			fail_msg("%s: %llu, expected %llu", expected[i].name,
			         (unsigned long long)stat_of(t, expected[i].name), (unsigned long long)expected[i].count);
	}
	assert_int_equal(trace_stat_count(t), sizeof(expected) / sizeof(expected[0]));
	assert_int_equal(trace_query_count(t), 8169 + 93);
	assert_int_equal(trace_response_count(t), 8170 + 93);
	assert_int_equal(trace_client_count(t), 2186);
	assert_int_equal(trace_name_count(t), 7329);
	uint64_t tcp = 0;
	for (uint64_t i = 0; i < trace_query_count(t); i++)
		tcp += (trace_queries(t)[i].flags & TRACE_QF_TCP) != 0;
	assert_int_equal(tcp, 93);
	assert_accounting_adds_up(t);
	trace_close(t);
}

/* ---- captures written here ---- */

static const uint8_t client4[4] = { 192, 0, 2, 1 }, resolver4[4] = { 192, 0, 2, 53 };
static const uint8_t client6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t resolver6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0, [15] = 0x53 };

static size_t put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; return 2; }
static size_t put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
	return 4;
}

/* A DNS message: header, one question (qdcount 0 if name is NULL), an A answer if ttl > 0,
 * and an OPT with DO if edns_do. */
static size_t dns(uint8_t *out, uint16_t flags, const char *name, uint16_t qtype, uint32_t ttl, int edns_do)
{
	size_t n = put16(out, 0x4242);
	n += put16(out + n, flags);
	n += put16(out + n, name ? 1 : 0);
	n += put16(out + n, ttl ? 1 : 0);
	n += put16(out + n, 0);
	n += put16(out + n, edns_do ? 1 : 0);
	if (name) {
		uint8_t wire[DNS_NAME_MAX], len;
		assert_int_equal(dns_name_from_text(name, wire, &len), 0);
		memcpy(out + n, wire, len);
		n += len;
		n += put16(out + n, qtype);
		n += put16(out + n, 1);
	}
	if (ttl) {
		n += put16(out + n, 0xc00c);
		n += put16(out + n, 1);
		n += put16(out + n, 1);
		n += put32(out + n, ttl);
		n += put16(out + n, 4);
		memcpy(out + n, "\x5d\xb8\xd8\x22", 4);
		n += 4;
	}
	if (edns_do) {
		out[n++] = 0;
		n += put16(out + n, 41);
		n += put16(out + n, 1232);
		n += put32(out + n, 0x8000); /* DO */
		n += put16(out + n, 0);
	}
	return n;
}

static size_t udp(uint8_t *out, uint16_t sp, uint16_t dp, const uint8_t *pl, size_t len)
{
	put16(out, sp);
	put16(out + 2, dp);
	put16(out + 4, (uint16_t)(8 + len));
	put16(out + 6, 0);
	memcpy(out + 8, pl, len);
	return 8 + len;
}

static size_t tcp(uint8_t *out, uint16_t sp, uint16_t dp, uint32_t seq, uint8_t flags,
                  const uint8_t *pl, size_t len)
{
	memset(out, 0, 20);
	put16(out, sp);
	put16(out + 2, dp);
	put32(out + 4, seq);
	out[12] = 5 << 4;
	out[13] = flags | 0x10; /* ACK */
	put16(out + 14, 65535);
	if (len)
		memcpy(out + 20, pl, len);
	return 20 + len;
}

static size_t ip4(uint8_t *out, uint8_t proto, uint16_t frag, int reply, const uint8_t *l4, size_t len)
{
	memset(out, 0, 20);
	out[0] = 0x45;
	put16(out + 2, (uint16_t)(20 + len));
	put16(out + 6, frag);
	out[8] = 64;
	out[9] = proto;
	memcpy(out + 12, reply ? resolver4 : client4, 4);
	memcpy(out + 16, reply ? client4 : resolver4, 4);
	memcpy(out + 20, l4, len);
	return 20 + len;
}

/* IPv6, with a hop-by-hop options header (8 bytes, PadN) if hbh. */
static size_t ip6(uint8_t *out, int hbh, uint8_t proto, const uint8_t *l4, size_t len)
{
	size_t ext = hbh ? 8 : 0;
	memset(out, 0, 40 + ext);
	out[0] = 0x60;
	put16(out + 4, (uint16_t)(ext + len));
	out[6] = hbh ? 0 : proto;
	out[7] = 64;
	memcpy(out + 8, client6, 16);
	memcpy(out + 24, resolver6, 16);
	if (hbh) {
		out[40] = proto;
		out[41] = 0;
		out[42] = 1; /* PadN */
		out[43] = 4;
	}
	memcpy(out + 40 + ext, l4, len);
	return 40 + ext + len;
}

/* Ethernet with the given VLAN tags (TPIDs) before the EtherType. */
static size_t eth(uint8_t *out, const uint16_t *tpids, int ntags, uint16_t type, const uint8_t *pl, size_t len)
{
	memset(out, 0, 12);
	out[5] = 1;
	out[11] = 2;
	size_t n = 12;
	for (int i = 0; i < ntags; i++) {
		n += put16(out + n, tpids[i]);
		n += put16(out + n, (uint16_t)(100 + i));
	}
	n += put16(out + n, type);
	memcpy(out + n, pl, len);
	return n + len;
}

struct cap {
	pcap_t *pd;
	pcap_dumper_t *d;
};

static void cap_open(struct cap *c, const char *path, int linktype)
{
	c->pd = pcap_open_dead_with_tstamp_precision(linktype, 65535, PCAP_TSTAMP_PRECISION_NANO);
	assert_non_null(c->pd);
	c->d = pcap_dump_open(c->pd, path);
	assert_non_null(c->d);
}

static void cap_add(struct cap *c, int64_t t_ns, const uint8_t *frame, size_t len, size_t caplen)
{
	struct pcap_pkthdr h;
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(t_ns / 1000000000);
	h.ts.tv_usec = (suseconds_t)(t_ns % 1000000000); /* nanoseconds with the nano precision */
	h.caplen = (bpf_u_int32)caplen;
	h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)c->d, &h, frame);
}

static void cap_close(struct cap *c)
{
	pcap_dump_close(c->d);
	pcap_close(c->pd);
}

#define T0 1700000000000000000LL
#define SEC 1000000000LL

/* One UDP query from the client over IPv4, in *ip; returns its length. */
static size_t udp_query4(uint8_t *ip, const char *name, uint16_t qtype, uint16_t flags, int edns_do)
{
	uint8_t m[512], u[600];
	size_t n = dns(m, flags, name, qtype, 0, edns_do);
	n = udp(u, 40000, 53, m, n);
	return ip4(ip, 17, 0, 0, u, n);
}

/* The Ethernet capture: one frame for each accounting line. */
static size_t write_ethernet(const char *path)
{
	static const uint16_t two_tags[] = { 0x88a8, 0x8100 }, one_tag[] = { 0x8100 };
	struct cap c;
	uint8_t f[2048], ip[1024], l4[1024], m[512];
	size_t n;
	int64_t t = T0 + 2 * SEC;
	cap_open(&c, path, DLT_EN10MB);
	/* 0: 802.1ad + 802.1Q double tag, a query with RD */
	n = eth(f, two_tags, 2, 0x0800, ip, udp_query4(ip, "a.Example", 1, 0x0100, 0));
	cap_add(&c, t, f, n, n);
	/* 1: ARP */
	uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };
	n = eth(f, NULL, 0, 0x0806, arp, sizeof(arp));
	cap_add(&c, t + 1000, f, n, n);
	/* 2: ICMP echo */
	uint8_t icmp[8] = { 8, 0 };
	n = eth(f, NULL, 0, 0x0800, ip, ip4(ip, 1, 0, 0, icmp, sizeof(icmp)));
	cap_add(&c, t + 2000, f, n, n);
	/* 3: UDP between other ports */
	size_t mn = dns(m, 0, "x.example", 1, 0, 0);
	n = eth(f, NULL, 0, 0x0800, ip, ip4(ip, 17, 0, 0, l4, udp(l4, 40000, 5353, m, mn)));
	cap_add(&c, t + 3000, f, n, n);
	/* 4: a "first fragment" whose length is not a multiple of 8 (RFC 791): bad */
	n = eth(f, NULL, 0, 0x0800, ip, ip4(ip, 17, 0x2000, 0, l4, udp(l4, 40000, 53, m, mn)));
	cap_add(&c, t + 4000, f, n, n);
	/* 5: garbage on port 53 */
	n = eth(f, NULL, 0, 0x0800, ip, ip4(ip, 17, 0, 0, l4, udp(l4, 40000, 53, (const uint8_t *)"\1\2\3", 3)));
	cap_add(&c, t + 5000, f, n, n);
	/* 6: a query cut by the snap length: 60 of its bytes captured */
	n = eth(f, one_tag, 1, 0x0800, ip, udp_query4(ip, "cut.example", 1, 0, 0));
	cap_add(&c, t + 6000, f, n, 60);
	/* 7: NOTIFY (opcode 4) */
	n = eth(f, NULL, 0, 0x0800, ip, udp_query4(ip, "example", 6, 4 << 11, 0));
	cap_add(&c, t + 7000, f, n, n);
	/* 8: a query without a question */
	n = eth(f, NULL, 0, 0x0800, ip, udp_query4(ip, NULL, 0, 0, 0));
	cap_add(&c, t + 8000, f, n, n);
	/* 9, 10: DNS over TCP: the SYN, then a segment with one length-prefixed query */
	n = eth(f, NULL, 0, 0x0800, ip, ip4(ip, 6, 0, 0, l4, tcp(l4, 40001, 53, 1000, 0x02, NULL, 0)));
	cap_add(&c, t + 9000, f, n, n);
	mn = dns(m + 2, 0x0100, "tcp.example", 28, 0, 0);
	put16(m, (uint16_t)mn);
	n = eth(f, NULL, 0, 0x0800, ip, ip4(ip, 6, 0, 0, l4, tcp(l4, 40001, 53, 1001, 0, m, mn + 2)));
	cap_add(&c, t + 10000, f, n, n);
	/* 11: IPv6 with a hop-by-hop header: a query with CD and DO */
	mn = dns(m, 0x0010, "v6.example", 28, 0, 1);
	n = eth(f, NULL, 0, 0x86dd, ip, ip6(ip, 1, 17, l4, udp(l4, 40002, 53, m, mn)));
	cap_add(&c, t + 11000, f, n, n);
	/* 12: the answer to query 0: AA, TTL 300 */
	mn = dns(m, 0x8000 | 0x0400 | 0x0100, "a.example", 1, 300, 0);
	n = eth(f, NULL, 0, 0x0800, ip, ip4(ip, 17, 0, 1, l4, udp(l4, 53, 40000, m, mn)));
	cap_add(&c, t + 12000, f, n, n);
	cap_close(&c);
	return 13;
}

/* A capture of one link type holding the query (and optionally a response) at time t. */
static void write_simple(const char *path, int linktype, int64_t t, const char *name, int with_response)
{
	struct cap c;
	uint8_t f[2048], ip[1024], l4[1024], m[512];
	size_t n = 0, ipn = udp_query4(ip, name, 1, 0x0100, 0);
	cap_open(&c, path, linktype);
	if (linktype == DLT_LINUX_SLL) { /* packet type, ARPHRD, address length, address, protocol */
		memset(f, 0, 16);
		put16(f + 2, 1);
		put16(f + 4, 6);
		put16(f + 14, 0x0800);
		n = 16;
	} else if (linktype == DLT_LINUX_SLL2) { /* protocol, reserved, ifindex, ARPHRD, ... */
		memset(f, 0, 20);
		put16(f, 0x0800);
		put32(f + 4, 2);
		put16(f + 8, 1);
		n = 20;
	} else if (linktype == DLT_NULL) { /* AF_INET in the writer's (here: this host's) order */
		uint32_t af = 2;
		memcpy(f, &af, 4);
		n = 4;
	}
	if (linktype == DLT_RAW) {
		size_t mn = dns(m, 0x0100, name, 28, 0, 0);
		ipn = ip6(ip, 0, 17, l4, udp(l4, 40003, 53, m, mn));
	}
	memcpy(f + n, ip, ipn);
	cap_add(&c, t, f, n + ipn, n + ipn);
	if (with_response) {
		size_t mn = dns(m, 0x8000 | 0x0100 | 0x0080, name, 1, 200, 0);
		ipn = ip4(ip, 17, 0, 1, l4, udp(l4, 53, 40000, m, mn));
		memcpy(f + n, ip, ipn);
		cap_add(&c, t + 1000000, f, n + ipn, n + ipn);
	}
	cap_close(&c);
}

static void test_written_captures(void **state)
{
	(void)state;
	const char *sll = tmp_path("sll.pcap"), *sll2 = tmp_path("sll2.pcap"), *null = tmp_path("null.pcap");
	const char *ether = tmp_path("ether.pcap"), *raw6 = tmp_path("raw6.pcap");
	write_simple(sll, DLT_LINUX_SLL, T0 + 5 * SEC, "A.EXAMPLE", 1);
	write_simple(sll2, DLT_LINUX_SLL2, T0 + 1 * SEC + 123, "sll2.example", 0);
	write_simple(null, DLT_NULL, T0 + 3 * SEC, "null.example", 0);
	write_simple(raw6, DLT_RAW, T0 + 4 * SEC, "raw6.example", 0);
	assert_int_equal(write_ethernet(ether), 13);
	const char *in[] = { sll, sll2, null, ether, raw6 };
	struct import_log log = { .len = 0 };
	struct trace *t;
	char err[512];
	assert_int_equal(import_open(in, 5, &t, &log, err, sizeof(err)), 0);
	const struct { const char *name; uint64_t count; } expected[] = {
		{ "packets", 2 + 1 + 1 + 13 + 1 }, { "query", 2 + 4 }, { "response", 2 },
		{ "skipped.not_ip", 1 }, { "skipped.not_udp_tcp", 1 }, { "skipped.not_dns_port", 1 },
		{ "skipped.fragment.bad", 1 }, { "skipped.malformed.truncated", 1 }, { "skipped.truncated", 1 },
		{ "skipped.not_query_opcode", 1 }, { "skipped.no_question", 1 }, { "tcp.control", 1 },
		{ "tcp.data", 1 }, { "message.tcp.query", 1 },
	};
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
		if (stat_of(t, expected[i].name) != expected[i].count)
			fail_msg("%s: %llu, expected %llu", expected[i].name,
			         (unsigned long long)stat_of(t, expected[i].name), (unsigned long long)expected[i].count);
	assert_int_equal(trace_stat_count(t), sizeof(expected) / sizeof(expected[0]));
	assert_accounting_adds_up(t);
	assert_int_equal(log.len, 0);
	/* Merged in time order across the five inputs, nanoseconds kept. */
	assert_int_equal(trace_query_count(t), 7);
	assert_int_equal(trace_response_count(t), 2);
	assert_int_equal(trace_start_time_ns(t), T0 + SEC + 123);
	const struct {
		int64_t time;
		const char *name;
		uint16_t qtype, flags;
		int family;
	} q[] = {
		{ 0, "sll2.example", 1, TRACE_QF_RD, 4 },
		{ SEC - 123, "a.example", 1, TRACE_QF_RD, 4 },
		{ SEC - 123 + 10000, "tcp.example", 28, TRACE_QF_RD | TRACE_QF_TCP, 4 },
		{ SEC - 123 + 11000, "v6.example", 28, TRACE_QF_CD | TRACE_QF_DO, 6 },
		{ 2 * SEC - 123, "null.example", 1, TRACE_QF_RD, 4 },
		{ 3 * SEC - 123, "raw6.example", 28, TRACE_QF_RD, 6 },
		{ 4 * SEC - 123, "a.example", 1, TRACE_QF_RD, 4 },
	};
	for (size_t i = 0; i < 7; i++) {
		const struct trace_query *tq = &trace_queries(t)[i];
		uint8_t wire[DNS_NAME_MAX], len;
		uint32_t id;
		assert_int_equal(tq->time_ns, q[i].time);
		assert_int_equal(dns_name_from_text(q[i].name, wire, &len), 0);
		assert_int_equal(trace_name_lookup(t, wire, len, &id), 0);
		assert_int_equal(tq->name_id, id);
		assert_int_equal(tq->qtype, q[i].qtype);
		assert_int_equal(tq->qclass, 1);
		assert_int_equal(tq->flags, q[i].flags);
		assert_int_equal(trace_client(t, tq->client_id)->family, q[i].family);
		assert_int_equal(trace_resolver(t, tq->resolver_id)->family, q[i].family);
		assert_memory_equal(trace_resolver(t, tq->resolver_id)->addr, q[i].family == 4 ? resolver4 : resolver6,
		                    q[i].family == 4 ? 4 : 16);
	}
	assert_int_equal(trace_resolver_count(t), 2);
	assert_int_equal(trace_client_count(t), 2);
	/* a.example A: answered with AA and TTL 300 (Ethernet) and without AA, TTL 200 (SLL). */
	const struct trace_record *r = trace_record_find(t, trace_queries(t)[1].name_id, 1, 1);
	assert_non_null(r);
	assert_int_equal(r->responses, 2);
	assert_int_equal(r->max_ttl, 300);
	assert_int_equal(r->ancount, 1);
	assert_int_equal(r->answer_size, 16);
	assert_int_equal(r->flags, TRACE_RF_AA | TRACE_RF_TTL_EXACT);
	assert_int_equal(trace_record_count(t), 1);
	const char *src = trace_sources(t);
	assert_non_null(strstr(src, "linktype=113 packets=2 sha256="));
	assert_non_null(strstr(src, "linktype=276 packets=1 sha256="));
	assert_non_null(strstr(src, "linktype=0 packets=1 sha256="));
	assert_non_null(strstr(src, "linktype=1 packets=13 sha256="));
	trace_close(t);

	/* The Ethernet capture gzip-compressed: the same accounting. */
	FILE *f = fopen(ether, "rb");
	uint8_t buf[8192];
	size_t len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	const char *gz = tmp_path("ether.pcap.gz");
	gzFile z = gzopen(gz, "wb");
	assert_int_equal(gzwrite(z, buf, (unsigned)len), (int)len);
	gzclose(z);
	const char *in_gz[] = { gz };
	assert_int_equal(import_open(in_gz, 1, &t, &log, err, sizeof(err)), 0);
	assert_int_equal(stat_of(t, "packets"), 13);
	assert_int_equal(stat_of(t, "query"), 2);
	assert_int_equal(stat_of(t, "message.tcp.query"), 1);
	assert_int_equal(trace_query_count(t), 3);
	assert_accounting_adds_up(t);
	trace_close(t);
	/* The gzip file cut short (zlib reports it only through gzerror): what came through is
	 * imported, and both the capture's and the gzip stream's ends are told. */
	FILE *gzf = fopen(gz, "rb");
	uint8_t zbuf[8192];
	size_t zlen = fread(zbuf, 1, sizeof(zbuf), gzf);
	fclose(gzf);
	const char *gz_cut = tmp_path("ether-cut.pcap.gz");
	gzf = fopen(gz_cut, "wb");
	fwrite(zbuf, 1, zlen - 30, gzf); /* into the deflate data: the trailer and some blocks gone */
	fclose(gzf);
	const char *in_gz_cut[] = { gz_cut };
	log.len = 0;
	log.text[0] = '\0';
	assert_int_equal(import_open(in_gz_cut, 1, &t, &log, err, sizeof(err)), 0);
	assert_true(stat_of(t, "packets") < 13);
	assert_accounting_adds_up(t);
	assert_non_null(strstr(log.text, "ether-cut.pcap.gz: gzip data cut short after "));
	trace_close(t);

	/* Cut inside the last record: the 12 whole packets are imported, the cut counted and told. */
	const char *cut = tmp_path("cut.pcap");
	f = fopen(cut, "wb");
	fwrite(buf, 1, len - 5, f);
	fclose(f);
	const char *in_cut[] = { cut };
	assert_int_equal(import_open(in_cut, 1, &t, &log, err, sizeof(err)), 0);
	assert_int_equal(stat_of(t, "packets"), 12);
	assert_int_equal(stat_of(t, "error.truncated_capture"), 1);
	assert_int_equal(stat_of(t, "response"), 0);
	assert_accounting_adds_up(t);
	assert_non_null(strstr(log.text, "cut.pcap: capture truncated or damaged after packet 12"));
	trace_close(t);
	/* Cut inside the file header: not a readable capture. */
	f = fopen(cut, "wb");
	fwrite(buf, 1, 10, f);
	fclose(f);
	assert_int_not_equal(import_open(in_cut, 1, &t, &log, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "cut.pcap: not a readable capture"));
}

static void test_bad_inputs(void **state)
{
	(void)state;
	struct import_log log = { .len = 0 };
	struct trace *t;
	char err[512], expected[600];
	const char *txt = tmp_path("notes.txt");
	FILE *f = fopen(txt, "w");
	fputs("hello, not a capture\n", f);
	fclose(f);
	const char *in[] = { txt };
	assert_int_not_equal(import_open(in, 1, &t, &log, err, sizeof(err)), 0);
	snprintf(expected, sizeof(expected), "%s: not a pcap, pcapng, dnstap, Zeek dns.log or dnsperf query file (plain or gzip)", txt);
	assert_string_equal(err, expected);
	struct stat st;
	assert_int_not_equal(stat(tmp_path("out.trace"), &st), 0); /* nothing written */
	/* An empty file, and gzip of text: the same. */
	f = fopen(txt, "w");
	fclose(f);
	assert_int_not_equal(import_open(in, 1, &t, &log, err, sizeof(err)), 0);
	assert_string_equal(err, expected);
	gzFile z = gzopen(txt, "wb");
	gzputs(z, "still not a capture\n");
	gzclose(z);
	assert_int_not_equal(import_open(in, 1, &t, &log, err, sizeof(err)), 0);
	assert_string_equal(err, expected);
	/* A link type the decoder does not know: named. */
	const char *wifi = tmp_path("wifi.pcap");
	struct cap c;
	cap_open(&c, wifi, DLT_IEEE802_11);
	uint8_t frame[24] = { 0 };
	cap_add(&c, T0, frame, sizeof(frame), sizeof(frame));
	cap_close(&c);
	const char *in_wifi[] = { wifi };
	assert_int_not_equal(import_open(in_wifi, 1, &t, &log, err, sizeof(err)), 0);
	snprintf(expected, sizeof(expected), "%s: unsupported link type 105 (IEEE802_11)", wifi);
	assert_string_equal(err, expected);
	/* A missing file. */
	const char *in_missing[] = { tmp_path("missing.pcap") };
	assert_int_not_equal(import_open(in_missing, 1, &t, &log, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "missing.pcap: No such file or directory"));
	/* A capture without packets: an empty trace. */
	const char *empty = tmp_path("empty.pcap");
	cap_open(&c, empty, DLT_EN10MB);
	cap_close(&c);
	const char *in_empty[] = { empty };
	assert_int_equal(import_open(in_empty, 1, &t, &log, err, sizeof(err)), 0);
	assert_int_equal(trace_query_count(t), 0);
	assert_int_equal(stat_of(t, "packets"), 0);
	trace_close(t);
}

static int setup(void **state)
{
	(void)state;
	return scratch_dir_make(dir, "pcap-import");
}

static int teardown(void **state)
{
	(void)state;
	return scratch_dir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pellets),
		cmocka_unit_test(test_dnscap),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_written_captures),
		cmocka_unit_test(test_bad_inputs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
