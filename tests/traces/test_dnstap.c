/*
 * dnstap import: the file a real Unbound wrote (tests/traces/data/unbound-local.dnstap, frames
 * listed by tests/e2e/dnstap_frames.py) with exact per-query results, under --side client and
 * --resolver, gzip-compressed, concatenated and cut short; files written here with libfstrm's
 * own writer and protobuf-c's packer holding one frame for each accounting line; and the
 * damaged files refused with their byte offset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "trace_checks.h"
#include <fstrm.h>
#include <zlib.h>

#include "dns/dns_wire.h"
#include "traces/dnstap.h"
#include "traces/dnstap.pb-c.h"
#include "traces/import.h"
#include "traces/trace.h"

static char dir[64];

static const char *tmp_path(const char *name)
{
	static char paths[16][128];
	static unsigned next;
	char *p = paths[next++ % 16];
	snprintf(p, 128, "%s/%s", dir, name);
	return p;
}

static const char *unbound_file(void)
{
	static char p[1024];
	const char *src = getenv("SHARESIM_SOURCE_DIR");
	snprintf(p, sizeof(p), "%s/tests/traces/data/unbound-local.dnstap", src ? src : "../..");
	return p;
}


static uint32_t name_id(const struct trace *t, const char *text)
{
	uint8_t wire[DNS_NAME_MAX], len;
	uint32_t id = UINT32_MAX;
	assert_int_equal(dns_name_from_text(text, wire, &len), 0);
	assert_int_equal(trace_name_lookup(t, wire, len, &id), 0);
	return id;
}

/* Import inputs with ctx's options into a trace and open it; returns 0 or the import's error. */
static int import_with(const char *const *inputs, size_t n, struct import_ctx ctx, struct trace **t,
                       char *err, size_t err_size)
{
	const char *out = tmp_path("out.trace");
	unlink(out);
	int rc = trace_import(inputs, n, out, &ctx, err, err_size);
	if (rc)
		return rc;
	assert_int_equal(trace_open(out, t, err, err_size), 0);
	assert_accounting_adds_up(*t);
	return 0;
}

static struct trace *import_ok(const char *path, struct import_ctx ctx)
{
	char err[512];
	struct trace *t = NULL;
	const char *in[] = { path };
	if (import_with(in, 1, ctx, &t, err, sizeof(err)))
		fail_msg("%s", err);
	return t;
}

static void copy_prefix(const char *from, const char *to, long len)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	assert_non_null(in);
	assert_non_null(out);
	int c;
	for (long i = 0; (len < 0 || i < len) && (c = fgetc(in)) != EOF; i++)
		fputc(c, out);
	fclose(in);
	fclose(out);
}

/* ---- the file Unbound wrote ---- */

#define T0 1795842537071061000LL /* the first CLIENT_QUERY */

static void test_unbound(void **state)
{
	(void)state;
	struct import_log log = { .len = 0 };
	struct trace *t = import_ok(unbound_file(), (struct import_ctx){ .log = &log });
	/* 24 frames: 10 CLIENT_QUERY, 10 CLIENT_RESPONSE, 2 RESOLVER_QUERY, 2 RESOLVER_RESPONSE. */
	assert_int_equal(stat_of(t, "packets"), 24);
	assert_int_equal(stat_of(t, "query"), 12);
	assert_int_equal(stat_of(t, "response"), 12);
	assert_int_equal(trace_stat_count(t), 3);
	/* Both sides kept as arrivals (no --side client): said once. */
	char both[1400];
	snprintf(both, sizeof(both), "%s: 2 RESOLVER_QUERY frames (the resolver's own queries) kept as arrivals beside "
	         "10 CLIENT_QUERY frames: a replay would resolve those names twice; --side client keeps the client "
	         "side only\n", unbound_file());
	assert_string_equal(log.text, both);
	assert_non_null(strstr(trace_sources(t), "unbound-local.dnstap frames=24 identity=\"sharesim-test\" "
	                                         "version=\"unbound 1.17.1\" sha256=8c7eb2b13db05848ff574199a71cc25c"
	                                         "43f74286c2458fa1ba605fa5a0f3db83"));
	assert_int_equal(trace_query_count(t), 12);
	assert_int_equal(trace_response_count(t), 12);
	assert_int_equal(trace_start_time_ns(t), T0);
	assert_int_equal(trace_duration_ns(t), 1795842537098172000LL - T0);
	assert_int_equal(trace_name_count(t), 5);
	assert_int_equal(trace_client_count(t), 2);   /* 127.0.0.1, and 0.0.0.0 for Unbound's own */
	assert_int_equal(trace_resolver_count(t), 1); /* 127.0.0.1: Unbound, and NSD */
	uint32_t www = name_id(t, "www.local.example"), nx = name_id(t, "nx.local.example");
	uint32_t mail = name_id(t, "mail.local.example"), auth = name_id(t, "www.auth.example");
	uint32_t nxauth = name_id(t, "nx.auth.example");
	const struct {
		int64_t at; /* query_time of the frame, from T0 */
		uint32_t name;
		uint16_t qtype, flags;
		int unbound_own; /* a RESOLVER_QUERY: from 0.0.0.0 */
	} q[] = {
		{ 0, www, 1, TRACE_QF_RD, 0 },
		{ 1981000, www, 28, TRACE_QF_RD, 0 },
		{ 4611000, www, 1, TRACE_QF_RD, 0 },            /* WWW.Local.Example */
		{ 5081000, www, 16, TRACE_QF_RD, 0 },
		{ 5337000, nx, 1, TRACE_QF_RD, 0 },
		{ 7951000, mail, 15, TRACE_QF_RD | TRACE_QF_TCP, 0 },
		{ 9513000, auth, 1, TRACE_QF_RD, 0 },
		{ 9743000, auth, 1, TRACE_QF_CD | TRACE_QF_DO | TRACE_QF_UPSTREAM, 1 }, /* Unbound asks NSD (CD, DO) */
		{ 25332000, auth, 1, TRACE_QF_RD, 0 },
		{ 25803000, nxauth, 1, TRACE_QF_RD, 0 },
		{ 25895000, nxauth, 1, TRACE_QF_CD | TRACE_QF_DO | TRACE_QF_UPSTREAM, 1 },
		{ 27111000, www, 1, 0, 0 },                      /* a client's, without RD */
	};
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		const struct trace_query *tq = &trace_queries(t)[i];
		assert_int_equal(tq->time_ns, q[i].at);
		assert_int_equal(tq->name_id, q[i].name);
		assert_int_equal(tq->qtype, q[i].qtype);
		assert_int_equal(tq->qclass, 1);
		assert_int_equal(tq->flags, q[i].flags);
		const struct trace_addr *c = trace_client(t, tq->client_id), *r = trace_resolver(t, tq->resolver_id);
		assert_int_equal(c->family, 4);
		assert_memory_equal(c->addr, q[i].unbound_own ? "\0\0\0\0" : "\x7f\0\0\x01", 4);
		assert_int_equal(r->family, 4);
		assert_memory_equal(r->addr, "\x7f\0\0\x01", 4);
	}
	/* The record model: 7 name/types, from client and resolver responses alike. */
	assert_int_equal(trace_record_count(t), 7);
	const struct trace_record *r = trace_record_find(t, www, 1, 1);
	assert_non_null(r);
	assert_int_equal(r->responses, 3);
	assert_int_equal(r->max_ttl, 600);
	assert_int_equal(r->ancount, 1);
	assert_int_equal(r->answer_size, 2 + 10 + 4); /* a pointer, type class TTL rdlength, 4 */
	assert_int_equal(r->rcode, 0);
	assert_int_equal(r->flags, TRACE_RF_AA | TRACE_RF_TTL_EXACT); /* local data: AA */
	r = trace_record_find(t, www, 16, 1);
	assert_non_null(r);
	assert_int_equal(r->ancount, 0);
	assert_int_equal(r->rcode, 0);
	r = trace_record_find(t, nx, 1, 1);
	assert_non_null(r);
	assert_int_equal(r->rcode, 3);
	r = trace_record_find(t, auth, 1, 1);
	assert_non_null(r);
	assert_int_equal(r->responses, 3); /* NSD's (RESOLVER_RESPONSE) and Unbound's two */
	assert_int_equal(r->max_ttl, 300);
	assert_int_equal(r->flags, TRACE_RF_AA | TRACE_RF_TTL_EXACT);
	r = trace_record_find(t, nxauth, 1, 1);
	assert_non_null(r);
	assert_int_equal(r->responses, 2);
	assert_int_equal(r->rcode, 3);
	assert_non_null(trace_record_find(t, mail, 15, 1));
	trace_close(t);
}

static void test_unbound_side_client(void **state)
{
	(void)state;
	struct import_log log = { .len = 0 };
	/* --side client: the 2 RESOLVER_QUERY frames are skipped, the client query without RD
	 * is kept (dnstap says it is a client's); every response still feeds the model. */
	struct trace *t = import_ok(unbound_file(), (struct import_ctx){ .log = &log, .client_side_only = 1 });
	assert_int_equal(stat_of(t, "packets"), 24);
	assert_int_equal(stat_of(t, "query"), 10);
	assert_int_equal(stat_of(t, "skipped.upstream_query"), 2);
	assert_int_equal(stat_of(t, "response"), 12);
	assert_int_equal(trace_client_count(t), 1);
	assert_int_equal(trace_record_count(t), 7);
	assert_int_equal(trace_queries(t)[9].flags, 0);
	trace_close(t);
	/* --resolver: queries to another address are skipped. */
	struct trace_addr other = { .family = 4, .addr = { 192, 0, 2, 53 } };
	t = import_ok(unbound_file(), (struct import_ctx){ .log = &log, .resolvers = &other, .resolver_count = 1 });
	assert_int_equal(stat_of(t, "skipped.not_to_resolver"), 12);
	assert_int_equal(stat_of(t, "response"), 12);
	assert_int_equal(trace_query_count(t), 0);
	trace_close(t);
}

static void test_unbound_gzip_concatenated(void **state)
{
	(void)state;
	/* gzip: the same trace contents. */
	FILE *in = fopen(unbound_file(), "rb");
	gzFile z = gzopen(tmp_path("u.dnstap.gz"), "wb");
	uint8_t buf[4096];
	size_t n = fread(buf, 1, sizeof(buf), in);
	fclose(in);
	assert_int_equal(n, 3160);
	gzwrite(z, buf, (unsigned)n);
	gzclose(z);
	struct import_log log = { .len = 0 };
	struct trace *t = import_ok(tmp_path("u.dnstap.gz"), (struct import_ctx){ .log = &log });
	assert_int_equal(stat_of(t, "packets"), 24);
	assert_int_equal(trace_query_count(t), 12);
	assert_int_equal(trace_record_count(t), 7);
	trace_close(t);
	/* Two files one after the other (cat a b): both streams read. */
	FILE *f = fopen(tmp_path("twice.dnstap"), "wb");
	fwrite(buf, 1, n, f);
	fwrite(buf, 1, n, f);
	fclose(f);
	t = import_ok(tmp_path("twice.dnstap"), (struct import_ctx){ .log = &log });
	assert_int_equal(stat_of(t, "packets"), 48);
	assert_int_equal(trace_query_count(t), 24);
	assert_non_null(strstr(log.text, "twice.dnstap: 4 RESOLVER_QUERY frames (the resolver's own queries) kept as "
	                                 "arrivals beside 20 CLIENT_QUERY frames"));
	trace_close(t);
	/* Bytes after the STOP frame that are not another stream: refused, at their offset. */
	f = fopen(tmp_path("trailing.dnstap"), "wb");
	fwrite(buf, 1, n, f);
	fwrite("junk", 1, 4, f);
	fclose(f);
	char err[512], expected[600];
	const char *trailing[] = { tmp_path("trailing.dnstap") };
	assert_int_equal(import_with(trailing, 1, (struct import_ctx){ .log = &log }, &t, err, sizeof(err)), -1);
	snprintf(expected, sizeof(expected), "%s: byte 3160: no Frame Streams START frame: not a dnstap file", trailing[0]);
	assert_string_equal(err, expected);
}

/* Cut short: what came before is imported, the cut reported with its offset. */
static void test_unbound_cut(void **state)
{
	(void)state;
	char expected[600];
	/* Inside frame 5 (a CLIENT_RESPONSE at byte 651). */
	copy_prefix(unbound_file(), tmp_path("cut.dnstap"), 700);
	struct import_log log = { .len = 0 };
	struct trace *t = import_ok(tmp_path("cut.dnstap"), (struct import_ctx){ .log = &log });
	assert_int_equal(stat_of(t, "packets"), 5);
	assert_int_equal(stat_of(t, "query"), 3);
	assert_int_equal(stat_of(t, "response"), 2);
	assert_int_equal(stat_of(t, "error.truncated_capture"), 1);
	snprintf(expected, sizeof(expected), "%s: dnstap file cut short at byte 700, inside the frame at byte 651 "
	         "(5 frames read before)\n", tmp_path("cut.dnstap"));
	assert_string_equal(log.text, expected);
	trace_close(t);
	/* At a frame's boundary (before frame 6, byte 780): no STOP frame. */
	copy_prefix(unbound_file(), tmp_path("cut2.dnstap"), 780);
	struct import_log log2 = { .len = 0 };
	t = import_ok(tmp_path("cut2.dnstap"), (struct import_ctx){ .log = &log2 });
	assert_int_equal(stat_of(t, "packets"), 6);
	assert_int_equal(stat_of(t, "error.truncated_capture"), 1);
	snprintf(expected, sizeof(expected), "%s: dnstap file ends at byte 780 without its STOP frame (6 frames read)\n",
	         tmp_path("cut2.dnstap"));
	assert_string_equal(log2.text, expected);
	trace_close(t);
	/* Inside the START frame: nothing to import. */
	copy_prefix(unbound_file(), tmp_path("cut3.dnstap"), 20);
	char err[512];
	const char *in[] = { tmp_path("cut3.dnstap") };
	assert_int_equal(import_with(in, 1, (struct import_ctx){ .log = &log2 }, &t, err, sizeof(err)), -1);
	snprintf(expected, sizeof(expected), "%s: byte 0: Frame Streams START frame cut short", in[0]);
	assert_string_equal(err, expected);
}

/* ---- frames written here: one per accounting line ---- */

/* A DNS message: a.example A, as a query (RD) or a response with one A record (TTL 60). */
static size_t dns_message(uint8_t *out, int response)
{
	static const uint8_t query[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		                         1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 1 };
	static const uint8_t answer[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1 };
	memcpy(out, query, sizeof(query));
	if (!response)
		return sizeof(query);
	out[2] = 0x81, out[3] = 0x80, out[7] = 1; /* QR RD RA, ancount 1 */
	memcpy(out + sizeof(query), answer, sizeof(answer));
	return sizeof(query) + sizeof(answer);
}

struct frame_spec {
	int mtype;            /* Message.type; 0: a Dnstap without a message; -1: not protobuf */
	int no_dns, qr_flip, short_dns, no_time, bad_nsec, no_addr, bad_addr, v6, dot;
	int response_time_only_query; /* a response with query_time only */
};

/* Pack one frame as spec says into out; returns its length. */
static size_t pack_frame(const struct frame_spec *s, uint8_t *out)
{
	if (s->mtype < 0) {
		memcpy(out, "\xff\xff\xff\xff", 4);
		return 4;
	}
	Dnstap__Dnstap d = DNSTAP__DNSTAP__INIT;
	Dnstap__Message m = DNSTAP__MESSAGE__INIT;
	d.type = DNSTAP__DNSTAP__TYPE__MESSAGE;
	d.has_identity = 1;
	d.identity = (ProtobufCBinaryData){ 4, (uint8_t *)"test" };
	if (s->mtype == 0)
		return dnstap__dnstap__pack(&d, out);
	d.message = &m;
	m.type = (Dnstap__Message__Type)s->mtype;
	int response = s->mtype % 2 == 0 && s->mtype <= 14;
	static uint8_t wire[64];
	size_t wl = dns_message(wire, response ^ s->qr_flip);
	if (s->short_dns)
		wl = 5;
	static uint8_t v4c[4] = { 10, 0, 0, 1 }, v4r[4] = { 10, 0, 0, 53 }, v6c[16] = { 0x20, 1, 0xd, 0xb8, [15] = 1 },
		       v6r[16] = { 0x20, 1, 0xd, 0xb8, [15] = 0x53 };
	m.has_socket_family = 1;
	m.socket_family = s->v6 ? DNSTAP__SOCKET_FAMILY__INET6 : DNSTAP__SOCKET_FAMILY__INET;
	m.has_socket_protocol = 1;
	m.socket_protocol = s->dot ? DNSTAP__SOCKET_PROTOCOL__DOT : DNSTAP__SOCKET_PROTOCOL__UDP;
	if (!s->no_addr) {
		m.has_query_address = m.has_response_address = 1;
		m.query_address = (ProtobufCBinaryData){ s->v6 ? 16 : 4, s->v6 ? v6c : v4c };
		m.response_address = (ProtobufCBinaryData){ s->v6 ? 16 : 4, s->v6 ? v6r : v4r };
		static uint8_t five[5] = { 10, 0, 0, 1, 0 };
		if (s->bad_addr)
			m.query_address = (ProtobufCBinaryData){ sizeof(five), five };
	}
	if (!s->no_time) {
		m.has_query_time_sec = m.has_query_time_nsec = 1;
		m.query_time_sec = 1700000000;
		m.query_time_nsec = s->bad_nsec ? 1000000000u : 500;
		if (response && !s->response_time_only_query) {
			m.has_response_time_sec = m.has_response_time_nsec = 1;
			m.response_time_sec = 1700000001;
			m.response_time_nsec = 7;
		}
	}
	if (!s->no_dns) {
		if (response) {
			m.has_response_message = 1;
			m.response_message = (ProtobufCBinaryData){ wl, wire };
		} else {
			m.has_query_message = 1;
			m.query_message = (ProtobufCBinaryData){ wl, wire };
		}
	}
	return dnstap__dnstap__pack(&d, out);
}

/* Frames into a dnstap file by libfstrm's file writer (START with the content type, STOP). */
static void write_dnstap(const char *path, const char *content_type, const struct frame_spec *specs, size_t n)
{
	struct fstrm_file_options *fopt = fstrm_file_options_init();
	fstrm_file_options_set_file_path(fopt, path);
	struct fstrm_writer_options *wopt = fstrm_writer_options_init();
	assert_int_equal(fstrm_writer_options_add_content_type(wopt, content_type, strlen(content_type)),
	                 fstrm_res_success);
	struct fstrm_writer *w = fstrm_file_writer_init(fopt, wopt);
	assert_non_null(w);
	assert_int_equal(fstrm_writer_open(w), fstrm_res_success);
	for (size_t i = 0; i < n; i++) {
		uint8_t buf[1024];
		size_t len = pack_frame(&specs[i], buf);
		assert_true(len < sizeof(buf));
		assert_int_equal(fstrm_writer_write(w, buf, len), fstrm_res_success);
	}
	assert_int_equal(fstrm_writer_destroy(&w), fstrm_res_success);
	fstrm_writer_options_destroy(&wopt);
	fstrm_file_options_destroy(&fopt);
}

enum { CQ = 5, CR = 6, RQ = 3, RR = 4 };

static void test_every_outcome(void **state)
{
	(void)state;
	static const struct frame_spec frames[] = {
		{ .mtype = CQ, .v6 = 1, .dot = 1 },          /* query: IPv6, over TLS */
		{ .mtype = CQ, .no_addr = 1 },                /* query: 0.0.0.0 -> 0.0.0.0, warned */
		{ .mtype = CR },                              /* response, at its response time */
		{ .mtype = RR, .response_time_only_query = 1 }, /* response, at its query time */
		{ .mtype = RQ },                              /* query: the resolver's own */
		{ .mtype = 1 },                               /* AUTH_QUERY */
		{ .mtype = 8 },                               /* FORWARDER_RESPONSE */
		{ .mtype = 9 },                               /* STUB_QUERY */
		{ .mtype = 11 },                              /* TOOL_QUERY */
		{ .mtype = 13 },                              /* UPDATE_QUERY */
		{ .mtype = 99 },                              /* a type this schema does not know */
		{ .mtype = 0 },                               /* no message */
		{ .mtype = -1 },                              /* not protobuf */
		{ .mtype = CQ, .no_dns = 1 },
		{ .mtype = CR, .no_dns = 1 },
		{ .mtype = CQ, .no_time = 1 },
		{ .mtype = CQ, .bad_nsec = 1 },
		{ .mtype = CQ, .qr_flip = 1 },                /* CLIENT_QUERY carrying a response */
		{ .mtype = CR, .qr_flip = 1 },
		{ .mtype = CQ, .bad_addr = 1 },               /* a 5-byte address */
		{ .mtype = CQ, .short_dns = 1 },              /* 5 bytes of DNS */
	};
	const size_t n = sizeof(frames) / sizeof(frames[0]);
	write_dnstap(tmp_path("made.dnstap"), DNSTAP_CONTENT_TYPE, frames, n);
	struct import_log log = { .len = 0 };
	struct trace *t = import_ok(tmp_path("made.dnstap"), (struct import_ctx){ .log = &log });
	char malformed[64];
	snprintf(malformed, sizeof(malformed), "skipped.malformed.%s", dns_strerror(DNS_ETRUNC));
	const struct {
		const char *line;
		uint64_t count;
	} expected[] = {
		{ "query", 3 }, { "response", 2 }, { "skipped.dnstap.auth_query", 1 },
		{ "skipped.dnstap.forwarder_response", 1 }, { "skipped.dnstap.stub_query", 1 },
		{ "skipped.dnstap.tool_query", 1 }, { "skipped.dnstap.update_query", 1 },
		{ "skipped.dnstap.unknown_type", 1 }, { "skipped.dnstap.not_message", 1 },
		{ "skipped.dnstap.not_dnstap", 1 }, { "skipped.dnstap.no_dns_message", 2 },
		{ "skipped.dnstap.no_time", 1 }, { "skipped.dnstap.bad_time", 1 },
		{ "skipped.dnstap.qr_mismatch", 2 }, { "skipped.dnstap.bad_address", 1 }, { malformed, 1 },
		{ "packets", 21 },
	};
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		if (stat_of(t, expected[i].line) != expected[i].count)
			fail_msg("%s: %llu, expected %llu", expected[i].line, (unsigned long long)stat_of(t, expected[i].line),
			         (unsigned long long)expected[i].count);
	}
	assert_int_equal(trace_stat_count(t), sizeof(expected) / sizeof(expected[0]));
	char warn[512];
	snprintf(warn, sizeof(warn), "%s: 1 queries without the client's address, given 0.0.0.0 (::)\n"
	         "%s: 1 queries without the resolver's address, given 0.0.0.0 (::)\n"
	         "%s: 1 RESOLVER_QUERY frames (the resolver's own queries) kept as arrivals beside 8 CLIENT_QUERY "
	         "frames: a replay would resolve those names twice; --side client keeps the client side only\n",
	         tmp_path("made.dnstap"), tmp_path("made.dnstap"), tmp_path("made.dnstap"));
	assert_string_equal(log.text, warn);
	assert_non_null(strstr(trace_sources(t), "frames=21 identity=\"test\" version=\"\""));
	/* The three queries, in time order (equal times keep the file's order). */
	assert_int_equal(trace_query_count(t), 3);
	const struct trace_query *q = trace_queries(t);
	assert_int_equal(q[0].flags, TRACE_QF_RD | TRACE_QF_TCP);
	assert_int_equal(trace_client(t, q[0].client_id)->family, 6);
	assert_int_equal(trace_resolver(t, q[0].resolver_id)->addr[15], 0x53);
	assert_int_equal(q[1].flags, TRACE_QF_RD);
	assert_int_equal(trace_client(t, q[1].client_id)->family, 4);
	assert_memory_equal(trace_client(t, q[1].client_id)->addr, "\0\0\0\0", 4);
	assert_memory_equal(trace_client(t, q[2].client_id)->addr, "\x0a\0\0\x01", 4);
	for (int i = 0; i < 3; i++)
		assert_int_equal(q[i].time_ns, 0);
	assert_int_equal(trace_start_time_ns(t), 1700000000000000500LL);
	const struct trace_record *r = trace_record_find(t, q[0].name_id, 1, 1);
	assert_non_null(r);
	assert_int_equal(r->responses, 2);
	assert_int_equal(r->max_ttl, 60);
	trace_close(t);
}

/* ---- refused: not dnstap, or damaged framing ---- */

static void test_refused(void **state)
{
	(void)state;
	char err[512], expected[600];
	struct import_log log = { .len = 0 };
	struct trace *t;
	/* Frame Streams of another content type: named. */
	static const struct frame_spec one = { .mtype = CQ };
	write_dnstap(tmp_path("other.fstrm"), "protobuf:other.Thing", &one, 1);
	const char *other[] = { tmp_path("other.fstrm") };
	assert_int_equal(import_with(other, 1, (struct import_ctx){ .log = &log }, &t, err, sizeof(err)), -1);
	snprintf(expected, sizeof(expected), "%s: byte 0: Frame Streams of content type \"protobuf:other.Thing\", "
	         "not protobuf:dnstap.Dnstap", other[0]);
	assert_string_equal(err, expected);
	/* A data frame's length over the limit (frame 3 of Unbound's file, at byte 284), after two good
	 * frames: libfstrm 0.6.1 answers it with success and a stale data pointer (fuzz finding). */
	FILE *in = fopen(unbound_file(), "rb");
	uint8_t buf[4096];
	size_t n = fread(buf, 1, sizeof(buf), in);
	fclose(in);
	memcpy(buf + 284, "\x7f\xff\xff\xff", 4);
	FILE *f = fopen(tmp_path("huge.dnstap"), "wb");
	fwrite(buf, 1, n, f);
	fclose(f);
	const char *huge[] = { tmp_path("huge.dnstap") };
	assert_int_equal(import_with(huge, 1, (struct import_ctx){ .log = &log }, &t, err, sizeof(err)), -1);
	snprintf(expected, sizeof(expected), "%s: byte 284: frame length 2147483647 over the 1048576-byte limit: "
	         "a damaged Frame Streams file", huge[0]);
	assert_string_equal(err, expected);
	/* An escape followed by a control frame that is not STOP, damaged (type 9, length 600). */
	memcpy(buf + 284, "\0\0\0\0\0\0\x02\x58\0\0\0\x09", 12);
	f = fopen(tmp_path("control.dnstap"), "wb");
	fwrite(buf, 1, n, f);
	fclose(f);
	const char *control[] = { tmp_path("control.dnstap") };
	assert_int_equal(import_with(control, 1, (struct import_ctx){ .log = &log }, &t, err, sizeof(err)), -1);
	snprintf(expected, sizeof(expected), "%s: byte 288: bad Frame Streams control frame", control[0]);
	assert_string_equal(err, expected);
	/* Garbage: not any format. */
	f = fopen(tmp_path("garbage.bin"), "wb");
	for (int i = 0; i < 4000; i++)
		fputc((i * 7919 + 13) & 0xff, f);
	fclose(f);
	const char *garbage[] = { tmp_path("garbage.bin") };
	assert_int_equal(import_with(garbage, 1, (struct import_ctx){ .log = &log }, &t, err, sizeof(err)), -1);
	snprintf(expected, sizeof(expected), "%s: not a pcap, pcapng, dnstap, Zeek dns.log or dnsperf query file "
	         "(plain or gzip)", garbage[0]);
	assert_string_equal(err, expected);
	/* Detection: the first 12 bytes. */
	assert_true(dnstap_detect((const uint8_t *)"\0\0\0\0\0\0\0\x22\0\0\0\x02", 12));
	assert_false(dnstap_detect((const uint8_t *)"\0\0\0\0\0\0\0\x22\0\0\0\x04", 12)); /* READY */
	assert_false(dnstap_detect((const uint8_t *)"\0\0\0\0\0\0\x10\0\0\0\0\x02", 12)); /* 4096 */
	assert_false(dnstap_detect((const uint8_t *)"\0\0\0\0\0\0\0\x22\0\0\0", 11));
}

static int setup(void **state)
{
	(void)state;
	return scratch_dir_make(dir, "dnstap");
}

static int teardown(void **state)
{
	(void)state;
	return scratch_dir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unbound),
		cmocka_unit_test(test_unbound_side_client),
		cmocka_unit_test(test_unbound_gzip_concatenated),
		cmocka_unit_test(test_unbound_cut),
		cmocka_unit_test(test_every_outcome),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
