/*
 * latency_matrix — a line-oriented reader with exact positions: every entry is checked where it
 * stands, and the first row fixes the number of columns every other row and the row count must
 * match.
 */
#include "sim/latency_matrix.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_sep(char c) { return c == ' ' || c == '\t' || c == ',' || c == '\r'; }

int latency_matrix_parse(const char *text, size_t len, double **out, uint32_t *sites, char *err,
                         size_t err_size)
{
	double *m = NULL;
	uint32_t cols = 0, rows = 0, last_line = 0;
	size_t pos = 0;
	*out = NULL;
	*sites = 0;
	for (uint32_t line = 1; pos < len; line++) {
		size_t start = pos, end = pos;
		while (end < len && text[end] != '\n')
			end++;
		pos = end + 1;
		size_t stop = start; /* the line without its comment */
		while (stop < end && text[stop] != '#')
			stop++;
		uint32_t n = 0;
		for (size_t i = start; i < stop;) {
			if (is_sep(text[i])) {
				i++;
				continue;
			}
			size_t tok = i;
			while (i < stop && !is_sep(text[i]))
				i++;
			char buf[64], *e;
			unsigned col = (unsigned)(tok - start + 1);
			if (i - tok >= sizeof(buf)) {
				snprintf(err, err_size, "%u:%u: entry too long", line, col);
				goto fail;
			}
			memcpy(buf, text + tok, i - tok);
			buf[i - tok] = '\0';
			errno = 0;
			double v = strtod(buf, &e);
			if (e == buf || *e || errno || !isfinite(v)) {
				snprintf(err, err_size, "%u:%u: '%s' is not a latency in ms", line, col, buf);
				goto fail;
			}
			if (v < 0) {
				snprintf(err, err_size, "%u:%u: negative latency %s", line, col, buf);
				goto fail;
			}
			if (v > LATENCY_MATRIX_MAX_MS) {
				snprintf(err, err_size, "%u:%u: latency %s above %.0f ms", line, col, buf,
				         LATENCY_MATRIX_MAX_MS);
				goto fail;
			}
			if (rows == 0) {
				if (n >= LATENCY_MATRIX_MAX_SITES) {
					snprintf(err, err_size, "%u:%u: more than %u sites", line, col, LATENCY_MATRIX_MAX_SITES);
					goto fail;
				}
				double *g = realloc(m, ((size_t)n + 1) * sizeof(*m));
				if (!g) {
					snprintf(err, err_size, "%u:%u: out of memory", line, col);
					goto fail;
				}
				m = g;
			} else if (rows == cols) {
				snprintf(err, err_size, "%u:%u: more rows than the %u columns: the matrix must be square",
				         line, col, cols);
				goto fail;
			} else if (n >= cols) {
				snprintf(err, err_size, "%u:%u: row %u has more than %u entries (the first row's)", line,
				         col, rows + 1, cols);
				goto fail;
			}
			if (rows == 0)
				m[n] = v;
			else
				m[(size_t)rows * cols + n] = v;
			n++;
		}
		if (n == 0)
			continue; /* blank or comment */
		if (rows == 0) {
			cols = n;
			double *g = realloc(m, (size_t)cols * cols * sizeof(*m));
			if (!g) {
				snprintf(err, err_size, "%u:1: out of memory", line);
				goto fail;
			}
			m = g;
		} else if (n < cols) {
			snprintf(err, err_size, "%u:%u: row %u has %u entries, expected %u (the first row's)", line,
			         (unsigned)(stop - start + 1), rows + 1, n, cols);
			goto fail;
		}
		rows++;
		last_line = line;
	}
	if (rows == 0) {
		snprintf(err, err_size, "1:1: no rows: expected one row of latencies per site");
		goto fail;
	}
	if (rows < cols) {
		snprintf(err, err_size, "%u:1: %u rows for %u columns: the matrix must be square", last_line, rows, cols);
		goto fail;
	}
	*out = m;
	*sites = cols;
	return 0;
fail:
	free(m);
	return -1;
}

int latency_matrix_load(const char *path, double **out, uint32_t *sites, char *err, size_t err_size)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *text = malloc(1 << 20);
	size_t len = text ? fread(text, 1, 1 << 20, f) : 0;
	int too_big = text && len == 1 << 20 && fgetc(f) != EOF;
	fclose(f);
	if (!text || too_big) {
		snprintf(err, err_size, "%s: %s", path, text ? "larger than 1 MB" : "out of memory");
		free(text);
		return -1;
	}
	char why[256];
	int rc = latency_matrix_parse(text, len, out, sites, why, sizeof(why));
	free(text);
	if (rc) { /* "LINE:COLUMN: reason" -> "PATH:LINE:COLUMN: error: reason" */
		const char *reason = strchr(why, ' ');
		snprintf(err, err_size, "%s:%.*s error:%s", path, reason ? (int)(reason - why) : 0, why,
		         reason ? reason : why);
	}
	return rc;
}

int latency_matrix_load_sites(const char *path, uint32_t sites, double **out, char *err, size_t err_size)
{
	uint32_t found;
	if (latency_matrix_load(path, out, &found, err, err_size))
		return -1;
	if (found != sites) {
		snprintf(err, err_size, "%s: %u sites, but network.sites = %u: set network.sites = %u", path, found,
		         sites, found);
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}
