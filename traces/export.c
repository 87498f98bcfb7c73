/*
 * export — queries rebuilt as DNS messages: the folded name, type, class, RD and CD bits, and an
 * OPT record with DO when the query had it. Message ids count up from 0.
 */
#include "traces/export.h"

#include <pcap/pcap.h>
#include <stdio.h>

#include "dns/dns_build.h"
#include "traces/pcap_write.h"
#include "traces/trace.h"

int64_t trace_export_queries(const struct trace *t, const char *path, char *err, size_t err_size)
{
	pcap_t *dead = pcap_open_dead_with_tstamp_precision(DLT_RAW, 65535, PCAP_TSTAMP_PRECISION_NANO);
	pcap_dumper_t *d = dead ? pcap_dump_open(dead, path) : NULL;
	if (!d) {
		snprintf(err, err_size, "%s: %s", path, dead ? pcap_geterr(dead) : "libpcap failed");
		if (dead)
			pcap_close(dead);
		return -1;
	}
	const struct trace_query *q = trace_queries(t);
	int64_t written = 0;
	for (uint64_t i = 0; i < trace_query_count(t); i++) {
		size_t name_len;
		const uint8_t *name = trace_name_wire(t, q[i].name_id, &name_len);
		uint8_t buf[512];
		struct dns_builder b;
		uint16_t flags = (q[i].flags & TRACE_QF_RD ? DNS_FLAG_RD : 0) |
		                 (q[i].flags & TRACE_QF_CD ? DNS_FLAG_CD : 0);
		dns_build_init(&b, buf, sizeof(buf), (uint16_t)i, flags);
		dns_build_question(&b, name, name_len, q[i].qtype, q[i].qclass);
		if (q[i].flags & TRACE_QF_DO)
			dns_build_opt(&b, 1232, 1);
		const struct trace_addr *c = trace_client(t, q[i].client_id);
		const struct trace_addr *r = trace_resolver(t, q[i].resolver_id);
		if (pcap_write_udp(d, trace_start_time_ns(t) + q[i].time_ns, c,
		                   (uint16_t)(1024 + q[i].client_id % 60000), r, 53, buf,
		                   dns_build_len(&b)) == 0)
			written++;
	}
	int rc = pcap_dump_flush(d);
	pcap_dump_close(d);
	pcap_close(dead);
	if (rc) {
		snprintf(err, err_size, "%s: write failed", path);
		return -1;
	}
	return written;
}
