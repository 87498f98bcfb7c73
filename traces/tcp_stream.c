/*
 * tcp_stream — per-direction reassembly and RFC 7766 framing. Flows live in an open-addressing
 * table keyed by (source, destination, ports); a SYN or RST restarts a flow.
 */
#include "traces/tcp_stream.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define TCP_HELD_MAX 16               /* segments waiting beyond a gap, per flow */
#define TCP_BUFFER_MAX (1u << 20)     /* unframed bytes kept per flow */

struct held_segment {
	uint32_t seq;
	uint32_t len;
	uint8_t *data;
};

struct flow_key {
	struct trace_addr src, dst;
	uint16_t sport, dport;
};

struct flow {
	struct flow_key key;
	uint8_t used, synced;
	uint32_t next;                    /* the next sequence number expected */
	uint8_t *buf;
	size_t len, cap;
	struct held_segment held[TCP_HELD_MAX];
	unsigned nheld;
};

struct tcp_streams {
	struct flow *flows;
	uint32_t cap, used;
};

const char *tcp_outcome_name(enum tcp_outcome o)
{
	switch (o) {
	case TCP_DATA: return "tcp.data";
	case TCP_CONTROL: return "tcp.control";
	case TCP_RETRANSMISSION: return "tcp.retransmission";
	case TCP_HELD: return "tcp.out_of_order";
	case TCP_DROPPED: return "tcp.dropped";
	}
	return "tcp.unknown";
}

int tcp_streams_new(struct tcp_streams **out)
{
	struct tcp_streams *s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	s->cap = 256;
	s->flows = calloc(s->cap, sizeof(*s->flows));
	if (!s->flows) {
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

static void flow_reset(struct flow *f)
{
	for (unsigned i = 0; i < f->nheld; i++)
		free(f->held[i].data);
	f->nheld = 0;
	f->len = 0;
	f->synced = 0;
}

void tcp_streams_free(struct tcp_streams *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->cap; i++)
		if (s->flows[i].used) {
			flow_reset(&s->flows[i]);
			free(s->flows[i].buf);
		}
	free(s->flows);
	free(s);
}

static uint32_t flow_hash(const struct flow_key *k) { return (uint32_t)XXH3_64bits(k, sizeof(*k)); }

static struct flow *flow_find(struct tcp_streams *s, const struct flow_key *k)
{
	if ((s->used + 1) * 2 > s->cap) {
		uint32_t cap = s->cap * 2;
		struct flow *nf = calloc(cap, sizeof(*nf));
		if (!nf)
			return NULL;
		for (uint32_t i = 0; i < s->cap; i++)
			if (s->flows[i].used) {
				uint32_t j = flow_hash(&s->flows[i].key) & (cap - 1);
				while (nf[j].used)
					j = (j + 1) & (cap - 1);
				nf[j] = s->flows[i];
			}
		free(s->flows);
		s->flows = nf;
		s->cap = cap;
	}
	uint32_t i = flow_hash(k) & (s->cap - 1);
	while (s->flows[i].used && memcmp(&s->flows[i].key, k, sizeof(*k)))
		i = (i + 1) & (s->cap - 1);
	struct flow *f = &s->flows[i];
	if (!f->used) {
		memset(f, 0, sizeof(*f));
		f->key = *k;
		f->used = 1;
		s->used++;
	}
	return f;
}

static int append(struct flow *f, const uint8_t *data, size_t len)
{
	if (f->len + len > TCP_BUFFER_MAX)
		return 1;
	if (f->len + len > f->cap) {
		size_t cap = f->cap ? f->cap : 1024;
		while (cap < f->len + len)
			cap *= 2;
		uint8_t *nb = realloc(f->buf, cap);
		if (!nb)
			return -1;
		f->buf = nb;
		f->cap = cap;
	}
	memcpy(f->buf + f->len, data, len);
	f->len += len;
	return 0;
}

/* Append the part of [seq, seq + len) at or after f->next. */
static int take_bytes(struct flow *f, uint32_t seq, const uint8_t *data, uint32_t len)
{
	uint32_t skip = f->next - seq;
	if ((int32_t)skip < 0 || skip >= len)
		return 0;
	int rc = append(f, data + skip, len - skip);
	if (rc == 0)
		f->next = seq + len;
	return rc;
}

/* Held segments that the stream has now reached. */
static int drain_held(struct flow *f)
{
	for (int again = 1; again;) {
		again = 0;
		for (unsigned i = 0; i < f->nheld; i++) {
			struct held_segment *h = &f->held[i];
			if ((int32_t)(h->seq - f->next) > 0)
				continue;
			int rc = take_bytes(f, h->seq, h->data, h->len);
			free(h->data);
			f->held[i] = f->held[--f->nheld];
			if (rc)
				return rc;
			again = 1;
			break;
		}
	}
	return 0;
}

/* Cut complete length-prefixed messages off the front of the buffer. */
static int frame(struct flow *f, int64_t t, tcp_message_fn fn, void *ctx)
{
	size_t off = 0;
	int rc = 0;
	while (rc == 0 && f->len - off >= 2) {
		size_t mlen = (size_t)f->buf[off] << 8 | f->buf[off + 1];
		if (f->len - off < 2 + mlen)
			break;
		struct decoded_packet m = { .src = f->key.src, .dst = f->key.dst, .sport = f->key.sport,
			                    .dport = f->key.dport, .payload = f->buf + off + 2,
			                    .payload_len = mlen };
		rc = fn(ctx, t, &m);
		off += 2 + mlen;
	}
	memmove(f->buf, f->buf + off, f->len - off);
	f->len -= off;
	return rc;
}

int tcp_streams_feed(struct tcp_streams *s, int64_t time_ns, const struct decoded_packet *seg,
                     tcp_message_fn fn, void *ctx)
{
	struct flow_key k;
	memset(&k, 0, sizeof(k));
	k.src = seg->src;
	k.dst = seg->dst;
	k.sport = seg->sport;
	k.dport = seg->dport;
	struct flow *f = flow_find(s, &k);
	if (!f)
		return -1;
	if (seg->tcp_flags & (TCP_RST | TCP_SYN)) {
		flow_reset(f);
		if (seg->tcp_flags & TCP_SYN) {
			f->next = seg->tcp_seq + 1;
			f->synced = 1;
		}
		return TCP_CONTROL;
	}
	if (seg->payload_len == 0)
		return TCP_CONTROL;
	if (!f->synced) { /* the capture began inside this connection */
		f->next = seg->tcp_seq;
		f->synced = 1;
	}
	int32_t ahead = (int32_t)(seg->tcp_seq - f->next);
	uint32_t len = (uint32_t)seg->payload_len;
	if (ahead > 0) {
		if (f->nheld == TCP_HELD_MAX || ahead > (int32_t)TCP_BUFFER_MAX)
			return TCP_DROPPED;
		struct held_segment *h = &f->held[f->nheld];
		h->data = malloc(len);
		if (!h->data)
			return -1;
		memcpy(h->data, seg->payload, len);
		h->seq = seg->tcp_seq;
		h->len = len;
		f->nheld++;
		return TCP_HELD;
	}
	if ((int32_t)(seg->tcp_seq + len - f->next) <= 0)
		return TCP_RETRANSMISSION;
	int rc = take_bytes(f, seg->tcp_seq, seg->payload, len);
	if (rc == 0)
		rc = drain_held(f);
	if (rc > 0) { /* more unframed data than any DNS message: give up on this stream */
		flow_reset(f);
		return TCP_DROPPED;
	}
	if (rc < 0 || frame(f, time_ns, fn, ctx))
		return -1;
	return TCP_DATA;
}
