// The hold-model benchmark on ns-3's engine, the peer of tests/bench/bench_hold.c (read its
// comment): a fixed population of pending events; each event, when it runs, schedules one new
// event at an exponential increment (mean 1 ms) taken from the same precomputed table, made by
// the same xorshift64* stream. Events per second of Simulator::Run for each population, with
// the scheduler named on the command line (ns3::MapScheduler is ns-3's default,
// ns3::HeapScheduler its binary heap).
//
// usage: ns3-hold SCHEDULER [EVENTS [POPULATION...]]
#include <ns3/core-module.h>

#include <ctime>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace ns3;

namespace {

constexpr uint32_t kIncrements = 1u << 20;
std::vector<int64_t> increments(kIncrements);
uint32_t next_increment;
uint64_t remaining, checksum;

// CPU time, as bench_hold measures it: another busy process does not count.
double CpuSeconds()
{
	timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void MakeIncrements()
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (uint32_t i = 0; i < kIncrements; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		double u = static_cast<double>((x * 0x2545f4914f6cdd1dull) >> 11) * 0x1.0p-53;
		increments[i] = static_cast<int64_t>(-std::log1p(-u) * 1e6) + 1;
	}
}

int64_t NextIncrement()
{
	return increments[next_increment++ & (kIncrements - 1)];
}

void Hold(uint64_t arg)
{
	checksum += arg;
	if (--remaining == 0) {
		Simulator::Stop();
		return;
	}
	Simulator::Schedule(NanoSeconds(NextIncrement()), &Hold, arg);
}

} // namespace

int main(int argc, char **argv)
{
	if (argc < 2) {
		std::fprintf(stderr, "usage: %s SCHEDULER [EVENTS [POPULATION...]]\n", argv[0]);
		return 2;
	}
	const char *scheduler = argv[1];
	uint64_t events = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10000000;
	std::vector<uint64_t> populations;
	for (int i = 3; i < argc; i++)
		populations.push_back(std::strtoull(argv[i], nullptr, 10));
	if (populations.empty())
		populations = { 1000, 100000, 1000000 };
	MakeIncrements();
	std::printf("%-10s %12s %10s %14s  %s\n", "population", "events", "seconds", "events/s", "scheduler");
	for (uint64_t population : populations) {
		ObjectFactory factory;
		factory.SetTypeId(scheduler);
		Simulator::SetScheduler(factory);
		next_increment = 0;
		checksum = 0;
		remaining = events;
		for (uint64_t i = 0; i < population; i++)
			Simulator::Schedule(NanoSeconds(NextIncrement()), &Hold, i);
		double t0 = CpuSeconds();
		Simulator::Run();
		double dt = CpuSeconds() - t0;
		std::printf("%-10llu %12llu %10.3f %14.0f  %s\n", static_cast<unsigned long long>(population),
		            static_cast<unsigned long long>(events), dt, static_cast<double>(events) / dt, scheduler);
		std::fprintf(stderr, "checksum %llu, final time %lld\n", static_cast<unsigned long long>(checksum),
		             static_cast<long long>(Simulator::Now().GetNanoSeconds()));
		Simulator::Destroy();
	}
	return 0;
}
