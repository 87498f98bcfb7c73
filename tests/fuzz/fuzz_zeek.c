/* Fuzz target: Zeek dns.log rows (the header is supplied, so rows get exercised). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/import.h"
#include "traces/trace_writer.h"

static const char header[] =
	"#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id"
	"\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ"
	"\tanswers\tTTLs\trejected\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(sizeof(header) + size);
	struct trace_writer *w;
	if (!text || trace_writer_new(&w)) {
		free(text);
		return 0;
	}
	memcpy(text, header, sizeof(header) - 1);
	memcpy(text + sizeof(header) - 1, data, size);
	struct import_log log = { .len = 0 };
	char err[512];
	struct import_ctx ctx = { .w = w, .log = &log };
	FILE *in = fmemopen(text, sizeof(header) - 1 + size, "rb");
	if (in) {
		(void)zeek_import(&ctx, in, "fuzz", err, sizeof(err));
		fclose(in);
	}
	trace_writer_free(w);
	free(text);
	return 0;
}
