/*
 * The importer's own reader of classic pcap files (traces/import.c, capture_reader) against
 * libpcap reading the same file through the stream that gzip files take (import_ctx's
 * stream_only): the two trace files must be byte for byte the same (packets, accounting,
 * errors and the digest of what was read), and so must the warnings. The
 * captures are written by hand to hold what the reader must not take itself: records cut
 * short, caplen over the snapshot length, time fields out of range, other byte orders and
 * versions, damage after the first block of the stream.
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

#include "traces/import.h"

static char dir[64];

struct capture {
	uint8_t *data;
	size_t len, cap;
	int big_endian;
};

static void put(struct capture *c, const void *p, size_t n)
{
	if (c->len + n > c->cap) {
		c->cap = (c->len + n) * 2;
		c->data = realloc(c->data, c->cap);
		assert_non_null(c->data);
	}
	memcpy(c->data + c->len, p, n);
	c->len += n;
}

static void put32(struct capture *c, uint32_t v)
{
	uint8_t b[4];
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(c->big_endian ? v >> (24 - 8 * i) : v >> (8 * i));
	put(c, b, 4);
}

static void put16(struct capture *c, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(c->big_endian ? v >> 8 : v), (uint8_t)(c->big_endian ? v : v >> 8) };
	put(c, b, 2);
}

static void file_header(struct capture *c, uint32_t magic, uint16_t major, uint16_t minor, uint32_t snaplen)
{
	put32(c, magic);
	put16(c, major);
	put16(c, minor);
	put32(c, 0);
	put32(c, 0);
	put32(c, snaplen);
	put32(c, 101); /* LINKTYPE_RAW */
}

/* A raw IPv4 UDP packet to port 53 holding a DNS query (or its response) for q<n>.example. */
static size_t dns_packet(uint8_t *p, unsigned n, int response)
{
	uint8_t dns[64];
	size_t d = 0;
	uint8_t hdr[12] = { (uint8_t)(n >> 8), (uint8_t)n, response ? 0x81 : 0x01, response ? 0x80 : 0, 0, 1,
		            0, response ? 1 : 0, 0, 0, 0, 0 };
	memcpy(dns, hdr, 12);
	d = 12;
	char label[16];
	int l = snprintf(label, sizeof(label), "q%u", n % 500);
	dns[d++] = (uint8_t)l;
	memcpy(dns + d, label, (size_t)l);
	d += (size_t)l;
	memcpy(dns + d, "\7example\0\0\1\0\1", 13);
	d += 13;
	if (response) {
		static const uint8_t an[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 1, 0x2c, 0, 4, 192, 0, 2, 1 };
		memcpy(dns + d, an, sizeof(an));
		d += sizeof(an);
	}
	size_t total = 20 + 8 + d;
	uint8_t ip[28] = { 0x45, 0, (uint8_t)(total >> 8), (uint8_t)total, 0, 0, 0, 0, 64, 17, 0, 0,
		           10, 0, 0, (uint8_t)(1 + n % 7), 10, 0, 1, 1,
		           0x30, 0x39, 0, 53, (uint8_t)((8 + d) >> 8), (uint8_t)(8 + d), 0, 0 };
	if (response) { /* from the server back */
		memcpy(ip + 12, (const uint8_t[]){ 10, 0, 1, 1, 10, 0, 0, (uint8_t)(1 + n % 7) }, 8);
		memcpy(ip + 20, (const uint8_t[]){ 0, 53, 0x30, 0x39 }, 4);
	}
	memcpy(p, ip, 28);
	memcpy(p + 28, dns, d);
	return total;
}

static void record(struct capture *c, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t len,
                   const uint8_t *data, size_t data_len)
{
	put32(c, sec);
	put32(c, frac);
	put32(c, caplen);
	put32(c, len);
	put(c, data, data_len);
}

/* n packets, a query and its response in turn, one millisecond apart (in usec or ns). */
static void packets(struct capture *c, unsigned from, unsigned n, int nsec)
{
	for (unsigned i = from; i < from + n; i++) {
		uint8_t p[128];
		size_t len = dns_packet(p, i / 2, i & 1);
		uint32_t frac = (i % 1000) * (nsec ? 1000000 : 1000);
		record(c, 1600000000 + i / 1000, frac, (uint32_t)len, (uint32_t)len, p, len);
	}
}

static void write_file(const char *path, const struct capture *c)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(c->data, 1, c->len, f), c->len);
	assert_int_equal(fclose(f), 0);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc(*len ? *len : 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, *len, f), *len);
	fclose(f);
	return b;
}

/* Import the capture; returns the import's status, the trace's bytes in *out. */
static int import_capture(const struct capture *c, int stream_only, uint8_t **out, size_t *out_len,
                          struct import_log *log)
{
	char in_path[128], out_path[128], err[512] = "";
	snprintf(in_path, sizeof(in_path), "%s/cap.pcap", dir);
	snprintf(out_path, sizeof(out_path), "%s/out.trace", dir);
	write_file(in_path, c);
	const char *in[] = { in_path };
	memset(log, 0, sizeof(*log));
	struct import_ctx ctx = { .log = log, .stream_only = stream_only };
	int rc = trace_import(in, 1, out_path, &ctx, err, sizeof(err));
	*out = rc ? NULL : slurp(out_path, out_len);
	if (rc)
		snprintf(log->text, sizeof(log->text), "%s", err);
	unlink(out_path);
	unlink(in_path);
	return rc;
}

/* The reader and libpcap give the same trace (or the same error). */
static void same(const char *what, struct capture *c)
{
	uint8_t *a, *b;
	size_t alen = 0, blen = 0;
	struct import_log la, lb;
	int ra = import_capture(c, 0, &a, &alen, &la), rb = import_capture(c, 1, &b, &blen, &lb);
	printf("  %s: %s%s", what, ra ? "error: " : la.len ? "warned: " : "ok\n", ra || la.len ? la.text : "");
	if (ra)
		printf("\n");
	assert_int_equal(ra, rb);
	assert_string_equal(la.text, lb.text);
	if (!ra) {
		assert_int_equal(alen, blen);
		assert_memory_equal(a, b, alen);
	}
	free(a);
	free(b);
	free(c->data);
	memset(c, 0, sizeof(*c));
}

static void test_reader_matches_libpcap(void **state)
{
	(void)state;
	struct capture c = { 0 };
	uint8_t p[128];
	size_t plen = dns_packet(p, 7, 0);

	file_header(&c, 0xa1b2c3d4, 2, 4, 65535);
	packets(&c, 0, 6000, 0); /* past the first block of the stream */
	same("usec, 6000 packets", &c);

	file_header(&c, 0xa1b23c4d, 2, 4, 65535);
	packets(&c, 0, 6000, 1);
	same("nsec", &c);

	file_header(&c, 0xa1b2c3d4, 2, 4, 65535);
	same("no packets", &c);

	file_header(&c, 0xa1b2c3d4, 2, 4, 65535);
	c.len -= 3;
	same("file header cut short", &c);

	/* Several of the reader's 2 MiB windows, read ahead and hashed by its second thread. */
	file_header(&c, 0xa1b2c3d4, 2, 4, 65535);
	packets(&c, 0, 60000, 0);
	same("usec, 60000 packets", &c);

	/* In the first block of the stream, after it, and past several windows (handed over to
	 * libpcap while the reader's thread has read ahead). */
	for (int at = 0; at < 3; at++) {
		unsigned before = at == 2 ? 50000 : at ? 5000 : 10;
		file_header(&c, 0xa1b2c3d4, 2, 4, 100);
		packets(&c, 0, before, 0);
		record(&c, 1600000100, 0, 300000, 300000, p, plen); /* over any snapshot length */
		packets(&c, before, 2000, 0);
		same("caplen over the maximum", &c);

		file_header(&c, 0xa1b2c3d4, 2, 4, 40);
		packets(&c, 0, before, 0); /* over the snapshot length of 40: libpcap truncates them */
		same("caplen over the snapshot length", &c);

		file_header(&c, 0xa1b2c3d4, 2, 4, 65535);
		packets(&c, 0, before, 0);
		record(&c, 1600000100, 1500000, (uint32_t)plen, (uint32_t)plen, p, plen); /* usec >= 10^6 */
		record(&c, 0x80000001u, 5, (uint32_t)plen, (uint32_t)plen, p, plen); /* before 1970 */
		packets(&c, before, 2000, 0);
		same("time fields out of range", &c);

		file_header(&c, 0xa1b2c3d4, 2, 4, 65535);
		packets(&c, 0, before, 0);
		record(&c, 1600000100, 0, (uint32_t)plen, (uint32_t)plen, p, plen - 5);
		same("last record cut short", &c);

		file_header(&c, 0xa1b2c3d4, 2, 4, 65535);
		packets(&c, 0, before, 0);
		put(&c, p, 7);
		same("a part of a record header at the end", &c);
	}

	file_header(&c, 0xa1b2c3d4, 2, 3, 65535);
	packets(&c, 0, 100, 0);
	record(&c, 1600000100, 0, 200, (uint32_t)plen, p, plen); /* 2.3: caplen and len swapped */
	same("version 2.3", &c);

	c.big_endian = 1;
	file_header(&c, 0xa1b2c3d4, 2, 4, 65535);
	packets(&c, 0, 3000, 0);
	same("other byte order", &c);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/sharesim-reader-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_matches_libpcap),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return rc;
}
