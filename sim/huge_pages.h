/*
 * huge_pages — zeroed memory for large tables read at random (caches, the importer's hash
 * tables, a trace's record model): from 2 MiB on, mapped anonymously on a 2 MiB boundary with
 * transparent huge pages asked for before it is touched, so that a random read costs no TLB miss
 * and filling it no fault per 4 KiB. Smaller blocks, and every block under ASan (so that the
 * sanitizer watches it), come from calloc.
 */
#ifndef SHARESIM_HUGE_PAGES_H
#define SHARESIM_HUGE_PAGES_H

#include <stddef.h>

#define HUGE_PAGE_BYTES ((size_t)2 << 20)

/** bytes of zeroed memory, or NULL. */
void *huge_zalloc(size_t bytes);
/** Free what huge_zalloc(bytes) gave (the same bytes). */
void huge_free(void *p, size_t bytes);
/** Always a mapping (so that it can grow by mremap, and ends with munmap) of bytes, a multiple
 * of HUGE_PAGE_BYTES, on a 2 MiB boundary with huge pages asked for; NULL on failure. */
void *huge_map(size_t bytes);
/** A growing array's block at new_bytes (p: NULL, or what this gave for old_bytes); NULL if out
 * of memory, p left as it was. Past a few MiB a mapping of its own on huge pages, grown in place. */
void *huge_realloc(void *p, size_t old_bytes, size_t new_bytes);
/** Free what huge_realloc gave for bytes. */
void huge_realloc_free(void *p, size_t bytes);

#endif
