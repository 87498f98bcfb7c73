/*
 * import — detection by content, decompression, and the pcap path: libpcap reads the file
 * (pcap or pcapng) from memory, pcap_decode finds the DNS payload, dns_wire checks it, and
 * the trace writer takes queries and responses.
 */
#include "traces/import.h"

#include <errno.h>
#include <openssl/evp.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dns/dns_wire.h"
#include "traces/pcap_decode.h"
#include "traces/tcp_stream.h"
#include "traces/trace_writer.h"

#define IMPORT_MAX_INPUT ((size_t)16 << 30)

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

/* Read a whole file, inflating it if it is gzip (or leaving it as it is). */
static int read_input(const char *path, uint8_t **out, size_t *out_len, int *was_gzip,
                      char *err, size_t err_size)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	unsigned char magic[2] = { 0, 0 };
	size_t got = fread(magic, 1, 2, f);
	fclose(f);
	*was_gzip = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
	gzFile gz = gzopen(path, "rb"); /* reads plain files unchanged */
	if (!gz) {
		snprintf(err, err_size, "%s: cannot open", path);
		return -1;
	}
	gzbuffer(gz, 1 << 17);
	size_t cap = 1 << 20, len = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (!buf) {
			gzclose(gz);
			snprintf(err, err_size, "%s: out of memory", path);
			return -1;
		}
		if (len == cap) {
			if (cap >= IMPORT_MAX_INPUT) {
				free(buf);
				gzclose(gz);
				snprintf(err, err_size, "%s: larger than %zu GiB", path, IMPORT_MAX_INPUT >> 30);
				return -1;
			}
			uint8_t *nb = realloc(buf, cap * 2);
			if (!nb)
				free(buf);
			buf = nb;
			cap *= 2;
			continue;
		}
		unsigned want = (unsigned)((cap - len) > (1u << 30) ? (1u << 30) : cap - len);
		int n = gzread(gz, buf + len, want);
		if (n < 0) {
			int zerr;
			const char *msg = gzerror(gz, &zerr);
			/* A cut gzip stream: keep what was inflated, the format reader will see the cut. */
			if (len == 0) {
				snprintf(err, err_size, "%s: bad gzip data: %s", path, msg);
				free(buf);
				gzclose(gz);
				return -1;
			}
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	gzclose(gz);
	*out = buf;
	*out_len = len;
	return 0;
}

static void digest_hex(const uint8_t *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int md_len = 0;
	EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
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

/* Count an outcome under the transport's prefix ("" for UDP packets, "message.tcp." for
 * messages cut from TCP streams, which are not packets). */
static int count_as(struct trace_writer *w, const char *prefix, const char *name)
{
	char line[64];
	snprintf(line, sizeof(line), "%s%s", prefix, name);
	return trace_writer_count(w, line, 1);
}

/* One DNS message: a query becomes an arrival, a response feeds the record model. */
static int take_dns(const struct import_ctx *ctx, int64_t time_ns, const struct decoded_packet *p,
                    const char *prefix, uint16_t transport_flags)
{
	struct trace_writer *w = ctx->w;
	struct dns_msg m;
	int rc = dns_msg_parse(p->payload, p->payload_len, &m);
	if (rc != DNS_OK) {
		char line[48];
		snprintf(line, sizeof(line), "skipped.malformed.%s", dns_strerror(rc));
		return count_as(w, prefix, line);
	}
	if (DNS_OPCODE(m.hdr.flags) != 0)
		return count_as(w, prefix, "skipped.not_query_opcode");
	if (m.hdr.qdcount == 0)
		return count_as(w, prefix, "skipped.no_question");
	if (!(m.hdr.flags & DNS_FLAG_QR)) {
		if (!import_keeps_query(ctx, &p->dst))
			return count_as(w, prefix, "skipped.not_to_resolver");
		uint16_t flags = (m.hdr.flags & DNS_FLAG_RD ? TRACE_QF_RD : 0) |
		                 (m.hdr.flags & DNS_FLAG_CD ? TRACE_QF_CD : 0) |
		                 (m.edns_do ? TRACE_QF_DO : 0) | transport_flags;
		if (trace_writer_add_query(w, time_ns, m.qname, m.qname_len, m.qtype, m.qclass, flags,
		                           &p->src, &p->dst))
			return -1;
		return count_as(w, prefix, "query");
	}
	struct trace_response r = { .time_ns = time_ns, .rcode = (uint8_t)DNS_RCODE(m.hdr.flags),
		                    .aa = (m.hdr.flags & DNS_FLAG_AA) ? 1 : 0, .ancount = m.hdr.ancount };
	size_t size = m.authority_off - m.answer_off;
	r.answer_size = (uint16_t)(size > UINT16_MAX ? UINT16_MAX : size);
	r.min_ttl = UINT32_MAX;
	size_t off = m.answer_off;
	for (unsigned i = 0; i < m.hdr.ancount; i++) {
		struct dns_rr rr;
		if (dns_rr_read(m.wire, m.len, &off, &rr) == DNS_OK && rr.ttl < r.min_ttl)
			r.min_ttl = rr.ttl;
	}
	if (r.ancount == 0)
		r.min_ttl = 0;
	if (trace_writer_add_response(w, m.qname, m.qname_len, m.qtype, m.qclass, &r))
		return -1;
	return count_as(w, prefix, "response");
}

static int take_tcp_message(void *ctx, int64_t time_ns, const struct decoded_packet *m)
{
	return take_dns(ctx, time_ns, m, "message.tcp.", TRACE_QF_TCP);
}

static int import_pcap(const struct import_ctx *ctx, const uint8_t *data, size_t len,
                       const char *name, char *err, size_t err_size)
{
	struct trace_writer *w = ctx->w;
	FILE *f = fmemopen((void *)data, len, "rb");
	char perr[PCAP_ERRBUF_SIZE] = "";
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
	struct pcap_pkthdr *h;
	const u_char *frame;
	uint64_t packets = 0;
	int rc;
	while ((rc = pcap_next_ex(pc, &h, &frame)) == 1) {
		packets++;
		int64_t t = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec; /* tv_usec holds ns */
		struct decoded_packet p;
		enum pkt_outcome o = pcap_decode_packet(linktype, frame, h->caplen, IMPORT_DNS_PORT, &p);
		int wrc;
		if (o == PKT_UDP) {
			wrc = take_dns(ctx, t, &p, "", 0);
		} else if (o == PKT_TCP_DNS) {
			int to = tcp_streams_feed(streams, t, &p, take_tcp_message, (void *)ctx);
			wrc = to < 0 ? -1 : trace_writer_count(w, tcp_outcome_name((enum tcp_outcome)to), 1);
		} else {
			wrc = trace_writer_count(w, pkt_outcome_name(o), 1);
		}
		if (wrc) {
			tcp_streams_free(streams);
			pcap_close(pc);
			snprintf(err, err_size, "%s: out of memory at packet %llu", name, (unsigned long long)packets);
			return -1;
		}
	}
	if (rc == PCAP_ERROR) {
		import_warn(ctx->log, "%s: capture truncated or damaged after packet %llu: %s", name,
		            (unsigned long long)packets, pcap_geterr(pc));
		trace_writer_count(w, "error.truncated_capture", 1);
	}
	tcp_streams_free(streams);
	pcap_close(pc);
	char digest[65], line[512];
	digest_hex(data, len, digest);
	snprintf(line, sizeof(line), "pcap %s linktype=%d packets=%llu sha256=%s", name, linktype,
	         (unsigned long long)packets, digest);
	return trace_writer_count(w, "packets", packets) || trace_writer_add_source(w, line);
}

int import_buffer(const struct import_ctx *ctx, const uint8_t *data, size_t len, const char *name,
                  char *err, size_t err_size)
{
	static const uint8_t pcap_magics[][4] = {
		{ 0xd4, 0xc3, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0xc3, 0xd4 }, { 0x4d, 0x3c, 0xb2, 0xa1 },
		{ 0xa1, 0xb2, 0x3c, 0x4d }, { 0x0a, 0x0d, 0x0d, 0x0a },
	};
	for (size_t i = 0; i < sizeof(pcap_magics) / sizeof(pcap_magics[0]); i++)
		if (len >= 4 && !memcmp(data, pcap_magics[i], 4))
			return import_pcap(ctx, data, len, name, err, err_size);
	if (len >= 10 && !memcmp(data, "#separator", 10))
		return zeek_import(ctx, (const char *)data, len, name, err, err_size);
	snprintf(err, err_size, "%s: not a pcap, pcapng or Zeek dns.log (plain or gzip)", name);
	return -1;
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
	for (size_t i = 0; i < n && rc == 0; i++) {
		uint8_t *data;
		size_t len;
		int gz;
		rc = read_input(inputs[i], &data, &len, &gz, err, err_size);
		if (rc == 0) {
			rc = import_buffer(&ctx, data, len, inputs[i], err, err_size);
			free(data);
		}
	}
	if (rc == 0)
		rc = trace_writer_write(w, out_path, err, err_size);
	trace_writer_free(w);
	return rc;
}
