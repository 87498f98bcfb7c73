#define _GNU_SOURCE /* mremap */
#include "sim/huge_pages.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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

/* Growing arrays are mapped by themselves once they reach HUGE_GROW_BYTES (in steps of it), with
 * huge pages asked for before they are touched, and grown by mremap: no copy, no page fault per
 * 4 KiB, few TLB misses in random reads. Under ASan they stay on the heap, where it watches. */
#define HUGE_GROW_BYTES (2 * HUGE_PAGE_BYTES)

static size_t grown_len(size_t bytes)
{
	return (bytes + HUGE_GROW_BYTES - 1) & ~(HUGE_GROW_BYTES - 1);
}

static int grown_mapped(size_t bytes)
{
	return HUGE_MAPPINGS && bytes >= HUGE_GROW_BYTES;
}

void *huge_realloc(void *p, size_t old_bytes, size_t new_bytes)
{
	if (!grown_mapped(new_bytes))
		return realloc(p, new_bytes ? new_bytes : 1);
	if (!grown_mapped(old_bytes)) {
		void *np = huge_map(grown_len(new_bytes));
		if (!np)
			return NULL;
		if (old_bytes)
			memcpy(np, p, old_bytes);
		free(p);
		return np;
	}
	void *np = mremap(p, grown_len(old_bytes), grown_len(new_bytes), MREMAP_MAYMOVE);
	return np == MAP_FAILED ? NULL : np;
}

void huge_realloc_free(void *p, size_t bytes)
{
	if (p && grown_mapped(bytes))
		munmap(p, grown_len(bytes));
	else
		free(p);
}
