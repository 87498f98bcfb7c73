/*
 * The classic hold-model benchmark of a pending-event set (Vaucher and Duval 1975; Jones 1986):
 * a fixed population of events is scheduled, then each pop schedules one new event at an
 * exponentially distributed increment after the popped one, so the population stays constant.
 * Prints events per second of sharesim's engine (sim/event.c) for each population.
 *
 * The increments come from one table (mean 1 ms), made before the clock starts and shared in
 * spirit with experiments/perf/ns3-hold.cc, so that neither side pays for random numbers and
 * both pay for the same thing: pop, dispatch, schedule.
 *
 * usage: bench_hold [EVENTS [POPULATION...]]   (default: 10000000 events; 1000 100000 1000000)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/event.h"

#define INCREMENTS (1u << 20)

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: another busy process does not count */
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Exponential increments, mean 1 ms in ns, from a fixed xorshift64* stream (the same stream,
 * seed and formula as in ns3-hold.cc). */
static void make_increments(sim_time *inc)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (uint32_t i = 0; i < INCREMENTS; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		double u = (double)((x * 0x2545f4914f6cdd1dull) >> 11) * 0x1.0p-53;
		inc[i] = (sim_time)(-log1p(-u) * 1e6) + 1;
	}
}

int main(int argc, char **argv)
{
	uint64_t events = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
	static const uint64_t default_populations[] = { 1000, 100000, 1000000 };
	int npop = argc > 2 ? argc - 2 : 3;
	sim_time *inc = malloc(INCREMENTS * sizeof(*inc));
	if (!inc || events == 0)
		return 1;
	make_increments(inc);
	printf("%-10s %12s %10s %14s\n", "population", "events", "seconds", "events/s");
	for (int k = 0; k < npop; k++) {
		uint64_t population = argc > 2 ? strtoull(argv[2 + k], NULL, 10) : default_populations[k];
		struct event_queue q;
		if (population == 0 || ev_init(&q, population))
			return 1;
		uint32_t j = 0;
		for (uint64_t i = 0; i < population; i++)
			ev_push(&q, inc[j++ & (INCREMENTS - 1)], 0, 0, i);
		uint64_t dispatched = 0, checksum = 0;
		struct event e;
		double t0 = seconds();
		for (uint64_t i = 0; i < events; i++) {
			ev_pop(&q, &e);
			switch (e.kind) { /* dispatch, as the simulator does */
			case 0:
				dispatched++;
				checksum += e.arg;
				break;
			default:
				abort();
			}
			if (ev_push(&q, e.time + inc[j++ & (INCREMENTS - 1)], 0, 0, e.arg))
				return 1;
		}
		double dt = seconds() - t0;
		printf("%-10llu %12llu %10.3f %14.0f\n", (unsigned long long)population,
		       (unsigned long long)dispatched, dt, (double)events / dt);
		fprintf(stderr, "checksum %llu, final time %lld\n", (unsigned long long)checksum, (long long)e.time);
		ev_free(&q);
	}
	free(inc);
	return 0;
}
