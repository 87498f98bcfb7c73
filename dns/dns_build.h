/*
 * dns_build — writing DNS messages without allocation, for the share hot path.
 *
 * The builder writes into a caller-owned buffer and compresses owner names that repeat the
 * question name or the previous owner (RFC 1035 §4.1.4), as a resolver's response would.
 * Counts in the header are maintained as records are added. ldns is the reference the tests
 * compare it against.
 */
#ifndef SHARESIM_DNS_BUILD_H
#define SHARESIM_DNS_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns_wire.h"

struct dns_builder {
	uint8_t *buf;
	size_t cap;
	size_t len;
	/* Offsets of names already written in full, usable as compression targets. */
	uint16_t name_off[4];
	uint8_t name_count;
	int section; /**< 0 question, 1 answer, 2 authority, 3 additional: records go in order */
};

/** Start a message with this id and flags word; all counts 0. */
int dns_build_init(struct dns_builder *b, uint8_t *buf, size_t cap, uint16_t id, uint16_t flags);

int dns_build_question(struct dns_builder *b, const uint8_t *name, size_t name_len,
                       uint16_t qtype, uint16_t qclass);

/** Add a record to section 1 (answer), 2 (authority) or 3 (additional), in that order. */
int dns_build_rr(struct dns_builder *b, int section, const uint8_t *owner, size_t owner_len,
                 uint16_t type, uint16_t rclass, uint32_t ttl, const uint8_t *rdata,
                 uint16_t rdlength);

/** Add a fresh EDNS(0) OPT record (RFC 6891) to the additional section. */
int dns_build_opt(struct dns_builder *b, uint16_t udp_size, int do_bit);

/** Message length so far. */
static inline size_t dns_build_len(const struct dns_builder *b) { return b->len; }

#endif
