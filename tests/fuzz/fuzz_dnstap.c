/*
 * Fuzz target: dnstap. The input is read twice: as a whole file (Frame Streams framing, frames,
 * the DNS inside), and as the payload of one data frame inside a well-formed Frame Streams
 * file, so that mutations reach the protobuf and DNS readers without breaking the framing.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/dnstap.h"
#include "traces/import.h"
#include "traces/trace_writer.h"

static void no_digest(void *arg, char out[65])
{
	(void)arg;
	memset(out, '0', 64);
	out[64] = '\0';
}

static void run(const uint8_t *data, size_t size, int client_side)
{
	struct trace_writer *w;
	struct import_log log = { .len = 0 };
	char err[512];
	if (trace_writer_new(&w))
		return;
	struct import_ctx ctx = { .w = w, .log = &log, .client_side_only = client_side };
	FILE *f = fmemopen((void *)data, size, "rb");
	if (f)
		(void)dnstap_import(&ctx, f, "fuzz", no_digest, NULL, err, sizeof(err));
	trace_writer_free(w);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0; /* fmemopen refuses an empty buffer */
	run(data, size, 0);
	if (size > DNSTAP_MAX_FRAME)
		return 0;
	/* START with the dnstap content type, the input as one data frame, STOP. */
	static const char ct[] = DNSTAP_CONTENT_TYPE;
	size_t ctl = sizeof(ct) - 1, start = 4 + 4 + 4 + 4 + 4 + ctl;
	uint8_t *file = malloc(start + 4 + size + 12);
	if (!file)
		return 0;
	put_be32(file, 0);
	put_be32(file + 4, (uint32_t)(12 + ctl - 4));
	put_be32(file + 8, 2);  /* START */
	put_be32(file + 12, 1); /* content type field */
	put_be32(file + 16, (uint32_t)ctl);
	memcpy(file + 20, ct, ctl);
	put_be32(file + start, (uint32_t)size);
	memcpy(file + start + 4, data, size);
	size_t end = start + 4 + size;
	put_be32(file + end, 0);
	put_be32(file + end + 4, 4);
	put_be32(file + end + 8, 3); /* STOP */
	run(file, end + 12, data[0] & 1);
	free(file);
	return 0;
}
