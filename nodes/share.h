/*
 * share — the cache-sharing protocol of draft-bortzmeyer-dnsop-poisonlicious, as messages:
 * building the DNS response a resolver sends its peers after a successful resolution, and the
 * checks its peers apply before caching anything from it. Pure functions of their inputs: the
 * transport and the caches are the caller's.
 */
#ifndef SHARESIM_SHARE_H
#define SHARESIM_SHARE_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns_tsig.h"
#include "dns/dns_wire.h"
#include "sim/metrics.h"
#include "sim/params.h"

#define SHARE_MSG_MAX 4096
#define SHARE_MAX_RRS 32 /* answers longer than this are shared truncated to it */

/** What the resolver resolved, and how to say it. */
struct share_content {
	uint16_t id;
	const uint8_t *qname;
	size_t qname_len;
	uint16_t qtype, qclass;
	uint8_t aa;
	uint32_t ttl;        /**< remaining TTL of the answer */
	uint16_t ancount;
	uint8_t rcode;       /**< NOERROR, or NXDOMAIN for a negative share (share.negative) */
	uint64_t seed;       /**< world seed, for the synthesised RDATA */
	uint32_t name_id;
};

/**
 * Eligibility of a completed resolution under the draft's sender rules: returns 1 if it may be
 * shared (NOERROR with answers, D-NONEG — or, with share.negative and the question kept,
 * NXDOMAIN or NODATA; AA when require_aa, D-SURE; TTL >= threshold, D-TTL).
 */
int share_eligible(const struct sim_params *p, uint8_t rcode, uint16_t ancount, uint8_t aa,
                   uint32_t ttl);

/**
 * Build and sign a share: QR=1, the answer's AA, RD+RA, the question kept or removed
 * (D-PRIV), the Answer section, a fresh OPT (D-EDNS), TSIG (D-TSIG) at time_signed.
 * Returns 0, or a negative dns_status (DNS_EINVAL for a type that has no records).
 */
int share_build(const struct sim_params *p, const struct dns_tsig_key *key,
                const struct share_content *c, uint64_t time_signed, uint8_t *buf, size_t cap,
                size_t *len);

/**
 * The receiver's checks, in order: parsable, TSIG with the sharing key and within the fudge
 * of the receiver's clock, a response to a QUERY, positive (NOERROR with answers; or, with
 * share.negative, NXDOMAIN/NODATA with one question and an authority section), and the
 * receiver profile (Unbound's proof of concept: QDCOUNT 1 and ANCOUNT > 0). Returns CTR_SHARE_ACCEPTED or the CTR_REJ_* counter of the reason;
 * parsed is filled when the message parses.
 */
enum metrics_counter share_check(const struct sim_params *p, const struct dns_tsig_key *key,
                                 const uint8_t *msg, size_t len, uint64_t now_s,
                                 struct dns_msg *parsed);

/** The time signed of a parsed message's TSIG record; 0 on success, -1 if it has none. */
int share_tsig_time(const struct dns_msg *m, uint64_t *time_signed);

/** 1 if a verdict of share_check could not depend on the receiver's clock (decided before the
 * TSIG time check), 0 if another clock could have given BADTIME instead. */
int share_verdict_clock_free(enum metrics_counter verdict);

#endif
