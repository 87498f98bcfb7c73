/* Experiment files: defaults, sweeps in a fixed order, overrides, and exact error messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sim/config.h"

static char dir[64];

static const char *write_ini(const char *name, const char *text)
{
	static char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/sharesim-config-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static void test_sweep_order_and_names(void **state)
{
	(void)state;
	const char *path = write_ini("sweep.ini",
		"[experiment]\nname = demo\ntrace = t.trace\nrepeat = 2\n"
		"[resolvers]\nnodes = 1, 4\n[share]\ntransport = none, unicast\nquestion = remove\n");
	struct experiment *e;
	char err[512];
	assert_int_equal(experiment_load(path, NULL, 0, &e, err, sizeof(err)), 0);
	assert_string_equal(experiment_name(e), "demo");
	assert_int_equal(experiment_point_count(e), 8);
	static struct experiment_point pt;
	const char *names[] = {
		"demo-nodes=1,transport=none-r0", "demo-nodes=1,transport=none-r1",
		"demo-nodes=1,transport=unicast-r0", "demo-nodes=1,transport=unicast-r1",
		"demo-nodes=4,transport=none-r0", "demo-nodes=4,transport=none-r1",
		"demo-nodes=4,transport=unicast-r0", "demo-nodes=4,transport=unicast-r1",
	};
	for (size_t i = 0; i < 8; i++) {
		assert_int_equal(experiment_point(e, i, &pt, err, sizeof(err)), 0);
		assert_string_equal(pt.run_name, names[i]);
		assert_int_equal(pt.params.repetition, i % 2);
	}
	assert_int_equal(experiment_point(e, 6, &pt, err, sizeof(err)), 0);
	assert_int_equal(pt.params.nodes, 4);
	assert_int_equal(pt.params.transport, SHARE_UNICAST);
	assert_int_equal(pt.params.question, SHARE_QUESTION_REMOVE);
	assert_int_equal(pt.itervar_count, 2);
	assert_string_equal(pt.itervars[0].name, "resolvers.nodes");
	assert_string_equal(pt.itervars[1].value, "unicast");
	/* Defaults, with their units resolved. */
	assert_int_equal(pt.params.seed, 1);
	assert_int_equal(pt.params.tsig_fudge, 300);
	assert_int_equal(pt.params.edns_udp_size, 1232);
	assert_int_equal(pt.params.cache_max_ttl, 86400);
	assert_int_equal(pt.params.ip_version, 4);
	assert_true(pt.params.require_aa);
	assert_string_equal(pt.params.receiver_key_spec, pt.params.key_spec); /* defaults to the key */
	/* The trace path is relative to the experiment file's folder. */
	char expected[256];
	snprintf(expected, sizeof(expected), "%s/t.trace", dir);
	assert_string_equal(pt.params.trace_path, expected);
	assert_string_equal(pt.param_rows[0].name, "experiment.name");
	assert_int_equal(pt.param_count, 61);
	experiment_free(e);
}

static void test_overrides(void **state)
{
	(void)state;
	const char *path = write_ini("o.ini", "[experiment]\ntrace = t.trace\n[resolvers]\nnodes = 1, 2\n");
	const char *sets[] = { "resolvers.nodes=8", "network.ip=6", "experiment.trace=rel.trace",
		               "share.ttl_threshold = 60, 300" };
	struct experiment *e;
	char err[512];
	assert_int_equal(experiment_load(path, sets, 4, &e, err, sizeof(err)), 0);
	assert_int_equal(experiment_point_count(e), 2);
	static struct experiment_point pt;
	assert_int_equal(experiment_point(e, 1, &pt, err, sizeof(err)), 0);
	assert_int_equal(pt.params.nodes, 8);
	assert_int_equal(pt.params.ip_version, 6);
	assert_int_equal(pt.params.ttl_threshold, 300);
	assert_string_equal(pt.params.trace_path, "rel.trace"); /* --set paths: from the cwd */
	assert_string_equal(pt.run_name, "experiment-ttl_threshold=300-r0");
	experiment_free(e);
}

static void expect_error(const char *text, const char *const *sets, size_t nsets, const char *message)
{
	const char *path = write_ini("bad.ini", text);
	struct experiment *e = NULL;
	char err[512], expected[512];
	assert_int_not_equal(experiment_load(path, sets, nsets, &e, err, sizeof(err)), 0);
	assert_null(e);
	snprintf(expected, sizeof(expected), message, path);
	assert_string_equal(err, expected);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("[experiment]\ntrace = t\n[share]\nwhatever = 1\n", NULL, 0,
	             "%s:4: error: unknown key 'whatever' in [share]");
	expect_error("[experimnet]\ntrace = t\n", NULL, 0, "%s:2: error: unknown section [experimnet]");
	expect_error("[experiment]\ntrace = t\n[resolvers]\nnodes = many\n", NULL, 0,
	             "%s:4: error: bad value 'many' for resolvers.nodes: expected an integer 1..100000");
	expect_error("[resolvers]\nnodes = 0\n", NULL, 0,
	             "%s:2: error: bad value '0' for resolvers.nodes: expected an integer 1..100000");
	expect_error("[resolvers]\nnodes = -3\n", NULL, 0,
	             "%s:2: error: bad value '-3' for resolvers.nodes: expected an integer 1..100000");
	expect_error("[share]\ntransport = carrier-pigeon\n", NULL, 0,
	             "%s:2: error: bad value 'carrier-pigeon' for share.transport: expected one of none, unicast, multicast, hub, pull, pubsub");
	expect_error("[network]\nloss = 1.5\n", NULL, 0,
	             "%s:2: error: bad value '1.5' for network.loss: expected a number in [0, 1]");
	expect_error("[share]\nkey = k.:abc*\n", NULL, 0,
	             "%s:2: error: bad value for share.key: TSIG key: secret is not base64 (character 4)");
	expect_error("[experiment]\nname = x\nthis is not ini\n", NULL, 0,
	             "%s:3: error: not an INI line ([section] or key = value)");
	expect_error("[experiment]\nname = x\n", NULL, 0,
	             "%s: error: experiment.trace is not set (a trace made by 'sharesim import')");
	const char *bad_set[] = { "resolvers.nodez=3" };
	expect_error("[experiment]\ntrace = t\n", bad_set, 1,
	             "--set resolvers.nodez=3: error: unknown key 'resolvers.nodez' (see sharesim run --list-params)%.0s");
	struct experiment *e;
	char err[512];
	assert_int_not_equal(experiment_load("/nonexistent/x.ini", NULL, 0, &e, err, sizeof(err)), 0);
	assert_string_equal(err, "/nonexistent/x.ini: No such file or directory");
}

static void test_registry_documents_every_key(void **state)
{
	(void)state;
	struct param_doc d;
	size_t n = 0;
	for (; config_param_doc(n, &d) == 0; n++)
		assert_true(strlen(d.doc) > 10);
	assert_int_equal(n, 61);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep_order_and_names),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_registry_documents_every_key),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
