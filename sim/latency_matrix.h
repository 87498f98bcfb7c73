/*
 * latency_matrix — one-way latencies between sites (network.latency_matrix), read from a small
 * text file: one row per site, entries in milliseconds separated by spaces, tabs or commas;
 * '#' starts a comment, blank lines are skipped. Entry (i, j) is the one-way latency from site
 * i to site j (the diagonal: between two resolvers of one site); the matrix must be square,
 * its entries finite, non-negative and at most 60,000 ms. It need not be symmetric.
 */
#ifndef SHARESIM_LATENCY_MATRIX_H
#define SHARESIM_LATENCY_MATRIX_H

#include <stddef.h>
#include <stdint.h>

#define LATENCY_MATRIX_MAX_SITES 1024u
#define LATENCY_MATRIX_MAX_MS 60000.0

/**
 * Parse text (len bytes) into *out (sites * sites entries in ms, row-major, malloc'd; the
 * caller frees) and *sites. On error returns -1 and writes "LINE:COLUMN: reason" (1-based;
 * the column of the offending entry, or of the line's end) to err.
 */
int latency_matrix_parse(const char *text, size_t len, double **out, uint32_t *sites, char *err,
                         size_t err_size);
/** Read and parse a file; errors as "PATH:LINE:COLUMN: error: reason" (or "PATH: reason"). */
int latency_matrix_load(const char *path, double **out, uint32_t *sites, char *err, size_t err_size);
/** latency_matrix_load of a matrix that must have network.sites = sites rows (the error says so). */
int latency_matrix_load_sites(const char *path, uint32_t sites, double **out, char *err, size_t err_size);

#endif
