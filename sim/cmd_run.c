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
	"                    [-j N] [--point K] [--again] [--progress|--quiet] [--share-pcap FILE]\n"
	"                    [--dry-run] [--emit-jobs [--jobs-dir DIR]]\n"
	"       sharesim run --list-params\n\n"
	"Runs every point of the experiment's sweep (keys listing several values, times\n"
	"experiment.repeat) and appends the runs to the database (default results/NAME.sqlite).\n"
	"A point whose configuration (every parameter, trace digest, repetition, version) already has\n"
	"a finished run in the database is skipped, so re-running a sweep adds only what is missing\n"
	"and an interrupted sweep resumes; --again runs every point anyway.\n"
	"-j N runs N points at a time, each in its own process, all writing to the one database.\n"
	"--point K runs only point K (1-based, as --dry-run numbers them).\n"
	"--emit-jobs prints, for each point not yet done, one shell command that runs it into its own\n"
	"database under DIR (default: RESULTS without .sqlite, plus .parts/), for GNU parallel or a\n"
	"Slurm job array; then `sharesim merge RESULTS.sqlite DIR/*.sqlite`.\n"
	"--progress shows events, simulated time, rate and ETA of long runs (the default on a\n"
	"terminal); --quiet does not.\n"
	"--share-pcap writes every share message sent to a pcap (one-point experiments only).\n";

/* Options of `sharesim run` beyond the experiment file and --set. */
struct run_options {
	const char *out, *pcap_path, *jobs_dir;
	int dry_run, jobs, again, emit_jobs, progress; /* progress: -1 auto, 0 off, 1 on */
	long point;                                    /* 1-based; 0: every point */
};

static int again_requested, progress_wanted;

static double clock_seconds(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_seconds(void)
{
	return clock_seconds(CLOCK_MONOTONIC);
}

static void list_params(void)
{
	struct param_doc d;
	printf("%-26s %-14s %-6s %s\n", "key", "default", "unit", "meaning [source]");
	for (size_t i = 0; config_param_doc(i, &d) == 0; i++)
		printf("%-26s %-14s %-6s %s%s%s%s\n", d.name, d.default_value[0] ? d.default_value : "\"\"",
		       d.unit[0] ? d.unit : "-", d.doc, d.source[0] ? " [" : "", d.source, d.source[0] ? "]" : "");
}

/* The trace of the points being run: reopened only when a point names another one. */
struct trace_cache {
	struct trace *t;
	char path[PARAMS_PATH_MAX];
};

static const struct trace *trace_for(struct trace_cache *c, const char *path, char *err, size_t err_size)
{
	if (c->t && !strcmp(c->path, path))
		return c->t;
	struct trace *t;
	if (trace_open(path, &t, err, err_size))
		return NULL;
	trace_close(c->t);
	c->t = t;
	snprintf(c->path, sizeof(c->path), "%s", path);
	return t;
}

/* What the database records of a point (and what identifies its configuration). */
static struct results_run_info run_info(const struct experiment *e, const struct experiment_point *pt,
                                        const struct trace *t)
{
	return (struct results_run_info){
		.experiment = experiment_name(e), .run_name = pt->run_name,
		.trace_path = pt->params.trace_path, .trace_digest = trace_digest(t),
		.seed = pt->params.seed, .repetition = pt->params.repetition,
		.params = pt->param_rows, .param_count = pt->param_count,
		.itervars = pt->itervars, .itervar_count = pt->itervar_count,
	};
}

/* One point: run it and store it. Returns 0, 1 for a failed run, -1 for a database error. */
static int run_point(struct results_db *db, const struct experiment *e, size_t i, size_t count,
                     struct trace_cache *tc, struct share_pcap *sp)
{
	struct experiment_point pt;
	char err[1024];
	if (experiment_point(e, i, &pt, err, sizeof(err))) {
		fprintf(stderr, "sharesim run: %s\n", err);
		return -1;
	}
	const struct trace *t = trace_for(tc, pt.params.trace_path, err, sizeof(err));
	if (!t) {
		fprintf(stderr, "sharesim run: [%zu/%zu] %s: %s\n", i + 1, count, pt.run_name, err);
		return 1;
	}
	struct results_run_info info = run_info(e, &pt, t);
	int64_t run_id;
	int done = again_requested ? 0 : results_find_done(db, &info, &run_id);
	if (done < 0) {
		fprintf(stderr, "sharesim run: cannot search the database for finished runs\n");
		return -1;
	}
	if (done) {
		printf("[%zu/%zu] %s: already done (run %lld), skipped\n", i + 1, count, pt.run_name, (long long)run_id);
		fflush(stdout);
		return 0;
	}
	sim_run_progress(progress_wanted ? stderr : NULL, pt.run_name, progress_wanted == 2);
	if (results_run_begin(db, &info, &run_id, err, sizeof(err))) {
		fprintf(stderr, "sharesim run: %s\n", err);
		return -1;
	}
	struct metrics m;
	struct run_summary s;
	double start = now_seconds(), cpu_start = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
	int rc = sim_run(&pt.params, t, sp, &m, &s, err, sizeof(err));
	s.wall_seconds = now_seconds() - start;
	s.cpu_seconds = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
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
	double pulled = q > 0 ? 100 * (double)metrics_total(&m, CTR_PULL_HITS) / q : 0;
	char central[48] = "";
	if (pulled > 0)
		snprintf(central, sizeof(central), ", central cache %.2f%%", pulled);
	printf("[%zu/%zu] %s: %.0f queries, hit %.2f%% (own %.2f%%, shared %.2f%%%s), %llu share msgs, %.2f s\n",
	       i + 1, count, pt.run_name, q, own + shared + pulled, own, shared, central,
	       (unsigned long long)metrics_total(&m, CTR_SHARE_SENT_MSGS), s.wall_seconds);
	fflush(stdout);
	metrics_free(&m);
	return 0;
}

/* Worker k of jobs runs points k, k + jobs, ...; returns its exit status. */
static int worker(const char *out, const struct experiment *e, size_t count, struct trace_cache *tc,
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
		rc = run_point(db, e, i, count, tc, NULL);
		failures += rc > 0;
	}
	results_close(db);
	return rc < 0 ? 3 : failures ? 1 : 0;
}

/* Fork the workers and wait for them: the number of those that failed, or -1. */
static int run_workers(const char *out, const struct experiment *e, size_t count,
                       struct trace_cache *tc, int jobs)
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
			_exit(worker(out, e, count, tc, k, jobs));
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

static int parse_count(const char *what, const char *text, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(text, &end, 10);
	if (*end || end == text || v < lo || v > hi) {
		fprintf(stderr, "sharesim run: %s: expected %ld..%ld, not '%s'\n", what, lo, hi, text);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, const char **ini, const char **sets, size_t *nsets,
                      struct run_options *o)
{
	for (int i = 1; i < argc; i++) {
		long v;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(run_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--list-params")) {
			list_params();
			return 0;
		} else if (!strcmp(argv[i], "--set") && i + 1 < argc) {
			sets[(*nsets)++] = argv[++i];
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			o->out = argv[++i];
		} else if (!strcmp(argv[i], "--share-pcap") && i + 1 < argc) {
			o->pcap_path = argv[++i];
		} else if (!strcmp(argv[i], "--dry-run")) {
			o->dry_run = 1;
		} else if (!strcmp(argv[i], "--again")) {
			o->again = 1;
		} else if (!strcmp(argv[i], "--emit-jobs")) {
			o->emit_jobs = 1;
		} else if (!strcmp(argv[i], "--jobs-dir") && i + 1 < argc) {
			o->jobs_dir = argv[++i];
		} else if (!strcmp(argv[i], "--progress")) {
			o->progress = 1;
		} else if (!strcmp(argv[i], "--quiet")) {
			o->progress = 0;
		} else if (!strcmp(argv[i], "--point") && i + 1 < argc) {
			if (parse_count("--point", argv[++i], 1, 1L << 40, &o->point))
				return 2;
		} else if (!strcmp(argv[i], "-j") && i + 1 < argc) {
			if (parse_count("-j", argv[++i], 1, MAX_JOBS, &v))
				return 2;
			o->jobs = (int)v;
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

/* A word for a POSIX shell: single-quoted, with embedded quotes closed and escaped. */
static void shell_word(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	fputc('\'', out);
}

/* One command per point not yet done, each into its own database under dir. */
static int emit_jobs(const struct experiment *e, size_t count, const char *ini, const char **sets, size_t nsets,
                     const char *out, const char *dir_arg, struct results_db *db, struct trace_cache *tc)
{
	char cwd[4096], self[4096], ini_abs[4096], dir[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (!getcwd(cwd, sizeof(cwd)) || n <= 0 || !realpath(ini, ini_abs)) {
		fprintf(stderr, "sharesim run: --emit-jobs: cannot resolve the paths: %s\n", strerror(errno));
		return 1;
	}
	self[n] = '\0';
	if (dir_arg) {
		snprintf(dir, sizeof(dir), "%s", dir_arg);
	} else {
		size_t len = strlen(out);
		if (len > 7 && !strcmp(out + len - 7, ".sqlite"))
			len -= 7;
		snprintf(dir, sizeof(dir), "%.*s.parts", (int)len, out);
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "sharesim run: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	size_t emitted = 0, skipped = 0;
	for (size_t i = 0; i < count; i++) {
		struct experiment_point pt;
		char err[1024];
		if (experiment_point(e, i, &pt, err, sizeof(err))) {
			fprintf(stderr, "sharesim run: %s\n", err);
			return 1;
		}
		const struct trace *t = trace_for(tc, pt.params.trace_path, err, sizeof(err));
		if (!t) {
			fprintf(stderr, "sharesim run: %s\n", err);
			return 1;
		}
		struct results_run_info info = run_info(e, &pt, t);
		int64_t id;
		if (!again_requested && results_find_done(db, &info, &id) == 1) {
			skipped++;
			continue;
		}
		fputs("cd ", stdout);
		shell_word(stdout, cwd);
		fputs(" && ", stdout);
		shell_word(stdout, self);
		fputs(" run ", stdout);
		shell_word(stdout, ini_abs);
		for (size_t k = 0; k < nsets; k++) {
			fputs(" --set ", stdout);
			shell_word(stdout, sets[k]);
		}
		printf(" --point %zu --quiet%s -o ", i + 1, again_requested ? " --again" : "");
		char part[4096 + 64];
		snprintf(part, sizeof(part), "%s/point-%zu.sqlite", dir, i + 1);
		shell_word(stdout, part);
		fputc('\n', stdout);
		emitted++;
	}
	fprintf(stderr, "sharesim run: %zu job(s) emitted, %zu point(s) already done in %s; once they have run:\n"
	                "  sharesim merge %s %s/*.sqlite\n", emitted, skipped, out, out, dir);
	return 0;
}

int cmd_run(int argc, char **argv)
{
	const char *ini = NULL;
	const char **sets = calloc((size_t)argc, sizeof(*sets));
	size_t nsets = 0;
	struct run_options o = { .jobs = 1, .progress = -1 };
	if (!sets)
		return 1;
	int status = parse_args(argc, argv, &ini, sets, &nsets, &o);
	if (status >= 0) {
		free(sets);
		return status;
	}
	struct experiment *e = NULL;
	struct trace_cache tc = { .t = NULL };
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
	if (o.point > 0 && (size_t)o.point > count) {
		fprintf(stderr, "sharesim run: --point %ld: the experiment has %zu point(s)\n", o.point, count);
		status = 2;
		goto done;
	}
	again_requested = o.again;
	progress_wanted = o.progress < 0 ? isatty(STDERR_FILENO) : o.progress ? 2 : 0; /* 2: asked for */
	if (o.dry_run) {
		for (size_t i = 0; i < count; i++)
			if (experiment_point(e, i, &first, err, sizeof(err)) == 0)
				printf("[%zu/%zu] %s\n", i + 1, count, first.run_name);
		status = 0;
		goto done;
	}
	if (o.pcap_path && count != 1 && o.point == 0) {
		fprintf(stderr, "sharesim run: --share-pcap needs a one-point experiment (this one has %zu points)\n", count);
		status = 2;
		goto done;
	}
	if (!trace_for(&tc, first.params.trace_path, err, sizeof(err))) {
		fprintf(stderr, "sharesim run: %s\n", err);
		goto done;
	}
	const char *out = o.out;
	if (!out) {
		mkdir("results", 0777);
		snprintf(default_out, sizeof(default_out), "results/%s.sqlite", experiment_name(e));
		out = default_out;
	}
	if (o.point > 0 && experiment_point(e, (size_t)o.point - 1, &first, err, sizeof(err))) {
		fprintf(stderr, "sharesim run: %s\n", err);
		goto done;
	}
	if (results_open(out, &db, err, sizeof(err)) ||
	    (o.pcap_path && share_pcap_open(o.pcap_path, first.params.ip_version, &sp, err, sizeof(err)))) {
		fprintf(stderr, "sharesim run: %s\n", err);
		goto done;
	}
	if (o.emit_jobs) {
		status = emit_jobs(e, count, ini, sets, nsets, out, o.jobs_dir, db, &tc);
		goto done;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	int failures = 0;
	if (o.jobs > 1 && count > 1 && o.point == 0) {
		results_close(db); /* each worker opens its own connection */
		db = NULL;
		progress_wanted = 0; /* several runs at once: one line per finished run instead */
		failures = run_workers(out, e, count, &tc, o.jobs < (int)count ? o.jobs : (int)count);
		if (failures < 0)
			goto done;
	}
	size_t from = o.point > 0 ? (size_t)o.point - 1 : 0, to = o.point > 0 ? (size_t)o.point : count;
	for (size_t i = from; db && i < to && !stop_requested; i++) {
		int rc = run_point(db, e, i, count, &tc, sp);
		if (rc < 0)
			goto done;
		failures += rc;
	}
	if (stop_requested)
		fprintf(stderr, "sharesim run: interrupted; finished runs are stored in %s\n", out);
	status = failures || stop_requested ? 1 : 0;
	if (!stop_requested)
		printf("%s: %zu point(s)%s\n", out, to - from, failures ? ", some failed" : "");
done:
	if (sp && share_pcap_close(sp, err, sizeof(err))) {
		fprintf(stderr, "sharesim run: %s\n", err);
		status = 1;
	}
	results_close(db);
	trace_close(tc.t);
	experiment_free(e);
	free(sets);
	return status;
}
