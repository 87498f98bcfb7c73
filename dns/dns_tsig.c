/*
 * dns_tsig — RFC 8945 TSIG over OpenSSL 3's EVP_MAC.
 *
 * The digest of an unsolicited response (no request MAC) is: the message as it was before the
 * TSIG record was added (ARCOUNT without it, the original id), then the TSIG variables of
 * §4.3.3: key name (canonical), class ANY, TTL 0, algorithm name (canonical), time signed
 * (48 bits), fudge, error, other length, other data.
 */
#include "dns/dns_tsig.h"

#include <ctype.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#define TSIG_MAC_MAX 64

static const struct {
	const char *name;   /* presentation form, as dnsperf's -y takes it */
	const char *digest; /* OpenSSL digest name */
	size_t mac_size;
	const char *wire;   /* the name in wire form (every message writes or compares it) */
	uint8_t wire_len;
} tsig_algs[] = {
	[DNS_TSIG_HMAC_SHA256] = { "hmac-sha256", "SHA256", 32, "\013hmac-sha256", 13 },
	[DNS_TSIG_HMAC_SHA1] = { "hmac-sha1", "SHA1", 20, "\011hmac-sha1", 11 },
	[DNS_TSIG_HMAC_SHA512] = { "hmac-sha512", "SHA512", 64, "\013hmac-sha512", 13 },
};

const char *dns_tsig_result_name(enum dns_tsig_result r)
{
	switch (r) {
	case DNS_TSIG_OK: return "ok";
	case DNS_TSIG_UNSIGNED: return "unsigned";
	case DNS_TSIG_BADKEY: return "badkey";
	case DNS_TSIG_BADSIG: return "badsig";
	case DNS_TSIG_BADTIME: return "badtime";
	case DNS_TSIG_FORMERR: return "formerr";
	}
	return "unknown";
}

static void alg_wire(enum dns_tsig_alg alg, uint8_t out[DNS_NAME_MAX], uint8_t *len)
{
	*len = tsig_algs[alg].wire_len;
	memcpy(out, tsig_algs[alg].wire, *len);
}

int dns_tsig_key_parse(const char *spec, struct dns_tsig_key *key, char *err, size_t err_size)
{
	memset(key, 0, sizeof(*key));
	char copy[512];
	if (strlen(spec) >= sizeof(copy)) {
		snprintf(err, err_size, "TSIG key too long");
		return DNS_EINVAL;
	}
	strcpy(copy, spec);
	char *first = strchr(copy, ':');
	if (!first) {
		snprintf(err, err_size, "TSIG key '%s': expected [alg:]name:base64secret", spec);
		return DNS_EINVAL;
	}
	char *second = strchr(first + 1, ':');
	const char *alg = "hmac-sha256", *name = copy, *secret = first + 1;
	*first = '\0';
	if (second) {
		*second = '\0';
		alg = copy;
		name = first + 1;
		secret = second + 1;
	}
	size_t a;
	for (a = 0; a < sizeof(tsig_algs) / sizeof(tsig_algs[0]); a++)
		if (!strcasecmp(alg, tsig_algs[a].name))
			break;
	if (a == sizeof(tsig_algs) / sizeof(tsig_algs[0])) {
		snprintf(err, err_size, "TSIG key: unknown algorithm '%s' (hmac-sha256, hmac-sha1, hmac-sha512)", alg);
		return DNS_EINVAL;
	}
	key->alg = (enum dns_tsig_alg)a;
	if (!*name || dns_name_from_text(name, key->name, &key->name_len) != DNS_OK) {
		snprintf(err, err_size, "TSIG key: bad key name '%s'", name);
		return DNS_EINVAL;
	}
	dns_name_fold(key->name, key->name_len);
	size_t slen = strlen(secret);
	if (slen == 0 || slen % 4 != 0 || slen / 4 * 3 > sizeof(key->secret)) {
		snprintf(err, err_size, "TSIG key: secret is not base64 (or longer than %zu bytes)", sizeof(key->secret));
		return DNS_EINVAL;
	}
	for (size_t i = 0; i < slen; i++)
		if (!isalnum((unsigned char)secret[i]) && secret[i] != '+' && secret[i] != '/' &&
		    !(secret[i] == '=' && i >= slen - 2)) {
			snprintf(err, err_size, "TSIG key: secret is not base64 (character %zu)", i + 1);
			return DNS_EINVAL;
		}
	int n = EVP_DecodeBlock(key->secret, (const unsigned char *)secret, (int)slen);
	if (n < 0) {
		snprintf(err, err_size, "TSIG key: secret is not base64");
		return DNS_EINVAL;
	}
	n -= (secret[slen - 1] == '=') + (secret[slen - 2] == '=');
	key->secret_len = (size_t)n;

	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	EVP_MAC_free(mac);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)tsig_algs[a].digest, 0),
		OSSL_PARAM_construct_end(),
	};
	if (!ctx || !EVP_MAC_init(ctx, key->secret, key->secret_len, params)) {
		EVP_MAC_CTX_free(ctx);
		snprintf(err, err_size, "TSIG key: OpenSSL cannot make an HMAC-%s context", tsig_algs[a].digest);
		return DNS_EINVAL;
	}
	key->mac_ctx = ctx;
	if (!(key->mac_work = EVP_MAC_CTX_dup(ctx))) {
		dns_tsig_key_free(key);
		snprintf(err, err_size, "TSIG key: OpenSSL cannot make an HMAC-%s context", tsig_algs[a].digest);
		return DNS_EINVAL;
	}
	return DNS_OK;
}

void dns_tsig_key_free(struct dns_tsig_key *key)
{
	EVP_MAC_CTX_free(key->mac_ctx);
	EVP_MAC_CTX_free(key->mac_work);
	key->mac_ctx = key->mac_work = NULL;
}

static inline void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void wr48(uint8_t *p, uint64_t v)
{
	for (int i = 5; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* The TSIG variables (RFC 8945 §4.3.3) into out; returns their length. */
static size_t tsig_variables(const struct dns_tsig_key *key, uint64_t time_signed, uint16_t fudge,
                             uint8_t *out)
{
	uint8_t alg[DNS_NAME_MAX], alg_len;
	alg_wire(key->alg, alg, &alg_len);
	size_t n = 0;
	memcpy(out, key->name, key->name_len);
	n += key->name_len;
	wr16(out + n, DNS_CLASS_ANY);
	memset(out + n + 2, 0, 4); /* TTL */
	n += 6;
	memcpy(out + n, alg, alg_len);
	n += alg_len;
	wr48(out + n, time_signed);
	wr16(out + n + 6, fudge);
	wr16(out + n + 8, 0);  /* error */
	wr16(out + n + 10, 0); /* other len */
	return n + 12;
}

/* HMAC over (message with header patched, variables). */
static int tsig_mac(const struct dns_tsig_key *key, const uint8_t *msg, size_t msg_len,
                    uint16_t orig_id, uint16_t arcount, const uint8_t *vars, size_t vars_len,
                    uint8_t mac[TSIG_MAC_MAX], size_t *mac_len)
{
	/* Started again from the key's inner and outer pads, as a copy of mac_ctx would be, without
	 * allocating one per message (a fifth of a unicast replay's instructions went to that). */
	EVP_MAC_CTX *ctx = key->mac_work;
	if (!ctx || !EVP_MAC_init(ctx, NULL, 0, NULL))
		return -1;
	uint8_t header[DNS_HEADER_SIZE];
	memcpy(header, msg, DNS_HEADER_SIZE);
	wr16(header, orig_id);
	wr16(header + 10, arcount);
	int ok = EVP_MAC_update(ctx, header, DNS_HEADER_SIZE) &&
	         EVP_MAC_update(ctx, msg + DNS_HEADER_SIZE, msg_len - DNS_HEADER_SIZE) &&
	         EVP_MAC_update(ctx, vars, vars_len) &&
	         EVP_MAC_final(ctx, mac, mac_len, TSIG_MAC_MAX);
	return ok ? 0 : -1;
}

int dns_tsig_sign(const struct dns_tsig_key *key, uint8_t *buf, size_t *len, size_t cap,
                  uint64_t time_signed, uint16_t fudge)
{
	if (*len < DNS_HEADER_SIZE || !key->mac_ctx)
		return DNS_EINVAL;
	uint8_t vars[2 * DNS_NAME_MAX + 32];
	size_t vars_len = tsig_variables(key, time_signed, fudge, vars);
	uint16_t id = (uint16_t)(buf[0] << 8 | buf[1]);
	uint16_t arcount = (uint16_t)(buf[10] << 8 | buf[11]);
	uint8_t mac[TSIG_MAC_MAX];
	size_t mac_len;
	if (tsig_mac(key, buf, *len, id, arcount, vars, vars_len, mac, &mac_len))
		return DNS_EINVAL;
	uint8_t alg[DNS_NAME_MAX], alg_len;
	alg_wire(key->alg, alg, &alg_len);
	size_t rdlen = alg_len + 6 + 2 + 2 + mac_len + 2 + 2 + 2;
	size_t need = key->name_len + 10 + rdlen;
	if (*len + need > cap)
		return DNS_ENOSPC;
	uint8_t *p = buf + *len;
	memcpy(p, key->name, key->name_len);
	p += key->name_len;
	wr16(p, DNS_TYPE_TSIG);
	wr16(p + 2, DNS_CLASS_ANY);
	memset(p + 4, 0, 4);
	wr16(p + 8, (uint16_t)rdlen);
	p += 10;
	memcpy(p, alg, alg_len);
	p += alg_len;
	wr48(p, time_signed);
	wr16(p + 6, fudge);
	wr16(p + 8, (uint16_t)mac_len);
	memcpy(p + 10, mac, mac_len);
	p += 10 + mac_len;
	wr16(p, id);
	wr16(p + 2, 0);
	wr16(p + 4, 0);
	*len += need;
	wr16(buf + 10, (uint16_t)(arcount + 1));
	return DNS_OK;
}

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

enum dns_tsig_result dns_tsig_verify(const struct dns_tsig_key *key, const struct dns_msg *msg,
                                     uint64_t now)
{
	if (!msg->tsig_off)
		return DNS_TSIG_UNSIGNED;
	struct dns_rr rr;
	size_t off = msg->tsig_off;
	if (dns_rr_read(msg->wire, msg->len, &off, &rr) || rr.rclass != DNS_CLASS_ANY || rr.ttl != 0)
		return DNS_TSIG_FORMERR;
	const uint8_t *w = msg->wire;
	size_t pos = rr.rdata_off, end = rr.rdata_off + rr.rdlength;
	uint8_t alg[DNS_NAME_MAX], alg_len;
	if (dns_name_read(w, end, &pos, alg, &alg_len) || pos + 10 > end)
		return DNS_TSIG_FORMERR;
	uint64_t time_signed = 0;
	for (int i = 0; i < 6; i++)
		time_signed = time_signed << 8 | w[pos + i];
	uint16_t fudge = rd16(w + pos + 6), mac_size = rd16(w + pos + 8);
	pos += 10;
	if (pos + mac_size + 6 > end)
		return DNS_TSIG_FORMERR;
	const uint8_t *mac = w + pos;
	pos += mac_size;
	uint16_t orig_id = rd16(w + pos), error = rd16(w + pos + 2), other_len = rd16(w + pos + 4);
	if (pos + 6 + other_len != end)
		return DNS_TSIG_FORMERR;
	uint8_t expected_alg[DNS_NAME_MAX], expected_alg_len;
	alg_wire(key->alg, expected_alg, &expected_alg_len);
	if (!dns_name_equal(rr.owner, rr.owner_len, key->name, key->name_len) ||
	    !dns_name_equal(alg, alg_len, expected_alg, expected_alg_len) || !key->mac_ctx)
		return DNS_TSIG_BADKEY;
	if (mac_size != tsig_algs[key->alg].mac_size || error != 0 || other_len != 0)
		return DNS_TSIG_BADSIG;
	uint8_t vars[2 * DNS_NAME_MAX + 32], computed[TSIG_MAC_MAX];
	size_t vars_len = tsig_variables(key, time_signed, fudge, vars), computed_len;
	if (msg->hdr.arcount == 0 ||
	    tsig_mac(key, w, msg->tsig_off, orig_id, (uint16_t)(msg->hdr.arcount - 1), vars, vars_len,
	             computed, &computed_len) ||
	    computed_len != mac_size || CRYPTO_memcmp(computed, mac, mac_size) != 0)
		return DNS_TSIG_BADSIG;
	uint64_t skew = now > time_signed ? now - time_signed : time_signed - now;
	if (skew > fudge)
		return DNS_TSIG_BADTIME;
	return DNS_TSIG_OK;
}
