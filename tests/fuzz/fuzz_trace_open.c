/* Fuzz target: arbitrary bytes as a trace file; an opened trace must be safe to walk. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "traces/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz-trace-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	struct trace *t;
	char err[512];
	if (trace_open(path, &t, err, sizeof(err)) == 0) {
		const struct trace_query *q = trace_queries(t);
		uint64_t sum = 0;
		for (uint64_t i = 0; i < trace_query_count(t); i++) {
			size_t len;
			const uint8_t *name = trace_name_wire(t, q[i].name_id, &len);
			sum += name[len - 1] + trace_client(t, q[i].client_id)->family +
			       trace_resolver(t, q[i].resolver_id)->family;
			uint32_t id;
			if (trace_name_lookup(t, name, len, &id) != 0)
				__builtin_trap(); /* every name of the table must be found */
			(void)trace_record_find(t, q[i].name_id, q[i].qtype, q[i].qclass);
		}
		(void)sum;
		trace_close(t);
	}
	unlink(path);
	return 0;
}
