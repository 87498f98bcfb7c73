/*
 * time — simulated time is an integer count of nanoseconds (as ns-3's Time): no floating
 * drift, exact ties, and 292 years of range.
 */
#ifndef SHARESIM_TIME_H
#define SHARESIM_TIME_H

#include <stdint.h>

typedef int64_t sim_time;

#define SIM_NS ((sim_time)1)
#define SIM_US ((sim_time)1000)
#define SIM_MS ((sim_time)1000000)
#define SIM_S ((sim_time)1000000000)

/** Milliseconds (a parameter's unit) to simulated time, rounded to the nearest ns. */
static inline sim_time sim_time_from_ms(double ms) { return (sim_time)(ms * 1e6 + (ms >= 0 ? 0.5 : -0.5)); }
static inline double sim_time_to_s(sim_time t) { return (double)t / 1e9; }

#endif
