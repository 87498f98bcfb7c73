/*
 * pcap_decode — from one captured frame to the UDP or TCP payload it carries, with the reason
 * when it carries none. Link types: Ethernet (any number of 802.1Q/802.1ad tags), Linux cooked
 * v1 and v2, raw IP (v4/v6), BSD loopback (DLT_NULL, DLT_LOOP). Every read is bounds-checked.
 */
#ifndef SHARESIM_PCAP_DECODE_H
#define SHARESIM_PCAP_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "traces/trace.h"

enum pkt_outcome {
	PKT_UDP = 0,       /**< a UDP datagram on a DNS port */
	PKT_TCP_DNS,       /**< a TCP segment on a DNS port (traces/tcp_stream.c reassembles) */
	PKT_NOT_IP,
	PKT_FRAGMENT,      /**< an IP fragment: frag_* and payload describe it (traces/ip_reasm.c) */
	PKT_NOT_UDP_TCP,
	PKT_NOT_DNS_PORT,
	PKT_TRUNCATED,     /**< cut by the snap length or a bad length field */
};

/** Accounting line of an outcome ("skipped.tcp", ...); PKT_UDP has none of its own. */
const char *pkt_outcome_name(enum pkt_outcome o);

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04

struct decoded_packet {
	struct trace_addr src, dst;
	uint16_t sport, dport;
	const uint8_t *payload;   /**< UDP payload, or TCP segment data */
	size_t payload_len;
	uint32_t tcp_seq;         /**< PKT_TCP_DNS: sequence number of the first data byte */
	uint8_t tcp_flags;        /**< PKT_TCP_DNS: TCP_FIN, TCP_SYN, TCP_RST */
	/* PKT_FRAGMENT: payload is the fragment's data, at byte frag_offset of the datagram. */
	uint32_t frag_id;         /**< IPv4 identification or IPv6 fragment header identification */
	uint32_t frag_offset;
	uint8_t frag_more;        /**< more fragments follow */
	uint8_t frag_proto;       /**< the protocol (IPv6: next header) of the reassembled payload */
};

/** Decode a transport payload (after IP reassembly): proto 17 (UDP) or 6 (TCP); for IPv6,
 * extension headers 0, 43 and 60 at its start are skipped. out's addresses are kept. */
enum pkt_outcome pcap_decode_transport(int ip_version, uint8_t proto, const uint8_t *p, size_t len,
                                       uint16_t port, struct decoded_packet *out);

/** 1 if the (DLT_*) link type is decoded. */
int pcap_linktype_supported(int linktype);

/** Decode a frame of a supported link type; port is the DNS port (53). */
enum pkt_outcome pcap_decode_packet(int linktype, const uint8_t *frame, size_t caplen,
                                    uint16_t port, struct decoded_packet *out);

#endif
