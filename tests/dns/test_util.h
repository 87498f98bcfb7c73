/* Helpers shared by the DNS tests: hex fixtures. */
#ifndef SHARESIM_TEST_DNS_UTIL_H
#define SHARESIM_TEST_DNS_UTIL_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline size_t hex_decode(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex) / 2;
	for (size_t i = 0; i < n && i < cap; i++) {
		unsigned v;
		char byte[3] = { hex[2 * i], hex[2 * i + 1], 0 };
		v = (unsigned)strtoul(byte, NULL, 16);
		out[i] = (uint8_t)v;
	}
	return n < cap ? n : cap;
}
#endif
