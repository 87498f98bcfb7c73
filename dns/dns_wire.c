/*
 * dns_wire — bounds-checked reading of DNS messages.
 *
 * Invariant: no read beyond wire[len - 1]. Compression pointers must point strictly before the
 * place where the name being decoded started, so every decode terminates, and past the header.
 */
#include "dns/dns_wire.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *dns_strerror(int status)
{
	switch (status) {
	case DNS_OK: return "ok";
	case DNS_ETRUNC: return "truncated";
	case DNS_ELABEL: return "bad_label";
	case DNS_EPTR: return "bad_pointer";
	case DNS_ETRAILING: return "trailing_data";
	case DNS_ENOSPC: return "no_space";
	case DNS_EINVAL: return "invalid";
	case DNS_EOPT: return "bad_opt";
	case DNS_ETSIGPOS: return "tsig_not_last";
	default: return "unknown_error";
	}
}

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int dns_header_read(const uint8_t *wire, size_t len, struct dns_header *out)
{
	if (len < DNS_HEADER_SIZE)
		return DNS_ETRUNC;
	out->id = rd16(wire);
	out->flags = rd16(wire + 2);
	out->qdcount = rd16(wire + 4);
	out->ancount = rd16(wire + 6);
	out->nscount = rd16(wire + 8);
	out->arcount = rd16(wire + 10);
	return DNS_OK;
}

/* dns_name_read, the name copied to out unless out is NULL (a check that only walks it). */
static inline int name_walk(const uint8_t *wire, size_t len, size_t *off, uint8_t *out, uint8_t *out_len)
{
	size_t pos = *off, limit = *off; /* a pointer must go strictly below limit */
	size_t end_after = 0;            /* where the name ends in place, once a pointer is taken */
	size_t n = 0;
	for (;;) {
		if (pos >= len)
			return DNS_ETRUNC;
		uint8_t c = wire[pos];
		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= len)
				return DNS_ETRUNC;
			size_t target = (size_t)(c & 0x3f) << 8 | wire[pos + 1];
			/* Strictly backwards, and never into the header: a name there is 12 bytes of
			 * id, flags and counts read as labels (ldns also refuses offset 0). */
			if (target >= limit || target < DNS_HEADER_SIZE)
				return DNS_EPTR;
			if (!end_after)
				end_after = pos + 2;
			limit = target;
			pos = target;
			continue;
		}
		if (c & 0xc0)
			return DNS_ELABEL; /* 0x40 and 0x80: extended and reserved label types */
		if (n + 1 + c > DNS_NAME_MAX)
			return DNS_ELABEL;
		if (pos + 1 + c > len)
			return DNS_ETRUNC;
		if (out)
			memcpy(out + n, wire + pos, (size_t)c + 1);
		n += (size_t)c + 1;
		pos += (size_t)c + 1;
		if (c == 0)
			break;
	}
	*out_len = (uint8_t)n;
	*off = end_after ? end_after : pos;
	return DNS_OK;
}

int dns_name_read(const uint8_t *wire, size_t len, size_t *off, uint8_t out[DNS_NAME_MAX],
                  uint8_t *out_len)
{
	return name_walk(wire, len, off, out, out_len);
}

/* The record at *off into rr, its owner's bytes copied to owner unless NULL (a section check
 * needs none); *off moves past the record if it is whole. */
static int rr_walk(const uint8_t *wire, size_t len, size_t *off, uint8_t *owner, struct dns_rr *rr)
{
	size_t pos = *off;
	rr->start_off = pos;
	int rc = name_walk(wire, len, &pos, owner, &rr->owner_len);
	if (rc)
		return rc;
	if (pos + 10 > len)
		return DNS_ETRUNC;
	rr->type = rd16(wire + pos);
	rr->rclass = rd16(wire + pos + 2);
	rr->ttl = rd32(wire + pos + 4);
	rr->rdlength = rd16(wire + pos + 8);
	pos += 10;
	if (pos + rr->rdlength > len)
		return DNS_ETRUNC;
	rr->rdata_off = pos;
	*off = pos + rr->rdlength;
	return DNS_OK;
}

int dns_rr_read(const uint8_t *wire, size_t len, size_t *off, struct dns_rr *rr)
{
	return rr_walk(wire, len, off, rr->owner, rr);
}

static int parse_section(struct dns_msg *msg, size_t *pos, unsigned count, int additional)
{
	struct dns_rr rr;
	for (unsigned i = 0; i < count; i++) {
		int rc = rr_walk(msg->wire, msg->len, pos, NULL, &rr);
		if (rc)
			return rc;
		if (rr.type == DNS_TYPE_OPT) {
			if (!additional || msg->opt_off || rr.owner_len != 1)
				return DNS_EOPT;
			msg->opt_off = rr.start_off;
			msg->edns_udp_size = rr.rclass;
			msg->edns_version = (uint8_t)(rr.ttl >> 16);
			msg->edns_do = (rr.ttl & 0x8000u) ? 1 : 0;
		} else if (rr.type == DNS_TYPE_TSIG) {
			if (!additional || i + 1 != count)
				return DNS_ETSIGPOS;
			msg->tsig_off = rr.start_off;
		}
	}
	return DNS_OK;
}

int dns_msg_parse(const uint8_t *wire, size_t len, struct dns_msg *msg)
{
	memset(msg, 0, sizeof(*msg));
	msg->wire = wire;
	msg->len = len;
	int rc = dns_header_read(wire, len, &msg->hdr);
	if (rc)
		return rc;
	size_t pos = DNS_HEADER_SIZE;
	msg->question_off = pos;
	for (unsigned i = 0; i < msg->hdr.qdcount; i++) {
		/* The first name straight into msg (cleared again if it or its fields fail, as if
		 * never copied); the others only checked. */
		uint8_t name_len;
		rc = name_walk(wire, len, &pos, i == 0 ? msg->qname : NULL, &name_len);
		if (!rc && pos + 4 > len)
			rc = DNS_ETRUNC;
		if (rc) {
			if (i == 0)
				memset(msg->qname, 0, sizeof(msg->qname));
			return rc;
		}
		if (i == 0) {
			msg->qname_len = name_len;
			msg->qtype = rd16(wire + pos);
			msg->qclass = rd16(wire + pos + 2);
		}
		pos += 4;
	}
	msg->answer_off = pos;
	if ((rc = parse_section(msg, &pos, msg->hdr.ancount, 0)))
		return rc;
	msg->authority_off = pos;
	if ((rc = parse_section(msg, &pos, msg->hdr.nscount, 0)))
		return rc;
	msg->additional_off = pos;
	if ((rc = parse_section(msg, &pos, msg->hdr.arcount, 1)))
		return rc;
	return pos == len ? DNS_OK : DNS_ETRAILING;
}

void dns_name_fold(uint8_t *name, size_t len)
{
	size_t pos = 0;
	while (pos < len && name[pos]) {
		size_t l = name[pos];
		for (size_t i = pos + 1; i <= pos + l && i < len; i++) /* tolower() of the C locale */
			name[i] = (uint8_t)(name[i] + ((uint8_t)(name[i] - 'A') < 26 ? 32 : 0));
		pos += l + 1;
	}
}

void dns_name_fold_copy(uint8_t *dst, const uint8_t *src, size_t len)
{
	/* When the labels end exactly at the name's end (a name read from a message always does),
	 * every byte can be folded, 8 at a time: a length octet (at most 63) is never a capital. */
	size_t pos = 0;
	while (pos < len && src[pos] && src[pos] <= 63)
		pos += (size_t)src[pos] + 1;
	if (len == 0 || pos != len - 1 || src[pos] != 0) {
		memmove(dst, src, len);
		dns_name_fold(dst, len);
		return;
	}
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t x, low7;
		memcpy(&x, src + i, 8);
		low7 = x & 0x7f7f7f7f7f7f7f7fULL;
		/* bit 7 of each byte: ASCII, and at least 'A' but not past 'Z' */
		uint64_t upper = ~x & ((low7 + 0x3f3f3f3f3f3f3f3fULL) ^ (low7 + 0x2525252525252525ULL)) &
		                 0x8080808080808080ULL;
		x |= upper >> 2;
		memcpy(dst + i, &x, 8);
	}
	for (; i < len; i++)
		dst[i] = (uint8_t)(src[i] + ((uint8_t)(src[i] - 'A') < 26 ? 32 : 0));
}

int dns_name_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
	if (a_len != b_len)
		return 0;
	size_t pos = 0;
	while (pos < a_len) {
		if (a[pos] != b[pos])
			return 0;
		size_t l = a[pos];
		if (l == 0)
			return 1;
		for (size_t i = pos + 1; i <= pos + l && i < a_len; i++)
			if (tolower(a[i]) != tolower(b[i]))
				return 0;
		pos += l + 1;
	}
	return 1;
}

int dns_name_to_text(const uint8_t *name, size_t len, char *out, size_t out_size)
{
	size_t pos = 0, o = 0;
	if (out_size == 0)
		return DNS_ENOSPC;
	if (len == 0 || name[0] == 0) {
		if (out_size < 2)
			return DNS_ENOSPC;
		strcpy(out, ".");
		return DNS_OK;
	}
	while (pos < len && name[pos]) {
		size_t l = name[pos];
		if (pos + 1 + l > len)
			return DNS_EINVAL;
		for (size_t i = pos + 1; i <= pos + l; i++) {
			uint8_t c = name[i];
			char buf[5];
			int n;
			if (c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' ||
			    c == '@' || c == '$')
				n = snprintf(buf, sizeof(buf), "\\%c", c);
			else if (c <= 0x20 || c >= 0x7f)
				n = snprintf(buf, sizeof(buf), "\\%03u", c);
			else
				n = snprintf(buf, sizeof(buf), "%c", c);
			if (o + (size_t)n + 1 > out_size)
				return DNS_ENOSPC;
			memcpy(out + o, buf, (size_t)n);
			o += (size_t)n;
		}
		if (o + 2 > out_size)
			return DNS_ENOSPC;
		out[o++] = '.';
		pos += l + 1;
	}
	out[o] = '\0';
	return DNS_OK;
}

int dns_name_from_text(const char *text, uint8_t out[DNS_NAME_MAX], uint8_t *out_len)
{
	size_t n = 0;
	if (!strcmp(text, ".")) {
		out[0] = 0;
		*out_len = 1;
		return DNS_OK;
	}
	const char *p = text;
	while (*p) {
		size_t label_at = n++;
		size_t l = 0;
		if (*p == '.')
			return DNS_EINVAL; /* empty label */
		while (*p && *p != '.') {
			unsigned c = (unsigned char)*p++;
			if (c == '\\') {
				if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
				    isdigit((unsigned char)p[2])) {
					c = (unsigned)(p[0] - '0') * 100 + (unsigned)(p[1] - '0') * 10 +
					    (unsigned)(p[2] - '0');
					if (c > 255)
						return DNS_EINVAL;
					p += 3;
				} else if (*p) {
					c = (unsigned char)*p++;
				} else {
					return DNS_EINVAL;
				}
			}
			if (++l > 63 || n + 1 >= DNS_NAME_MAX)
				return DNS_ELABEL;
			out[n++] = (uint8_t)c;
		}
		out[label_at] = (uint8_t)l;
		if (*p == '.')
			p++;
	}
	if (n + 1 > DNS_NAME_MAX)
		return DNS_ELABEL;
	out[n++] = 0;
	*out_len = (uint8_t)n;
	return DNS_OK;
}

static const struct {
	uint16_t type;
	const char *name;
} type_names[] = {
	{ DNS_TYPE_A, "A" }, { DNS_TYPE_NS, "NS" }, { DNS_TYPE_CNAME, "CNAME" },
	{ DNS_TYPE_SOA, "SOA" }, { DNS_TYPE_PTR, "PTR" }, { DNS_TYPE_MX, "MX" },
	{ DNS_TYPE_TXT, "TXT" }, { DNS_TYPE_AAAA, "AAAA" }, { DNS_TYPE_SRV, "SRV" },
	{ DNS_TYPE_OPT, "OPT" }, { DNS_TYPE_DS, "DS" }, { DNS_TYPE_RRSIG, "RRSIG" },
	{ DNS_TYPE_DNSKEY, "DNSKEY" }, { DNS_TYPE_SVCB, "SVCB" }, { DNS_TYPE_HTTPS, "HTTPS" },
	{ DNS_TYPE_TSIG, "TSIG" }, { DNS_TYPE_ANY, "ANY" }, { 47, "NSEC" }, { 50, "NSEC3" },
	{ 99, "SPF" }, { 257, "CAA" }, { 52, "TLSA" }, { 13, "HINFO" }, { 35, "NAPTR" },
	{ 252, "AXFR" }, { 251, "IXFR" },
};

const char *dns_type_to_text(uint16_t type, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == type) {
			snprintf(buf, size, "%s", type_names[i].name);
			return buf;
		}
	snprintf(buf, size, "TYPE%u", type);
	return buf;
}

int dns_type_from_text(const char *text, uint16_t *type)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (!strcasecmp(type_names[i].name, text)) {
			*type = type_names[i].type;
			return 0;
		}
	if (!strncasecmp(text, "TYPE", 4) && text[4]) {
		unsigned long v = 0;
		for (const char *p = text + 4; *p; p++) {
			if (!isdigit((unsigned char)*p))
				return DNS_EINVAL;
			v = v * 10 + (unsigned long)(*p - '0');
			if (v > 65535)
				return DNS_EINVAL;
		}
		*type = (uint16_t)v;
		return 0;
	}
	return DNS_EINVAL;
}

const char *dns_rcode_to_text(uint16_t rcode, char *buf, size_t size)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
		                             "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
		                             "NXRRSET", "NOTAUTH", "NOTZONE" };
	if (rcode < sizeof(names) / sizeof(names[0]))
		snprintf(buf, size, "%s", names[rcode]);
	else
		snprintf(buf, size, "RCODE%u", rcode);
	return buf;
}
