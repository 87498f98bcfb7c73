/*
 * import — detection by content, decompression, and the pcap path: libpcap reads the capture
 * (pcap or pcapng) as a stream (zlib inflating it on the way if it is gzip; "-" is standard
 * input), pcap_decode finds the DNS payload, dns_wire checks it, and the trace writer takes
 * queries and responses. Memory grows with the trace's names and records, not with packets;
 * dnstap files are streamed the same way (traces/dnstap.c); a Zeek log is read whole.
 */
#define _GNU_SOURCE /* fopencookie */
#include "traces/import.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define XXH_INLINE_ALL /* short keys: the call and dispatch cost more than the hash */
#include <xxhash.h>
#include <zlib.h>

#include "dns/dns_wire.h"
#include "traces/dnstap.h"
#include "traces/ip_reasm.h"
#include "traces/pcap_decode.h"
#include "traces/tcp_stream.h"
#include "traces/trace_writer.h"

void import_warn(struct import_log *log, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t len = strlen(line);
	if (log->len + len + 2 > sizeof(log->text)) {
		log->dropped++;
		return;
	}
	memcpy(log->text + log->len, line, len);
	log->len += len;
	log->text[log->len++] = '\n';
	log->text[log->len] = '\0';
}

/* An input read as a stream: inflated by zlib if it is gzip (plain files pass unchanged), its
 * first bytes kept aside for detection and served again, and hashed (SHA-256 of the content
 * as read) on the way for the provenance line. */
struct input_stream {
	gzFile gz;
	EVP_MD_CTX *md;
	uint8_t head[16];
	size_t head_len, head_pos;
	uint64_t bytes;
	int failed;  /* a read error before any byte */
	int cut;     /* a gzip stream cut short: what came before is kept */
};

static ssize_t stream_read(void *cookie, char *buf, size_t size)
{
	struct input_stream *in = cookie;
	size_t n = 0;
	while (in->head_pos < in->head_len && n < size)
		buf[n++] = (char)in->head[in->head_pos++];
	if (n == size || in->cut)
		return (ssize_t)n;
	int got = gzread(in->gz, buf + n, (unsigned)(size - n > (1u << 30) ? 1u << 30 : size - n));
	int zerr = Z_OK;
	/* zlib ends a gzip stream cut short like a whole one, saying so only in gzerror. */
	if (got < 0 || (got == 0 && (gzerror(in->gz, &zerr), zerr == Z_BUF_ERROR))) {
		in->cut = 1;
		got = 0;
	}
	if (got > 0)
		EVP_DigestUpdate(in->md, buf + n, (size_t)got);
	in->bytes += (uint64_t)got;
	return (ssize_t)(n + (size_t)got);
}

static int stream_close(void *cookie)
{
	(void)cookie;
	return 0; /* the input_stream is closed by its owner */
}

/* A text input: the sample read to tell its kind, then the rest of the stream. */
#define TEXT_SAMPLE 4096
struct text_stream {
	struct input_stream *in;
	uint8_t sample[TEXT_SAMPLE];
	size_t sample_len, sample_pos;
};

static ssize_t text_stream_read(void *cookie, char *buf, size_t size)
{
	struct text_stream *ts = cookie;
	size_t n = ts->sample_len - ts->sample_pos < size ? ts->sample_len - ts->sample_pos : size;
	memcpy(buf, ts->sample + ts->sample_pos, n);
	ts->sample_pos += n;
	if (n == size)
		return (ssize_t)n;
	ssize_t got = stream_read(ts->in, buf + n, size - n);
	return (ssize_t)n + (got > 0 ? got : 0);
}

static int input_open(const char *path, struct input_stream *in, char *err, size_t err_size)
{
	memset(in, 0, sizeof(*in));
	int fd = strcmp(path, "-") ? -1 : dup(STDIN_FILENO);
	in->gz = fd >= 0 ? gzdopen(fd, "rb") : gzopen(path, "rb");
	if (!in->gz) {
		snprintf(err, err_size, "%s: %s", path, errno ? strerror(errno) : "cannot open");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	gzbuffer(in->gz, 1 << 18);
	in->md = EVP_MD_CTX_new();
	if (!in->md || !EVP_DigestInit_ex(in->md, EVP_sha256(), NULL)) {
		snprintf(err, err_size, "%s: out of memory", path);
		return -1;
	}
	int got = gzread(in->gz, in->head, sizeof(in->head));
	if (got < 0) {
		int zerr;
		const char *why = gzerror(in->gz, &zerr);
		snprintf(err, err_size, "%s: bad gzip data: %s", path, why);
		return -1;
	}
	in->head_len = (size_t)got;
	EVP_DigestUpdate(in->md, in->head, in->head_len);
	in->bytes = in->head_len;
	return 0;
}

static void input_close(struct input_stream *in)
{
	if (in->gz)
		gzclose(in->gz);
	EVP_MD_CTX_free(in->md);
	memset(in, 0, sizeof(*in));
}

/* The SHA-256 of everything hashed into md so far, in hex. */
static void md_final_hex(EVP_MD_CTX *md, char out[65])
{
	unsigned char sum[32];
	unsigned int sum_len = 0;
	EVP_DigestFinal_ex(md, sum, &sum_len);
	trace_sha256_hex(sum, out);
}

/* An answer RR's content without its TTL: owner, type, class and RDATA, with the names inside
 * RDATA of the common types decompressed (a pointer's bytes depend on the message). qname is
 * the question's name folded: most owners point to it, and are not folded again. */
static uint64_t rr_content_hash(const struct dns_msg *m, const struct dns_rr *rr, const struct trace_name *qname)
{
	uint8_t buf[DNS_NAME_MAX * 2 + 16], name[DNS_NAME_MAX], nlen;
	size_t n = 0, skip = 0;
	if (m->wire[rr->start_off] == 0xc0 && m->wire[rr->start_off + 1] == DNS_HEADER_SIZE)
		memcpy(buf, qname->folded, qname->len); /* the first question's name, at offset 12 */
	else
		dns_name_fold_copy(buf, rr->owner, rr->owner_len);
	n = rr->owner_len;
	buf[n++] = (uint8_t)(rr->type >> 8), buf[n++] = (uint8_t)rr->type;
	buf[n++] = (uint8_t)(rr->rclass >> 8), buf[n++] = (uint8_t)rr->rclass;
	uint64_t h = XXH3_64bits(buf, n);
	switch (rr->type) {
	case DNS_TYPE_NS: case DNS_TYPE_CNAME: case DNS_TYPE_PTR: skip = 0; break;
	case 15 /* MX */: skip = 2; break;
	case 33 /* SRV */: skip = 6; break;
	default: return h ^ XXH3_64bits_withSeed(m->wire + rr->rdata_off, rr->rdlength, 1);
	}
	size_t pos = rr->rdata_off + skip;
	if (skip > rr->rdlength || dns_name_read(m->wire, m->len, &pos, name, &nlen) != DNS_OK)
		return h ^ XXH3_64bits_withSeed(m->wire + rr->rdata_off, rr->rdlength, 1);
	memcpy(buf, m->wire + rr->rdata_off, skip);
	dns_name_fold_copy(buf + skip, name, nlen);
	return h ^ XXH3_64bits_withSeed(buf, skip + nlen, 1);
}

/* One DNS payload: a query becomes an arrival, a response feeds the record model. */
int import_keeps_query(const struct import_ctx *ctx, const struct trace_addr *dst)
{
	if (ctx->resolver_count == 0)
		return 1;
	for (size_t i = 0; i < ctx->resolver_count; i++)
		if (ctx->resolvers[i].family == dst->family &&
		    !memcmp(ctx->resolvers[i].addr, dst->addr, dst->family == 4 ? 4 : 16))
			return 1;
	return 0;
}

/* Count an outcome (a string literal) under the transport's prefix ("" for UDP packets,
 * "message.tcp." for messages cut from TCP streams, which are not packets). */
static int count_as(struct trace_writer *w, const char *prefix, const char *name)
{
	if (!prefix[0]) /* most packets: no formatting, no string compare */
		return trace_writer_count_literal(w, name, 1);
	char line[64];
	snprintf(line, sizeof(line), "%s%s", prefix, name);
	return trace_writer_count(w, line, 1);
}

/*
 * The messages of a capture reach the trace writer PIPE_DEPTH messages after they are taken:
 * when a message is taken, the writer's table slots it will read are prefetched; a third of
 * the way, what the slots point to; when it is added, they are in the cache. The tables outgrow the
 * caches, and these misses were most of an import's time. Messages are added in the order
 * they were taken, and the accounting is done when they are taken, as before, so the trace is
 * the same; the pipe is drained at the end of each capture.
 */
#define PIPE_DEPTH 16

struct pending_msg {
	int response;
	int64_t time_ns;
	struct trace_name name;
	uint16_t qtype, qclass, flags;
	struct trace_addr src, dst;
	struct trace_response r;
};

struct pcap_run {
	const struct import_ctx *ctx;
	struct pending_msg pipe[PIPE_DEPTH];
	unsigned head, count; /* the oldest message, and how many are held */
};

static int pipe_add(struct pcap_run *run, const struct pending_msg *m)
{
	struct trace_writer *w = run->ctx->w;
	if (m->response)
		return trace_writer_add_response_name(w, &m->name, m->qtype, m->qclass, &m->r);
	return trace_writer_add_query_name(w, m->time_ns, &m->name, m->qtype, m->qclass, m->flags,
	                                   &m->src, &m->dst);
}

/* The slot for a new message, the oldest one added first if the pipe is full. */
static struct pending_msg *pipe_slot(struct pcap_run *run, int *rc)
{
	*rc = 0;
	if (run->count == PIPE_DEPTH) {
		*rc = pipe_add(run, &run->pipe[run->head]);
		run->head = (run->head + 1) % PIPE_DEPTH;
		run->count--;
	}
	return &run->pipe[(run->head + run->count) % PIPE_DEPTH];
}

/* The message just written in pipe_slot() is held. */
static void pipe_push(struct pcap_run *run)
{
	struct trace_writer *w = run->ctx->w;
	struct pending_msg *m = &run->pipe[(run->head + run->count) % PIPE_DEPTH];
	trace_writer_prefetch(w, &m->name, m->qtype, m->qclass, m->response, 0);
	run->count++;
	unsigned back = PIPE_DEPTH / 3; /* messages since stage 0 */
	if (run->count > back) {
		const struct pending_msg *p = &run->pipe[(run->head + run->count - 1 - back) % PIPE_DEPTH];
		trace_writer_prefetch(w, &p->name, p->qtype, p->qclass, p->response, 1);
	}
}

static int pipe_drain(struct pcap_run *run)
{
	int rc = 0;
	for (; run->count; run->count--, run->head = (run->head + 1) % PIPE_DEPTH)
		if (!rc)
			rc = pipe_add(run, &run->pipe[run->head]);
	return rc;
}

/* One DNS message: a query becomes an arrival, a response feeds the record model. */
static int take_message(struct pcap_run *run, int64_t time_ns, const uint8_t *wire, size_t len,
                        const struct trace_addr *src, const struct trace_addr *dst, const char *prefix,
                        uint16_t transport_flags, enum import_origin origin)
{
	const struct import_ctx *ctx = run->ctx;
	struct trace_writer *w = ctx->w;
	struct dns_msg m;
	int rc = dns_msg_parse(wire, len, &m);
	if (rc != DNS_OK) {
		char line[64];
		snprintf(line, sizeof(line), "%sskipped.malformed.%s", prefix, dns_strerror(rc));
		return trace_writer_count(w, line, 1);
	}
	if (DNS_OPCODE(m.hdr.flags) != 0)
		return count_as(w, prefix, "skipped.not_query_opcode");
	if (m.hdr.qdcount == 0)
		return count_as(w, prefix, "skipped.no_question");
	if (!(m.hdr.flags & DNS_FLAG_QR)) {
		if (!import_keeps_query(ctx, dst))
			return count_as(w, prefix, "skipped.not_to_resolver");
		/* The side: what the log says it is, or else what RD says (a resolver's own queries
		 * to authorities go without it). */
		int upstream = origin == IMPORT_UPSTREAM_SIDE ||
		               (origin == IMPORT_FROM_WIRE && !(m.hdr.flags & DNS_FLAG_RD));
		if (ctx->client_side_only && upstream)
			return count_as(w, prefix, "skipped.upstream_query");
	}
	struct pending_msg *pm = pipe_slot(run, &rc);
	if (rc || trace_writer_name(w, m.qname, m.qname_len, &pm->name))
		return -1;
	pm->time_ns = time_ns;
	pm->qtype = m.qtype;
	pm->qclass = m.qclass;
	if (!(m.hdr.flags & DNS_FLAG_QR)) {
		pm->response = 0;
		pm->flags = (m.hdr.flags & DNS_FLAG_RD ? TRACE_QF_RD : 0) |
		            (m.hdr.flags & DNS_FLAG_CD ? TRACE_QF_CD : 0) |
		            (m.edns_do ? TRACE_QF_DO : 0) | (origin == IMPORT_UPSTREAM_SIDE ? TRACE_QF_UPSTREAM : 0) |
		            transport_flags;
		pm->src = *src;
		pm->dst = *dst;
		pipe_push(run);
		return count_as(w, prefix, "query");
	}
	struct trace_response *r = &pm->r;
	pm->response = 1;
	*r = (struct trace_response){ .time_ns = time_ns, .rcode = (uint8_t)DNS_RCODE(m.hdr.flags),
		                      .aa = (m.hdr.flags & DNS_FLAG_AA) ? 1 : 0, .ancount = m.hdr.ancount };
	pipe_push(run); /* the prefetch starts while the answers are read */
	size_t size = m.authority_off - m.answer_off;
	r->answer_size = (uint16_t)(size > UINT16_MAX ? UINT16_MAX : size);
	r->min_ttl = UINT32_MAX;
	size_t off = m.answer_off;
	for (unsigned i = 0; i < m.hdr.ancount; i++) {
		struct dns_rr rr;
		if (dns_rr_read(m.wire, m.len, &off, &rr) != DNS_OK)
			break;
		if (rr.ttl < r->min_ttl)
			r->min_ttl = rr.ttl;
		r->answer_hash += rr_content_hash(&m, &rr, &pm->name); /* a sum: the order of the RRs does not matter */
	}
	if (r->ancount == 0)
		r->min_ttl = 0;
	return count_as(w, prefix, "response");
}

/* A message from another source (dnstap) that tells its side: added at once, not pipelined. */
int import_dns_message(const struct import_ctx *ctx, int64_t time_ns, const uint8_t *wire, size_t len,
                       const struct trace_addr *src, const struct trace_addr *dst, const char *prefix,
                       uint16_t transport_flags, enum import_origin origin)
{
	/* One message at a time: its slot is written before it is read, so the 16-deep pipe is not
	 * cleared for each (5 KB per dnstap frame). */
	struct pcap_run run;
	run.ctx = ctx;
	run.head = run.count = 0;
	int rc = take_message(&run, time_ns, wire, len, src, dst, prefix, transport_flags, origin);
	int drained = pipe_drain(&run);
	return rc ? rc : drained;
}

/* A message of a capture: its side is told by RD. */
static int take_dns(struct pcap_run *run, int64_t time_ns, const struct decoded_packet *p,
                    const char *prefix, uint16_t transport_flags)
{
	return take_message(run, time_ns, p->payload, p->payload_len, &p->src, &p->dst, prefix,
	                    transport_flags, IMPORT_FROM_WIRE);
}

static int take_tcp_message(void *run, int64_t time_ns, const struct decoded_packet *m)
{
	return take_dns(run, time_ns, m, "message.tcp.", TRACE_QF_TCP);
}

/* An IP fragment: held until its datagram is whole, which is then decoded as any datagram
 * (its DNS message counted under "message.fragmented."). Each fragment packet ends in one line:
 * fragment.reassembled, skipped.fragment.incomplete (at the timeout or the capture's end),
 * skipped.fragment.duplicate or skipped.fragment.bad. */
static int take_fragment(struct pcap_run *run, struct ip_reasm *reasm, int64_t t,
                         struct decoded_packet *p)
{
	struct trace_writer *w = run->ctx->w;
	struct reasm_datagram d;
	switch (ip_reasm_feed(reasm, t, p, &d)) {
	case REASM_HELD: return 0;
	case REASM_DUPLICATE: return trace_writer_count_literal(w, "skipped.fragment.duplicate", 1);
	case REASM_BAD: return trace_writer_count_literal(w, "skipped.fragment.bad", 1);
	case REASM_NOMEM: return -1;
	case REASM_COMPLETE: break;
	}
	if (trace_writer_count_literal(w, "fragment.reassembled", d.fragments))
		return -1;
	struct decoded_packet whole = { .src = p->src, .dst = p->dst };
	enum pkt_outcome o = pcap_decode_transport(p->src.family == 4 ? 4 : 6, d.proto, d.data, d.len,
	                                           IMPORT_DNS_PORT, &whole);
	if (o == PKT_UDP)
		return take_dns(run, t, &whole, "message.fragmented.", 0);
	return trace_writer_count_literal(w, o == PKT_TCP_DNS ? "message.fragmented.tcp" : pkt_outcome_name(o), 1);
}

/* What every captured frame goes through, whichever reader produced it. */
struct packet_loop {
	struct pcap_run *run;
	struct tcp_streams *streams;
	struct ip_reasm *reasm;
	int linktype;
	uint64_t packets;
};

/* One frame (time in ns); -1 when out of memory. */
static int take_packet(struct packet_loop *loop, int64_t t, const uint8_t *frame, uint32_t caplen)
{
	struct trace_writer *w = loop->run->ctx->w;
	loop->packets++;
	struct decoded_packet p;
	enum pkt_outcome o = pcap_decode_packet(loop->linktype, frame, caplen, IMPORT_DNS_PORT, &p);
	uint64_t expired = ip_reasm_expire(loop->reasm, t);
	if (expired && trace_writer_count_literal(w, "skipped.fragment.incomplete", expired))
		return -1;
	if (o == PKT_FRAGMENT)
		return take_fragment(loop->run, loop->reasm, t, &p);
	if (o == PKT_UDP)
		return take_dns(loop->run, t, &p, "", 0);
	if (o == PKT_TCP_DNS) {
		int to = tcp_streams_feed(loop->streams, t, &p, take_tcp_message, loop->run);
		return to < 0 ? -1 : trace_writer_count_literal(w, tcp_outcome_name((enum tcp_outcome)to), 1);
	}
	return trace_writer_count_literal(w, pkt_outcome_name(o), 1);
}

/*
 * A classic pcap file read here, without libpcap's per-packet copies and calls, for the
 * records that libpcap would read the same way: a file of format 2.4 in this host's byte
 * order, each record complete, its caplen within the snapshot length, its time fields in
 * range. At the first other record (damaged, cut short, or just unusual), libpcap reads the
 * rest from that record on, through a stream that serves the file header and then those
 * bytes: the same packets, errors and messages as if it had read the whole file.
 *
 * The capture is in memory (import_buffer) or read from a plain file in chunks of
 * READ_CHUNK, and a file is hashed as import_file's stream hashes it: in blocks of
 * STREAM_BLOCK (its stdio buffer: glibc's setvbuf keeps its own size when given no buffer),
 * each as the reading reaches into it, so that a capture that libpcap stops reading early has
 * the same digest either way.
 */
#define STREAM_BLOCK ((size_t)BUFSIZ)
#define READ_CHUNK ((size_t)1 << 18)
/* The window: chunks are read one after another into it, and what is left of a record (less
 * than READ_CHUNK + 16) is moved back to its start only when the next chunk would not fit
 * (with a helper thread, to the start of a second window: the helper may still be hashing the
 * first, and the reader does not wait for it). */
#define READ_WINDOW (8 * READ_CHUNK)
#define PCAP_FILE_HEADER 24
#define PCAP_RECORD_HEADER 16

/* A chunk read from fd into dst (less only at the end of the file or at a read error). */
static size_t read_chunk(int fd, uint8_t *dst, int *eof, int *read_errno)
{
	size_t got = 0;
	while (got < READ_CHUNK) {
		ssize_t k = read(fd, dst + got, READ_CHUNK - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			*eof = 1;
			*read_errno = k < 0 ? errno : 0;
			break;
		}
		got += (size_t)k;
	}
	return got;
}

/*
 * A second thread for a plain file: it reads the chunks ahead of the reader, as long as they
 * fit in the window without a move, and computes the SHA-256: the reader says how far the
 * digest goes (the extent it would have hashed in line, in the same blocks), the thread hashes
 * up to there from the window, or from the window before while the extent is in it. When the
 * reader has taken all that was read, or must reuse the window before, it reads or hashes the
 * next chunk itself rather than wait for a thread that is off the CPU (the other core is
 * shared); it waits only for a step under way. The file is read in the same chunks and the
 * same bytes are hashed in the same order as in line, so the digest is the same.
 */
struct helper {
	EVP_MD_CTX *md;
	int fd;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work, idle; /* to the thread: room to read, more to hash, or stop; from it */
	uint8_t *buf;              /* the window */
	size_t filled;             /* bytes in it: those the reader has, and those read ahead */
	int reading, hashing;      /* a thread is reading, hashing */
	int eof, read_errno;
	uint64_t eof_at;           /* with eof: the file offset where the read that ended began */
	uint64_t base;             /* the file offset of buf[0] */
	const uint8_t *old;        /* the window before, from file offset old_base, while the hash asked
	                            * before the switch (to old_end) is not done; NULL: done */
	uint64_t old_base, old_end;
	uint64_t to, done;         /* the extent asked hashed, and hashed */
	int stop;
};

/* A read or a hash step, done by whichever thread is free: the helper, or the reader rather
 * than wait for a helper that is off the CPU. */
static int helper_can_read(const struct helper *h)
{
	return !h->eof && !h->stop && !h->reading && h->filled + READ_CHUNK <= READ_WINDOW;
}

static int helper_can_hash(const struct helper *h)
{
	return !h->hashing && h->done != h->to;
}

/* The next chunk read (lock held, helper_can_read; released meanwhile). */
static void helper_read_step(struct helper *h)
{
	uint8_t *dst = h->buf + h->filled;
	uint64_t at = h->base + h->filled;
	int eof = 0, err = 0;
	h->reading = 1;
	pthread_mutex_unlock(&h->lock);
	size_t got = read_chunk(h->fd, dst, &eof, &err);
	pthread_mutex_lock(&h->lock);
	h->reading = 0;
	h->filled += got;
	h->eof = eof;
	h->read_errno = err;
	h->eof_at = at;
	pthread_cond_signal(&h->idle);
	pthread_cond_signal(&h->work);
}

/* A chunk at most hashed (lock held, helper_can_hash; released meanwhile): in the window
 * before first, which the reader reuses once it is hashed. */
static void helper_hash_step(struct helper *h)
{
	const uint8_t *p = h->buf + (h->done - h->base);
	uint64_t end = h->to;
	if (h->old && h->done < h->old_end) {
		p = h->old + (h->done - h->old_base);
		end = h->to < h->old_end ? h->to : h->old_end;
	}
	size_t n = (size_t)(end - h->done) < READ_CHUNK ? (size_t)(end - h->done) : READ_CHUNK;
	h->hashing = 1;
	pthread_mutex_unlock(&h->lock);
	EVP_DigestUpdate(h->md, p, n);
	pthread_mutex_lock(&h->lock);
	h->hashing = 0;
	h->done += n;
	if (h->old && h->done >= h->old_end)
		h->old = NULL;
	pthread_cond_signal(&h->idle);
	pthread_cond_signal(&h->work);
}

static void *helper_main(void *arg)
{
	struct helper *h = arg;
	pthread_mutex_lock(&h->lock);
	for (;;) {
		while (!helper_can_read(h) && !helper_can_hash(h) && !h->stop)
			pthread_cond_wait(&h->work, &h->lock);
		if (helper_can_read(h)) /* first: the reader may be waiting for it */
			helper_read_step(h);
		else if (helper_can_hash(h))
			helper_hash_step(h);
		else
			break; /* stopped, all of it hashed */
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* The thread, reading fd into the window buf (holding filled bytes from file offset base, hashed
 * up to hashed, eof if the file is read to its end) and hashing into md; -1 if it cannot start
 * (the reader then reads and hashes in line). */
static int helper_start(struct helper *h, int fd, uint8_t *buf, size_t filled, uint64_t base, uint64_t hashed,
                        int eof, EVP_MD_CTX *md)
{
	memset(h, 0, sizeof(*h));
	h->fd = fd;
	h->md = md;
	h->buf = buf;
	h->filled = filled;
	h->base = base;
	h->to = h->done = hashed;
	h->eof = eof;
	h->eof_at = base + filled;
	if (pthread_mutex_init(&h->lock, NULL))
		return -1;
	if (pthread_cond_init(&h->work, NULL)) {
		pthread_mutex_destroy(&h->lock);
		return -1;
	}
	if (pthread_cond_init(&h->idle, NULL)) {
		pthread_cond_destroy(&h->work);
		pthread_mutex_destroy(&h->lock);
		return -1;
	}
	/* A small stack (reads and SHA-256 only): the default 8 MiB of address space made a memory-
	 * capped import (ulimit -v) stop far sooner than the single-threaded reader. */
	pthread_attr_t attr;
	int made = pthread_attr_init(&attr) == 0;
	if (made)
		pthread_attr_setstacksize(&attr, (size_t)256 << 10);
	int failed = pthread_create(&h->thread, made ? &attr : NULL, helper_main, h);
	if (made)
		pthread_attr_destroy(&attr);
	if (failed) {
		pthread_cond_destroy(&h->idle);
		pthread_cond_destroy(&h->work);
		pthread_mutex_destroy(&h->lock);
		return -1;
	}
	return 0;
}

/* What was asked is done (a read, and the hash to the extent asked), then the thread ends. */
static void helper_stop(struct helper *h)
{
	pthread_mutex_lock(&h->lock);
	h->stop = 1;
	pthread_cond_signal(&h->work);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	pthread_cond_destroy(&h->idle);
	pthread_cond_destroy(&h->work);
	pthread_mutex_destroy(&h->lock);
}

struct capture_reader {
	const uint8_t *data; /* the bytes at hand: the whole capture, or a window of the file */
	size_t len, pos;     /* pos: the next record */
	int fd;              /* -1: data is the whole capture */
	uint8_t *buf;        /* the window (fd) */
	uint8_t *bufs[2];    /* the windows: with a helper, used in turn */
	uint64_t base;       /* the file offset of data[0] */
	uint64_t hashed;     /* the file offset hashed up to (asked of the helper, if any) */
	int eof, read_errno;
	EVP_MD_CTX *md;      /* the SHA-256 of the blocks read from fd */
	struct helper *helper; /* NULL: read and hashed in line */
	uint8_t header[PCAP_FILE_HEADER];
	size_t header_len, header_served;
	int handed_over;     /* libpcap reads from pos on */
};

/* Hash the blocks that hold the bytes before data + end (still in the window); with a helper,
 * only the extent moves here, and it is handed over when more is read or at the end. */
static void reader_hash_to(struct capture_reader *r, size_t end)
{
	if (r->fd < 0)
		return;
	uint64_t to = (r->base + end + STREAM_BLOCK - 1) / STREAM_BLOCK * STREAM_BLOCK;
	if (to > r->base + r->len)
		to = r->base + r->len;
	if (to > r->hashed) {
		if (!r->helper)
			EVP_DigestUpdate(r->md, r->data + (r->hashed - r->base), (size_t)(to - r->hashed));
		r->hashed = to;
	}
}

/* Ask the helper for the hash up to r->hashed; then, with more, wait for more bytes (the
 * rest of the window copied to the other one first if they would not fit) and take them. */
static void reader_helper(struct capture_reader *r, int more)
{
	struct helper *h = r->helper;
	pthread_mutex_lock(&h->lock);
	if (r->hashed > h->to) {
		h->to = r->hashed;
		pthread_cond_signal(&h->work);
	}
	if (more && h->filled == r->len && !h->eof && r->len + READ_CHUNK > READ_WINDOW) {
		/* No read is under way (the window is full); the other window is free once hashed. */
		while (h->reading || h->old) {
			if (helper_can_hash(h))
				helper_hash_step(h);
			else
				pthread_cond_wait(&h->idle, &h->lock);
		}
		uint8_t *next = r->bufs[r->buf == r->bufs[0]];
		memcpy(next, r->data + r->pos, r->len - r->pos);
		h->old_base = r->base;
		h->old_end = h->to; /* past it (at least pos), the bytes are in the next window too */
		h->old = h->done < h->old_end ? r->buf : NULL;
		r->buf = next;
		r->data = next;
		r->base += r->pos;
		r->len -= r->pos;
		r->pos = 0;
		h->buf = next;
		h->base = r->base;
		h->filled = r->len;
		pthread_cond_signal(&h->work);
	}
	while (more && h->filled == r->len && !h->eof) {
		if (helper_can_read(h))
			helper_read_step(h);
		else
			pthread_cond_wait(&h->idle, &h->lock);
	}
	/* The end of the file, or a read error, reaches the reader with the chunk whose read met it,
	 * as when it reads in line: not when it takes the chunks read ahead before that one. */
	if (more && h->eof && r->base + r->len < h->eof_at) {
		r->len = (size_t)(h->eof_at - r->base);
	} else if (more) {
		r->len = h->filled;
		if (h->eof) { /* no more to come, and all of it is taken */
			r->eof = 1;
			r->read_errno = h->read_errno;
		}
	}
	pthread_mutex_unlock(&h->lock);
}

/* Bytes pos .. pos + n at hand, reading whole chunks: 0, or 1 if the capture ends first. */
static int reader_need(struct capture_reader *r, size_t n)
{
	while (r->len - r->pos < n) {
		if (r->fd < 0 || r->eof)
			return 1;
		reader_hash_to(r, r->pos); /* what is read so far, before the window moves on */
		if (r->helper) {
			reader_helper(r, 1);
			continue;
		}
		if (r->len + READ_CHUNK > READ_WINDOW) {
			memmove(r->buf, r->data + r->pos, r->len - r->pos);
			r->base += r->pos;
			r->len -= r->pos;
			r->pos = 0;
		}
		r->len += read_chunk(r->fd, r->buf + r->len, &r->eof, &r->read_errno);
	}
	return 0;
}

/* The stream libpcap reads: the file header at its open, then from the record at pos on, a
 * block at most at a time (as import_file's stream gives it). */
static ssize_t reader_stream_read(void *cookie, char *buf, size_t size)
{
	struct capture_reader *r = cookie;
	size_t n;
	if (r->header_served < r->header_len) {
		n = r->header_len - r->header_served;
		n = n < size ? n : size;
		memcpy(buf, r->header + r->header_served, n);
		r->header_served += n;
		return (ssize_t)n;
	}
	if (!r->handed_over || (r->pos == r->len && reader_need(r, 1)))
		return 0;
	n = r->len - r->pos < size ? r->len - r->pos : size;
	if (r->fd >= 0) {
		size_t to_block = STREAM_BLOCK - (size_t)((r->base + r->pos) % STREAM_BLOCK);
		n = n < to_block ? n : to_block;
	}
	memcpy(buf, r->data + r->pos, n);
	r->pos += n;
	reader_hash_to(r, r->pos);
	return (ssize_t)n;
}

static uint32_t le32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static int host_order_pcap(const uint8_t *p, size_t len)
{
	return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && len >= PCAP_FILE_HEADER &&
	       (le32(p) == 0xa1b2c3d4 || le32(p) == 0xa1b23c4d);
}

/* A reader over a capture in memory (fd -1) or a plain file (md hashes what is read). */
static int reader_init(struct capture_reader *r, const uint8_t *data, size_t len, int fd, EVP_MD_CTX *md)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->md = md;
	r->data = data;
	r->len = len;
	if (fd >= 0) {
		r->buf = r->bufs[0] = malloc(READ_WINDOW);
		r->bufs[1] = malloc(READ_WINDOW);
		if (!r->bufs[0] || !r->bufs[1]) {
			free(r->bufs[0]);
			free(r->bufs[1]);
			return -1;
		}
		r->data = r->buf;
		reader_need(r, PCAP_FILE_HEADER);
	}
	if (host_order_pcap(r->data, r->len)) {
		memcpy(r->header, r->data, PCAP_FILE_HEADER);
		r->header_len = PCAP_FILE_HEADER;
		r->pos = PCAP_FILE_HEADER;
	} else {
		r->handed_over = 1; /* all of it to libpcap */
	}
	return 0;
}

/* The records read here; 0 at the end of the capture, 1 to hand the rest to libpcap, -1 when
 * out of memory. */
static int reader_run(struct capture_reader *r, struct packet_loop *loop, pcap_t *pc)
{
	if (pcap_major_version(pc) != 2 || pcap_minor_version(pc) != 4 || pcap_is_swapped(pc))
		return 1;
	int usec = le32(r->header) == 0xa1b2c3d4;
	uint32_t frac_max = usec ? 1000000 : 1000000000, frac_scale = usec ? 1000 : 1;
	uint32_t snapshot = (uint32_t)pcap_snapshot(pc);
	for (;;) {
		if (reader_need(r, PCAP_RECORD_HEADER)) {
			if (r->len != r->pos || r->read_errno)
				return 1;
			reader_hash_to(r, r->len); /* read to its end */
			return 0;
		}
		const uint8_t *rh = r->data + r->pos;
		uint32_t sec = le32(rh), frac = le32(rh + 4), caplen = le32(rh + 8);
		if (caplen > snapshot || sec > INT32_MAX || frac >= frac_max ||
		    reader_need(r, PCAP_RECORD_HEADER + (size_t)caplen))
			return 1;
		rh = r->data + r->pos; /* the window may have moved */
		r->pos += PCAP_RECORD_HEADER + (size_t)caplen;
		int64_t t = (int64_t)sec * 1000000000 + (int64_t)frac * frac_scale;
		if (take_packet(loop, t, rh + PCAP_RECORD_HEADER, caplen))
			return -1;
	}
}

/* A capture read from f (closed here), or by reader (f NULL) where it can be and by libpcap
 * from it where it cannot; digest gives the SHA-256 of its content once read. */
static int import_pcap(const struct import_ctx *ctx, FILE *f, struct capture_reader *reader, const char *name,
                       void (*digest)(void *, char[65]), void *digest_arg, char *err, size_t err_size)
{
	struct trace_writer *w = ctx->w;
	char perr[PCAP_ERRBUF_SIZE] = "";
	if (reader) {
		static const cookie_io_functions_t io = { .read = reader_stream_read, .close = stream_close };
		f = fopencookie(reader, "rb", io);
		if (!f) {
			snprintf(err, err_size, "%s: out of memory", name);
			return -1;
		}
	}
	pcap_t *pc = f ? pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, perr) : NULL;
	if (!pc) {
		if (f)
			fclose(f);
		snprintf(err, err_size, "%s: not a readable capture: %s", name, perr);
		return -1;
	}
	int linktype = pcap_datalink(pc);
	struct tcp_streams *streams = NULL;
	if (tcp_streams_new(&streams)) {
		pcap_close(pc);
		snprintf(err, err_size, "%s: out of memory", name);
		return -1;
	}
	if (!pcap_linktype_supported(linktype)) {
		tcp_streams_free(streams);
		const char *lname = pcap_datalink_val_to_name(linktype);
		snprintf(err, err_size, "%s: unsupported link type %d (%s)", name, linktype, lname ? lname : "unknown");
		pcap_close(pc);
		return -1;
	}
	struct ip_reasm *reasm = NULL;
	if (ip_reasm_new(&reasm)) {
		tcp_streams_free(streams);
		pcap_close(pc);
		snprintf(err, err_size, "%s: out of memory", name);
		return -1;
	}
	struct pcap_run *run = malloc(sizeof(*run));
	if (!run) {
		ip_reasm_free(reasm);
		tcp_streams_free(streams);
		pcap_close(pc);
		snprintf(err, err_size, "%s: out of memory", name);
		return -1;
	}
	run->ctx = ctx;
	run->head = run->count = 0;
	struct packet_loop loop = { .run = run, .streams = streams, .reasm = reasm, .linktype = linktype };
	int rc = 1, wrc = 0;
	if (reader && !reader->handed_over) {
		wrc = reader_run(reader, &loop, pc);
		if (wrc == 1) {
			reader->handed_over = 1;
			clearerr(f);
			wrc = 0;
		} else if (wrc == 0) {
			rc = 0; /* the end of the file */
		}
	}
	if (!wrc && rc == 1) {
		struct pcap_pkthdr *h;
		const u_char *frame;
		while ((rc = pcap_next_ex(pc, &h, &frame)) == 1) {
			int64_t t = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec; /* tv_usec holds ns */
			if ((wrc = take_packet(&loop, t, frame, h->caplen)))
				break;
		}
	}
	if (wrc) {
		free(run);
		tcp_streams_free(streams);
		ip_reasm_free(reasm);
		pcap_close(pc);
		snprintf(err, err_size, "%s: out of memory at packet %llu", name, (unsigned long long)loop.packets);
		return -1;
	}
	uint64_t packets = loop.packets;
	int drc = pipe_drain(run);
	free(run);
	uint64_t incomplete = ip_reasm_expire(reasm, INT64_MAX);
	ip_reasm_free(reasm);
	if (drc || (incomplete && trace_writer_count_literal(w, "skipped.fragment.incomplete", incomplete))) {
		tcp_streams_free(streams);
		pcap_close(pc);
		snprintf(err, err_size, "%s: out of memory", name);
		return -1;
	}
	if (rc == PCAP_ERROR) {
		import_warn(ctx->log, "%s: capture truncated or damaged after packet %llu: %s", name,
		            (unsigned long long)packets, pcap_geterr(pc));
		trace_writer_count(w, "error.truncated_capture", 1);
	}
	tcp_streams_free(streams);
	pcap_close(pc);
	char hex[65], line[512];
	digest(digest_arg, hex);
	snprintf(line, sizeof(line), "pcap %s linktype=%d packets=%llu sha256=%s", name, linktype,
	         (unsigned long long)packets, hex);
	return trace_writer_count(w, "packets", packets) || trace_writer_add_source(w, line);
}

static int is_capture(const uint8_t *data, size_t len)
{
	static const uint8_t pcap_magics[][4] = {
		{ 0xd4, 0xc3, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0xc3, 0xd4 }, { 0x4d, 0x3c, 0xb2, 0xa1 },
		{ 0xa1, 0xb2, 0x3c, 0x4d }, { 0x0a, 0x0d, 0x0d, 0x0a },
	};
	for (size_t i = 0; i < sizeof(pcap_magics) / sizeof(pcap_magics[0]); i++)
		if (len >= 4 && !memcmp(data, pcap_magics[i], 4))
			return 1;
	return 0;
}

struct memory_digest { const uint8_t *data; size_t len; };

static void memory_digest(void *arg, char out[65])
{
	const struct memory_digest *m = arg;
	trace_sha256_of(m->data, m->len, out);
}

int import_read_line(FILE *in, char *buf, size_t size, size_t *len, int *nul)
{
	size_t n = 0;
	int c;
	*nul = 0;
	while ((c = getc_unlocked(in)) != EOF && c != '\n') {
		if (n + 1 < size)
			buf[n] = (char)c;
		*nul |= c == 0;
		n++;
	}
	buf[n + 1 < size ? n : size - 1] = '\0';
	*len = n;
	return c == EOF && n == 0 ? -1 : 0;
}

/*
 * A text input: a Zeek log or a dnsperf query file, told apart by its first bytes (sample, up
 * to 4 KiB) and read line by line from in, which starts with those bytes (closed here).
 */
static int import_text(const struct import_ctx *ctx, const uint8_t *sample, size_t sample_len, FILE *in,
                       const char *name, char *err, size_t err_size)
{
	int rc = -1;
	if (!in)
		snprintf(err, err_size, "%s: out of memory", name);
	else if (sample_len >= 10 && !memcmp(sample, "#separator", 10))
		rc = zeek_import(ctx, in, name, err, err_size);
	else if (dnsperf_detect(sample, sample_len < TEXT_SAMPLE ? sample_len : TEXT_SAMPLE))
		rc = dnsperf_import(ctx, in, name, err, err_size);
	else
		snprintf(err, err_size, "%s: not a pcap, pcapng, dnstap, Zeek dns.log or dnsperf query file (plain or gzip)", name);
	if (in)
		fclose(in);
	return rc;
}

int import_buffer(const struct import_ctx *ctx, const uint8_t *data, size_t len, const char *name,
                  char *err, size_t err_size)
{
	if (is_capture(data, len)) {
		struct memory_digest md = { data, len };
		struct capture_reader reader;
		reader_init(&reader, data, len, -1, NULL);
		return import_pcap(ctx, NULL, &reader, name, memory_digest, &md, err, err_size);
	}
	if (dnstap_detect(data, len)) {
		struct memory_digest md = { data, len };
		FILE *f = fmemopen((void *)data, len, "rb");
		if (!f) {
			snprintf(err, err_size, "%s: out of memory", name);
			return -1;
		}
		return dnstap_import(ctx, f, name, memory_digest, &md, err, err_size);
	}
	if (len == 0) { /* fmemopen wants at least a byte */
		snprintf(err, err_size, "%s: not a pcap, pcapng, dnstap, Zeek dns.log or dnsperf query file (plain or gzip)", name);
		return -1;
	}
	return import_text(ctx, data, len, fmemopen((void *)data, len, "rb"), name, err, err_size);
}

static void stream_digest(void *arg, char out[65])
{
	md_final_hex(((struct input_stream *)arg)->md, out);
}

static void reader_digest(void *arg, char out[65])
{
	struct capture_reader *r = arg;
	if (r->helper) {
		reader_helper(r, 0);
		helper_stop(r->helper); /* once all of it is hashed */
		r->helper = NULL;
	}
	md_final_hex(r->md, out);
}

/* A plain file holding a classic pcap in this host's order, read by a capture_reader (1), or
 * anything else (0: the stream path reads it, and says what is wrong with it). */
static int import_plain_pcap(const struct import_ctx *ctx, const char *path, int *rc, char *err, size_t err_size)
{
	if (!strcmp(path, "-") || ctx->stream_only)
		return 0;
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	struct stat st;
	uint8_t head[PCAP_FILE_HEADER];
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || pread(fd, head, sizeof(head), 0) != (ssize_t)sizeof(head) ||
	    !host_order_pcap(head, sizeof(head))) {
		close(fd);
		return 0;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	struct capture_reader reader;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL) || reader_init(&reader, NULL, 0, fd, md)) {
		EVP_MD_CTX_free(md);
		close(fd);
		snprintf(err, err_size, "%s: out of memory", path);
		*rc = -1;
		return 1;
	}
	struct helper helper;
	/* A file read whole by the first chunk needs no thread. */
	if (!reader.eof && !helper_start(&helper, fd, reader.buf, reader.len, reader.base, reader.hashed, reader.eof, md))
		reader.helper = &helper;
	*rc = import_pcap(ctx, NULL, &reader, path, reader_digest, &reader, err, err_size);
	if (reader.helper) /* an error before the digest */
		helper_stop(reader.helper);
	if (*rc == 0 && reader.read_errno)
		import_warn(ctx->log, "%s: read error after %llu bytes: %s", path, (unsigned long long)(reader.base + reader.len),
		            strerror(reader.read_errno));
	free(reader.bufs[0]);
	free(reader.bufs[1]);
	EVP_MD_CTX_free(md);
	close(fd);
	return 1;
}

/* One input file (or "-"): a capture streamed to libpcap, a dnstap file streamed to libfstrm,
 * or a Zeek log or dnsperf query file read whole. */
static int import_file(const struct import_ctx *ctx, const char *path, char *err, size_t err_size)
{
	int plain_rc;
	if (import_plain_pcap(ctx, path, &plain_rc, err, err_size))
		return plain_rc;
	struct input_stream in;
	if (input_open(path, &in, err, err_size)) {
		input_close(&in);
		return -1;
	}
	int rc;
	const char *name = strcmp(path, "-") ? path : "(standard input)";
	int capture = is_capture(in.head, in.head_len), dnstap = dnstap_detect(in.head, in.head_len);
	if (capture || dnstap) {
		static const cookie_io_functions_t io = { .read = stream_read, .close = stream_close };
		FILE *f = fopencookie(&in, "rb", io);
		if (!f) {
			snprintf(err, err_size, "%s: out of memory", name);
			rc = -1;
		} else {
			setvbuf(f, NULL, _IOFBF, 1 << 18);
			rc = capture ? import_pcap(ctx, f, NULL, name, stream_digest, &in, err, err_size)
			             : dnstap_import(ctx, f, name, stream_digest, &in, err, err_size);
		}
		if (rc == 0 && in.cut)
			import_warn(ctx->log, "%s: gzip data cut short after %llu bytes", name, (unsigned long long)in.bytes);
	} else if (in.head_len > 0) {
		/* Text: a Zeek log or a dnsperf query file, streamed line by line after a sample. */
		struct text_stream ts = { .in = &in };
		ssize_t got;
		while (ts.sample_len < TEXT_SAMPLE &&
		       (got = stream_read(&in, (char *)ts.sample + ts.sample_len, TEXT_SAMPLE - ts.sample_len)) > 0)
			ts.sample_len += (size_t)got;
		static const cookie_io_functions_t io = { .read = text_stream_read, .close = stream_close };
		FILE *f = fopencookie(&ts, "rb", io);
		if (f)
			setvbuf(f, NULL, _IOFBF, 1 << 18);
		rc = import_text(ctx, ts.sample, ts.sample_len, f, name, err, err_size);
		if (rc == 0 && in.cut)
			import_warn(ctx->log, "%s: gzip data cut short after %llu bytes", name, (unsigned long long)in.bytes);
	} else if (in.head_len == 0 && in.cut) {
		int zerr;
		snprintf(err, err_size, "%s: bad gzip data: %s", name, gzerror(in.gz, &zerr));
		rc = -1;
	} else {
		snprintf(err, err_size, "%s: not a pcap, pcapng, dnstap, Zeek dns.log or dnsperf query file (plain or gzip)", name);
		rc = -1;
	}
	input_close(&in);
	return rc;
}

int trace_import(const char *const *inputs, size_t n, const char *out_path,
                 const struct import_ctx *options, char *err, size_t err_size)
{
	struct trace_writer *w;
	if (trace_writer_new(&w)) {
		snprintf(err, err_size, "out of memory");
		return -1;
	}
	struct import_ctx ctx = *options;
	ctx.w = w;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = import_file(&ctx, inputs[i], err, err_size);
	if (rc == 0)
		rc = trace_writer_write(w, out_path, err, err_size);
	trace_writer_free(w);
	return rc;
}
