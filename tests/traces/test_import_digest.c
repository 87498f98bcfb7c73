/*
 * The import's output pinned: the SHA-256 of the trace file that `sharesim import` writes for
 * each bundled capture, the capture corpus, two captures merged, the bundled Zeek log, and a
 * synthetic capture with responses. The values were produced by the importer as it was before
 * its speed work (commit fbf6d5c); a change that is meant to be invisible must leave them.
 * Inputs are named by paths relative to the source tree (the trace records the name given).
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
#include <openssl/evp.h>

#include "traces/import.h"
#include "traces/synth.h"

static char dir[64];

static void file_sha256(const char *path, char hex[65])
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	assert_non_null(md);
	assert_true(EVP_DigestInit_ex(md, EVP_sha256(), NULL));
	static uint8_t buf[1 << 16];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		EVP_DigestUpdate(md, buf, n);
	fclose(f);
	unsigned char out[32];
	unsigned len = 0;
	EVP_DigestFinal_ex(md, out, &len);
	EVP_MD_CTX_free(md);
	for (unsigned i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", out[i]);
}

/* Import inputs (relative to the current directory) and check the trace's digest. */
static void check(const char *const *inputs, size_t n, const char *want)
{
	char out[128], err[512] = "", hex[65];
	snprintf(out, sizeof(out), "%s/out.trace", dir);
	struct import_log log;
	memset(&log, 0, sizeof(log));
	struct import_ctx ctx = { .log = &log };
	assert_int_equal(trace_import(inputs, n, out, &ctx, err, sizeof(err)), 0);
	file_sha256(out, hex);
	printf("  %s%s: %s\n", inputs[0], n > 1 ? " (+ more)" : "", hex);
	assert_string_equal(hex, want);
	unlink(out);
}

static void test_captures(void **state)
{
	(void)state;
	static const struct { const char *path, *sha256; } cases[] = {
		{ "traces/data/cznic-dnsjit-pellets-20191011.pcap",
		  "efb24cfca2c292043d3ce148610c9465f8f727dfc09f0c80aa85586d25a120ec" },
		{ "traces/data/dnsoarc-dnscap-test-dns.pcap",
		  "f95e54a13fec3283b2f824d40285047e7667cfd1dbb937c29b4bc81a9aa6ab2e" },
		{ "traces/data/icann-root-knot-live-20161006.pcap",
		  "bec79fcabb80da0657c18d2bdf43eb358b63864a8c444f5a57e77837a3a6834f" },
		{ "tests/fuzz/corpus/fuzz_pcap_import/dnscap.pcap",
		  "dd333f7abc83bedf54a6ad151c4e897e5e4a4e628c278a645db476f4a73aec45" },
		{ "tests/fuzz/corpus/fuzz_pcap_import/fragments.pcap",
		  "7285c93ca27e2b380992c5553ffdd760ffd8ada03427200c1d9bd5cd7ca3fddb" },
		{ "tests/fuzz/corpus/fuzz_pcap_import/null-loop.pcap",
		  "dcafda076abde8eee98d252e78e1f15857cb84bd9ce1d79facf8e945ac020ff8" },
		{ "tests/fuzz/corpus/fuzz_pcap_import/pellets-rawip.pcap",
		  "b2c4933f61f9c73dcfbd7413d6b50c22d8b7997cd544197114e389fc07cc494b" },
		{ "tests/fuzz/corpus/fuzz_pcap_import/root-cut.pcap",
		  "7630e6e08854495e1422fad26e30f30c5ab7ea8a906cf0a34501d93004b5fd74" },
		{ "tests/fuzz/corpus/fuzz_pcap_import/root-tcp.pcap",
		  "65d00c26942df123dd572381f15bb6488e6215a488f3db908f156e33bdd409ee" },
		{ "tests/fuzz/corpus/fuzz_pcap_import/sll.pcap",
		  "07632eb722ccc2250e45619413783eb6588d0fd140bb80b16c31b8b339bc37cf" },
		{ "tests/fuzz/corpus/fuzz_pcap_import/sll2.pcap",
		  "d5374bec84df38bc0d55fd9a8c86197e8b55cfdd26871c8aa2d6a6d5e67ef311" },
		{ "tests/fuzz/corpus/fuzz_pcap_import/vlan2-frag-tcp.pcap",
		  "e60729bfd9bf0d00c37b8b66a74069b1d5e86786fe6f56cf7d6218900639ae31" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(&cases[i].path, 1, cases[i].sha256);
	const char *merged[] = { "traces/data/dnsoarc-dnscap-test-dns.pcap",
		                 "traces/data/icann-root-knot-live-20161006.pcap" };
	check(merged, 2, "31c0e7bceff8712dafa9ef62c7f978404e6bf41cc7ce24714c145597a90c1bdb");
	const char *zeek[] = { "traces/data/wrccdc2018-zeek-dns.log.gz" };
	check(zeek, 1, "ef11122a1f955f840f2b6691ba4ef5d0c6618b0360969b7f3f242e4336e1a44a");
}

/* `sharesim synth -n 50000 --responses`, imported by its bare name. */
static void test_synthetic(void **state)
{
	(void)state;
	char cwd[4096], err[512];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	struct synth_params p;
	synth_defaults(&p);
	p.queries = 50000;
	p.responses = 1;
	assert_int_equal(synth_write(&p, "synth.pcap", err, sizeof(err)), 0);
	const char *in[] = { "synth.pcap" };
	check(in, 1, "50194eb5ff75192284d1154528d1d3a1e80a8a0a5026d091433a1fee819dfc9e");
	unlink("synth.pcap");
	assert_int_equal(chdir(cwd), 0);
}

int main(void)
{
	const char *src = getenv("SHARESIM_SOURCE_DIR");
	if (src && chdir(src) != 0)
		return 1;
	snprintf(dir, sizeof(dir), "/tmp/sharesim-digest-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captures),
		cmocka_unit_test(test_synthetic),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return rc;
}
