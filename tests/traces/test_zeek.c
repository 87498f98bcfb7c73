/*
 * Zeek dns.log import: a hand-written log (plain and gzip) with one row for each outcome, and
 * the bundled WRCCDC log with the totals measured on it.
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
#include <zlib.h>

#include "dns/dns_wire.h"
#include "traces/import.h"
#include "traces/trace.h"

static char dir[64], out_path[128];

static uint32_t name_id(const struct trace *t, const char *text)
{
	uint8_t wire[DNS_NAME_MAX], len;
	uint32_t id = UINT32_MAX;
	assert_int_equal(dns_name_from_text(text, wire, &len), 0);
	assert_int_equal(trace_name_lookup(t, wire, len, &id), 0);
	return id;
}

/*
 * Columns in Zeek's order but with an extra one at the front (found by name, not position).
 * Rows (line numbers counted from 1 in the file):
 *  10  www.example.com A, answered (AA, two A records, TTLs 300 and 60), RD      query, answered
 *  11  the same transaction 3 us later (a second tap)                          duplicate
 *  12  the same transaction 2 s later (the client retried)                      query, answered
 *  13  WWW.EXAMPLE.COM AAAA over TCP, no answer                                query, unanswered
 *  14  no query name                                                          no_query
 *  15  three fields                                                           malformed
 *  16  ts "yesterday"                                                         malformed
 *  17  alias.example.net CNAME + A, rcode 0 (TTLs 3600, 120)                   query, answered
 *  18  nx.example A, NXDOMAIN, no answers                                     query, answered
 *  19  v6.example AAAA from an IPv6 client, answer ::1                         query, answered
 */
static const char zeek_log[] =
	"#separator \\x09\n"
	"#set_separator\t,\n"
	"#empty_field\t(empty)\n"
	"#unset_field\t-\n"
	"#path\tdns\n"
	"#open\t2024-04-12-19-29-12\n"
	"#fields\textra\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\n"
	"#types\tstring\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool\n"
	"\n"
	"x\t1521911720.865716\tCuid1\t10.0.0.1\t41772\t10.0.0.100\t53\tudp\t36329\t0.000870\twww.example.com\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tT\tF\tT\tT\t0\t192.0.2.1,192.0.2.2\t300.000000,60.000000\tF\n"
	"x\t1521911720.865719\tCuid1\t10.0.0.1\t41772\t10.0.0.100\t53\tudp\t36329\t0.000871\twww.example.com\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tT\tF\tT\tT\t0\t192.0.2.1,192.0.2.2\t300.000000,60.000000\tF\n"
	"x\t1521911722.865716\tCuid1\t10.0.0.1\t41772\t10.0.0.100\t53\tudp\t36329\t0.000870\twww.example.com\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t192.0.2.1,192.0.2.2\t250.000000,50.000000\tF\n"
	"x\t1521911721.000000\tCuid2\t10.0.0.2\t41773\t10.0.0.100\t53\ttcp\t7\t-\tWWW.EXAMPLE.COM\t1\tC_INTERNET\t28\tAAAA\t-\t-\tF\tF\tF\tF\t0\t-\t-\tF\n"
	"x\t1521911721.500000\tCuid3\t10.0.0.2\t41774\t10.0.0.100\t53\tudp\t8\t-\t-\t-\t-\t-\t-\t-\t-\tF\tF\tF\tF\t0\t-\t-\tF\n"
	"x\t1521911721.6\tCuid4\n"
	"x\tyesterday\tCuid5\t10.0.0.2\t41775\t10.0.0.100\t53\tudp\t9\t-\tbad.example\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t-\t-\tF\n"
	"x\t1521911723.25\tCuid6\t10.0.0.3\t41776\t10.0.0.53\t53\tudp\t10\t0.001\talias.example.net\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\ttarget.example.org,198.51.100.7\t3600.000000,120.000000\tF\n"
	"x\t1521911724\tCuid7\t10.0.0.3\t41777\t10.0.0.53\t53\tudp\t11\t0.001\tnx.example\t1\tC_INTERNET\t1\tA\t3\tNXDOMAIN\tT\tF\tT\tT\t0\t-\t-\tF\n"
	"x\t1521911725.000000001\tCuid8\t2001:db8::7\t41778\t2001:db8::53\t53\tudp\t12\t0.001\tv6.example\t1\tC_INTERNET\t28\tAAAA\t0\tNOERROR\tF\tF\tT\tT\t0\t::1\t30.000000\tF\n"
	"#close\t2024-04-12-19-29-13\n";

static void check_small(const struct trace *t, const struct import_log *log)
{
	/* Every row in one line: answered + unanswered + duplicate + no_query + malformed = rows. */
	assert_int_equal(stat_of(t, "packets"), 10);
	assert_int_equal(stat_of(t, "zeek.answered"), 5);
	assert_int_equal(stat_of(t, "zeek.unanswered"), 1);
	assert_int_equal(stat_of(t, "skipped.zeek.duplicate"), 1);
	assert_int_equal(stat_of(t, "skipped.zeek.no_query"), 1);
	assert_int_equal(stat_of(t, "skipped.zeek.malformed"), 2);
	assert_int_equal(stat_of(t, "query"), 6); /* also counted: queries and responses kept */
	assert_int_equal(stat_of(t, "response"), 5);
	assert_int_equal(trace_stat_count(t), 8);
	assert_non_null(strstr(log->text, ":15: 3 fields, expected at least"));
	assert_non_null(strstr(log->text, ":16: unparsable time, address, type or class"));

	assert_int_equal(trace_query_count(t), 6);
	assert_int_equal(trace_response_count(t), 5);
	assert_int_equal(trace_start_time_ns(t), 1521911720865716000LL);
	assert_int_equal(trace_duration_ns(t), 1521911725000000001LL - 1521911720865716000LL);
	assert_int_equal(trace_name_count(t), 4);
	assert_int_equal(trace_client_count(t), 4);
	assert_int_equal(trace_resolver_count(t), 3);
	uint32_t www = name_id(t, "www.example.com"), alias = name_id(t, "Alias.Example.Net");
	uint32_t nx = name_id(t, "nx.example"), v6 = name_id(t, "v6.example");
	const struct {
		int64_t at;
		uint32_t name;
		uint16_t qtype, flags;
	} q[] = {
		{ 0, www, 1, TRACE_QF_RD },
		{ 1521911721000000000LL - 1521911720865716000LL, www, 28, TRACE_QF_TCP },
		{ 2000000000LL, www, 1, TRACE_QF_RD },
		{ 1521911723250000000LL - 1521911720865716000LL, alias, 1, TRACE_QF_RD },
		{ 1521911724000000000LL - 1521911720865716000LL, nx, 1, TRACE_QF_RD },
		{ 1521911725000000001LL - 1521911720865716000LL, v6, 28, TRACE_QF_RD },
	};
	for (int i = 0; i < 6; i++) {
		const struct trace_query *tq = &trace_queries(t)[i];
		assert_int_equal(tq->time_ns, q[i].at);
		assert_int_equal(tq->name_id, q[i].name);
		assert_int_equal(tq->qtype, q[i].qtype);
		assert_int_equal(tq->qclass, 1);
		assert_int_equal(tq->flags, q[i].flags);
	}
	assert_int_equal(trace_client(t, trace_queries(t)[5].client_id)->family, 6);
	assert_int_equal(trace_resolver(t, trace_queries(t)[5].resolver_id)->family, 6);
	assert_memory_equal(trace_resolver(t, trace_queries(t)[0].resolver_id)->addr, "\x0a\x00\x00\x64", 4);

	/* The record model: two answers for www A (the first with AA), sizes estimated. */
	assert_int_equal(trace_record_count(t), 4);
	const struct trace_record *r = trace_record_find(t, www, 1, 1);
	assert_non_null(r);
	assert_int_equal(r->responses, 2);
	assert_int_equal(r->max_ttl, 60);
	assert_int_equal(r->ancount, 2);
	assert_int_equal(r->answer_size, 32);
	assert_int_equal(r->rcode, 0);
	assert_int_equal(r->flags, TRACE_RF_AA | TRACE_RF_TTL_EXACT);
	assert_null(trace_record_find(t, www, 28, 1)); /* the TCP query went unanswered */
	r = trace_record_find(t, alias, 1, 1);
	assert_non_null(r);
	assert_int_equal(r->ancount, 2);
	assert_int_equal(r->answer_size, 12 + 20 + 16); /* CNAME target.example.org (20 octets) + A */
	assert_int_equal(r->max_ttl, 120);
	assert_int_equal(r->flags, 0);
	r = trace_record_find(t, nx, 1, 1);
	assert_non_null(r);
	assert_int_equal(r->rcode, 3);
	assert_int_equal(r->ancount, 0);
	assert_int_equal(r->max_ttl, 0);
	assert_int_equal(r->flags, TRACE_RF_AA);
	r = trace_record_find(t, v6, 28, 1);
	assert_non_null(r);
	assert_int_equal(r->answer_size, 28);
	assert_int_equal(r->max_ttl, 30);
}

static void import_file(const char *path, struct trace **t, struct import_log *log)
{
	char err[512];
	struct import_ctx ctx = { .log = log };
	const char *in[] = { path };
	if (trace_import(in, 1, out_path, &ctx, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(trace_open(out_path, t, err, sizeof(err)), 0);
}

static void test_small_log(void **state)
{
	(void)state;
	char plain[128], gz[128];
	snprintf(plain, sizeof(plain), "%s/dns.log", dir);
	snprintf(gz, sizeof(gz), "%s/dns.log.gz", dir);
	FILE *f = fopen(plain, "w");
	fputs(zeek_log, f);
	fclose(f);
	gzFile z = gzopen(gz, "wb");
	gzputs(z, zeek_log);
	gzclose(z);
	struct trace *t;
	struct import_log log = { .len = 0 };
	import_file(plain, &t, &log);
	check_small(t, &log);
	assert_non_null(strstr(trace_sources(t), "/dns.log rows=10"));
	trace_close(t);
	struct import_log log2 = { .len = 0 };
	import_file(gz, &t, &log2);
	check_small(t, &log2);
	assert_non_null(strstr(trace_sources(t), "/dns.log.gz rows=10"));
	trace_close(t);
	/* The gzip file cut short: the rows that came through, and the cut told. */
	FILE *in = fopen(gz, "rb");
	uint8_t zbuf[4096];
	size_t zlen = fread(zbuf, 1, sizeof(zbuf), in);
	fclose(in);
	char cut[128];
	snprintf(cut, sizeof(cut), "%s/dns-cut.log.gz", dir);
	FILE *out = fopen(cut, "wb");
	fwrite(zbuf, 1, zlen - 20, out);
	fclose(out);
	struct import_log log3 = { .len = 0 };
	import_file(cut, &t, &log3);
	assert_non_null(strstr(log3.text, "dns-cut.log.gz: gzip data cut short after "));
	trace_close(t);
}

static void test_bad_logs(void **state)
{
	(void)state;
	struct import_log log = { .len = 0 };
	struct import_ctx ctx = { .log = &log };
	char err[512];
	/* A Zeek log of another kind (conn.log) lacks the columns: refused, named. */
	static const char conn[] = "#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.resp_h\tduration\n"
	                           "1.0\tC1\t10.0.0.1\t10.0.0.2\t0.1\n";
	char path[128];
	snprintf(path, sizeof(path), "%s/conn.log", dir);
	FILE *f = fopen(path, "w");
	fputs(conn, f);
	fclose(f);
	const char *in[] = { path };
	assert_int_not_equal(trace_import(in, 1, out_path, &ctx, err, sizeof(err)), 0);
	char expected[300];
	snprintf(expected, sizeof(expected), "%s:2: Zeek log without a 'proto' column: not a dns.log", path);
	assert_string_equal(err, expected);
	/* Rows before any #fields line. */
	f = fopen(path, "w");
	fputs("#separator \\x09\n1.0\tC1\n", f);
	fclose(f);
	assert_int_not_equal(trace_import(in, 1, out_path, &ctx, err, sizeof(err)), 0);
	snprintf(expected, sizeof(expected), "%s:2: data before the #fields line", path);
	assert_string_equal(err, expected);
	/* More than five bad rows: five reported, then the total. */
	f = fopen(path, "w");
	fputs("#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.resp_h\tproto\ttrans_id\tquery\tqclass"
	      "\tqtype\trcode\tAA\tRD\tanswers\tTTLs\n", f);
	for (int i = 0; i < 8; i++)
		fputs("bad\trow\n", f);
	fclose(f);
	struct trace *t;
	struct import_log log2 = { .len = 0 };
	import_file(path, &t, &log2);
	assert_int_equal(stat_of(t, "skipped.zeek.malformed"), 8);
	assert_int_equal(trace_query_count(t), 0);
	assert_non_null(strstr(log2.text, "conn.log:7: 2 fields"));
	assert_null(strstr(log2.text, "conn.log:8: 2 fields"));
	assert_non_null(strstr(log2.text, "conn.log: 8 malformed rows in all"));
	trace_close(t);
}

/*
 * The duplicate check remembers transactions for ten minutes of log time: 5,000 transactions an
 * hour apart (the table forgets and is rebuilt many times) with, after each, its copy from a
 * second tap 5 us later; then a copy of the first transaction logged after all of them, five
 * days late, which is no longer known. Only the 5,000 timely copies are dropped.
 */
static void test_duplicates_within_window(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/window.log", dir);
	FILE *f = fopen(path, "w");
	fputs("#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.resp_h\tproto\ttrans_id\tquery\tqclass"
	      "\tqtype\trcode\tAA\tRD\tanswers\tTTLs\n", f);
	const char row[] = "%d.%06d\tC%d\t10.0.0.1\t10.0.0.100\tudp\t%d\tn%d.example\t1\t1\t-\tF\tT\t-\t-\n";
	for (int i = 0; i < 5000; i++) {
		fprintf(f, row, 1000000000 + 3600 * i, 0, i, i & 0xffff, i);
		fprintf(f, row, 1000000000 + 3600 * i, 5, i, i & 0xffff, i);
	}
	fprintf(f, row, 1000000000, 3, 0, 0, 0);
	fclose(f);
	struct trace *t;
	struct import_log log = { .len = 0 };
	import_file(path, &t, &log);
	assert_int_equal(stat_of(t, "skipped.zeek.duplicate"), 5000);
	assert_int_equal(trace_query_count(t), 5001);
	trace_close(t);
}

/* The text inputs' line reader: kept bytes bounded by the buffer, whole lengths, NUL bytes. */
static void test_read_line(void **state)
{
	(void)state;
	static const char text[] = "ab\r\n\nabcdefghij\nn\0l\nlast";
	FILE *in = fmemopen((void *)text, sizeof(text) - 1, "rb");
	assert_non_null(in);
	char buf[8];
	size_t len;
	int nul;
	assert_int_equal(import_read_line(in, buf, sizeof(buf), &len, &nul), 0);
	assert_int_equal(len, 3); /* the CR is the caller's to drop */
	assert_string_equal(buf, "ab\r");
	assert_int_equal(nul, 0);
	assert_int_equal(import_read_line(in, buf, sizeof(buf), &len, &nul), 0);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	assert_int_equal(import_read_line(in, buf, sizeof(buf), &len, &nul), 0);
	assert_int_equal(len, 10); /* the whole length, seven bytes kept */
	assert_string_equal(buf, "abcdefg");
	assert_int_equal(import_read_line(in, buf, sizeof(buf), &len, &nul), 0);
	assert_int_equal(len, 3);
	assert_int_equal(nul, 1);
	assert_int_equal(import_read_line(in, buf, sizeof(buf), &len, &nul), 0);
	assert_int_equal(len, 4); /* the last line needs no LF */
	assert_string_equal(buf, "last");
	assert_int_equal(import_read_line(in, buf, sizeof(buf), &len, &nul), -1);
	fclose(in);
}

static void test_wrccdc(void **state)
{
	(void)state;
	const char *src = getenv("SHARESIM_SOURCE_DIR");
	char path[1024];
	snprintf(path, sizeof(path), "%s/traces/data/wrccdc2018-zeek-dns.log.gz", src ? src : "../..");
	struct trace *t;
	struct import_log log = { .len = 0 };
	import_file(path, &t, &log);
	/*
	 * 53,615 rows. 24,595 distinct transactions (uid, trans_id, query, qtype) among the rows with
	 * a query; nearly every one logged twice by the merged capture a few microseconds apart.
	 * The 1 ms rule drops 26,823 rows and keeps 26,783: the 24,595 transactions plus 2,188
	 * client retries of the same transaction (same uid and DNS id) 1 ms or more later, which
	 * did reach the resolver. (tests/e2e/zeek_transactions.py counts the same independently.)
	 * 3,215 rows are out of time order in the log; a duplicate is judged on |t - last| < 1 ms
	 * only when it comes after its original in the file (a row earlier in time than the last
	 * one of its key is a duplicate too).
	 */
	assert_int_equal(stat_of(t, "packets"), 53615);
	assert_int_equal(stat_of(t, "skipped.zeek.duplicate"), 26823);
	assert_int_equal(stat_of(t, "skipped.zeek.no_query"), 9);
	assert_int_equal(stat_of(t, "zeek.answered"), 22060);
	assert_int_equal(stat_of(t, "zeek.unanswered"), 4723);
	assert_int_equal(stat_of(t, "skipped.zeek.malformed"), 0);
	assert_int_equal(26823 + 9 + 22060 + 4723, 53615);
	assert_int_equal(trace_query_count(t), 26783);
	assert_int_equal(trace_response_count(t), 22060);
	assert_int_equal(trace_client_count(t), 77);
	assert_int_equal(trace_name_count(t), 1650);
	assert_int_equal(trace_record_count(t), 1822);
	assert_int_equal(trace_resolver_count(t), 215);
	assert_int_equal(trace_start_time_ns(t), 1521911720865716000LL);
	assert_int_equal(trace_duration_ns(t), 1269285517000LL); /* the latest row: 1521912990.151233 */
	assert_int_equal(log.len, 0);
	trace_close(t);
}

static int setup(void **state)
{
	(void)state;
	if (scratch_dir_make(dir, "zeek"))
		return -1;
	snprintf(out_path, sizeof(out_path), "%s/out.trace", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return scratch_dir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_log),
		cmocka_unit_test(test_bad_logs),
		cmocka_unit_test(test_read_line),
		cmocka_unit_test(test_duplicates_within_window),
		cmocka_unit_test(test_wrccdc),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
