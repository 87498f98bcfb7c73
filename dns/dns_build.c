/*
 * dns_build — allocation-free message writer. Whole-name compression only (an owner equal to
 * an earlier full name becomes a pointer), which covers what a resolver's answer repeats.
 */
#include "dns/dns_build.h"

#include <string.h>

static inline void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static void bump_count(struct dns_builder *b, int section)
{
	uint8_t *p = b->buf + 4 + 2 * section;
	wr16(p, (uint16_t)((p[0] << 8 | p[1]) + 1));
}

int dns_build_init(struct dns_builder *b, uint8_t *buf, size_t cap, uint16_t id, uint16_t flags)
{
	if (cap < DNS_HEADER_SIZE)
		return DNS_ENOSPC;
	b->buf = buf;
	b->cap = cap;
	memset(buf, 0, DNS_HEADER_SIZE);
	wr16(buf, id);
	wr16(buf + 2, flags);
	b->len = DNS_HEADER_SIZE;
	b->name_count = 0;
	b->section = 0;
	return DNS_OK;
}

/* Write a name, as a pointer when an earlier full copy exists. */
static int put_name(struct dns_builder *b, const uint8_t *name, size_t name_len)
{
	for (unsigned i = 0; i < b->name_count; i++) {
		uint16_t o = b->name_off[i];
		if (o + name_len <= b->len && dns_name_equal(b->buf + o, name_len, name, name_len)) {
			if (b->len + 2 > b->cap)
				return DNS_ENOSPC;
			wr16(b->buf + b->len, (uint16_t)(0xc000u | o));
			b->len += 2;
			return DNS_OK;
		}
	}
	if (b->len + name_len > b->cap)
		return DNS_ENOSPC;
	if (name_len > 1 && b->len < 0x3fff &&
	    b->name_count < sizeof(b->name_off) / sizeof(b->name_off[0]))
		b->name_off[b->name_count++] = (uint16_t)b->len;
	memcpy(b->buf + b->len, name, name_len);
	b->len += name_len;
	return DNS_OK;
}

int dns_build_question(struct dns_builder *b, const uint8_t *name, size_t name_len,
                       uint16_t qtype, uint16_t qclass)
{
	if (b->section > 0)
		return DNS_EINVAL;
	size_t saved_len = b->len;
	uint8_t saved_count = b->name_count;
	int rc = put_name(b, name, name_len);
	if (rc == DNS_OK && b->len + 4 > b->cap)
		rc = DNS_ENOSPC;
	if (rc) {
		b->len = saved_len;
		b->name_count = saved_count;
		return rc;
	}
	wr16(b->buf + b->len, qtype);
	wr16(b->buf + b->len + 2, qclass);
	b->len += 4;
	bump_count(b, 0);
	return DNS_OK;
}

int dns_build_rr(struct dns_builder *b, int section, const uint8_t *owner, size_t owner_len,
                 uint16_t type, uint16_t rclass, uint32_t ttl, const uint8_t *rdata,
                 uint16_t rdlength)
{
	if (section < 1 || section > 3 || section < b->section)
		return DNS_EINVAL;
	size_t saved_len = b->len;
	uint8_t saved_count = b->name_count;
	int rc = put_name(b, owner, owner_len);
	if (rc == DNS_OK && b->len + 10 + (size_t)rdlength > b->cap)
		rc = DNS_ENOSPC;
	if (rc) {
		b->len = saved_len;
		b->name_count = saved_count;
		return rc;
	}
	uint8_t *p = b->buf + b->len;
	wr16(p, type);
	wr16(p + 2, rclass);
	wr32(p + 4, ttl);
	wr16(p + 8, rdlength);
	if (rdlength)
		memcpy(p + 10, rdata, rdlength);
	b->len += 10 + (size_t)rdlength;
	b->section = section;
	bump_count(b, section);
	return DNS_OK;
}

int dns_build_opt(struct dns_builder *b, uint16_t udp_size, int do_bit)
{
	static const uint8_t root = 0;
	return dns_build_rr(b, 3, &root, 1, DNS_TYPE_OPT, udp_size, do_bit ? 0x8000u : 0, NULL, 0);
}
