/*
 * share_pcap — IPv4/IPv6 + UDP framing with correct checksums, written with libpcap.
 */
#include "nodes/share_pcap.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct share_pcap {
	pcap_t *dead;
	pcap_dumper_t *dumper;
	int ip_version;
	uint16_t ip_id;
	char path[4096];
};

int share_pcap_open(const char *path, int ip_version, struct share_pcap **out, char *err,
                    size_t err_size)
{
	struct share_pcap *sp = calloc(1, sizeof(*sp));
	if (!sp) {
		snprintf(err, err_size, "%s: out of memory", path);
		return -1;
	}
	sp->ip_version = ip_version == 6 ? 6 : 4;
	snprintf(sp->path, sizeof(sp->path), "%s", path);
	sp->dead = pcap_open_dead_with_tstamp_precision(DLT_RAW, 65535, PCAP_TSTAMP_PRECISION_NANO);
	sp->dumper = sp->dead ? pcap_dump_open(sp->dead, path) : NULL;
	if (!sp->dumper) {
		snprintf(err, err_size, "%s: %s", path, sp->dead ? pcap_geterr(sp->dead) : "libpcap failed");
		if (sp->dead)
			pcap_close(sp->dead);
		free(sp);
		return -1;
	}
	*out = sp;
	return 0;
}

int share_pcap_close(struct share_pcap *sp, char *err, size_t err_size)
{
	if (!sp)
		return 0;
	int rc = pcap_dump_flush(sp->dumper);
	pcap_dump_close(sp->dumper);
	pcap_close(sp->dead);
	if (rc)
		snprintf(err, err_size, "%s: write failed", sp->path);
	free(sp);
	return rc ? -1 : 0;
}

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

#define GROUP_BIT 0x80000000u /* a destination that is a multicast group, not a node */

static void node_address(int v, uint32_t node, uint8_t *out)
{
	uint32_t host = (node & ~GROUP_BIT) + 1;
	if (v == 4) {
		out[0] = node & GROUP_BIT ? 239 : 10; out[1] = 53;
		out[2] = (uint8_t)(host >> 8); out[3] = (uint8_t)host;
	} else {
		memset(out, 0, 16);
		out[0] = node & GROUP_BIT ? 0xff : 0xfd;
		out[1] = node & GROUP_BIT ? 0x15 : 0;
		out[3] = 0x53;
		out[12] = (uint8_t)(host >> 24); out[13] = (uint8_t)(host >> 16);
		out[14] = (uint8_t)(host >> 8); out[15] = (uint8_t)host;
	}
}

int share_pcap_write(struct share_pcap *sp, int64_t unix_time_ns, uint32_t src_node,
                     uint32_t dst_node, const uint8_t *msg, size_t len)
{
	uint8_t pkt[48 + 65535];
	size_t ip_len = sp->ip_version == 6 ? 40 : 20, udp_len = 8 + len;
	if (udp_len > 65535 - ip_len)
		return -1;
	uint8_t *ip = pkt, *udp = pkt + ip_len;
	uint8_t src[16], dst[16];
	size_t alen = sp->ip_version == 6 ? 16 : 4;
	node_address(sp->ip_version, src_node, src);
	node_address(sp->ip_version, dst_node, dst);
	memset(pkt, 0, ip_len + 8);
	uint32_t pseudo = sum16(src, alen, 0);
	pseudo = sum16(dst, alen, pseudo) + 17 + (uint32_t)udp_len;
	if (sp->ip_version == 4) {
		size_t total = ip_len + udp_len;
		ip[0] = 0x45; ip[2] = (uint8_t)(total >> 8); ip[3] = (uint8_t)total;
		ip[4] = (uint8_t)(sp->ip_id >> 8); ip[5] = (uint8_t)sp->ip_id;
		sp->ip_id++;
		ip[6] = 0x40; /* DF */
		ip[8] = dst_node & GROUP_BIT ? 1 : 64; /* multicast: TTL 1, one site */
		ip[9] = 17;
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
		uint16_t c = fold(sum16(ip, 20, 0));
		ip[10] = (uint8_t)(c >> 8); ip[11] = (uint8_t)c;
	} else {
		ip[0] = 0x60; ip[4] = (uint8_t)(udp_len >> 8); ip[5] = (uint8_t)udp_len;
		ip[6] = 17; ip[7] = 64;
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
	}
	udp[0] = 0; udp[1] = 53; udp[2] = 0; udp[3] = 53;
	udp[4] = (uint8_t)(udp_len >> 8); udp[5] = (uint8_t)udp_len;
	memcpy(udp + 8, msg, len);
	uint16_t c = fold(sum16(udp, udp_len, pseudo));
	if (c == 0)
		c = 0xffff;
	udp[6] = (uint8_t)(c >> 8); udp[7] = (uint8_t)c;
	struct pcap_pkthdr h;
	h.ts.tv_sec = (time_t)(unix_time_ns / 1000000000);
	h.ts.tv_usec = (suseconds_t)(unix_time_ns % 1000000000); /* nanoseconds: see open_dead */
	h.caplen = h.len = (bpf_u_int32)(ip_len + udp_len);
	pcap_dump((u_char *)sp->dumper, &h, pkt);
	return 0;
}

int share_pcap_write_group(struct share_pcap *sp, int64_t unix_time_ns, uint32_t src_node,
                           uint32_t group, const uint8_t *msg, size_t len)
{
	return share_pcap_write(sp, unix_time_ns, src_node, group | GROUP_BIT, msg, len);
}
