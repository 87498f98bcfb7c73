/* The share capture: every message as a real IPv4 or IPv6 + UDP packet, read back with libpcap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pcap/pcap.h>

#include "nodes/share.h"
#include "nodes/share_pcap.h"
#include "scenario_util.h"

#define KEY "hmac-sha256:share.test.:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
#define SIGNED_AT 1700000000ULL

/* The one's complement sum of 16-bit words, folded: 0xffff over data that carries its checksum. */
static uint16_t csum(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

struct sent { uint32_t src, dst; int group; int64_t t_ns; size_t len; };

static size_t share_msg(const struct dns_tsig_key *key, uint16_t id, uint16_t ancount, uint8_t *buf)
{
	uint8_t name[DNS_NAME_MAX], nlen;
	dns_name_from_text("www.example.org", name, &nlen);
	struct sim_params p = { .question = SHARE_QUESTION_KEEP, .edns_udp_size = 1232, .tsig_fudge = 300 };
	struct share_content c = { .id = id, .qname = name, .qname_len = nlen, .qtype = DNS_TYPE_AAAA,
		                   .qclass = DNS_CLASS_IN, .aa = 1, .ttl = 300, .ancount = ancount, .seed = 1 };
	size_t len;
	assert_int_equal(share_build(&p, key, &c, SIGNED_AT, buf, SHARE_MSG_MAX, &len), 0);
	return len;
}

static void expect_address(int v, const uint8_t *a, uint32_t node, int group)
{
	uint32_t host = node + 1;
	if (v == 4) {
		const uint8_t want[4] = { group ? 239 : 10, 53, (uint8_t)(host >> 8), (uint8_t)host };
		assert_memory_equal(a, want, 4);
	} else {
		uint8_t want[16] = { group ? 0xff : 0xfd, group ? 0x15 : 0, 0, 0x53 };
		want[14] = (uint8_t)(host >> 8);
		want[15] = (uint8_t)host;
		assert_memory_equal(a, want, 16);
	}
}

static void round_trip(int v)
{
	char path[64], err[256];
	snprintf(path, sizeof(path), "/tmp/sharesim-pcap-%d-XXXXXX", (int)getpid());
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct dns_tsig_key key;
	assert_int_equal(dns_tsig_key_parse(KEY, &key, err, sizeof(err)), 0);

	/* Node addresses past 253 (10.53.1.45), a multicast group, and an odd-length payload. */
	const struct sent sent[] = {
		{ 0, 1, 0, (int64_t)SIGNED_AT * 1000000000 + 1, 0 },
		{ 1, 0, 0, (int64_t)SIGNED_AT * 1000000000 + 123456789, 0 },
		{ 300, 2, 0, (int64_t)SIGNED_AT * 1000000000 + 999999999, 0 },
		{ 5, 0, 1, (int64_t)(SIGNED_AT + 2) * 1000000000, 0 },
	};
	size_t n = sizeof(sent) / sizeof(sent[0]);
	uint8_t msgs[4][SHARE_MSG_MAX];
	size_t lens[4];
	struct share_pcap *sp;
	assert_int_equal(share_pcap_open(path, v, &sp, err, sizeof(err)), 0);
	for (size_t i = 0; i < n; i++) {
		lens[i] = share_msg(&key, (uint16_t)i, (uint16_t)(1 + i), msgs[i]);
		if (sent[i].group)
			assert_int_equal(share_pcap_write_group(sp, sent[i].t_ns, sent[i].src, sent[i].dst, msgs[i], lens[i]), 0);
		else
			assert_int_equal(share_pcap_write(sp, sent[i].t_ns, sent[i].src, sent[i].dst, msgs[i], lens[i]), 0);
	}
	assert_int_equal(share_pcap_close(sp, err, sizeof(err)), 0);

	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *in = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, perr);
	assert_non_null(in);
	assert_int_equal(pcap_datalink(in), DLT_RAW);
	assert_int_equal(pcap_get_tstamp_precision(in), PCAP_TSTAMP_PRECISION_NANO);
	struct pcap_pkthdr *h;
	const u_char *pkt;
	size_t i = 0;
	int odd = 0;
	while (pcap_next_ex(in, &h, &pkt) == 1) {
		assert_true(i < n);
		size_t ip_len = v == 6 ? 40 : 20, alen = v == 6 ? 16 : 4;
		assert_int_equal(h->caplen, h->len);
		assert_int_equal(h->len, ip_len + 8 + lens[i]);
		assert_int_equal((int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec, sent[i].t_ns);
		const uint8_t *src, *dst, *udp = pkt + ip_len;
		if (v == 4) {
			assert_int_equal(pkt[0], 0x45);
			assert_int_equal(pkt[2] << 8 | pkt[3], h->len);
			assert_int_equal(pkt[9], 17);
			assert_int_equal(csum(pkt, 20, 0), 0xffff); /* header checksum */
			src = pkt + 12;
			dst = pkt + 16;
		} else {
			assert_int_equal(pkt[0] >> 4, 6);
			assert_int_equal(pkt[4] << 8 | pkt[5], 8 + lens[i]); /* payload length */
			assert_int_equal(pkt[6], 17);
			src = pkt + 8;
			dst = pkt + 24;
		}
		expect_address(v, src, sent[i].src, 0);
		expect_address(v, dst, sent[i].dst, sent[i].group);
		assert_int_equal(udp[0] << 8 | udp[1], 53);
		assert_int_equal(udp[2] << 8 | udp[3], 53);
		assert_int_equal(udp[4] << 8 | udp[5], 8 + lens[i]);
		/* UDP checksum over the pseudo-header (addresses, protocol, length) and the datagram. */
		uint32_t pseudo = csum(src, alen, 0);
		pseudo = csum(dst, alen, pseudo) + 17 + (uint32_t)(8 + lens[i]);
		assert_int_not_equal(udp[6] << 8 | udp[7], 0);
		assert_int_equal(csum(udp, 8 + lens[i], pseudo), 0xffff);
		odd |= (int)(lens[i] & 1);
		/* The payload is the message, byte for byte, and verifies at the time it was sent. */
		assert_memory_equal(udp + 8, msgs[i], lens[i]);
		struct dns_msg m;
		assert_int_equal(dns_msg_parse(udp + 8, lens[i], &m), DNS_OK);
		assert_int_equal(m.hdr.ancount, 1 + i);
		assert_int_equal(dns_tsig_verify(&key, &m, (uint64_t)(sent[i].t_ns / 1000000000)), DNS_TSIG_OK);
		i++;
	}
	assert_int_equal(i, n);
	assert_true(odd); /* the odd-length checksum path was taken */
	pcap_close(in);
	dns_tsig_key_free(&key);
	unlink(path);
}

static void test_ipv4(void **state)
{
	(void)state;
	round_trip(4);
}

static void test_ipv6(void **state)
{
	(void)state;
	round_trip(6);
}

static void test_open_error(void **state)
{
	(void)state;
	char err[256] = "";
	struct share_pcap *sp = NULL;
	assert_int_equal(share_pcap_open("/nonexistent-dir/x.pcap", 4, &sp, err, sizeof(err)), -1);
	assert_null(sp);
	assert_non_null(strstr(err, "/nonexistent-dir/x.pcap"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_open_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
