/* Fuzz target: dns_wire against ldns on the same bytes (tests/dns/dns_differential.c); any
 * difference that the comparator does not explain aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "dns_differential.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_diff_result r;
	if (dns_diff_compare(data, size, &r) == DNS_DIFF_DISAGREE) {
		fprintf(stderr, "dns_wire and ldns disagree (ours %d, ldns %d): %s\n", r.ours, r.ldns, r.why);
		abort();
	}
	return 0;
}
