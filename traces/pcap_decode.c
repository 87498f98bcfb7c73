/*
 * pcap_decode — link layer, IP and transport headers of one frame, checked against caplen.
 */
#include "traces/pcap_decode.h"

#include <pcap/dlt.h>
#include <string.h>

#define LINKTYPE_RAW_OFFICIAL 101
#define LINKTYPE_IPV4 228
#define LINKTYPE_IPV6 229
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

const char *pkt_outcome_name(enum pkt_outcome o)
{
	switch (o) {
	case PKT_UDP: return "udp";
	case PKT_TCP_DNS: return "skipped.tcp";
	case PKT_NOT_IP: return "skipped.not_ip";
	case PKT_FRAGMENT: return "skipped.fragment";
	case PKT_NOT_UDP_TCP: return "skipped.not_udp_tcp";
	case PKT_NOT_DNS_PORT: return "skipped.not_dns_port";
	case PKT_TRUNCATED: return "skipped.truncated";
	}
	return "skipped.unknown";
}

int pcap_linktype_supported(int linktype)
{
	switch (linktype) {
	case DLT_EN10MB: case DLT_LINUX_SLL: case DLT_LINUX_SLL2: case DLT_RAW:
	case LINKTYPE_RAW_OFFICIAL: case LINKTYPE_IPV4: case LINKTYPE_IPV6: case DLT_NULL:
	case DLT_LOOP:
#if DLT_RAW != 14
	case 14:
#endif
		return 1;
	default:
		return 0;
	}
}

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* Find the IP header: returns its offset and sets *ethertype (0x0800/0x86dd), or -1. */
static long link_payload(int linktype, const uint8_t *f, size_t len, uint16_t *ethertype)
{
	size_t off;
	uint16_t type;
	switch (linktype) {
	case DLT_EN10MB:
		if (len < 14)
			return -2;
		type = rd16(f + 12);
		off = 14;
		while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
			if (len < off + 4)
				return -2;
			type = rd16(f + off + 2);
			off += 4;
		}
		break;
	case DLT_LINUX_SLL:
		if (len < 16)
			return -2;
		type = rd16(f + 14);
		off = 16;
		break;
	case DLT_LINUX_SLL2:
		if (len < 20)
			return -2;
		type = rd16(f);
		off = 20;
		break;
	case DLT_NULL:
	case DLT_LOOP: {
		if (len < 4)
			return -2;
		/* The address family, in the capturing host's byte order (DLT_NULL) or big-endian. */
		uint32_t le = (uint32_t)f[0] | (uint32_t)f[1] << 8 | (uint32_t)f[2] << 16 | (uint32_t)f[3] << 24;
		uint32_t be = (uint32_t)f[3] | (uint32_t)f[2] << 8 | (uint32_t)f[1] << 16 | (uint32_t)f[0] << 24;
		uint32_t af = linktype == DLT_LOOP ? be : (le < 256 ? le : be);
		type = af == 2 ? 0x0800 : (af == 24 || af == 28 || af == 30) ? 0x86dd : 0;
		off = 4;
		break;
	}
	default: /* raw IP: the version nibble tells */
		if (len < 1)
			return -2;
		type = (f[0] >> 4) == 4 ? 0x0800 : (f[0] >> 4) == 6 ? 0x86dd : 0;
		off = 0;
		break;
	}
	*ethertype = type;
	return (long)off;
}

static enum pkt_outcome transport(uint8_t proto, const uint8_t *p, size_t avail, size_t declared,
                                  uint16_t port, struct decoded_packet *out)
{
	if (proto == 6) {
		if (avail < 4)
			return PKT_TRUNCATED;
		uint16_t sp = rd16(p), dp = rd16(p + 2);
		if (sp != port && dp != port)
			return PKT_NOT_DNS_PORT;
		size_t hlen = avail >= 13 ? (size_t)(p[12] >> 4) * 4 : 0;
		if (avail < 20 || hlen < 20 || hlen > declared || hlen > avail)
			return PKT_TRUNCATED;
		out->sport = sp;
		out->dport = dp;
		out->tcp_seq = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
		out->tcp_flags = p[13] & (TCP_FIN | TCP_SYN | TCP_RST);
		out->payload = p + hlen;
		out->payload_len = (declared < avail ? declared : avail) - hlen;
		return PKT_TCP_DNS;
	}
	if (proto != 17)
		return PKT_NOT_UDP_TCP;
	if (avail < 8 || declared < 8)
		return PKT_TRUNCATED;
	out->sport = rd16(p);
	out->dport = rd16(p + 2);
	if (out->sport != port && out->dport != port)
		return PKT_NOT_DNS_PORT;
	size_t ulen = rd16(p + 4);
	if (ulen < 8 || ulen > declared || ulen > avail)
		return PKT_TRUNCATED;
	out->payload = p + 8;
	out->payload_len = ulen - 8;
	return PKT_UDP;
}

static enum pkt_outcome ipv4(const uint8_t *p, size_t avail, uint16_t port, struct decoded_packet *out)
{
	if (avail < 20)
		return PKT_TRUNCATED;
	size_t ihl = (size_t)(p[0] & 0xf) * 4, total = rd16(p + 2);
	if (ihl < 20 || total < ihl)
		return PKT_TRUNCATED;
	if (total > avail)
		return PKT_TRUNCATED;
	uint16_t frag = rd16(p + 6);
	out->src.family = out->dst.family = 4;
	memcpy(out->src.addr, p + 12, 4);
	memcpy(out->dst.addr, p + 16, 4);
	if ((frag & 0x2000) || (frag & 0x1fff)) {
		out->frag_id = rd16(p + 4);
		out->frag_offset = (uint32_t)(frag & 0x1fff) * 8;
		out->frag_more = (frag & 0x2000) != 0;
		out->frag_proto = p[9];
		out->payload = p + ihl;
		out->payload_len = total - ihl;
		return PKT_FRAGMENT;
	}
	return transport(p[9], p + ihl, total - ihl, total - ihl, port, out);
}

/* Skip IPv6 hop-by-hop, routing and destination options headers from p + *off up to end; -1 if
 * one is cut short. *next is then the header that follows them. */
static int ipv6_skip_options(const uint8_t *p, size_t end, size_t *off, uint8_t *next)
{
	while (*next == 0 || *next == 43 || *next == 60) {
		if (*off + 8 > end)
			return -1;
		size_t hlen = ((size_t)p[*off + 1] + 1) * 8;
		*next = p[*off];
		*off += hlen;
		if (*off > end)
			return -1;
	}
	return 0;
}

static enum pkt_outcome ipv6(const uint8_t *p, size_t avail, uint16_t port, struct decoded_packet *out)
{
	if (avail < 40)
		return PKT_TRUNCATED;
	size_t plen = rd16(p + 4);
	if (40 + plen > avail)
		return PKT_TRUNCATED;
	out->src.family = out->dst.family = 6;
	memcpy(out->src.addr, p + 8, 16);
	memcpy(out->dst.addr, p + 24, 16);
	uint8_t next = p[6];
	size_t off = 40, end = 40 + plen;
	if (ipv6_skip_options(p, end, &off, &next))
		return PKT_TRUNCATED;
	if (next == 44) { /* a fragment header: held for reassembly */
		if (off + 8 > end)
			return PKT_TRUNCATED;
		uint16_t fo = rd16(p + off + 2);
		out->frag_id = (uint32_t)p[off + 4] << 24 | (uint32_t)p[off + 5] << 16 | (uint32_t)p[off + 6] << 8 | p[off + 7];
		out->frag_offset = fo & 0xfff8;
		out->frag_more = fo & 1;
		out->frag_proto = p[off];
		out->payload = p + off + 8;
		out->payload_len = end - off - 8;
		return PKT_FRAGMENT;
	}
	return transport(next, p + off, end - off, end - off, port, out);
}

enum pkt_outcome pcap_decode_transport(int ip_version, uint8_t proto, const uint8_t *p, size_t len,
                                       uint16_t port, struct decoded_packet *out)
{
	size_t off = 0;
	if (ip_version == 6 && ipv6_skip_options(p, len, &off, &proto))
		return PKT_TRUNCATED;
	return transport(proto, p + off, len - off, len - off, port, out);
}

enum pkt_outcome pcap_decode_packet(int linktype, const uint8_t *frame, size_t caplen,
                                    uint16_t port, struct decoded_packet *out)
{
	memset(out, 0, sizeof(*out));
	uint16_t ethertype = 0;
	long off = link_payload(linktype, frame, caplen, &ethertype);
	if (off == -2)
		return PKT_TRUNCATED;
	if (off < 0)
		return PKT_NOT_IP;
	const uint8_t *p = frame + off;
	size_t avail = caplen - (size_t)off;
	if (ethertype == 0x0800 && avail >= 1 && (p[0] >> 4) == 4)
		return ipv4(p, avail, port, out);
	if (ethertype == 0x86dd && avail >= 1 && (p[0] >> 4) == 6)
		return ipv6(p, avail, port, out);
	return PKT_NOT_IP;
}
