/* Fuzz target: the DNS message parser, record walk, name printing and TSIG verification. */
#include <stddef.h>
#include <stdint.h>

#include "dns/dns_tsig.h"
#include "dns/dns_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_tsig_key key;
	static int have_key;
	if (!have_key) {
		char err[128];
		have_key = dns_tsig_key_parse("share.example.:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
		                              &key, err, sizeof(err)) == 0;
	}
	struct dns_msg msg;
	if (dns_msg_parse(data, size, &msg) != DNS_OK)
		return 0;
	char text[DNS_NAME_TEXT_MAX];
	dns_name_to_text(msg.qname, msg.qname_len, text, sizeof(text));
	size_t off = msg.answer_off;
	struct dns_rr rr;
	unsigned total = (unsigned)msg.hdr.ancount + msg.hdr.nscount + msg.hdr.arcount;
	for (unsigned i = 0; i < total; i++) {
		if (dns_rr_read(data, size, &off, &rr) != DNS_OK)
			__builtin_trap(); /* parse succeeded, so every record must read */
		dns_name_to_text(rr.owner, rr.owner_len, text, sizeof(text));
	}
	if (have_key)
		(void)dns_tsig_verify(&key, &msg, 1521911720);
	return 0;
}
