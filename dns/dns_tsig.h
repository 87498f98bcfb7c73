/*
 * dns_tsig — TSIG (RFC 8945) signing and verification with HMAC through OpenSSL's EVP_MAC.
 *
 * A key is parsed once from dnsperf's "-y [alg:]name:base64secret" form and holds a keyed MAC
 * context; each signature copies that context, so the per-message cost is one HMAC. Time is
 * always passed in by the caller (the simulated clock), never read from the system.
 */
#ifndef SHARESIM_DNS_TSIG_H
#define SHARESIM_DNS_TSIG_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns_wire.h"

enum dns_tsig_alg { DNS_TSIG_HMAC_SHA256 = 0, DNS_TSIG_HMAC_SHA1, DNS_TSIG_HMAC_SHA512 };

struct dns_tsig_key {
	uint8_t name[DNS_NAME_MAX]; /**< folded wire form */
	uint8_t name_len;
	enum dns_tsig_alg alg;
	uint8_t secret[128];
	size_t secret_len;
	void *mac_ctx;              /**< EVP_MAC_CTX keyed with secret; opaque here */
	void *mac_work;             /**< one more, reset from the key for each message (one thread) */
};

/** Outcome of verification, one per reason a receiver counts. */
enum dns_tsig_result {
	DNS_TSIG_OK = 0,
	DNS_TSIG_UNSIGNED,   /**< no TSIG record */
	DNS_TSIG_BADKEY,     /**< key name or algorithm not the expected one */
	DNS_TSIG_BADSIG,     /**< MAC does not verify (or has the wrong size) */
	DNS_TSIG_BADTIME,    /**< time signed outside now ± fudge */
	DNS_TSIG_FORMERR,    /**< TSIG record malformed or not last */
};
const char *dns_tsig_result_name(enum dns_tsig_result r);

/**
 * Parse "[alg:]name:base64secret" (alg: hmac-sha256 default, hmac-sha1, hmac-sha512).
 * On error returns a negative status and writes a reason into err.
 */
int dns_tsig_key_parse(const char *spec, struct dns_tsig_key *key, char *err, size_t err_size);
void dns_tsig_key_free(struct dns_tsig_key *key);

/**
 * Append a TSIG record to the message in buf (length *len, capacity cap), signing it as a
 * response without a request MAC (the share messages of the draft are unsolicited), and
 * increment ARCOUNT. The original id is the message's own id; error 0, no other data.
 */
int dns_tsig_sign(const struct dns_tsig_key *key, uint8_t *buf, size_t *len, size_t cap,
                  uint64_t time_signed, uint16_t fudge);

/** Verify the TSIG of a parsed message against key at time now (seconds). */
enum dns_tsig_result dns_tsig_verify(const struct dns_tsig_key *key, const struct dns_msg *msg,
                                     uint64_t now);

#endif
