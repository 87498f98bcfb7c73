/*
 * dns_differential — ldns as the reference of our wire walker (issue 3).
 *
 * The same bytes go to dns_wire (dns_msg_parse, dns_name_read, dns_rr_read: the entry points the
 * importer uses) and to ldns_wire2pkt, and the two must say the same thing: acceptance or
 * rejection; header id, flags, opcode and rcode; the four counts; every question's name, type
 * and class; every record's owner, type, class, TTL and extent (rdlength) in every section;
 * OPT presence and fields; TSIG presence and fields. Names are compared byte for byte in
 * uncompressed wire form: both parsers keep the case of the message (no folding).
 *
 * Where the two differ on purpose, the verdict names the reason (see the enum); anything else
 * is DNS_DIFF_DISAGREE, which the tests and the fuzz target treat as a failure.
 * Used by tests/dns/test_dns_differential.c and tests/fuzz/fuzz_dns_differential.c.
 */
#ifndef SHARESIM_DNS_DIFFERENTIAL_H
#define SHARESIM_DNS_DIFFERENTIAL_H

#include <stddef.h>
#include <stdint.h>

enum dns_diff_verdict {
	DNS_DIFF_BOTH_ACCEPT = 0, /**< both accept and every compared field is equal */
	DNS_DIFF_BOTH_REJECT,     /**< both reject */
	/* Legitimate differences: dns_wire rejects on purpose what ldns accepts, or ldns checks
	 * what dns_wire does not read. */
	DNS_DIFF_TRAILING,        /**< bytes after the last counted record: we reject
	                           *   (DNS_ETRAILING), ldns ignores them; every field agrees */
	DNS_DIFF_POINTER,         /**< a compression pointer not strictly backwards, or into the
	                           *   header: we reject (DNS_EPTR), ldns follows any pointer to
	                           *   1..len-1 and bounds only their number */
	DNS_DIFF_OPT,             /**< OPT outside the additional section, twice, or with an owner
	                           *   other than the root (RFC 6891 §6.1.1): we reject (DNS_EOPT),
	                           *   ldns keeps the last OPT's fields or takes it as a plain RR */
	DNS_DIFF_TSIG,            /**< TSIG not the last record (RFC 8945 §5.1): we reject
	                           *   (DNS_ETSIGPOS); ldns accepts and, as it lowers arcount inside
	                           *   its additional-section loop, does not read what follows */
	DNS_DIFF_LDNS_RDATA,      /**< ldns parses RDATA by its type's schema and rejects it, or
	                           *   ends the record elsewhere than rdlength says (a name in RDATA
	                           *   running past rdlength, or more RDATA than the schema's
	                           *   fields, after which ldns reads the next record from the wrong
	                           *   place); dns_wire takes RDATA as rdlength opaque bytes */
	DNS_DIFF_DISAGREE,        /**< any other difference: a bug in one of the two */
	DNS_DIFF_VERDICTS
};

struct dns_diff_result {
	enum dns_diff_verdict verdict;
	int ours;                 /**< dns_msg_parse status */
	int ldns;                 /**< ldns_wire2pkt status (ldns_status) */
	char why[256];            /**< DNS_DIFF_DISAGREE: the first difference found */
};

/** Compare the two parsers on one message. */
enum dns_diff_verdict dns_diff_compare(const uint8_t *wire, size_t len, struct dns_diff_result *out);

/** Short name of a verdict ("both_accept", "trailing", ...). */
const char *dns_diff_verdict_name(enum dns_diff_verdict v);

/** Counts of verdicts over many messages. */
struct dns_diff_tally {
	uint64_t total;
	uint64_t n[DNS_DIFF_VERDICTS];
};

/** Compare and count; returns the verdict. */
enum dns_diff_verdict dns_diff_tally_add(struct dns_diff_tally *t, const uint8_t *wire, size_t len,
                                         struct dns_diff_result *out);

#endif
