/*
 * share_pcap — the share messages of a run as UDP datagrams between numbered resolver addresses
 * (traces/pcap_write frames them), written with libpcap.
 */
#include "nodes/share_pcap.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/pcap_write.h"

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

#define GROUP_BIT 0x80000000u /* a destination that is a multicast group, not a node */

static struct trace_addr node_address(int v, uint32_t node)
{
	struct trace_addr a = { .family = (uint8_t)v };
	uint8_t *out = a.addr;
	uint32_t host = (node & ~GROUP_BIT) + 1;
	if (v == 4) {
		out[0] = node & GROUP_BIT ? 239 : 10; out[1] = 53;
		out[2] = (uint8_t)(host >> 8); out[3] = (uint8_t)host;
	} else {
		out[0] = node & GROUP_BIT ? 0xff : 0xfd;
		out[1] = node & GROUP_BIT ? 0x15 : 0;
		out[3] = 0x53;
		out[12] = (uint8_t)(host >> 24); out[13] = (uint8_t)(host >> 16);
		out[14] = (uint8_t)(host >> 8); out[15] = (uint8_t)host;
	}
	return a;
}

int share_pcap_write(struct share_pcap *sp, int64_t unix_time_ns, uint32_t src_node,
                     uint32_t dst_node, const uint8_t *msg, size_t len)
{
	struct trace_addr src = node_address(sp->ip_version, src_node), dst = node_address(sp->ip_version, dst_node);
	/* Numbered datagrams that must not be fragmented; a multicast one stays on its link (TTL 1). */
	struct pcap_ipv4_fields v4 = { .id = sp->ip_id, .ttl = dst_node & GROUP_BIT ? 1 : 64, .dont_fragment = 1 };
	if (pcap_write_udp_ipv4(sp->dumper, unix_time_ns, &v4, &src, 53, &dst, 53, msg, len))
		return -1;
	if (sp->ip_version == 4)
		sp->ip_id++;
	return 0;
}

int share_pcap_write_group(struct share_pcap *sp, int64_t unix_time_ns, uint32_t src_node,
                           uint32_t group, const uint8_t *msg, size_t len)
{
	return share_pcap_write(sp, unix_time_ns, src_node, group | GROUP_BIT, msg, len);
}
