/*
 * share_pcap — every share message as a real IP/UDP packet in a pcap (raw IP link type,
 * nanosecond timestamps = the simulated send time), so tshark, dnspython or a real resolver
 * can check exactly what the simulated resolvers sent. Node i has address 10.53.0.0/16 + i + 1
 * (IPv4) or fd00:53::i+1 (IPv6); both ports are 53.
 */
#ifndef SHARESIM_SHARE_PCAP_H
#define SHARESIM_SHARE_PCAP_H

#include <stddef.h>
#include <stdint.h>

struct share_pcap;

int share_pcap_open(const char *path, int ip_version, struct share_pcap **out, char *err,
                    size_t err_size);
/** Flush and close; returns 0, or -1 with a reason if a write failed. */
int share_pcap_close(struct share_pcap *sp, char *err, size_t err_size);
int share_pcap_write(struct share_pcap *sp, int64_t unix_time_ns, uint32_t src_node,
                     uint32_t dst_node, const uint8_t *msg, size_t len);

/** A share sent to multicast group g (239.53.0.0/16 + g + 1, or ff15::53:0:g+1), once. */
int share_pcap_write_group(struct share_pcap *sp, int64_t unix_time_ns, uint32_t src_node,
                           uint32_t group, const uint8_t *msg, size_t len);

/** Bytes of IP and UDP headers in front of a share message. */
static inline size_t share_header_overhead(int ip_version) { return ip_version == 6 ? 48 : 28; }

#endif
