/* Fuzz target: dnsperf/resperf query files (detection on the first bytes, then import). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "traces/import.h"
#include "traces/trace_writer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_writer *w;
	if (trace_writer_new(&w))
		return 0;
	struct import_log log = { .len = 0 };
	char err[512];
	struct import_ctx ctx = { .w = w, .log = &log, .arrival_rate = 1000, .arrival_clients = 3, .arrival_seed = 1 };
	(void)dnsperf_detect(data, size < 4096 ? size : 4096);
	FILE *in = fmemopen((void *)data, size, "rb");
	if (in) {
		(void)dnsperf_import(&ctx, in, "fuzz", err, sizeof(err));
		fclose(in);
	}
	trace_writer_free(w);
	return 0;
}
