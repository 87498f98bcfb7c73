/*
 * cmd_results — `sharesim report` and `sharesim plot`.
 */
#include <stdio.h>
#include <string.h>

#include "analysis/merge.h"
#include "analysis/plot.h"
#include "analysis/report.h"
#include "sim/commands.h"

static const char report_usage[] =
	"usage: sharesim report RESULTS.sqlite [--experiment NAME] [--csv|--tsv|--json] [--means]\n\n"
	"A table per experiment: per run, its swept parameters, status, queries, hit rate (all, from\n"
	"the node's own resolutions, from peers' shares), upstream queries, share messages and bytes\n"
	"sent per resolver per second, rejected shares and wall time. When points repeat\n"
	"(experiment.repeat), a second table gives each point's mean over its repetitions with the\n"
	"half width of its 95% confidence interval (Student's t); --means prints only that one\n"
	"(also as CSV or TSV). --json prints {\"experiments\": [{\"name\", \"runs\": [{\"run\", \"name\",\n"
	"\"status\", \"reason\", \"seed\", \"repetition\", \"trace_digest\", \"version\", \"itervars\",\n"
	"\"scalars\"}], \"points\": [{\"itervars\", \"runs\", \"mean\", \"ci95\"}]}]}.\n";

int cmd_report(int argc, char **argv)
{
	const char *path = NULL, *experiment = NULL;
	enum report_format format = REPORT_TEXT;
	int means = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(report_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--csv")) {
			format = REPORT_CSV;
		} else if (!strcmp(argv[i], "--tsv")) {
			format = REPORT_TSV;
		} else if (!strcmp(argv[i], "--json")) {
			format = REPORT_JSON;
		} else if (!strcmp(argv[i], "--means")) {
			means = 1;
		} else if (!strcmp(argv[i], "--experiment") && i + 1 < argc) {
			experiment = argv[++i];
		} else if (argv[i][0] == '-' || path) {
			fprintf(stderr, "sharesim report: unexpected argument '%s'\n%s", argv[i], report_usage);
			return 2;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		fputs(report_usage, stderr);
		return 2;
	}
	char err[1024];
	if (report_print(path, experiment, format, means, stdout, err, sizeof(err))) {
		fprintf(stderr, "sharesim report: %s\n", err);
		return 1;
	}
	return 0;
}

static const char plot_usage[] =
	"usage: sharesim plot RESULTS.sqlite -o DIR [--experiment NAME] [--x KEY] [--format png,svg,pdf]\n\n"
	"Draws with gnuplot, from the database alone, the figures of every experiment (or the one\n"
	"named) into DIR/EXPERIMENT/: hit rate, hits on shared data, upstream load and its peak,\n"
	"share messages and bytes per resolver per second, median and 95th percentile client latency,\n"
	"and (when some run has them) stale answers, their age, update delay, answer mismatches and\n"
	"rejected shares. The x axis is --x (a swept key, full or after its last dot), else\n"
	"resolvers.nodes when swept, else the numeric swept key with most values; every other swept\n"
	"key makes a series. Repetitions (experiment.repeat) are drawn as their mean with a 95%\n"
	"confidence band (Student's t). Formats: png, svg, pdf (default: all three). Beside each\n"
	"figure: the plotted data (.tsv) and the gnuplot script (.gp) that drew it.\n";

int cmd_plot(int argc, char **argv)
{
	const char *path = NULL;
	struct plot_options o = { .formats = "png,svg,pdf", .list = stdout };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(plot_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			o.dir = argv[++i];
		} else if (!strcmp(argv[i], "--experiment") && i + 1 < argc) {
			o.experiment = argv[++i];
		} else if (!strcmp(argv[i], "--x") && i + 1 < argc) {
			o.x_key = argv[++i];
		} else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			o.formats = argv[++i];
		} else if (argv[i][0] == '-' || path) {
			fprintf(stderr, "sharesim plot: unexpected argument '%s'\n%s", argv[i], plot_usage);
			return 2;
		} else {
			path = argv[i];
		}
	}
	if (!path || !o.dir) {
		fputs(plot_usage, stderr);
		return 2;
	}
	char err[1024];
	if (plot_all(path, &o, err, sizeof(err))) {
		fprintf(stderr, "sharesim plot: %s\n", err);
		return 1;
	}
	return 0;
}

static const char merge_usage[] =
	"usage: sharesim merge INTO.sqlite FROM.sqlite...\n\n"
	"Appends every run of each FROM database (parallel jobs, Slurm array tasks, other machines)\n"
	"to INTO, created if new, one transaction per database. Runs already in INTO are skipped.\n";

int cmd_merge(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(merge_usage, stdout);
		return 0;
	}
	if (argc < 3) {
		fputs(merge_usage, stderr);
		return 2;
	}
	int status = 0;
	for (int i = 2; i < argc; i++) {
		char err[1024];
		size_t added;
		if (results_merge(argv[1], argv[i], &added, err, sizeof(err))) {
			fprintf(stderr, "sharesim merge: %s\n", err);
			status = 1;
			continue;
		}
		printf("%s: %zu run(s) from %s\n", argv[1], added, argv[i]);
	}
	return status;
}
