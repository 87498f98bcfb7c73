/*
 * cmd_run — `sharesim run`: every point of an experiment's sweep into a results database.
 * A point that fails is marked failed and the sweep goes on; SIGINT/SIGTERM stop the run in
 * progress (marked interrupted) and the sweep.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analysis/results.h"
#include "nodes/share_pcap.h"
#include "sim/commands.h"
#include "sim/config.h"
#include "sim/run.h"
#include "traces/trace.h"

static volatile sig_atomic_t stop_requested;
#define MAX_JOBS 256
static pid_t workers[MAX_JOBS]; /* with -j: the processes to pass a stop request on to */
static volatile sig_atomic_t worker_count;

static void on_signal(int sig)
{
	stop_requested = 1;
	sim_run_interrupt();
	for (sig_atomic_t k = 0; k < worker_count; k++)
		if (workers[k] > 0)
			kill(workers[k], sig);
}

static const char run_usage[] =
	"usage: sharesim run EXPERIMENT.ini [--set section.key=value]... [-o RESULTS.sqlite]\n"
	"                    [--share-pcap FILE] [--dry-run] [-j N]\n"
	"       sharesim run --list-params\n\n"
	"-j N runs N points at a time, each in its own process, all writing to the one database.\n"
	"Runs every point of the experiment's sweep (keys listing several values, times\n"
	"experiment.repeat) and appends the runs to the database (default results/NAME.sqlite).\n"
	"--share-pcap writes every share message sent to a pcap (one-point experiments only).\n";

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void list_params(void)
{
	struct param_doc d;
	printf("%-26s %-14s %-6s %s\n", "key", "default", "unit", "meaning [source]");
	for (size_t i = 0; config_param_doc(i, &d) == 0; i++)
		printf("%-26s %-14s %-6s %s%s%s%s\n", d.name, d.default_value[0] ? d.default_value : "\"\"",
		       d.unit[0] ? d.unit : "-", d.doc, d.source[0] ? " [" : "", d.source, d.source[0] ? "]" : "");
}

/* One point: run it and store it. Returns 0, 1 for a failed run, -1 for a database error. */
static int run_point(struct results_db *db, const struct experiment *e, size_t i, size_t count,
                     const struct trace *t, struct share_pcap *sp)
{
	struct experiment_point pt;
	char err[1024];
	if (experiment_point(e, i, &pt, err, sizeof(err))) {
		fprintf(stderr, "sharesim run: %s\n", err);
		return -1;
	}
	struct results_run_info info = {
		.experiment = experiment_name(e), .run_name = pt.run_name,
		.trace_path = pt.params.trace_path, .trace_digest = trace_digest(t),
		.seed = pt.params.seed, .repetition = pt.params.repetition,
		.params = pt.param_rows, .param_count = pt.param_count,
		.itervars = pt.itervars, .itervar_count = pt.itervar_count,
	};
	int64_t run_id;
	if (results_run_begin(db, &info, &run_id, err, sizeof(err))) {
		fprintf(stderr, "sharesim run: %s\n", err);
		return -1;
	}
	struct metrics m;
	struct run_summary s;
	double start = now_seconds();
	int rc = sim_run(&pt.params, t, sp, &m, &s, err, sizeof(err));
	s.wall_seconds = now_seconds() - start;
	if (rc) {
		fprintf(stderr, "sharesim run: %s: %s\n", pt.run_name, err);
		char dberr[1024];
		metrics_free(&m);
		if (results_run_fail(db, run_id, rc == SIM_RUN_INTERRUPTED ? "interrupted" : "failed", err,
		                     dberr, sizeof(dberr)))
			fprintf(stderr, "sharesim run: %s\n", dberr);
		return 1;
	}
	if (results_run_finish(db, run_id, &m, &s, err, sizeof(err))) {
		fprintf(stderr, "sharesim run: %s\n", err);
		metrics_free(&m);
		return -1;
	}
	double q = (double)metrics_total(&m, CTR_QUERIES);
	double own = q > 0 ? 100 * (double)metrics_total(&m, CTR_HITS_OWN) / q : 0;
	double shared = q > 0 ? 100 * (double)metrics_total(&m, CTR_HITS_SHARED) / q : 0;
	printf("[%zu/%zu] %s: %.0f queries, hit %.2f%% (own %.2f%%, shared %.2f%%), %llu share msgs, %.2f s\n",
	       i + 1, count, pt.run_name, q, own + shared, own, shared,
	       (unsigned long long)metrics_total(&m, CTR_SHARE_SENT_MSGS), s.wall_seconds);
	fflush(stdout);
	metrics_free(&m);
	return 0;
}

/* Worker k of jobs runs points k, k + jobs, ...; returns its exit status. */
static int worker(const char *out, const struct experiment *e, size_t count, const struct trace *t,
                  int k, int jobs)
{
	struct results_db *db;
	char err[1024];
	if (results_open(out, &db, err, sizeof(err))) {
		fprintf(stderr, "sharesim run: %s\n", err);
		return 3;
	}
	int failures = 0, rc = 0;
	for (size_t i = (size_t)k; i < count && !stop_requested && rc >= 0; i += (size_t)jobs) {
		rc = run_point(db, e, i, count, t, NULL);
		failures += rc > 0;
	}
	results_close(db);
	return rc < 0 ? 3 : failures ? 1 : 0;
}

/* Fork the workers and wait for them: the number of those that failed, or -1. */
static int run_workers(const char *out, const struct experiment *e, size_t count,
                       const struct trace *t, int jobs)
{
	fflush(stdout);
	for (int k = 0; k < jobs; k++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("sharesim run: fork");
			return -1;
		}
		if (pid == 0) {
			worker_count = 0;
			_exit(worker(out, e, count, t, k, jobs));
		}
		workers[k] = pid;
		worker_count = k + 1;
	}
	int failed = 0, db_error = 0;
	for (int k = 0; k < jobs; k++) {
		int st;
		while (waitpid(workers[k], &st, 0) < 0 && errno == EINTR)
			;
		int code = WIFEXITED(st) ? WEXITSTATUS(st) : 3;
		failed += code != 0;
		db_error |= code == 3;
	}
	worker_count = 0;
	return db_error ? -1 : failed;
}

static int parse_args(int argc, char **argv, const char **ini, const char **out, const char **pcap,
                      const char **sets, size_t *nsets, int *dry_run, int *jobs)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(run_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--list-params")) {
			list_params();
			return 0;
		} else if (!strcmp(argv[i], "--set") && i + 1 < argc) {
			sets[(*nsets)++] = argv[++i];
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			*out = argv[++i];
		} else if (!strcmp(argv[i], "--share-pcap") && i + 1 < argc) {
			*pcap = argv[++i];
		} else if (!strcmp(argv[i], "--dry-run")) {
			*dry_run = 1;
		} else if (!strcmp(argv[i], "-j") && i + 1 < argc) {
			char *end;
			long j = strtol(argv[++i], &end, 10);
			if (*end || j < 1 || j > MAX_JOBS) {
				fprintf(stderr, "sharesim run: -j: expected 1..%d processes, not '%s'\n", MAX_JOBS, argv[i]);
				return 2;
			}
			*jobs = (int)j;
		} else if (argv[i][0] == '-' || *ini) {
			fprintf(stderr, "sharesim run: unexpected argument '%s'\n%s", argv[i], run_usage);
			return 2;
		} else {
			*ini = argv[i];
		}
	}
	if (!*ini) {
		fputs(run_usage, stderr);
		return 2;
	}
	return -1; /* go on */
}

int cmd_run(int argc, char **argv)
{
	const char *ini = NULL, *out = NULL, *pcap_path = NULL;
	const char **sets = calloc((size_t)argc, sizeof(*sets));
	size_t nsets = 0;
	int dry_run = 0, jobs = 1;
	if (!sets)
		return 1;
	int status = parse_args(argc, argv, &ini, &out, &pcap_path, sets, &nsets, &dry_run, &jobs);
	if (status >= 0) {
		free(sets);
		return status;
	}
	struct experiment *e = NULL;
	struct trace *t = NULL;
	struct results_db *db = NULL;
	struct share_pcap *sp = NULL;
	char err[1024], default_out[512];
	status = 1;
	if (experiment_load(ini, sets, nsets, &e, err, sizeof(err))) {
		fprintf(stderr, "sharesim run: %s\n", err);
		goto done;
	}
	size_t count = experiment_point_count(e);
	struct experiment_point first;
	if (experiment_point(e, 0, &first, err, sizeof(err))) {
		fprintf(stderr, "sharesim run: %s\n", err);
		goto done;
	}
	if (dry_run) {
		for (size_t i = 0; i < count; i++)
			if (experiment_point(e, i, &first, err, sizeof(err)) == 0)
				printf("[%zu/%zu] %s\n", i + 1, count, first.run_name);
		status = 0;
		goto done;
	}
	if (pcap_path && count != 1) {
		fprintf(stderr, "sharesim run: --share-pcap needs a one-point experiment (this one has %zu points)\n", count);
		status = 2;
		goto done;
	}
	if (trace_open(first.params.trace_path, &t, err, sizeof(err))) {
		fprintf(stderr, "sharesim run: %s\n", err);
		goto done;
	}
	if (!out) {
		mkdir("results", 0777);
		snprintf(default_out, sizeof(default_out), "results/%s.sqlite", experiment_name(e));
		out = default_out;
	}
	if (results_open(out, &db, err, sizeof(err)) ||
	    (pcap_path && share_pcap_open(pcap_path, first.params.ip_version, &sp, err, sizeof(err)))) {
		fprintf(stderr, "sharesim run: %s\n", err);
		goto done;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	int failures = 0;
	if (jobs > 1 && count > 1) {
		results_close(db); /* each worker opens its own connection */
		db = NULL;
		failures = run_workers(out, e, count, t, jobs < (int)count ? jobs : (int)count);
		if (failures < 0)
			goto done;
	}
	for (size_t i = 0; db && i < count && !stop_requested; i++) {
		int rc = run_point(db, e, i, count, t, sp);
		if (rc < 0)
			goto done;
		failures += rc;
	}
	if (stop_requested)
		fprintf(stderr, "sharesim run: interrupted; finished runs are stored in %s\n", out);
	status = failures || stop_requested ? 1 : 0;
	if (!stop_requested)
		printf("%s: %zu run(s)%s\n", out, count, failures ? ", some failed" : "");
done:
	if (sp && share_pcap_close(sp, err, sizeof(err))) {
		fprintf(stderr, "sharesim run: %s\n", err);
		status = 1;
	}
	results_close(db);
	trace_close(t);
	experiment_free(e);
	free(sets);
	return status;
}
