/*
 * dnstap — Frame Streams read by libfstrm's reader over a FILE (so standard input and gzip
 * arrive as for captures), each data frame unpacked by protobuf-c (traces/dnstap.proto) and its
 * DNS message handed to import_dns_message with the side the frame's type gives.
 *
 * Invariant: every data frame read ends in exactly one accounting line, and the "packets" line
 * counts them. The byte offsets in messages count from the start of the (inflated) input.
 */
#include "traces/dnstap.h"

#include <fstrm.h>
#include <stdlib.h>
#include <string.h>

#include "traces/dnstap.pb-c.h"
#include "traces/import.h"
#include "traces/trace_writer.h"

/* The byte stream under libfstrm: its read method must fill the whole request, so a short read
 * is the end of the input, clean (at a read's first byte) or inside a frame (cut). */
struct dnstap_stream {
	FILE *f;
	uint64_t offset;     /* bytes handed to the reader */
	uint64_t read_off;   /* where the last read began */
	size_t read_len;     /* what it asked for */
	uint32_t last_be32;  /* the last 4-byte read: a frame length, when the reader fails on it */
	uint64_t prev_read_off; /* the read before the last one: for a data frame, its length */
	size_t prev_read_len;
	uint32_t prev_be32;
	int cut;             /* the input ended inside a read */
	int io_error;
	int peeked;          /* a byte read past a STOP frame, to be served first */
	uint8_t peek;
};

static fstrm_res stream_read(void *obj, void *data, size_t count)
{
	struct dnstap_stream *s = obj;
	uint8_t *out = data;
	size_t n = 0;
	s->prev_read_off = s->read_off;
	s->prev_read_len = s->read_len;
	s->prev_be32 = s->last_be32;
	s->read_off = s->offset;
	s->read_len = count;
	if (count && s->peeked) {
		out[n++] = s->peek;
		s->peeked = 0;
	}
	n += fread(out + n, 1, count - n, s->f);
	s->offset += n;
	if (n == count) {
		if (count == 4)
			s->last_be32 = (uint32_t)out[0] << 24 | (uint32_t)out[1] << 16 | (uint32_t)out[2] << 8 | out[3];
		return fstrm_res_success;
	}
	if (ferror(s->f)) {
		s->io_error = 1;
		return fstrm_res_failure;
	}
	if (n == 0)
		return fstrm_res_stop;
	s->cut = 1;
	return fstrm_res_failure;
}

static fstrm_res stream_nop(void *obj)
{
	(void)obj;
	return fstrm_res_success;
}

/* A reader over s, expecting no particular content type (dnstap_import names a wrong one). */
static struct fstrm_reader *reader_new(struct dnstap_stream *s)
{
	struct fstrm_rdwr *rdwr = fstrm_rdwr_init(s);
	if (!rdwr)
		return NULL;
	fstrm_rdwr_set_open(rdwr, stream_nop);
	fstrm_rdwr_set_close(rdwr, stream_nop);
	fstrm_rdwr_set_read(rdwr, stream_read);
	struct fstrm_reader_options *ropt = fstrm_reader_options_init();
	struct fstrm_reader *r = NULL;
	if (ropt && fstrm_reader_options_set_max_frame_size(ropt, DNSTAP_MAX_FRAME) == fstrm_res_success)
		r = fstrm_reader_init(ropt, &rdwr);
	fstrm_reader_options_destroy(&ropt);
	if (!r)
		fstrm_rdwr_destroy(&rdwr);
	return r;
}

int dnstap_detect(const uint8_t *head, size_t len)
{
	static const uint8_t escape[4] = { 0, 0, 0, 0 }, start[4] = { 0, 0, 0, FSTRM_CONTROL_START };
	if (len < 12 || memcmp(head, escape, 4) || memcmp(head + 8, start, 4))
		return 0;
	uint32_t control_len = (uint32_t)head[4] << 24 | (uint32_t)head[5] << 16 | (uint32_t)head[6] << 8 | head[7];
	return control_len >= 4 && control_len <= FSTRM_CONTROL_FRAME_LENGTH_MAX;
}

/* What one file's frames came to, beyond the accounting lines. */
struct dnstap_file {
	const struct import_ctx *ctx;
	uint64_t frames;
	uint64_t no_client_addr, no_resolver_addr; /* queries given an unspecified address */
	uint64_t client_queries, resolver_queries; /* CLIENT_QUERY and RESOLVER_QUERY frames */
	char identity[160];                        /* of the first frame that has one */
};

/* A dnstap address field into a trace address; absent: the family's unspecified address. */
static int frame_addr(const Dnstap__Message *m, int has, const ProtobufCBinaryData *b,
                      struct trace_addr *a, uint64_t *missing)
{
	memset(a, 0, sizeof(*a));
	if (!has) {
		a->family = m->has_socket_family && m->socket_family == DNSTAP__SOCKET_FAMILY__INET6 ? 6 : 4;
		(*missing)++;
		return 0;
	}
	if (b->len != 4 && b->len != 16)
		return -1;
	a->family = b->len == 4 ? 4 : 6;
	memcpy(a->addr, b->data, b->len);
	return 0;
}

/* Seconds and nanoseconds into Unix ns; -1 if out of range (nanoseconds past a second, or a
 * time past the year 2255). */
static int frame_time(uint64_t sec, int has_nsec, uint32_t nsec, int64_t *out)
{
	if (sec > 9000000000ULL || (has_nsec && nsec >= 1000000000u))
		return -1;
	*out = (int64_t)sec * 1000000000 + (has_nsec ? (int64_t)nsec : 0);
	return 0;
}

/* Accounting lines of the message types not imported, by type number. */
static const char *const other_type_line[] = {
	[DNSTAP__MESSAGE__TYPE__AUTH_QUERY] = "skipped.dnstap.auth_query",
	[DNSTAP__MESSAGE__TYPE__AUTH_RESPONSE] = "skipped.dnstap.auth_response",
	[DNSTAP__MESSAGE__TYPE__FORWARDER_QUERY] = "skipped.dnstap.forwarder_query",
	[DNSTAP__MESSAGE__TYPE__FORWARDER_RESPONSE] = "skipped.dnstap.forwarder_response",
	[DNSTAP__MESSAGE__TYPE__STUB_QUERY] = "skipped.dnstap.stub_query",
	[DNSTAP__MESSAGE__TYPE__STUB_RESPONSE] = "skipped.dnstap.stub_response",
	[DNSTAP__MESSAGE__TYPE__TOOL_QUERY] = "skipped.dnstap.tool_query",
	[DNSTAP__MESSAGE__TYPE__TOOL_RESPONSE] = "skipped.dnstap.tool_response",
	[DNSTAP__MESSAGE__TYPE__UPDATE_QUERY] = "skipped.dnstap.update_query",
	[DNSTAP__MESSAGE__TYPE__UPDATE_RESPONSE] = "skipped.dnstap.update_response",
};

/* A Message frame of a type that is imported; returns 0, or -1 when out of memory. */
static int take_message(struct dnstap_file *df, const Dnstap__Message *m)
{
	struct trace_writer *w = df->ctx->w;
	int response = m->type == DNSTAP__MESSAGE__TYPE__CLIENT_RESPONSE ||
	               m->type == DNSTAP__MESSAGE__TYPE__RESOLVER_RESPONSE;
	enum import_origin origin = m->type == DNSTAP__MESSAGE__TYPE__CLIENT_QUERY ||
	                            m->type == DNSTAP__MESSAGE__TYPE__CLIENT_RESPONSE
	                            ? IMPORT_CLIENT_SIDE : IMPORT_UPSTREAM_SIDE;
	const ProtobufCBinaryData *dns = response ? &m->response_message : &m->query_message;
	if (!(response ? m->has_response_message : m->has_query_message))
		return trace_writer_count(w, "skipped.dnstap.no_dns_message", 1);
	/* A query at the time it was sent or received; a response at its own, or else its query's. */
	int64_t t;
	if (response && m->has_response_time_sec) {
		if (frame_time(m->response_time_sec, m->has_response_time_nsec, m->response_time_nsec, &t))
			return trace_writer_count(w, "skipped.dnstap.bad_time", 1);
	} else if (m->has_query_time_sec) {
		if (frame_time(m->query_time_sec, m->has_query_time_nsec, m->query_time_nsec, &t))
			return trace_writer_count(w, "skipped.dnstap.bad_time", 1);
	} else {
		return trace_writer_count(w, "skipped.dnstap.no_time", 1);
	}
	/* The frame's type says query or response; the message's QR bit must agree. */
	if (dns->len >= 3 && ((dns->data[2] & 0x80) != 0) != response)
		return trace_writer_count(w, "skipped.dnstap.qr_mismatch", 1);
	struct trace_addr initiator, responder;
	uint64_t no_initiator = 0, no_responder = 0;
	if (frame_addr(m, m->has_query_address, &m->query_address, &initiator, &no_initiator) ||
	    frame_addr(m, m->has_response_address, &m->response_address, &responder, &no_responder))
		return trace_writer_count(w, "skipped.dnstap.bad_address", 1);
	if (!response) {
		df->no_client_addr += no_initiator;
		df->no_resolver_addr += no_responder;
	}
	uint16_t transport = 0;
	if (m->has_socket_protocol && (m->socket_protocol == DNSTAP__SOCKET_PROTOCOL__TCP ||
	                               m->socket_protocol == DNSTAP__SOCKET_PROTOCOL__DOT ||
	                               m->socket_protocol == DNSTAP__SOCKET_PROTOCOL__DOH ||
	                               m->socket_protocol == DNSTAP__SOCKET_PROTOCOL__DNSCryptTCP))
		transport = TRACE_QF_TCP;
	return import_dns_message(df->ctx, t, dns->data, dns->len, response ? &responder : &initiator,
	                          response ? &initiator : &responder, "", transport, origin);
}

/* Printable text of a protobuf bytes field, for the provenance line. */
static void printable(const ProtobufCBinaryData *b, char *out, size_t size)
{
	size_t n = 0;
	for (size_t i = 0; i < b->len && n + 1 < size; i++)
		out[n++] = b->data[i] >= 0x20 && b->data[i] < 0x7f && b->data[i] != '"' ? (char)b->data[i] : '?';
	out[n] = '\0';
}

/* A data frame of len bytes was read whole through s: its length, then its len bytes. */
static int frame_was_read(const struct dnstap_stream *s, size_t len)
{
	return s->read_len == len && s->prev_read_len == 4 && s->prev_be32 == len &&
	       s->prev_read_off + 4 == s->read_off && s->read_off + len == s->offset;
}

/* One data frame; returns 0, or -1 when out of memory. */
static int take_frame(struct dnstap_file *df, const uint8_t *data, size_t len)
{
	struct trace_writer *w = df->ctx->w;
	df->frames++;
	Dnstap__Dnstap *d = dnstap__dnstap__unpack(NULL, len, data);
	if (!d)
		return trace_writer_count(w, "skipped.dnstap.not_dnstap", 1);
	if (!df->identity[0] && (d->has_identity || d->has_version)) {
		char id[64] = "", ver[64] = "";
		if (d->has_identity)
			printable(&d->identity, id, sizeof(id));
		if (d->has_version)
			printable(&d->version, ver, sizeof(ver));
		snprintf(df->identity, sizeof(df->identity), " identity=\"%s\" version=\"%s\"", id, ver);
	}
	int rc;
	const Dnstap__Message *m = d->message;
	if (d->type != DNSTAP__DNSTAP__TYPE__MESSAGE || !m)
		rc = trace_writer_count(w, "skipped.dnstap.not_message", 1);
	else if (m->type == DNSTAP__MESSAGE__TYPE__CLIENT_QUERY || m->type == DNSTAP__MESSAGE__TYPE__CLIENT_RESPONSE ||
	         m->type == DNSTAP__MESSAGE__TYPE__RESOLVER_QUERY || m->type == DNSTAP__MESSAGE__TYPE__RESOLVER_RESPONSE) {
		df->client_queries += m->type == DNSTAP__MESSAGE__TYPE__CLIENT_QUERY;
		df->resolver_queries += m->type == DNSTAP__MESSAGE__TYPE__RESOLVER_QUERY;
		rc = take_message(df, m);
	}
	else if ((unsigned)m->type < sizeof(other_type_line) / sizeof(other_type_line[0]) &&
	         other_type_line[m->type])
		rc = trace_writer_count(w, other_type_line[m->type], 1);
	else
		rc = trace_writer_count(w, "skipped.dnstap.unknown_type", 1);
	dnstap__dnstap__free_unpacked(d, NULL);
	return rc;
}

/* After the reader's START: refuse another content type, naming it. */
static int check_content_type(struct fstrm_reader *r, const char *name, uint64_t at, char *err, size_t err_size)
{
	const struct fstrm_control *start;
	size_t n = 0;
	if (fstrm_reader_get_control(r, FSTRM_CONTROL_START, &start) != fstrm_res_success || !start ||
	    fstrm_control_get_num_field_content_type(start, &n) != fstrm_res_success || n == 0)
		return 0; /* none declared: the frames tell */
	if (fstrm_control_match_field_content_type(start, (const uint8_t *)DNSTAP_CONTENT_TYPE,
	                                           strlen(DNSTAP_CONTENT_TYPE)) == fstrm_res_success)
		return 0;
	const uint8_t *ct;
	size_t ct_len;
	char text[80];
	ProtobufCBinaryData b = { 0, NULL };
	if (fstrm_control_get_field_content_type(start, 0, &ct, &ct_len) == fstrm_res_success)
		b = (ProtobufCBinaryData){ ct_len, (uint8_t *)ct };
	printable(&b, text, sizeof(text));
	snprintf(err, err_size, "%s: byte %llu: Frame Streams of content type \"%s\", not %s", name,
	         (unsigned long long)at, text, DNSTAP_CONTENT_TYPE);
	return -1;
}

/* Why the reader failed at s's position: 1 for a cut (a warning), -1 for damage (err set). */
static int read_failure(const struct dnstap_stream *s, const struct dnstap_file *df, const char *name,
                        uint64_t frame_off, char *err, size_t err_size)
{
	if (s->io_error) {
		snprintf(err, err_size, "%s: read error at byte %llu", name, (unsigned long long)s->offset);
		return -1;
	}
	if (s->cut) {
		import_warn(df->ctx->log, "%s: dnstap file cut short at byte %llu, inside the frame at byte %llu "
		            "(%llu frames read before)", name, (unsigned long long)s->offset,
		            (unsigned long long)frame_off, (unsigned long long)df->frames);
		return 1;
	}
	if (s->read_len == 4 && s->last_be32 > DNSTAP_MAX_FRAME)
		snprintf(err, err_size, "%s: byte %llu: frame length %lu over the %u-byte limit: a damaged "
		         "Frame Streams file", name, (unsigned long long)s->read_off, (unsigned long)s->last_be32,
		         DNSTAP_MAX_FRAME);
	else
		snprintf(err, err_size, "%s: byte %llu: bad Frame Streams control frame", name,
		         (unsigned long long)s->read_off);
	return -1;
}

/* One Frame Streams (START, data frames, STOP) from s: 0 at its STOP, 1 at a cut or a missing
 * STOP (warned), -1 on error (err set). */
static int read_stream(struct dnstap_file *df, struct dnstap_stream *s, const char *name, char *err,
                       size_t err_size)
{
	uint64_t start_off = s->offset;
	struct fstrm_reader *r = reader_new(s);
	if (!r) {
		snprintf(err, err_size, "%s: out of memory", name);
		return -1;
	}
	int rc = 0;
	if (fstrm_reader_open(r) != fstrm_res_success) {
		if (s->io_error)
			snprintf(err, err_size, "%s: read error at byte %llu", name, (unsigned long long)s->offset);
		else if (s->cut || s->offset == start_off)
			snprintf(err, err_size, "%s: byte %llu: Frame Streams START frame cut short", name,
			         (unsigned long long)start_off);
		else
			snprintf(err, err_size, "%s: byte %llu: no Frame Streams START frame: not a dnstap file",
			         name, (unsigned long long)start_off);
		rc = -1;
	} else if (check_content_type(r, name, start_off, err, err_size)) {
		rc = -1;
	}
	while (rc == 0) {
		const uint8_t *data;
		size_t len;
		uint64_t frame_off = s->offset;
		fstrm_res res = fstrm_reader_read(r, &data, &len);
		if (res == fstrm_res_success && !frame_was_read(s, len)) {
			/* libfstrm 0.6.1 answers a frame length over the limit with success, and data then
			 * still points at an earlier frame, possibly in a reader already destroyed (found
			 * by fuzzing): a frame is used only if its bytes were seen read whole. */
			rc = read_failure(s, df, name, frame_off, err, err_size);
			break;
		}
		if (res == fstrm_res_success) {
			if (take_frame(df, data, len)) {
				snprintf(err, err_size, "%s: out of memory at byte %llu", name, (unsigned long long)frame_off);
				rc = -1;
			}
			continue;
		}
		const struct fstrm_control *stop = NULL;
		if (res == fstrm_res_stop && fstrm_reader_get_control(r, FSTRM_CONTROL_STOP, &stop) == fstrm_res_success &&
		    stop)
			break;
		if (res == fstrm_res_stop) {
			import_warn(df->ctx->log, "%s: dnstap file ends at byte %llu without its STOP frame (%llu frames read)",
			            name, (unsigned long long)s->offset, (unsigned long long)df->frames);
			rc = 1;
		} else {
			rc = read_failure(s, df, name, frame_off, err, err_size);
		}
	}
	fstrm_reader_destroy(&r);
	return rc;
}

int dnstap_import(const struct import_ctx *ctx, FILE *f, const char *name,
                  void (*digest)(void *, char[65]), void *digest_arg, char *err, size_t err_size)
{
	struct trace_writer *w = ctx->w;
	struct dnstap_file df = { .ctx = ctx };
	struct dnstap_stream s = { .f = f };
	int rc;
	/* Streams one after the other (concatenated files) are read in turn. */
	while ((rc = read_stream(&df, &s, name, err, err_size)) == 0) {
		int c = fgetc(f);
		if (c == EOF)
			break;
		s.peek = (uint8_t)c;
		s.peeked = 1;
	}
	if (rc < 0) {
		fclose(f);
		return -1;
	}
	if (rc > 0 && trace_writer_count(w, "error.truncated_capture", 1)) {
		fclose(f);
		snprintf(err, err_size, "%s: out of memory", name);
		return -1;
	}
	if (df.no_client_addr)
		import_warn(ctx->log, "%s: %llu queries without the client's address, given %s", name,
		            (unsigned long long)df.no_client_addr, "0.0.0.0 (::)");
	if (df.no_resolver_addr)
		import_warn(ctx->log, "%s: %llu queries without the resolver's address, given %s", name,
		            (unsigned long long)df.no_resolver_addr, "0.0.0.0 (::)");
	/* Both sides of a resolver as arrivals: a client's query and the resolver's own query for it
	 * would each be replayed. */
	if (df.client_queries && df.resolver_queries && !ctx->client_side_only)
		import_warn(ctx->log, "%s: %llu RESOLVER_QUERY frames (the resolver's own queries) kept as arrivals beside "
		            "%llu CLIENT_QUERY frames: a replay would resolve those names twice; --side client keeps "
		            "the client side only", name, (unsigned long long)df.resolver_queries,
		            (unsigned long long)df.client_queries);
	char hex[65], line[512];
	digest(digest_arg, hex);
	fclose(f);
	snprintf(line, sizeof(line), "dnstap %s frames=%llu%s sha256=%s", name, (unsigned long long)df.frames,
	         df.identity, hex);
	if (trace_writer_count(w, "packets", df.frames) || trace_writer_add_source(w, line)) {
		snprintf(err, err_size, "%s: out of memory", name);
		return -1;
	}
	return 0;
}
