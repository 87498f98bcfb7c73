/*
 * metrics — storage for per-node, per-bin counters and Unbound-style latency histograms.
 */
#include "sim/metrics.h"

#include <stdlib.h>

static const char *const counter_names[CTR__COUNT] = {
#define METRICS_NAME(id, name, doc) [CTR_##id] = name,
	METRICS_COUNTERS(METRICS_NAME)
#undef METRICS_NAME
};

static const char *const counter_docs[CTR__COUNT] = {
#define METRICS_DOC(id, name, doc) [CTR_##id] = doc,
	METRICS_COUNTERS(METRICS_DOC)
#undef METRICS_DOC
};

static const char *const latency_names[LAT__COUNT] = {
#define METRICS_LNAME(id, name) [LAT_##id] = name,
	METRICS_LATENCY_CLASSES(METRICS_LNAME)
#undef METRICS_LNAME
};

const char *metrics_counter_name(enum metrics_counter c)
{
	return (unsigned)c < CTR__COUNT ? counter_names[c] : "unknown";
}

const char *metrics_counter_doc(enum metrics_counter c)
{
	return (unsigned)c < CTR__COUNT ? counter_docs[c] : "";
}

const char *metrics_latency_class_name(enum metrics_latency_class c)
{
	return (unsigned)c < LAT__COUNT ? latency_names[c] : "unknown";
}

int metrics_init(struct metrics *m, uint32_t nodes, sim_time duration, sim_time bin_width)
{
	m->counters = NULL;
	m->latency = NULL;
	m->latency_sum_ns = NULL;
	if (nodes == 0 || bin_width <= 0 || duration < 0)
		return -1;
	m->nodes = nodes;
	m->bin_width = bin_width;
	m->last_bin_start = m->last_bin_end = 0;
	m->last_bin = 0;
	uint64_t bins = (uint64_t)(duration / bin_width) + 1;
	if (duration % bin_width)
		bins++;
	if (bins > UINT32_MAX / 2)
		return -1;
	m->bins = (uint32_t)bins;
	m->counters = calloc((size_t)nodes * m->bins * CTR__COUNT, sizeof(uint64_t));
	m->latency = calloc((size_t)nodes * LAT__COUNT * METRICS_HIST_BUCKETS, sizeof(uint64_t));
	m->latency_sum_ns = calloc((size_t)nodes * LAT__COUNT, sizeof(uint64_t));
	if (!m->counters || !m->latency || !m->latency_sum_ns) {
		metrics_free(m);
		return -1;
	}
	return 0;
}

void metrics_free(struct metrics *m)
{
	free(m->counters);
	free(m->latency);
	free(m->latency_sum_ns);
	m->counters = m->latency = m->latency_sum_ns = NULL;
}

uint32_t metrics_bin_slow(struct metrics *m, sim_time t)
{
	int64_t b = t / m->bin_width;
	if (b < 0)
		return 0;
	if ((uint64_t)b >= m->bins)
		return m->bins - 1;
	m->last_bin = (uint32_t)b;
	m->last_bin_start = b * m->bin_width;
	m->last_bin_end = m->last_bin_start + m->bin_width;
	return m->last_bin;
}

uint64_t metrics_total(const struct metrics *m, enum metrics_counter c)
{
	uint64_t sum = 0;
	size_t rows = (size_t)m->nodes * m->bins;
	for (size_t i = 0; i < rows; i++)
		sum += m->counters[i * CTR__COUNT + c];
	return sum;
}

uint64_t metrics_bucket_low_us(unsigned bucket)
{
	return bucket == 0 ? 0 : (uint64_t)1 << (bucket - 1);
}

double metrics_histogram_quantile(const uint64_t *buckets, double q)
{
	uint64_t total = 0;
	for (unsigned b = 0; b < METRICS_HIST_BUCKETS; b++)
		total += buckets[b];
	if (total == 0)
		return 0;
	double rank = q * (double)total, seen = 0;
	for (unsigned b = 0; b < METRICS_HIST_BUCKETS; b++) {
		if (buckets[b] == 0 || seen + (double)buckets[b] < rank) {
			seen += (double)buckets[b];
			continue;
		}
		double low = (double)metrics_bucket_low_us(b);
		if (b == METRICS_HIST_BUCKETS - 1)
			return low;
		double high = (double)metrics_bucket_low_us(b + 1);
		return low + (high - low) * (rank - seen) / (double)buckets[b];
	}
	return (double)metrics_bucket_low_us(METRICS_HIST_BUCKETS - 1);
}
