/*
 * share — building and checking share messages.
 */
#include "nodes/share.h"

#include <string.h>

#include "dns/dns_build.h"
#include "nodes/authority.h"

int share_eligible(const struct sim_params *p, uint8_t rcode, uint16_t ancount, uint8_t aa,
                   uint32_t ttl)
{
	if ((rcode != DNS_RCODE_NOERROR || ancount == 0) && /* D-NONEG, unless the experiment lifts it */
	    (!p->share_negative || (rcode != DNS_RCODE_NOERROR && rcode != DNS_RCODE_NXDOMAIN) ||
	     p->question != SHARE_QUESTION_KEEP))
		return 0;
	if (p->require_aa && !aa) /* D-SURE */
		return 0;
	return ttl >= p->ttl_threshold; /* D-TTL */
}

/* RFC 2308 section 3: a negative answer carries the SOA of the zone, whose MINIMUM (and TTL)
 * bound the negative TTL. The zone is taken as the question's parent (the name itself when it
 * has one label): the world model has no zone cuts. */
static int add_negative_soa(struct dns_builder *b, const struct share_content *c)
{
	const uint8_t *zone = c->qname;
	size_t zone_len = c->qname_len;
	if (zone_len > 1 && zone[0] > 0 && zone[zone[0] + 1] > 0) {
		zone_len -= (size_t)zone[0] + 1;
		zone += zone[0] + 1;
	}
	uint8_t rdata[2 * DNS_NAME_MAX + 20];
	size_t k = 0;
	memcpy(rdata, zone, zone_len); /* MNAME */
	k += zone_len;
	memcpy(rdata + k, zone, zone_len); /* RNAME */
	k += zone_len;
	const uint32_t fields[5] = { 1, 3600, 600, 86400, c->ttl }; /* serial refresh retry expire minimum */
	for (int i = 0; i < 5; i++) {
		rdata[k++] = (uint8_t)(fields[i] >> 24);
		rdata[k++] = (uint8_t)(fields[i] >> 16);
		rdata[k++] = (uint8_t)(fields[i] >> 8);
		rdata[k++] = (uint8_t)fields[i];
	}
	return dns_build_rr(b, 2, zone, zone_len, DNS_TYPE_SOA, c->qclass, c->ttl, rdata, (uint16_t)k);
}

int share_build(const struct sim_params *p, const struct dns_tsig_key *key,
                const struct share_content *c, uint64_t time_signed, uint8_t *buf, size_t cap,
                size_t *len)
{
	struct dns_builder b;
	uint16_t flags = DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA | (c->aa ? DNS_FLAG_AA : 0) | (c->rcode & 0xf);
	int rc = dns_build_init(&b, buf, cap, c->id, flags);
	if (rc)
		return rc;
	if (p->question == SHARE_QUESTION_KEEP &&
	    (rc = dns_build_question(&b, c->qname, c->qname_len, c->qtype, c->qclass)))
		return rc;
	unsigned n = c->ancount < SHARE_MAX_RRS ? c->ancount : SHARE_MAX_RRS;
	for (unsigned i = 0; i < n; i++) {
		uint8_t rdata[512];
		int rdlen = authority_rdata(c->seed, c->name_id, c->qtype, i, rdata, sizeof(rdata));
		if (rdlen < 0)
			return DNS_EINVAL;
		rc = dns_build_rr(&b, 1, c->qname, c->qname_len, c->qtype, c->qclass, c->ttl, rdata,
		                  (uint16_t)rdlen);
		if (rc)
			return rc;
	}
	if ((c->rcode != DNS_RCODE_NOERROR || c->ancount == 0) && (rc = add_negative_soa(&b, c)))
		return rc;
	if ((rc = dns_build_opt(&b, p->edns_udp_size, 0)))
		return rc;
	*len = dns_build_len(&b);
	return dns_tsig_sign(key, buf, len, cap, time_signed, p->tsig_fudge);
}

int share_tsig_time(const struct dns_msg *m, uint64_t *time_signed)
{
	struct dns_rr rr;
	size_t off = m->tsig_off;
	uint8_t alg[DNS_NAME_MAX], alg_len;
	if (!m->tsig_off || dns_rr_read(m->wire, m->len, &off, &rr) != DNS_OK)
		return -1;
	size_t pos = rr.rdata_off, end = rr.rdata_off + rr.rdlength;
	if (dns_name_read(m->wire, end, &pos, alg, &alg_len) != DNS_OK || pos + 6 > end)
		return -1;
	uint64_t t = 0;
	for (int i = 0; i < 6; i++)
		t = t << 8 | m->wire[pos + i];
	*time_signed = t;
	return 0;
}

int share_verdict_clock_free(enum metrics_counter verdict)
{
	return verdict == CTR_REJ_MALFORMED || verdict == CTR_REJ_UNSIGNED ||
	       verdict == CTR_REJ_BADKEY || verdict == CTR_REJ_BADSIG;
}

enum metrics_counter share_check(const struct sim_params *p, const struct dns_tsig_key *key,
                                 const uint8_t *msg, size_t len, uint64_t now_s,
                                 struct dns_msg *parsed)
{
	if (dns_msg_parse(msg, len, parsed) != DNS_OK)
		return CTR_REJ_MALFORMED;
	switch (dns_tsig_verify(key, parsed, now_s)) {
	case DNS_TSIG_OK: break;
	case DNS_TSIG_UNSIGNED: return CTR_REJ_UNSIGNED;
	case DNS_TSIG_BADKEY: return CTR_REJ_BADKEY;
	case DNS_TSIG_BADSIG: return CTR_REJ_BADSIG;
	case DNS_TSIG_BADTIME: return CTR_REJ_BADTIME;
	case DNS_TSIG_FORMERR: return CTR_REJ_MALFORMED;
	}
	if (!(parsed->hdr.flags & DNS_FLAG_QR) || DNS_OPCODE(parsed->hdr.flags) != 0)
		return CTR_REJ_NOT_RESPONSE;
	uint16_t rcode = DNS_RCODE(parsed->hdr.flags);
	if (rcode != DNS_RCODE_NOERROR || parsed->hdr.ancount == 0) {
		if (!p->share_negative || (rcode != DNS_RCODE_NOERROR && rcode != DNS_RCODE_NXDOMAIN) ||
		    parsed->hdr.qdcount != 1 || parsed->hdr.nscount == 0)
			return CTR_REJ_NEGATIVE;
		/* Unbound's proof of concept drops shares without answers. */
		if (p->receiver == RECEIVER_UNBOUND_POC)
			return CTR_REJ_PROFILE;
	}
	/* Unbound's proof of concept (PR #1250) drops shares without exactly one question. */
	if (p->receiver == RECEIVER_UNBOUND_POC && parsed->hdr.qdcount != 1)
		return CTR_REJ_PROFILE;
	return CTR_SHARE_ACCEPTED;
}
