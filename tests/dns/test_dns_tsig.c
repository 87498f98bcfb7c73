/* TSIG: a known answer from dnspython, every rejection reason, ldns verifies our signatures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <ldns/ldns.h>

#include "dns/dns_build.h"
#include "dns/dns_tsig.h"
#include "test_util.h"

/* Signed by dnspython 2.3 at 1521911720 with fudge 300 and the key below. */
static const char signed_response_hex[] =
	"12348500000100020000000203777777076578616d706c6503636f6d0000010001c00c000100010000012c0004c0"
	"000202c00c000100010000012c0004c000020100002904d0000000000000057368617265076578616d706c650000fa"
	"00ff00000000003d0b686d61632d7368613235360000005ab687a8012c0020755b50edf6e6688392e4d811e5d7e53d"
	"027c7074bbf8551d67dc564e8e5cc3b0123400000000";
/* base64 of "0123456789abcdef0123456789abcdef" */
static const char key_spec[] = "hmac-sha256:share.example.:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
#define SIGNED_AT 1521911720u

static void test_known_answer(void **state)
{
	(void)state;
	struct dns_tsig_key key;
	char err[256];
	assert_int_equal(dns_tsig_key_parse(key_spec, &key, err, sizeof(err)), 0);
	assert_int_equal(key.secret_len, 32);
	uint8_t wire[512];
	size_t len = hex_decode(signed_response_hex, wire, sizeof(wire));
	struct dns_msg m;
	assert_int_equal(dns_msg_parse(wire, len, &m), DNS_OK);
	assert_int_equal(dns_tsig_verify(&key, &m, SIGNED_AT), DNS_TSIG_OK);
	assert_int_equal(dns_tsig_verify(&key, &m, SIGNED_AT + 300), DNS_TSIG_OK);
	assert_int_equal(dns_tsig_verify(&key, &m, SIGNED_AT + 301), DNS_TSIG_BADTIME);
	assert_int_equal(dns_tsig_verify(&key, &m, SIGNED_AT - 301), DNS_TSIG_BADTIME);

	/* Re-sign the same message body: HMAC is deterministic, so the bytes must be dnspython's. */
	uint8_t again[512];
	size_t body = m.tsig_off;
	memcpy(again, wire, body);
	again[11] = (uint8_t)(again[11] - 1); /* ARCOUNT without the TSIG */
	size_t again_len = body;
	assert_int_equal(dns_tsig_sign(&key, again, &again_len, sizeof(again), SIGNED_AT, 300), 0);
	assert_int_equal(again_len, len);
	assert_memory_equal(again, wire, len);

	/* One flipped MAC byte, one flipped answer byte. */
	wire[len - 10] ^= 1;
	assert_int_equal(dns_msg_parse(wire, len, &m), DNS_OK);
	assert_int_equal(dns_tsig_verify(&key, &m, SIGNED_AT), DNS_TSIG_BADSIG);
	wire[len - 10] ^= 1;
	wire[64] ^= 0x80; /* inside the second A record's address */
	assert_int_equal(dns_msg_parse(wire, len, &m), DNS_OK);
	assert_int_equal(dns_tsig_verify(&key, &m, SIGNED_AT), DNS_TSIG_BADSIG);
	wire[64] ^= 0x80;

	/* Another key name, another algorithm. */
	struct dns_tsig_key other;
	assert_int_equal(dns_tsig_key_parse("other.example.:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", &other, err, sizeof(err)), 0);
	assert_int_equal(dns_msg_parse(wire, len, &m), DNS_OK);
	assert_int_equal(dns_tsig_verify(&other, &m, SIGNED_AT), DNS_TSIG_BADKEY);
	dns_tsig_key_free(&other);
	assert_int_equal(dns_tsig_key_parse("hmac-sha512:share.example.:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", &other, err, sizeof(err)), 0);
	assert_int_equal(dns_tsig_verify(&other, &m, SIGNED_AT), DNS_TSIG_BADKEY);
	dns_tsig_key_free(&other);
	/* Same name and algorithm, another secret. */
	assert_int_equal(dns_tsig_key_parse("share.example.:c2VjcmV0", &other, err, sizeof(err)), 0);
	assert_int_equal(dns_tsig_verify(&other, &m, SIGNED_AT), DNS_TSIG_BADSIG);
	dns_tsig_key_free(&other);

	/* Without the TSIG record. */
	wire[11] = 1;
	assert_int_equal(dns_msg_parse(wire, body, &m), DNS_OK);
	assert_int_equal(dns_tsig_verify(&key, &m, SIGNED_AT), DNS_TSIG_UNSIGNED);
	dns_tsig_key_free(&key);
}

static void test_key_parse_errors(void **state)
{
	(void)state;
	struct dns_tsig_key key;
	char err[256];
	assert_true(dns_tsig_key_parse("nocolon", &key, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "expected [alg:]name:base64secret"));
	assert_true(dns_tsig_key_parse("k.:not*base64", &key, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "not base64"));
	assert_true(dns_tsig_key_parse("hmac-md5:k.:c2VjcmV0", &key, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "unknown algorithm 'hmac-md5'"));
	assert_true(dns_tsig_key_parse("k..x:c2VjcmV0", &key, err, sizeof(err)) < 0);
	assert_int_equal(dns_tsig_key_parse("Share.Example:c2VjcmV0", &key, err, sizeof(err)), 0);
	assert_memory_equal(key.name, "\5share\7example", 15); /* folded */
	assert_int_equal(key.secret_len, 6);
	dns_tsig_key_free(&key);
}

/* Every algorithm, two messages in a row with one key (its context is reused): ldns reads the
 * algorithm's name and verifies both MACs, and so do we. */
static void test_every_algorithm_verifies_with_ldns(void **state)
{
	(void)state;
	const char *algs[] = { "hmac-sha1", "hmac-sha256", "hmac-sha512" };
	const char *secret = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		char spec[128], err[256];
		snprintf(spec, sizeof(spec), "%s:share.example.:%s", algs[i], secret);
		struct dns_tsig_key key;
		assert_int_equal(dns_tsig_key_parse(spec, &key, err, sizeof(err)), 0);
		for (uint16_t id = 1; id <= 2; id++) {
			uint8_t name[DNS_NAME_MAX], nlen, buf[512];
			const uint8_t a[4] = { 198, 51, 100, (uint8_t)id };
			dns_name_from_text(id == 1 ? "one.example.org" : "two.example.org", name, &nlen);
			struct dns_builder b;
			dns_build_init(&b, buf, sizeof(buf), id, DNS_FLAG_QR | DNS_FLAG_AA);
			dns_build_question(&b, name, nlen, DNS_TYPE_A, DNS_CLASS_IN);
			dns_build_rr(&b, 1, name, nlen, DNS_TYPE_A, DNS_CLASS_IN, 300, a, 4);
			size_t len = dns_build_len(&b);
			assert_int_equal(dns_tsig_sign(&key, buf, &len, sizeof(buf), 1700000000 + id, 300), 0);
			ldns_pkt *pkt = NULL;
			assert_int_equal(ldns_wire2pkt(&pkt, buf, len), LDNS_STATUS_OK);
			char *alg = ldns_rdf2str(ldns_rr_rdf(ldns_pkt_tsig(pkt), 0));
			char expected[32];
			snprintf(expected, sizeof(expected), "%s.", algs[i]);
			assert_string_equal(alg, expected);
			free(alg);
			assert_true(ldns_pkt_tsig_verify(pkt, buf, len, "share.example.", secret, NULL));
			ldns_pkt_free(pkt);
			struct dns_msg m;
			assert_int_equal(dns_msg_parse(buf, len, &m), DNS_OK);
			assert_int_equal(dns_tsig_verify(&key, &m, 1700000000), DNS_TSIG_OK);
		}
		dns_tsig_key_free(&key);
	}
}

static void test_ldns_verifies_our_signature(void **state)
{
	(void)state;
	struct dns_tsig_key key;
	char err[256];
	assert_int_equal(dns_tsig_key_parse(key_spec, &key, err, sizeof(err)), 0);
	uint8_t name[DNS_NAME_MAX], nlen, buf[512];
	dns_name_from_text("shared.example.org", name, &nlen);
	struct dns_builder b;
	const uint8_t a[4] = { 198, 51, 100, 7 };
	dns_build_init(&b, buf, sizeof(buf), 77, DNS_FLAG_QR | DNS_FLAG_AA | DNS_FLAG_RD | DNS_FLAG_RA);
	dns_build_question(&b, name, nlen, DNS_TYPE_A, DNS_CLASS_IN);
	dns_build_rr(&b, 1, name, nlen, DNS_TYPE_A, DNS_CLASS_IN, 3600, a, 4);
	dns_build_opt(&b, 1232, 0);
	size_t len = dns_build_len(&b);
	assert_int_equal(dns_tsig_sign(&key, buf, &len, sizeof(buf), 1700000000, 300), 0);

	ldns_pkt *pkt = NULL;
	assert_int_equal(ldns_wire2pkt(&pkt, buf, len), LDNS_STATUS_OK);
	assert_true(ldns_pkt_tsig(pkt) != NULL);
	/* ldns checks the MAC (not the time) given the key name and base64 secret. */
	assert_true(ldns_pkt_tsig_verify(pkt, buf, len, "share.example.",
	                                 "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", NULL));
	assert_false(ldns_pkt_tsig_verify(pkt, buf, len, "share.example.", "c2VjcmV0", NULL));
	ldns_pkt_free(pkt);
	/* Not enough room for the TSIG record. */
	size_t short_len = dns_build_len(&b);
	assert_int_equal(dns_tsig_sign(&key, buf, &short_len, short_len + 20, 1700000000, 300), DNS_ENOSPC);
	dns_tsig_key_free(&key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_key_parse_errors),
		cmocka_unit_test(test_ldns_verifies_our_signature),
		cmocka_unit_test(test_every_algorithm_verifies_with_ldns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
