/*
 * pcap_write — one UDP datagram as a raw IP packet (IPv4 or IPv6, checksums computed) in a pcap
 * opened with DLT_RAW and nanosecond timestamps. Used by `sharesim synth` and `sharesim export`.
 */
#ifndef SHARESIM_PCAP_WRITE_H
#define SHARESIM_PCAP_WRITE_H

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>

#include "traces/trace.h"

/** The IPv4 header's own fields (an IPv6 header has none of them; its hop limit is 64). */
struct pcap_ipv4_fields {
	uint16_t id;
	uint8_t ttl;
	uint8_t dont_fragment;
};

/** Write payload from src:sport to dst:dport at unix_ns; the two addresses share a family.
 * IPv4 with identification 0, TTL 64, fragments allowed. */
int pcap_write_udp(pcap_dumper_t *d, int64_t unix_ns, const struct trace_addr *src, uint16_t sport,
                   const struct trace_addr *dst, uint16_t dport, const uint8_t *payload, size_t len);
/** The same with the IPv4 header's fields given. */
int pcap_write_udp_ipv4(pcap_dumper_t *d, int64_t unix_ns, const struct pcap_ipv4_fields *v4,
                        const struct trace_addr *src, uint16_t sport, const struct trace_addr *dst,
                        uint16_t dport, const uint8_t *payload, size_t len);

#endif
