/* The trace file: an exact round trip, stable time order, the record model, and damaged files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "dns/dns_wire.h"
#include "traces/trace.h"
#include "traces/trace_format.h"
#include "traces/trace_writer.h"

static char path[64];

static void name(const char *text, uint8_t *wire, uint8_t *len)
{
	assert_int_equal(dns_name_from_text(text, wire, len), 0);
}

static void write_sample(void)
{
	struct trace_writer *w;
	struct trace_addr c4 = { .family = 4, .addr = { 10, 0, 0, 1 } };
	struct trace_addr c6 = { .family = 6, .addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 } };
	struct trace_addr r = { .family = 4, .addr = { 10, 0, 0, 53 } };
	uint8_t a[DNS_NAME_MAX], b[DNS_NAME_MAX], al, bl;
	char err[256];
	name("WWW.Example.com", a, &al);
	name("mail.example.com", b, &bl);
	assert_int_equal(trace_writer_new(&w), 0);
	/* Out of order, with a tie at 3 s kept in insertion order. */
	assert_int_equal(trace_writer_add_query(w, 3000000000, a, al, 1, 1, TRACE_QF_RD, &c4, &r), 0);
	assert_int_equal(trace_writer_add_query(w, 1000000000, b, bl, 28, 1, 0, &c6, &r), 0);
	assert_int_equal(trace_writer_add_query(w, 3000000000, b, bl, 1, 1, TRACE_QF_DO, &c4, &r), 0);
	name("www.EXAMPLE.com", a, &al);
	assert_int_equal(trace_writer_add_query(w, 2000000000, a, al, 1, 1, 0, &c4, &r), 0);
	struct trace_response r1 = { .time_ns = 1, .rcode = 0, .aa = 0, .ancount = 2, .answer_size = 32, .min_ttl = 250 };
	struct trace_response r2 = { .time_ns = 2, .rcode = 0, .aa = 1, .ancount = 1, .answer_size = 16, .min_ttl = 300 };
	struct trace_response r3 = { .time_ns = 3, .rcode = 3, .aa = 1, .ancount = 0, .answer_size = 0, .min_ttl = 0 };
	assert_int_equal(trace_writer_add_response(w, a, al, 1, 1, &r1), 0);
	assert_int_equal(trace_writer_add_response(w, a, al, 1, 1, &r2), 0);
	assert_int_equal(trace_writer_add_response(w, b, bl, 28, 1, &r3), 0);
	assert_int_equal(trace_writer_count(w, "query", 4), 0);
	assert_int_equal(trace_writer_add_source(w, "test sample"), 0);
	snprintf(path, sizeof(path), "/tmp/sharesim-trace-%d.trace", (int)getpid());
	assert_int_equal(trace_writer_write(w, path, err, sizeof(err)), 0);
	trace_writer_free(w);
}

static void test_round_trip(void **state)
{
	(void)state;
	write_sample();
	struct trace *t;
	char err[256];
	assert_int_equal(trace_open(path, &t, err, sizeof(err)), 0);
	assert_int_equal(trace_query_count(t), 4);
	assert_int_equal(trace_name_count(t), 2); /* case-folded: one www.example.com */
	assert_int_equal(trace_client_count(t), 2);
	assert_int_equal(trace_resolver_count(t), 1);
	assert_int_equal(trace_start_time_ns(t), 1000000000);
	assert_int_equal(trace_duration_ns(t), 2000000000);
	assert_int_equal(trace_response_count(t), 3);
	const struct trace_query *q = trace_queries(t);
	const int64_t times[] = { 0, 1000000000, 2000000000, 2000000000 };
	const uint16_t types[] = { 28, 1, 1, 1 };
	const uint16_t flags[] = { 0, 0, TRACE_QF_RD, TRACE_QF_DO };
	for (int i = 0; i < 4; i++) {
		assert_int_equal(q[i].time_ns, times[i]);
		assert_int_equal(q[i].qtype, types[i]);
		assert_int_equal(q[i].flags, flags[i]);
	}
	uint8_t wire[DNS_NAME_MAX], len;
	uint32_t id;
	name("Www.Example.Com.", wire, &len);
	assert_int_equal(trace_name_lookup(t, wire, len, &id), 0);
	assert_int_equal(id, q[2].name_id);
	size_t wl;
	assert_memory_equal(trace_name_wire(t, id, &wl), "\3www\7example\3com", 17);
	name("nope.example", wire, &len);
	assert_int_not_equal(trace_name_lookup(t, wire, len, &id), 0);
	const struct trace_record *r = trace_record_find(t, q[2].name_id, 1, 1);
	assert_non_null(r);
	assert_int_equal(r->max_ttl, 300);
	assert_int_equal(r->responses, 2);
	assert_int_equal(r->answer_size, 32);
	assert_int_equal(r->ancount, 2);
	assert_int_equal(r->flags, TRACE_RF_AA | TRACE_RF_TTL_EXACT);
	r = trace_record_find(t, q[0].name_id, 28, 1);
	assert_non_null(r);
	assert_int_equal(r->rcode, 3);
	assert_null(trace_record_find(t, q[0].name_id, 1, 1));
	assert_string_equal(trace_sources(t), "test sample\n");
	assert_int_equal(trace_client(t, q[0].client_id)->family, 6);
	/* The digest is the file's SHA-256. */
	FILE *f = fopen(path, "rb");
	uint8_t buf[8192];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	unsigned char md[32];
	char hex[65];
	EVP_Digest(buf, n, md, NULL, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	assert_string_equal(trace_digest(t), hex);
	trace_close(t);
}

static void test_damaged_files(void **state)
{
	(void)state;
	write_sample();
	FILE *f = fopen(path, "rb");
	uint8_t orig[8192];
	size_t n = fread(orig, 1, sizeof(orig), f);
	fclose(f);
	char err[256], damaged[80];
	struct trace *t;
	snprintf(damaged, sizeof(damaged), "%s.bad", path);
	/* Every truncation fails cleanly. */
	for (size_t cut = 0; cut < n; cut += 7) {
		f = fopen(damaged, "wb");
		fwrite(orig, 1, cut, f);
		fclose(f);
		assert_int_not_equal(trace_open(damaged, &t, err, sizeof(err)), 0);
		assert_non_null(strstr(err, damaged));
	}
	/* Every single-byte change in the header and tables is caught or harmless. */
	for (size_t i = 0; i < n; i++) {
		uint8_t copy[8192];
		memcpy(copy, orig, n);
		copy[i] ^= 0xff;
		f = fopen(damaged, "wb");
		fwrite(copy, 1, n, f);
		fclose(f);
		if (trace_open(damaged, &t, err, sizeof(err)) == 0) {
			const struct trace_query *q = trace_queries(t);
			for (uint64_t k = 0; k < trace_query_count(t); k++) {
				size_t len;
				(void)trace_name_wire(t, q[k].name_id, &len);
				(void)trace_record_find(t, q[k].name_id, q[k].qtype, q[k].qclass);
			}
			trace_close(t);
		}
	}
	/* Each section's count raised past the file, or its offset moved out: refused, named. */
	for (int s = 0; s < TS__COUNT; s++)
		for (int field = 0; field < 2; field++) {
			uint8_t copy[8192];
			memcpy(copy, orig, n);
			struct trace_file_header *h = (struct trace_file_header *)copy;
			if (field == 0)
				h->sections[s].count = s == TS_NAME_INDEX ? h->sections[s].count + 1 : h->sections[s].count + 1000000;
			else
				h->sections[s].offset = n + 8;
			f = fopen(damaged, "wb");
			fwrite(copy, 1, n, f);
			fclose(f);
			assert_int_not_equal(trace_open(damaged, &t, err, sizeof(err)), 0);
			assert_non_null(strstr(err, "damaged trace file"));
		}
	/* The record model out of key order (its binary search would miss): refused. */
	{
		uint8_t copy[8192];
		memcpy(copy, orig, n);
		const struct trace_file_header *h = (const struct trace_file_header *)copy;
		assert_int_equal(h->sections[TS_RECORDS].count, 2);
		struct trace_record *r = (struct trace_record *)(copy + h->sections[TS_RECORDS].offset), tmp = r[0];
		r[0] = r[1];
		r[1] = tmp;
		f = fopen(damaged, "wb");
		fwrite(copy, 1, n, f);
		fclose(f);
		assert_int_not_equal(trace_open(damaged, &t, err, sizeof(err)), 0);
		assert_non_null(strstr(err, "records out of order"));
	}
	/* A header naming another version. */
	{
		uint8_t copy[8192];
		memcpy(copy, orig, n);
		((struct trace_file_header *)copy)->version = TRACE_VERSION + 1;
		f = fopen(damaged, "wb");
		fwrite(copy, 1, n, f);
		fclose(f);
		assert_int_not_equal(trace_open(damaged, &t, err, sizeof(err)), 0);
		assert_non_null(strstr(err, "another format version"));
	}
	memcpy(orig, "NOTATRACE", 8);
	f = fopen(damaged, "wb");
	fwrite(orig, 1, n, f);
	fclose(f);
	assert_int_not_equal(trace_open(damaged, &t, err, sizeof(err)), 0);
	char expected[200];
	snprintf(expected, sizeof(expected), "%s: not a sharesim trace file (bad magic); make one with 'sharesim import'", damaged);
	assert_string_equal(err, expected);
	unlink(damaged);
	unlink(path);
}

/* w written to /tmp/sharesim-TAG-PID.trace (its path in path) and freed; the trace opened. */
static struct trace *write_and_open(struct trace_writer *w, const char *tag, char path[64])
{
	char err[256];
	snprintf(path, 64, "/tmp/sharesim-%s-%d.trace", tag, (int)getpid());
	assert_int_equal(trace_writer_write(w, path, err, sizeof(err)), 0);
	trace_writer_free(w);
	struct trace *t;
	assert_int_equal(trace_open(path, &t, err, sizeof(err)), 0);
	return t;
}

/* Distinct (name, type, class) among the queries: the usual types of class IN and the others. */
static void test_queried_keys(void **state)
{
	(void)state;
	struct trace_writer *w;
	struct trace_addr c = { .family = 4, .addr = { 10, 0, 0, 1 } }, r = { .family = 4, .addr = { 10, 0, 0, 53 } };
	uint8_t a[DNS_NAME_MAX], b[DNS_NAME_MAX], al, bl;
	name("a.example", a, &al);
	name("b.example", b, &bl);
	assert_int_equal(trace_writer_new(&w), 0);
	const struct { int which; uint16_t qtype, qclass; } qs[] = {
		{ 0, 1, 1 }, { 0, 1, 1 }, { 0, 28, 1 }, { 1, 1, 1 }, /* A twice, AAAA, b's A */
		{ 0, 99, 1 }, { 0, 99, 1 }, { 1, 99, 1 },             /* a rare type, twice for a */
		{ 0, 16, 3 }, { 0, 16, 1 },                           /* TXT in CHAOS and in IN */
	};
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
		assert_int_equal(trace_writer_add_query(w, (int64_t)i, qs[i].which ? b : a, qs[i].which ? bl : al,
		                                        qs[i].qtype, qs[i].qclass, 0, &c, &r), 0);
	char keys_path[64];
	struct trace *t = write_and_open(w, "keys", keys_path);
	assert_int_equal(trace_queried_keys(t), 7);
	assert_int_equal(trace_queried_keys(t), 7); /* kept */
	trace_close(t);
	unlink(keys_path);
}

/* The keys one of n resolvers is expected to see when queries are spread evenly: per key asked m
 * times 1 - (1 - 1/n)^m, a name's queries split evenly over its keys; a name asked 300 times
 * goes through the per-name list, the others through the histogram. */
static void test_spread_keys(void **state)
{
	(void)state;
	struct trace_writer *w;
	struct trace_addr c = { .family = 4, .addr = { 10, 0, 0, 1 } }, r = { .family = 4, .addr = { 10, 0, 0, 53 } };
	const struct { const char *name; uint16_t qtype; int times; } qs[] = {
		{ "a.example", 1, 1 }, { "b.example", 1, 3 },          /* one key each, asked 1 and 3 times */
		{ "c.example", 1, 2 }, { "c.example", 28, 2 },         /* two keys, 2 each */
		{ "d.example", 1, 300 }, { "e.example", 99, 2 },       /* many queries; a rare type */
	};
	int64_t time = 0;
	assert_int_equal(trace_writer_new(&w), 0);
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		uint8_t wire[DNS_NAME_MAX], len;
		name(qs[i].name, wire, &len);
		for (int k = 0; k < qs[i].times; k++)
			assert_int_equal(trace_writer_add_query(w, time++, wire, len, qs[i].qtype, 1, 0, &c, &r), 0);
	}
	char path[64];
	struct trace *t = write_and_open(w, "spread", path);
	assert_int_equal(trace_queried_keys(t), 6);
	assert_true(trace_spread_keys(t, 1) == 6.0); /* one resolver sees every key */
	assert_true(fabs(trace_spread_keys(t, 2) - 4.625) < 1e-12);
	assert_true(fabs(trace_spread_keys(t, 1000) - 0.2692869688439007) < 1e-12);
	assert_true(trace_spread_keys(t, 0) == 0);
	trace_close(t);
	unlink(path);
}

/* Answer changes: per record in time order, each answer that differs from the one before;
 * responses added out of time order are put in order first. */
static void test_answer_changes(void **state)
{
	(void)state;
	struct trace_writer *w;
	struct trace_addr c = { .family = 4, .addr = { 10, 0, 0, 1 } }, r = { .family = 4, .addr = { 10, 0, 0, 53 } };
	uint8_t a[DNS_NAME_MAX], b[DNS_NAME_MAX], al, bl;
	name("a.example", a, &al);
	name("b.example", b, &bl);
	assert_int_equal(trace_writer_new(&w), 0);
	const int64_t s = 1000000000;
	assert_int_equal(trace_writer_add_query(w, s, a, al, 1, 1, 0, &c, &r), 0);
	const struct { int64_t t; uint64_t hash; } seen[] = {
		{ 1, 5 }, { 2, 5 }, { 3, 7 }, { 4, 5 }, { 10, 9 }, { 5, 5 }, { 6, 0 } /* unknown: ignored */,
	};
	for (size_t i = 0; i < sizeof(seen) / sizeof(seen[0]); i++) {
		struct trace_response resp = { .time_ns = s + seen[i].t, .ancount = 1, .answer_size = 16, .min_ttl = 60,
			                       .answer_hash = seen[i].hash };
		assert_int_equal(trace_writer_add_response(w, a, al, 1, 1, &resp), 0);
	}
	struct trace_response same = { .time_ns = s + 8, .ancount = 1, .answer_hash = 3 };
	assert_int_equal(trace_writer_add_response(w, b, bl, 1, 1, &same), 0);
	assert_int_equal(trace_writer_add_response(w, b, bl, 1, 1, &same), 0);
	struct trace *t = write_and_open(w, "changes", path);
	size_t n;
	const struct trace_change *ch = trace_changes(t, &n);
	assert_int_equal(n, 3); /* 5 -> 7 at 3, 7 -> 5 at 4, 5 -> 9 at 10 (5 at 5: no change) */
	const int64_t when[] = { 3, 4, 10 };
	uint32_t id;
	assert_int_equal(trace_name_lookup(t, a, al, &id), 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(ch[i].name_id, id);
		assert_int_equal(ch[i].qtype, 1);
		assert_int_equal(ch[i].time_ns, when[i]);
	}
	trace_close(t);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_damaged_files),
		cmocka_unit_test(test_queried_keys),
		cmocka_unit_test(test_spread_keys),
		cmocka_unit_test(test_answer_changes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
