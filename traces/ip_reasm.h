/*
 * ip_reasm — IPv4 and IPv6 fragment reassembly for the importer (RFC 791, RFC 8200 section
 * 4.5): fragments are kept by (addresses, identification, protocol) until the datagram is
 * whole, for at most IP_REASM_TIMEOUT_NS of capture time (Linux's ipfrag_time) and at most
 * IP_REASM_MAX datagrams at once (the oldest gives way). Every fragment is accounted exactly
 * once: part of a reassembled datagram, of an incomplete one, a duplicate, or bad.
 */
#ifndef SHARESIM_IP_REASM_H
#define SHARESIM_IP_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "traces/pcap_decode.h"

#define IP_REASM_TIMEOUT_NS (30LL * 1000000000)
#define IP_REASM_MAX 1024

struct ip_reasm;

enum reasm_result {
	REASM_HELD,      /**< kept, the datagram is not whole yet */
	REASM_COMPLETE,  /**< this fragment completed a datagram */
	REASM_DUPLICATE, /**< every byte of it was already there (counted, dropped) */
	REASM_BAD,       /**< beyond 65,535 bytes, or inconsistent with the datagram's end */
	REASM_NOMEM,
};

struct reasm_datagram {
	const uint8_t *data; /**< the reassembled transport payload (valid until the next call) */
	size_t len;
	uint8_t proto;
	uint32_t fragments;  /**< fragments it was made of */
};

int ip_reasm_new(struct ip_reasm **out);
void ip_reasm_free(struct ip_reasm *r);

/** Feed fragment f seen at time t (capture time, ns). */
enum reasm_result ip_reasm_feed(struct ip_reasm *r, int64_t t, const struct decoded_packet *f,
                                struct reasm_datagram *out);

/** Give up datagrams older than the timeout at time t (t = INT64_MAX: all of them, at the end
 * of the capture); returns the number of fragments they held. */
uint64_t ip_reasm_expire(struct ip_reasm *r, int64_t t);

#endif
