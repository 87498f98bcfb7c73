/* Frames of every supported link type, built byte by byte, and a capture through import. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <pcap/dlt.h>

#include "traces/import.h"
#include "traces/pcap_decode.h"
#include "traces/trace.h"
#include "traces/trace_writer.h"

/* A DNS query for example.com A, RD. */
static const uint8_t dns_query[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1 };

/* IPv4 + UDP (sport 40000 -> 53) + DNS into out; returns the length. */
static size_t ipv4_udp(uint8_t *out, uint8_t proto, uint16_t frag)
{
	size_t udp_len = 8 + sizeof(dns_query), total = 20 + udp_len;
	memset(out, 0, 28);
	out[0] = 0x45; out[2] = (uint8_t)(total >> 8); out[3] = (uint8_t)total;
	out[6] = (uint8_t)(frag >> 8); out[7] = (uint8_t)frag;
	out[8] = 64; out[9] = proto;
	out[12] = 192; out[13] = 0; out[14] = 2; out[15] = 1;
	out[16] = 192; out[17] = 0; out[18] = 2; out[19] = 53;
	out[20] = 0x9c; out[21] = 0x40; out[22] = 0; out[23] = 53;
	out[24] = (uint8_t)(udp_len >> 8); out[25] = (uint8_t)udp_len;
	memcpy(out + 28, dns_query, sizeof(dns_query));
	return total;
}

/* IPv6 with a hop-by-hop header + UDP + DNS. */
static size_t ipv6_udp(uint8_t *out)
{
	size_t udp_len = 8 + sizeof(dns_query), plen = 8 + udp_len;
	memset(out, 0, 56);
	out[0] = 0x60; out[4] = (uint8_t)(plen >> 8); out[5] = (uint8_t)plen;
	out[6] = 0; /* hop-by-hop */ out[7] = 64;
	out[8] = 0x20; out[9] = 0x01; out[10] = 0x0d; out[11] = 0xb8; out[23] = 1;
	out[24] = 0x20; out[25] = 0x01; out[26] = 0x0d; out[27] = 0xb8; out[39] = 0x53;
	out[40] = 17; out[41] = 0; /* next UDP, 8 bytes */
	out[48] = 0x9c; out[49] = 0x40; out[50] = 0; out[51] = 53;
	out[52] = (uint8_t)(udp_len >> 8); out[53] = (uint8_t)udp_len;
	memcpy(out + 56, dns_query, sizeof(dns_query));
	return 40 + plen;
}

static void expect_query(int linktype, const uint8_t *frame, size_t len, int family)
{
	struct decoded_packet p;
	assert_int_equal(pcap_decode_packet(linktype, frame, len, 53, &p), PKT_UDP);
	assert_int_equal(p.payload_len, sizeof(dns_query));
	assert_memory_equal(p.payload, dns_query, sizeof(dns_query));
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.dport, 53);
	assert_int_equal(p.src.family, family);
}

static void test_link_types(void **state)
{
	(void)state;
	uint8_t f[256];
	size_t n;
	/* Ethernet with two VLAN tags (802.1ad outer, 802.1Q inner). */
	memset(f, 0, 22);
	f[12] = 0x88; f[13] = 0xa8; f[16] = 0x81; f[17] = 0x00; f[20] = 0x08; f[21] = 0x00;
	n = ipv4_udp(f + 22, 17, 0);
	expect_query(DLT_EN10MB, f, 22 + n, 4);
	/* Linux cooked v1: protocol at 14. */
	memset(f, 0, 16);
	f[14] = 0x86; f[15] = 0xdd;
	n = ipv6_udp(f + 16);
	expect_query(DLT_LINUX_SLL, f, 16 + n, 6);
	/* Linux cooked v2: protocol first. */
	memset(f, 0, 20);
	f[0] = 0x08; f[1] = 0x00;
	n = ipv4_udp(f + 20, 17, 0);
	expect_query(276, f, 20 + n, 4);
	/* BSD loopback: AF_INET in host order; DLT_LOOP: AF_INET6 (BSD values 24/28/30) big-endian. */
	memset(f, 0, 4);
	f[0] = 2;
	n = ipv4_udp(f + 4, 17, 0);
	expect_query(DLT_NULL, f, 4 + n, 4);
	memset(f, 0, 4);
	f[3] = 30;
	n = ipv6_udp(f + 4);
	expect_query(DLT_LOOP, f, 4 + n, 6);
	/* Raw IP. */
	n = ipv4_udp(f, 17, 0);
	expect_query(DLT_RAW, f, n, 4);
	n = ipv6_udp(f);
	expect_query(229, f, n, 6);
}

static void test_outcomes(void **state)
{
	(void)state;
	uint8_t f[256];
	struct decoded_packet p;
	size_t n = ipv4_udp(f, 6, 0); /* TCP, ports 40000 -> 53 */
	assert_int_equal(pcap_decode_packet(DLT_RAW, f, n, 53, &p), PKT_TRUNCATED); /* a UDP-sized body is no TCP header */
	n = ipv4_udp(f, 17, 0x2000); /* more fragments */
	assert_int_equal(pcap_decode_packet(DLT_RAW, f, n, 53, &p), PKT_FRAGMENT);
	n = ipv4_udp(f, 1, 0);
	assert_int_equal(pcap_decode_packet(DLT_RAW, f, n, 53, &p), PKT_NOT_UDP_TCP);
	n = ipv4_udp(f, 17, 0);
	f[23] = 54; /* not port 53 */
	assert_int_equal(pcap_decode_packet(DLT_RAW, f, n, 53, &p), PKT_NOT_DNS_PORT);
	n = ipv4_udp(f, 17, 0);
	for (size_t cut = 0; cut < n; cut++) /* every snap length short of the packet */
		assert_int_equal(pcap_decode_packet(DLT_RAW, f, cut, 53, &p), PKT_TRUNCATED);
	uint8_t arp[42] = { [12] = 0x08, [13] = 0x06 };
	assert_int_equal(pcap_decode_packet(DLT_EN10MB, arp, sizeof(arp), 53, &p), PKT_NOT_IP);
	assert_string_equal(pkt_outcome_name(PKT_TCP_DNS), "skipped.tcp");
	assert_false(pcap_linktype_supported(105)); /* 802.11 */
}

/* A little-endian microsecond pcap of the given frames, built in memory. */
static size_t pcap_file(uint8_t *out, uint32_t linktype, const uint8_t *const *frames,
                        const size_t *lens, size_t count, uint32_t snaplen)
{
	uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, snaplen, linktype };
	memcpy(out, hdr, 24);
	size_t off = 24;
	for (size_t i = 0; i < count; i++) {
		uint32_t caplen = lens[i] < snaplen ? (uint32_t)lens[i] : snaplen;
		uint32_t rec[4] = { 1700000000u + (uint32_t)i, 250000, caplen, (uint32_t)lens[i] };
		memcpy(out + off, rec, 16);
		memcpy(out + off + 16, frames[i], caplen);
		off += 16 + caplen;
	}
	return off;
}

static void test_import_accounting(void **state)
{
	(void)state;
	uint8_t a[128], b[128], c[128], d[128], file[1024];
	size_t la = ipv4_udp(a, 17, 0), lb = ipv4_udp(b, 6, 0), lc = ipv4_udp(c, 17, 0);
	memcpy(d, a, la);
	d[28 + 2] |= 0x80; /* QR: a response... */
	d[28 + 12] = 0xc0; d[28 + 13] = 0x0c; /* ...whose question name points at itself */
	const uint8_t *frames[] = { a, b, c, d };
	const size_t lens[] = { la, lb, lc, la };
	size_t n = pcap_file(file, DLT_RAW, frames, lens, 4, 65535);
	struct trace_writer *w;
	struct import_log log = { .len = 0 };
	char err[256];
	assert_int_equal(trace_writer_new(&w), 0);
	struct import_ctx ctx = { .w = w, .log = &log };
	assert_int_equal(import_buffer(&ctx, file, n, "mem.pcap", err, sizeof(err)), 0);
	/* Cut the capture in the middle of its last record: imported up to there, reported. */
	assert_int_equal(import_buffer(&ctx, file, n - 5, "cut.pcap", err, sizeof(err)), 0);
	assert_non_null(strstr(log.text, "cut.pcap: capture truncated or damaged after packet 3"));
	assert_int_not_equal(import_buffer(&ctx, (const uint8_t *)"hello world", 11, "x.txt", err, sizeof(err)), 0);
	assert_string_equal(err, "x.txt: not a pcap, pcapng, dnstap, Zeek dns.log or dnsperf query file (plain or gzip)");
	assert_int_not_equal(import_buffer(&ctx, (const uint8_t *)"", 0, "empty", err, sizeof(err)), 0);
	assert_string_equal(err, "empty: not a pcap, pcapng, dnstap, Zeek dns.log or dnsperf query file (plain or gzip)");
	char path[] = "/tmp/sharesim-import-XXXXXX";
	close(mkstemp(path));
	assert_int_equal(trace_writer_write(w, path, err, sizeof(err)), 0);
	trace_writer_free(w);
	struct trace *t;
	assert_int_equal(trace_open(path, &t, err, sizeof(err)), 0);
	assert_int_equal(trace_query_count(t), 4);
	const struct { const char *name; uint64_t count; } expected[] = {
		{ "query", 4 }, { "skipped.truncated", 2 }, /* a UDP body is no TCP header */
		{ "skipped.malformed.bad_pointer", 1 },
		{ "packets", 7 }, { "error.truncated_capture", 1 },
	};
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		uint64_t got = 0;
		for (size_t k = 0; k < trace_stat_count(t); k++)
			if (!strcmp(trace_stats(t)[k].name, expected[i].name))
				got = trace_stats(t)[k].count;
		assert_int_equal(got, expected[i].count);
	}
	assert_int_equal(trace_queries(t)[1].time_ns, 0); /* the two captures overlap in time */
	assert_int_equal(trace_queries(t)[2].time_ns, 2000000000LL);
	trace_close(t);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_types),
		cmocka_unit_test(test_outcomes),
		cmocka_unit_test(test_import_accounting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
