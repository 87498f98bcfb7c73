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

/** Write payload from src:sport to dst:dport at unix_ns; the two addresses share a family. */
int pcap_write_udp(pcap_dumper_t *d, int64_t unix_ns, const struct trace_addr *src, uint16_t sport,
                   const struct trace_addr *dst, uint16_t dport, const uint8_t *payload, size_t len);

#endif
