/*
 * Fuzz target: a whole input (pcap, pcapng, Zeek log or dnsperf query file) through detection and import, and
 * the same bytes as one frame of every supported link type through the packet decoder, whose
 * payload must lie inside the frame.
 */
#include <stddef.h>
#include <stdint.h>

#include "traces/import.h"
#include "traces/pcap_decode.h"
#include "traces/trace_writer.h"

static const int linktypes[] = { 0 /* NULL */, 1 /* EN10MB */, 12 /* RAW */, 101, 108 /* LOOP */,
	                         113 /* LINUX_SLL */, 228, 229, 276 /* LINUX_SLL2 */ };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < sizeof(linktypes) / sizeof(linktypes[0]); i++) {
		struct decoded_packet p;
		enum pkt_outcome o = pcap_decode_packet(linktypes[i], data, size, 53, &p);
		if ((o == PKT_UDP || o == PKT_TCP_DNS) &&
		    (p.payload < data || p.payload_len > size || p.payload > data + size - p.payload_len))
			__builtin_trap();
	}
	struct trace_writer *w;
	struct import_log log = { .len = 0 };
	char err[512];
	if (trace_writer_new(&w))
		return 0;
	/* A rate, so that dnsperf query files get past detection into their reader. */
	struct import_ctx ctx = { .w = w, .log = &log, .arrival_rate = 1000, .arrival_clients = 3 };
	(void)import_buffer(&ctx, data, size, "fuzz", err, sizeof(err));
	trace_writer_free(w);
	return 0;
}
