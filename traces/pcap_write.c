/*
 * pcap_write — raw IPv4/IPv6 + UDP framing (RFC 791, RFC 8200, RFC 768).
 */
#include "traces/pcap_write.h"

#include <string.h>

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int pcap_write_udp(pcap_dumper_t *d, int64_t unix_ns, const struct trace_addr *src, uint16_t sport,
                   const struct trace_addr *dst, uint16_t dport, const uint8_t *payload, size_t len)
{
	static const struct pcap_ipv4_fields plain = { .id = 0, .ttl = 64, .dont_fragment = 0 };
	return pcap_write_udp_ipv4(d, unix_ns, &plain, src, sport, dst, dport, payload, len);
}

int pcap_write_udp_ipv4(pcap_dumper_t *d, int64_t unix_ns, const struct pcap_ipv4_fields *v4,
                        const struct trace_addr *src, uint16_t sport, const struct trace_addr *dst,
                        uint16_t dport, const uint8_t *payload, size_t len)
{
	uint8_t pkt[48 + 65535];
	int v6 = src->family == 6;
	size_t ip_len = v6 ? 40 : 20, alen = v6 ? 16 : 4, udp_len = 8 + len;
	if (src->family != dst->family || udp_len > 65535 - ip_len)
		return -1;
	uint8_t *ip = pkt, *udp = pkt + ip_len;
	memset(pkt, 0, ip_len + 8);
	if (!v6) {
		size_t total = ip_len + udp_len;
		ip[0] = 0x45; ip[2] = (uint8_t)(total >> 8); ip[3] = (uint8_t)total;
		ip[4] = (uint8_t)(v4->id >> 8); ip[5] = (uint8_t)v4->id;
		ip[6] = v4->dont_fragment ? 0x40 : 0;
		ip[8] = v4->ttl; ip[9] = 17;
		memcpy(ip + 12, src->addr, 4);
		memcpy(ip + 16, dst->addr, 4);
		uint16_t c = fold(sum16(ip, 20, 0));
		ip[10] = (uint8_t)(c >> 8); ip[11] = (uint8_t)c;
	} else {
		ip[0] = 0x60; ip[4] = (uint8_t)(udp_len >> 8); ip[5] = (uint8_t)udp_len;
		ip[6] = 17; ip[7] = 64;
		memcpy(ip + 8, src->addr, 16);
		memcpy(ip + 24, dst->addr, 16);
	}
	udp[0] = (uint8_t)(sport >> 8); udp[1] = (uint8_t)sport;
	udp[2] = (uint8_t)(dport >> 8); udp[3] = (uint8_t)dport;
	udp[4] = (uint8_t)(udp_len >> 8); udp[5] = (uint8_t)udp_len;
	memcpy(udp + 8, payload, len);
	uint32_t pseudo = sum16(src->addr, alen, 0);
	pseudo = sum16(dst->addr, alen, pseudo) + 17 + (uint32_t)udp_len;
	uint16_t c = fold(sum16(udp, udp_len, pseudo));
	if (c == 0)
		c = 0xffff;
	udp[6] = (uint8_t)(c >> 8); udp[7] = (uint8_t)c;
	struct pcap_pkthdr h;
	h.ts.tv_sec = (time_t)(unix_ns / 1000000000);
	h.ts.tv_usec = (suseconds_t)(unix_ns % 1000000000); /* nanoseconds: the dumper's precision */
	h.caplen = h.len = (bpf_u_int32)(ip_len + udp_len);
	pcap_dump((u_char *)d, &h, pkt);
	return 0;
}
