/*
 * main — the `sharesim` program: dispatches to a subcommand (sim/commands.h).
 */
#include <stdio.h>
#include <string.h>

#include "sim/commands.h"
#include "sim/version.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{ "import", cmd_import, "turn pcap/pcapng captures or Zeek dns.log files into a trace file" },
	{ "info", cmd_info, "describe a trace file: queries, names, clients, skipped packets" },
	{ "export", cmd_export, "write a trace's client queries as a pcap, for replay to a real resolver" },
	{ "synth", cmd_synth, "write a synthetic workload (Zipf names, Poisson arrivals) as a pcap" },
	{ "run", cmd_run, "run every point of an experiment's sweep into a results database" },
	{ "report", cmd_report, "print a table per experiment from a results database" },
	{ "plot", cmd_plot, "draw gnuplot figures from a results database" },
	{ "merge", cmd_merge, "append the runs of results databases to another one" },
	{ "zone", cmd_zone, "write the authority model of an experiment as a zone file (for NSD)" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: sharesim COMMAND [ARGS...]   (sharesim COMMAND --help for details)\n\n"
	             "A testbed for DNS cache sharing between cooperating resolvers.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(out, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(name, "--version")) {
		printf("sharesim %s\n", SHARESIM_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(name, subcommands[i].name))
			return subcommands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "sharesim: unknown command '%s'\n", name);
	usage(stderr);
	return 2;
}
