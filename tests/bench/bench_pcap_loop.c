/*
 * The floor for experiments/perf/import: a bare libpcap read loop that touches every packet
 * (sums the captured lengths) and does nothing else. usage: bench_pcap_loop FILE.pcap
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <time.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE.pcap\n", argv[0]);
		return 2;
	}
	char err[PCAP_ERRBUF_SIZE];
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	pcap_t *p = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, err);
	if (!p) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long long packets = 0, bytes = 0;
	while (pcap_next_ex(p, &h, &data) == 1) {
		packets++;
		bytes += h->caplen + data[h->caplen - 1];
	}
	pcap_close(p);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("%llu packets %llu bytes %.6f s\n", packets, bytes, s);
	return 0;
}
