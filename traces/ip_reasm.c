/*
 * ip_reasm — a small table of datagrams in reassembly, each a 64 KiB buffer with a bitmap of
 * the 8-byte blocks received. Fragments are rare in DNS captures, so a linear search is enough.
 */
#include "traces/ip_reasm.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DATAGRAM 65535u
#define BLOCKS ((MAX_DATAGRAM + 7) / 8)

struct pending_datagram {
	struct trace_addr src, dst;
	uint32_t id;
	uint8_t proto;
	uint8_t have_end;   /**< the last fragment (more = 0) has come: len is known */
	uint32_t len;
	uint32_t fragments;
	int64_t first_seen;
	uint8_t seen[BLOCKS / 8 + 1];
	uint8_t *data;
};

struct ip_reasm {
	struct pending_datagram *d;
	size_t n, cap;
	uint8_t *done;     /* the last completed datagram's buffer, freed at the next call */
};

int ip_reasm_new(struct ip_reasm **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -1;
}

void ip_reasm_free(struct ip_reasm *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->d[i].data);
	free(r->d);
	free(r->done);
	free(r);
}

static void drop(struct ip_reasm *r, size_t i)
{
	free(r->d[i].data);
	r->d[i] = r->d[--r->n];
}

uint64_t ip_reasm_expire(struct ip_reasm *r, int64_t t)
{
	uint64_t fragments = 0;
	for (size_t i = 0; i < r->n;) {
		if (t == INT64_MAX || t - r->d[i].first_seen > IP_REASM_TIMEOUT_NS) {
			fragments += r->d[i].fragments;
			drop(r, i);
		} else {
			i++;
		}
	}
	return fragments;
}

static int same_key(const struct pending_datagram *d, const struct decoded_packet *f)
{
	size_t alen = f->src.family == 4 ? 4 : 16;
	return d->id == f->frag_id && d->proto == f->frag_proto && d->src.family == f->src.family &&
	       !memcmp(d->src.addr, f->src.addr, alen) && !memcmp(d->dst.addr, f->dst.addr, alen);
}

static int block_seen(const struct pending_datagram *d, uint32_t b) { return d->seen[b / 8] >> (b % 8) & 1; }

enum reasm_result ip_reasm_feed(struct ip_reasm *r, int64_t t, const struct decoded_packet *f,
                                struct reasm_datagram *out)
{
	free(r->done);
	r->done = NULL;
	uint32_t start = f->frag_offset, end = f->frag_offset + (uint32_t)f->payload_len;
	/* Every fragment but the last carries a multiple of 8 bytes (RFC 791, RFC 8200). */
	if (end > MAX_DATAGRAM || (f->frag_more && (f->payload_len % 8 || f->payload_len == 0)))
		return REASM_BAD;
	size_t i = 0;
	while (i < r->n && !same_key(&r->d[i], f))
		i++;
	if (i == r->n) {
		if (r->n == IP_REASM_MAX) { /* the oldest gives way */
			size_t oldest = 0;
			for (size_t k = 1; k < r->n; k++)
				if (r->d[k].first_seen < r->d[oldest].first_seen)
					oldest = k;
			drop(r, oldest);
			i = r->n;
		}
		if (r->n == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 8;
			struct pending_datagram *nd = realloc(r->d, cap * sizeof(*nd));
			if (!nd)
				return REASM_NOMEM;
			r->d = nd;
			r->cap = cap;
		}
		struct pending_datagram *d = &r->d[r->n];
		memset(d, 0, sizeof(*d));
		if (!(d->data = malloc(MAX_DATAGRAM)))
			return REASM_NOMEM;
		d->src = f->src;
		d->dst = f->dst;
		d->id = f->frag_id;
		d->proto = f->frag_proto;
		d->first_seen = t;
		i = r->n++;
	}
	struct pending_datagram *d = &r->d[i];
	if ((d->have_end && end > d->len) || (!f->frag_more && d->have_end && end != d->len))
		return REASM_BAD;
	if (!f->frag_more) {
		/* The end: nothing already received may lie beyond it. */
		for (uint32_t b = (end + 7) / 8; b < BLOCKS; b++)
			if (block_seen(d, b))
				return REASM_BAD;
		d->have_end = 1;
		d->len = end;
	}
	int fresh = 0;
	for (uint32_t b = start / 8; b < (end + 7) / 8; b++)
		fresh |= !block_seen(d, b);
	if (!fresh && end > start)
		return REASM_DUPLICATE;
	memcpy(d->data + start, f->payload, f->payload_len);
	for (uint32_t b = start / 8; b < (end + 7) / 8; b++)
		d->seen[b / 8] |= (uint8_t)(1u << (b % 8));
	d->fragments++;
	if (!d->have_end)
		return REASM_HELD;
	for (uint32_t b = 0; b < (d->len + 7) / 8; b++)
		if (!block_seen(d, b))
			return REASM_HELD;
	out->data = r->done = d->data;
	out->len = d->len;
	out->proto = d->proto;
	out->fragments = d->fragments;
	d->data = NULL;
	drop(r, i);
	return REASM_COMPLETE;
}
