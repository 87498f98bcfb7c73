/*
 * dns_wire — bounds-checked reading of DNS messages (RFC 1035 §4).
 *
 * The leaf library of sharesim, like libknot under Knot: traces/ and nodes/ use it, it uses
 * neither. Every read is checked against the message length; a compression pointer must point
 * strictly backwards (and not into the header), so a name decode always terminates. Names are handled in uncompressed
 * wire form (length-prefixed labels, at most 255 octets); "folded" means ASCII lower-cased.
 */
#ifndef SHARESIM_DNS_WIRE_H
#define SHARESIM_DNS_WIRE_H

#include <stddef.h>
#include <stdint.h>

/** Status codes: 0 is success, errors are negative. */
enum dns_status {
	DNS_OK = 0,
	DNS_ETRUNC = -1,     /**< message ends before the field does */
	DNS_ELABEL = -2,     /**< bad label type or a name over 255 octets */
	DNS_EPTR = -3,       /**< compression pointer not strictly backwards, or into the header */
	DNS_ETRAILING = -4,  /**< bytes after the last counted record */
	DNS_ENOSPC = -5,     /**< output buffer too small */
	DNS_EINVAL = -6,     /**< bad argument (e.g. malformed presentation name) */
	DNS_EOPT = -7,       /**< OPT record misplaced or duplicated */
	DNS_ETSIGPOS = -8,   /**< TSIG record not last in the additional section */
};

/** Human-readable name of a status code, for counters and errors ("truncated", ...). */
const char *dns_strerror(int status);

#define DNS_HEADER_SIZE 12
#define DNS_NAME_MAX 255
#define DNS_NAME_TEXT_MAX 1024 /* presentation form with \DDD escapes, plus NUL */

/* Header flag bits (host order of the 16-bit flags word). */
#define DNS_FLAG_QR 0x8000u
#define DNS_FLAG_AA 0x0400u
#define DNS_FLAG_TC 0x0200u
#define DNS_FLAG_RD 0x0100u
#define DNS_FLAG_RA 0x0080u
#define DNS_FLAG_AD 0x0020u
#define DNS_FLAG_CD 0x0010u
#define DNS_OPCODE(flags) (((flags) >> 11) & 0xfu)
#define DNS_RCODE(flags) ((flags) & 0xfu)

/* Types and classes the simulator names; everything else is carried as a number. */
enum {
	DNS_TYPE_A = 1, DNS_TYPE_NS = 2, DNS_TYPE_CNAME = 5, DNS_TYPE_SOA = 6, DNS_TYPE_PTR = 12,
	DNS_TYPE_MX = 15, DNS_TYPE_TXT = 16, DNS_TYPE_AAAA = 28, DNS_TYPE_SRV = 33,
	DNS_TYPE_OPT = 41, DNS_TYPE_DS = 43, DNS_TYPE_RRSIG = 46, DNS_TYPE_DNSKEY = 48,
	DNS_TYPE_SVCB = 64, DNS_TYPE_HTTPS = 65, DNS_TYPE_TSIG = 250, DNS_TYPE_ANY = 255,
};
enum { DNS_CLASS_IN = 1, DNS_CLASS_ANY = 255 };
enum { DNS_RCODE_NOERROR = 0, DNS_RCODE_FORMERR = 1, DNS_RCODE_SERVFAIL = 2,
       DNS_RCODE_NXDOMAIN = 3, DNS_RCODE_NOTIMP = 4, DNS_RCODE_REFUSED = 5,
       DNS_RCODE_NOTAUTH = 9 };

struct dns_header {
	uint16_t id;
	uint16_t flags;
	uint16_t qdcount, ancount, nscount, arcount;
};

/** One resource record as found in a message; rdata points into the message. */
struct dns_rr {
	uint8_t owner[DNS_NAME_MAX]; /**< uncompressed wire form, as in the message (not folded) */
	uint8_t owner_len;
	uint16_t type, rclass;
	uint32_t ttl;
	uint16_t rdlength;
	size_t rdata_off;            /**< offset of RDATA in the message */
	size_t start_off;            /**< offset of the owner name: where the record begins */
};

/**
 * A message checked from end to end: every section walks to its end, the OPT and TSIG
 * records are located. Section offsets let callers iterate with dns_rr_read().
 */
struct dns_msg {
	const uint8_t *wire;
	size_t len;
	struct dns_header hdr;
	uint8_t qname[DNS_NAME_MAX]; /**< first question's name, if qdcount >= 1 */
	uint8_t qname_len;
	uint16_t qtype, qclass;
	size_t question_off, answer_off, authority_off, additional_off;
	size_t opt_off;              /**< start of the OPT record, 0 if none */
	size_t tsig_off;             /**< start of the TSIG record, 0 if none (it must be last) */
	uint16_t edns_udp_size;      /**< from OPT; 0 if none */
	uint8_t edns_version;
	uint8_t edns_do;
};

int dns_header_read(const uint8_t *wire, size_t len, struct dns_header *out);

/**
 * Decode the name at *off (following compression pointers) into uncompressed wire form.
 * On success *off is just past the name as it is stored at that place.
 */
int dns_name_read(const uint8_t *wire, size_t len, size_t *off, uint8_t out[DNS_NAME_MAX],
                  uint8_t *out_len);

/** Read the record at *off into rr and advance *off past it. */
int dns_rr_read(const uint8_t *wire, size_t len, size_t *off, struct dns_rr *rr);

/** Parse and check a whole message (the only entry point for outside input). */
int dns_msg_parse(const uint8_t *wire, size_t len, struct dns_msg *msg);

/** ASCII lower-case a wire-form name in place (labels' length octets untouched). */
void dns_name_fold(uint8_t *name, size_t len);
/** dns_name_fold of src into dst (len bytes; dst may be src). */
void dns_name_fold_copy(uint8_t *dst, const uint8_t *src, size_t len);

/** Case-insensitive equality of two wire-form names. */
int dns_name_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len);

/** Presentation form ("www.example.com.", root is "."), escaping as RFC 1035 §5.1. */
int dns_name_to_text(const uint8_t *name, size_t len, char *out, size_t out_size);

/** Parse a presentation name (absolute or not; a missing final dot is implied). */
int dns_name_from_text(const char *text, uint8_t out[DNS_NAME_MAX], uint8_t *out_len);

/** Mnemonic of a type ("A", "AAAA", ...) or "TYPE%u" into buf; returns buf. */
const char *dns_type_to_text(uint16_t type, char *buf, size_t size);
/** Type from a mnemonic or "TYPEnnn"; returns 0 on success. */
int dns_type_from_text(const char *text, uint16_t *type);
/** Mnemonic of an rcode ("NOERROR", "NXDOMAIN", ...) or "RCODE%u". */
const char *dns_rcode_to_text(uint16_t rcode, char *buf, size_t size);

#endif
