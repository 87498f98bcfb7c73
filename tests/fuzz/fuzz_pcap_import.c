/* Fuzz target: a whole capture (pcap, pcapng or Zeek log) through detection and import. */
#include <stddef.h>
#include <stdint.h>

#include "traces/import.h"
#include "traces/trace_writer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_writer *w;
	struct import_log log = { .len = 0 };
	char err[512];
	if (trace_writer_new(&w))
		return 0;
	struct import_ctx ctx = { .w = w, .log = &log };
	(void)import_buffer(&ctx, data, size, "fuzz", err, sizeof(err));
	trace_writer_free(w);
	return 0;
}
