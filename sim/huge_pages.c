#include "sim/huge_pages.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define HUGE_MAPPINGS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HUGE_MAPPINGS 0
#endif
#endif
#ifndef HUGE_MAPPINGS
#define HUGE_MAPPINGS 1
#endif

static int mapped(size_t bytes)
{
	return HUGE_MAPPINGS && bytes >= HUGE_PAGE_BYTES;
}

void *huge_map(size_t bytes)
{
	/* Map 2 MiB more and trim, so the block starts on a huge page boundary. */
	size_t span = bytes + HUGE_PAGE_BYTES;
	uint8_t *p = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	uint8_t *start = (uint8_t *)(((uintptr_t)p + HUGE_PAGE_BYTES - 1) & ~(uintptr_t)(HUGE_PAGE_BYTES - 1));
	if (start > p)
		munmap(p, (size_t)(start - p));
	if (p + span > start + bytes)
		munmap(start + bytes, (size_t)(p + span - (start + bytes)));
#ifdef MADV_HUGEPAGE
	madvise(start, bytes, MADV_HUGEPAGE);
#endif
	return start;
}

void *huge_zalloc(size_t bytes)
{
	return mapped(bytes) ? huge_map(bytes) : calloc(1, bytes ? bytes : 1);
}

void huge_free(void *p, size_t bytes)
{
	if (!p)
		return;
	if (mapped(bytes))
		munmap(p, bytes);
	else
		free(p);
}
