/*
 * config — the parameter registry and experiment files.
 *
 * Every model choice is one registry entry: its key, type, range, default, unit, meaning and
 * source. The INI reader (inih) only collects assignments; checking and sweeping happen here,
 * so a bad file is reported with its line before any run starts.
 */
#include "sim/config.h"

#include <errno.h>
#include <ini.h>
#include <libgen.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_tsig.h"
#include "sim/latency_matrix.h"

enum param_type { P_STRING, P_PATH, P_U16, P_U32, P_U64, P_DOUBLE, P_BOOL, P_ENUM, P_KEY, P_REPEAT };

struct param_def {
	const char *name; /* "section.key" */
	enum param_type type;
	size_t offset;
	double min, max;
	const char *const *choices; /* P_ENUM, NULL-terminated; the index is the enum value */
	const char *default_value, *unit, *doc, *source;
};

#define OFF(field) offsetof(struct sim_params, field)
static const char *const frontend_choices[] = { "trace", "client-hash", "random", "round-robin", NULL };
static const char *const transport_choices[] = { "none", "unicast", "multicast", "hub", "pull", "pubsub", NULL };
static const char *const subscribe_choices[] = { "all", "interest", NULL };
static const char *const question_choices[] = { "keep", "remove", NULL };
static const char *const session_choices[] = { "udp", "tcp", "tls", NULL };
static const char *const changes_choices[] = { "model", "trace", NULL };
static const char *const rules_choices[] = { "-03", "-04", NULL };
static const char *const receiver_choices[] = { "draft", "unbound-poc", NULL };
static const char *const ip_choices[] = { "4", "6", NULL };
static const char *const eviction_choices[] = { "sampled", "lru", NULL };
static const char *const site_policy_choices[] = { "spread", "nearest", "trace", NULL };

#define DEFAULT_SHARE_KEY "hmac-sha256:share.sharesim.:c2hhcmVzaW0tZGVmYXVsdC1zaGFyZS1rZXktMzJi"

static const struct param_def registry[] = {
	{ "experiment.name", P_STRING, OFF(experiment), 0, 0, NULL, "experiment", "", "name of the experiment (groups its runs in reports)", "" },
	{ "experiment.trace", P_PATH, OFF(trace_path), 0, 0, NULL, "", "path", "trace file made by 'sharesim import' (relative to the experiment file); several, comma-separated, make a swept key", "" },
	{ "experiment.seed", P_U64, OFF(seed), 0, 1.8e19, NULL, "1", "", "seed of every random stream of the run", "ns-3 RngSeedManager practice" },
	{ "experiment.repeat", P_REPEAT, 0, 1, 10000, NULL, "1", "", "repetitions of each point (repetition number feeds the RNG streams)", "OMNeT++ repeat" },
	{ "experiment.bin", P_DOUBLE, OFF(bin_seconds), 0.001, 86400, NULL, "10", "s", "width of the time bins of the counters", "" },
	{ "resolvers.nodes", P_U32, OFF(nodes), 1, 100000, NULL, "1", "", "number of cooperating resolvers", "" },
	{ "resolvers.frontend", P_ENUM, OFF(frontend), 0, 0, frontend_choices, "trace", "", "which resolver a query reaches: the address in the trace (modulo nodes), a hash of the client, random, round robin", "" },
	{ "resolvers.site_policy", P_ENUM, OFF(site_policy), 0, 0, site_policy_choices, "spread", "", "which sites a client's queries reach (with network.sites > 1): spread, any resolver, as resolvers.frontend picks among all; nearest, only the resolvers of the client's home site (a hash of the client and the seed: anycast reaching the nearest site), resolvers.frontend picking among them; trace, the home site is the capture's resolver address (its index modulo the sites), as a deployment with one address per site. The client-to-resolver path itself takes no time in the model", "anycast resolver farms (one site per region)" },
	{ "resolvers.clients", P_U32, OFF(clients), 0, 4294967295u, NULL, "0", "", "replay only the queries of this many of the trace's clients, drawn at random (stream 'clients' of the seed); 0: every client", "Jung et al. 2002, section 4: hit rate against the number of clients sharing a cache" },
	{ "resolvers.join_at", P_DOUBLE, OFF(join_at), 0, 1e9, NULL, "0", "s", "the last resolver joins the farm this long after the trace starts, with an empty cache (0: every resolver from the start); before, the frontend sends its queries to the others and no peer sends it shares", "draft slides: does a cold resolver only add noise?" },
	{ "resolvers.warm_start", P_BOOL, OFF(warm_start), 0, 1, NULL, "0", "", "the joining resolver first loads resolver 0's cache (every live entry, counted in warm.entries and warm.bytes; the transfer is taken as instant)", "PowerDNS Recursor rec_control dump-cache / load" },
	{ "resolvers.service_time", P_DOUBLE, OFF(service_time_ms), 0, 10000, NULL, "0.1", "ms", "time to answer from cache", "placeholder, to be calibrated against Unbound (issue 4)" },
	{ "cache.min_ttl", P_U32, OFF(cache_min_ttl), 0, 604800, NULL, "0", "s", "lower bound on cached TTLs", "Unbound cache-min-ttl default" },
	{ "cache.max_ttl", P_U32, OFF(cache_max_ttl), 1, 16777215, NULL, "86400", "s", "upper bound on cached TTLs", "Unbound cache-max-ttl default" },
	{ "cache.negative_ttl", P_U32, OFF(negative_ttl), 0, 604800, NULL, "900", "s", "TTL of NXDOMAIN/NODATA answers", "RFC 2308 section 5 (SOA minimum; 900 s is common), Unbound caps at 3600" },
	{ "cache.capacity", P_U32, OFF(cache_capacity), 0, 4294967295.0, NULL, "0", "entries", "entries each resolver's cache holds (0: no limit); beyond it an entry is evicted as cache.eviction says (shared entries alike; never one with a resolution in flight)", "Redis maxmemory-policy allkeys-lru (sampled), Unbound's LRU (exact): see cache.eviction" },
	{ "cache.capacity_bytes", P_U64, OFF(cache_capacity_bytes), 0, 1e15, NULL, "0", "bytes", "bytes each resolver's cache holds (0: no limit), an entry weighing its name, its answer section as the trace saw it (16 bytes per synthesised record otherwise) and 100 bytes of bookkeeping (an estimate); evicting like cache.capacity", "Unbound msg-cache-size and rrset-cache-size (4 MB each by default)" },
	{ "cache.eviction", P_ENUM, OFF(cache_eviction), 0, 0, eviction_choices, "sampled", "", "which entry goes when cache.capacity or cache.capacity_bytes is reached: sampled, the least recently used of 5 entries drawn at random (Redis's approximated LRU; the eviction sampler is seeded per resolver); lru, exactly the least recently used (as Unbound's message and RRset caches, an LRU list per slab, removing from its tail until the new entry fits; BIND 9 also purges least recently used RRsets once its cache nears max-cache-size). A use is an insert, a hit or a refresh; Knot Resolver has no per-entry eviction (its LMDB cache is cleared whole when full, or trimmed by kres-cache-gc)", "Redis maxmemory-policy allkeys-lru (maxmemory-samples 5); Unbound util/storage/lruhash.c reclaim_space; BIND 9 max-cache-size; Knot Resolver cache docs and issue #257" },
	{ "cache.serve_expired_ttl", P_U32, OFF(serve_expired_ttl), 0, 31536000, NULL, "0", "s", "serve an expired positive answer for this long after it expired, refreshing it in the background (0: off)", "RFC 8767; Unbound serve-expired with serve-expired-ttl, client timeout 0" },
	{ "cache.prefetch", P_BOOL, OFF(prefetch), 0, 1, NULL, "0", "", "refresh in the background an entry asked for in the last 10 % of its TTL", "Unbound prefetch (default no)" },
	{ "authority.latency_median", P_DOUBLE, OFF(upstream_latency_median_ms), 0, 60000, NULL, "30", "ms", "median time of a resolution from upstream (lognormal)", "placeholder, to be calibrated (issue 4)" },
	{ "authority.latency_sigma", P_DOUBLE, OFF(upstream_latency_sigma), 0, 10, NULL, "1", "", "shape of the lognormal resolution time (0 = always the median)", "placeholder" },
	{ "authority.nxdomain_share", P_DOUBLE, OFF(default_nxdomain_share), 0, 1, NULL, "0.1", "", "share of names without an answer in the trace that do not exist", "placeholder" },
	{ "authority.ttl_dist", P_STRING, OFF(default_ttl_dist), 0, 0, NULL, "fixed:3600", "", "TTL of names without an answer in the trace: fixed:SECONDS", "" },
	{ "authority.answer_rrs", P_U32, OFF(default_answer_rrs), 1, 64, NULL, "1", "", "records in a synthesised answer", "" },
	{ "authority.latency_per_zone", P_BOOL, OFF(latency_per_zone), 0, 1, NULL, "0", "", "draw the lognormal latency once per zone (the name's last two labels; a TLD, the root) from the seed, instead of once per query: a slow zone stays slow", "issue 4: per-zone resolution latency" },
	{ "authority.iterative", P_BOOL, OFF(iterative), 0, 1, NULL, "0", "", "resolve iteratively: a miss first asks a root server for the TLD's delegation and a TLD server for the SLD's, unless the resolver holds them (each step one more upstream latency draw and upstream query; delegations are not shared)", "RFC 1034 section 5.3.3" },
	{ "authority.delegation_ttl", P_U32, OFF(delegation_ttl), 1, 16777215, NULL, "172800", "s", "how long a resolver keeps a TLD or SLD delegation", "the root zone's NS TTL (2 days)" },
	{ "authority.capacity", P_U32, OFF(authority_capacity), 0, 1e9, NULL, "0", "queries/s", "upstream queries each authority answers per second (0: no limit). An authority is a zone's servers: the name's last two labels, as authority.latency_per_zone groups them, and with authority.iterative also the root and each TLD. A query beyond the capacity waits, first come first served, for the next one-second window of simulated time with room (none is dropped), its wait added to the resolution (upstream.queued, upstream.wait.us); authority.peak.per.s is the most queries any authority got in one second (a capacity above every rate measures it without limiting)", "issue 4: authorities have a capacity; queued as in a server's socket buffer (Response Rate Limiting, which drops or truncates instead, is not modelled)" },
	{ "authority.changes", P_ENUM, OFF(changes_from_trace), 0, 0, changes_choices, "model", "", "where record changes come from: the declared model (change_share, change_interval) or the trace (each time a name's answer differed from the one before, as 'sharesim info' counts them)", "issue 3: answer versions seen in the capture" },
	{ "authority.change_share", P_DOUBLE, OFF(change_share), 0, 1, NULL, "0", "", "share of names whose answer changes over time (a new version every change_interval, at a phase of its own)", "HotNets 2025 paper: low-TTL records change often" },
	{ "authority.change_interval", P_DOUBLE, OFF(change_interval), 1, 31536000, NULL, "300", "s", "time between two versions of a changing name's answer", "placeholder" },
	{ "authority.aa", P_BOOL, OFF(default_aa), 0, 1, NULL, "1", "", "authorities set AA on their answers (the AA bit of a client-side capture is not what the resolver saw)", "RFC 1035 4.1.1" },
	{ "share.transport", P_ENUM, OFF(transport), 0, 0, transport_choices, "unicast", "", "how shares travel: none (baseline), unicast to every peer (the draft), multicast (one send per group), hub (to one resolver that relays to the others), pull (a central cache looked up on a miss, as Unbound cachedb), pubsub (MoQT-style relay)", "draft-bortzmeyer-dnsop-poisonlicious, section 7.2.6 (RFC 5110)" },
	{ "share.hub", P_U32, OFF(hub_node), 0, 99999, NULL, "0", "", "resolver (0-based) that relays shares to the others when share.transport = hub", "draft -04, hub-and-spoke future work" },
	{ "share.multicast_groups", P_U32, OFF(multicast_groups), 1, 65535, NULL, "1", "", "multicast groups; resolver i belongs to group i mod N, and a share is sent once to each group", "" },
	{ "share.ttl_threshold", P_U32, OFF(ttl_threshold), 0, 2147483647, NULL, "0", "s", "share only answers whose TTL is at least this (D-TTL)", "draft section 3" },
	{ "share.session", P_ENUM, OFF(session), 0, 0, session_choices, "udp", "", "carriage of unicast and hub shares: a UDP datagram each, or long-lived TCP or TLS 1.3 connections between peers (set-up counted once per pair and delaying its first message; per message 2-byte length, TCP and TLS record overheads; a lost segment is retransmitted after 200 ms instead of lost); multicast, pubsub and pull ignore it", "draft section 7.2.6; RFC 7766, RFC 7858, RFC 8446" },
	{ "share.question", P_ENUM, OFF(question), 0, 0, question_choices, "keep", "", "keep or remove the question section of shares (D-PRIV)", "draft section 5" },
	{ "share.rules", P_ENUM, OFF(rules), 0, 0, rules_choices, "-04", "", "draft revision whose message rules apply (D-MSG)", "draft -03/-04" },
	{ "share.receiver", P_ENUM, OFF(receiver), 0, 0, receiver_choices, "draft", "", "receiver profile: the draft, or Unbound's proof of concept (drops QDCOUNT != 1 or ANCOUNT 0)", "Unbound PR #1250" },
	{ "share.require_aa", P_BOOL, OFF(require_aa), 0, 1, NULL, "1", "", "share only data received with AA (D-SURE)", "draft section 3" },
	{ "share.negative", P_BOOL, OFF(share_negative), 0, 1, NULL, "0", "", "also share negative answers (NXDOMAIN, NODATA: the question and an SOA whose minimum is the negative TTL), against D-NONEG; senders and receivers alike; not with share.question = remove (nothing would name the question)", "draft section 7.2.2 (future work), RFC 2308" },
	{ "share.key", P_KEY, OFF(key_spec), 0, 0, NULL, DEFAULT_SHARE_KEY, "", "TSIG key of the sharing protocol, [alg:]name:base64 as dnsperf -y (D-TSIG)", "RFC 8945" },
	{ "share.receiver_key", P_KEY, OFF(receiver_key_spec), 0, 0, NULL, "", "", "key receivers expect (empty: share.key); another key models a misconfigured peer", "" },
	{ "share.fudge", P_U16, OFF(tsig_fudge), 0, 65535, NULL, "300", "s", "TSIG fudge: accepted clock difference", "RFC 8945 section 10" },
	{ "share.edns_udp_size", P_U16, OFF(edns_udp_size), 512, 65535, NULL, "1232", "bytes", "UDP payload size in the fresh OPT record of shares (D-EDNS)", "DNS flag day 2020" },
	{ "pubsub.subscribe", P_ENUM, OFF(pubsub_subscribe), 0, 0, subscribe_choices, "all", "", "pubsub subscriptions: all (the whole namespace) or interest (the names a resolver's clients ask for)", "HotNets 2025 paper (P-MAP, P-CLEAN)" },
	{ "pubsub.idle_timeout", P_DOUBLE, OFF(pubsub_idle_timeout), 0.001, 31536000, NULL, "600", "s", "an interest subscription without client queries for this long is dropped (UNSUBSCRIBE)", "placeholder heuristic: the paper leaves it open (P-CLEAN)" },
	{ "pubsub.relays", P_U32, OFF(pubsub_relays), 1, 100000, NULL, "1", "", "MoQT relays, forming a tree (relay 0 the root, where authorities publish); relay r sits in site r mod network.sites, resolver i attaches to relay i mod relays; an object climbs and descends the tree, one copy per link", "HotNets 2025 paper; draft-ietf-moq-transport-11 section 8 (relays)" },
	{ "pubsub.fanout", P_U32, OFF(pubsub_fanout), 1, 100000, NULL, "8", "", "child relays per relay in the tree (relay r's parent is (r - 1) / fanout)", "" },
	{ "pubsub.push", P_BOOL, OFF(pubsub_push), 0, 1, NULL, "0", "", "authorities publish each change of a record on its track, so subscribers are refreshed before its TTL runs out", "HotNets 2025 paper (P-AUTO)" },
	{ "network.latency", P_DOUBLE, OFF(link_latency_ms), 0, 60000, NULL, "1", "ms", "one-way latency between two resolvers", "same-site placeholder" },
	{ "network.sites", P_U32, OFF(sites), 1, 100000, NULL, "1", "", "sites the resolvers are spread over (resolver i in site i mod sites); relays and central caches sit in site 0", "" },
	{ "network.inter_site_latency", P_DOUBLE, OFF(inter_site_latency_ms), 0, 60000, NULL, "20", "ms", "one-way latency between two sites (network.latency applies within a site)", "placeholder: a continental RTT of 40 ms" },
	{ "network.latency_matrix", P_PATH, OFF(latency_matrix_path), 0, 0, NULL, "", "path", "file of one-way latencies between sites in ms, one row per site (entry i, j: from site i to site j; the diagonal: within a site), entries separated by spaces or commas, '#' comments; square, non-negative; overrides network.latency and network.inter_site_latency between resolvers, relays and central caches; network.sites must equal its size", "issue 4: a latency matrix, e.g. from RIPE Atlas measurements between the sites" },
	{ "network.site_jitter", P_DOUBLE, OFF(site_jitter_ms), 0, 60000, NULL, "0", "ms", "uniform extra delay in [0, site_jitter) on share copies between two sites (added to network.jitter; within a site only network.jitter)", "" },
	{ "network.site_loss", P_DOUBLE, OFF(site_loss), 0, 1, NULL, "0", "", "probability that a share copy between two sites is lost, drawn after network.loss (so between sites 1 - (1 - loss)(1 - site_loss) in all)", "" },
	{ "network.jitter", P_DOUBLE, OFF(link_jitter_ms), 0, 60000, NULL, "0", "ms", "uniform extra delay in [0, jitter)", "" },
	{ "network.loss", P_DOUBLE, OFF(link_loss), 0, 1, NULL, "0", "", "probability that a share message is lost", "" },
	{ "network.ip", P_ENUM, OFF(ip_version), 0, 0, ip_choices, "4", "", "IP version of share messages (header overheads: 20 or 40 bytes, plus UDP 8)", "RFC 791, RFC 8200" },
};
#define REGISTRY_SIZE (sizeof(registry) / sizeof(registry[0]))

int config_param_doc(size_t i, struct param_doc *out)
{
	if (i >= REGISTRY_SIZE)
		return -1;
	*out = (struct param_doc){ registry[i].name, registry[i].default_value, registry[i].unit,
		                   registry[i].doc, registry[i].source };
	return 0;
}

struct value_list {
	char **values;
	size_t count;
};

struct experiment {
	char *path;
	char *dir;                           /* folder of the experiment file */
	struct value_list lists[REGISTRY_SIZE];
	int from_cli[REGISTRY_SIZE];         /* a path given by --set resolves against the cwd */
	uint32_t repeat;
	size_t point_count;
	/* inih callback state */
	char *error;
	size_t error_size;
};

static const struct param_def *find_param(const char *name, size_t *index)
{
	for (size_t i = 0; i < REGISTRY_SIZE; i++)
		if (!strcmp(registry[i].name, name)) {
			*index = i;
			return &registry[i];
		}
	return NULL;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* Check one value against its definition; on error write the reason. */
static int check_value(const struct param_def *d, const char *v, char *reason, size_t size)
{
	char *end;
	errno = 0;
	switch (d->type) {
	case P_STRING:
	case P_PATH:
		if (strlen(v) >= (d->type == P_PATH ? PARAMS_PATH_MAX : 64)) {
			snprintf(reason, size, "value too long for %s", d->name);
			return -1;
		}
		if (!strcmp(d->name, "authority.ttl_dist")) {
			unsigned long ttl;
			if (strncmp(v, "fixed:", 6) || (ttl = strtoul(v + 6, &end, 10), *end || end == v + 6 || ttl > 2147483647UL)) {
				snprintf(reason, size, "bad value '%s' for %s: expected fixed:SECONDS", v, d->name);
				return -1;
			}
		}
		return 0;
	case P_KEY: {
		struct dns_tsig_key key;
		char why[256];
		if (!*v && !strcmp(d->name, "share.receiver_key"))
			return 0;
		if (strlen(v) >= PARAMS_KEY_MAX || dns_tsig_key_parse(v, &key, why, sizeof(why))) {
			snprintf(reason, size, "bad value for %s: %s", d->name, strlen(v) >= PARAMS_KEY_MAX ? "too long" : why);
			return -1;
		}
		dns_tsig_key_free(&key);
		return 0;
	}
	case P_ENUM:
		for (size_t i = 0; d->choices[i]; i++)
			if (!strcmp(v, d->choices[i]))
				return 0;
		snprintf(reason, size, "bad value '%s' for %s: expected one of", v, d->name);
		for (size_t i = 0; d->choices[i]; i++) {
			size_t l = strlen(reason);
			snprintf(reason + l, size - l, "%s %s", i ? "," : "", d->choices[i]);
		}
		return -1;
	case P_BOOL:
		if (!strcmp(v, "0") || !strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "false") ||
		    !strcmp(v, "yes") || !strcmp(v, "no"))
			return 0;
		snprintf(reason, size, "bad value '%s' for %s: expected 0/1, true/false or yes/no", v, d->name);
		return -1;
	case P_DOUBLE: {
		double x = strtod(v, &end);
		if (end == v || *end || errno || !isfinite(x) || x < d->min || x > d->max) {
			snprintf(reason, size, "bad value '%s' for %s: expected a number in [%g, %g]%s%s", v,
			         d->name, d->min, d->max, *d->unit ? " " : "", d->unit);
			return -1;
		}
		return 0;
	}
	default: {
		if (*v == '-' || *v == '+') {
			end = (char *)v;
		} else {
			unsigned long long x = strtoull(v, &end, 10);
			if (end != v && !*end && !errno && (double)x >= d->min && (double)x <= d->max)
				return 0;
		}
		snprintf(reason, size, "bad value '%s' for %s: expected an integer %.0f..%.0f%s%s", v,
		         d->name, d->min, d->max, *d->unit ? " " : "", d->unit);
		return -1;
	}
	}
}

/* Split "a, b, c" into a checked list (replacing any earlier one). */
static int set_list(struct experiment *e, size_t index, const char *text, char *reason, size_t size)
{
	const struct param_def *d = &registry[index];
	char *copy = strdup(text);
	if (!copy) {
		snprintf(reason, size, "out of memory");
		return -1;
	}
	struct value_list list = { NULL, 0 };
	int rc = 0;
	/* experiment.trace may list several traces (paths with commas cannot be listed). */
	int single = d->type == P_KEY || d->type == P_REPEAT || !strcmp(d->name, "experiment.name") ||
	             (d->type == P_PATH && (strcmp(d->name, "experiment.trace") || !strchr(text, ',')));
	char *save = NULL;
	for (char *tok = single ? copy : strtok_r(copy, ",", &save); tok && rc == 0;
	     tok = single ? NULL : strtok_r(NULL, ",", &save)) {
		char *v = trim(tok);
		if (d->type == P_REPEAT) {
			struct param_def as_int = *d;
			as_int.type = P_U32;
			rc = check_value(&as_int, v, reason, size);
		} else {
			rc = check_value(d, v, reason, size);
		}
		char **nv = rc ? NULL : realloc(list.values, (list.count + 1) * sizeof(char *));
		if (!rc && !nv) {
			snprintf(reason, size, "out of memory");
			rc = -1;
		}
		if (!rc) {
			list.values = nv;
			list.values[list.count++] = strdup(v);
		}
	}
	free(copy);
	if (!rc && list.count == 0) {
		snprintf(reason, size, "empty value for %s", d->name);
		rc = -1;
	}
	if (rc) {
		for (size_t i = 0; i < list.count; i++)
			free(list.values[i]);
		free(list.values);
		return -1;
	}
	for (size_t i = 0; i < e->lists[index].count; i++)
		free(e->lists[index].values[i]);
	free(e->lists[index].values);
	e->lists[index] = list;
	return 0;
}

static int experiment_ini_line(void *user, const char *section, const char *key, const char *value)
{
	struct experiment *e = user;
	char name[256];
	size_t index = 0;
	snprintf(name, sizeof(name), "%s.%s", section, key);
	if (!find_param(name, &index)) {
		int known_section = 0;
		for (size_t i = 0; i < REGISTRY_SIZE; i++)
			if (!strncmp(registry[i].name, section, strlen(section)) && registry[i].name[strlen(section)] == '.')
				known_section = 1;
		if (known_section)
			snprintf(e->error, e->error_size, "unknown key '%s' in [%s]", key, section);
		else
			snprintf(e->error, e->error_size, "unknown section [%s]", section);
		return 0;
	}
	return set_list(e, index, value, e->error, e->error_size) == 0;
}

void experiment_free(struct experiment *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < REGISTRY_SIZE; i++) {
		for (size_t j = 0; j < e->lists[i].count; j++)
			free(e->lists[i].values[j]);
		free(e->lists[i].values);
	}
	free(e->path);
	free(e->dir);
	free(e);
}

static int apply_override(struct experiment *e, const char *override, char *err, size_t err_size)
{
	const char *eq = strchr(override, '=');
	char name[256], reason[512];
	size_t index = 0;
	if (!eq || (size_t)(eq - override) >= sizeof(name)) {
		snprintf(err, err_size, "--set %s: error: expected section.key=value", override);
		return -1;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(eq - override), override);
	if (!find_param(trim(name), &index)) {
		snprintf(err, err_size, "--set %s: error: unknown key '%s' (see sharesim run --list-params)", override, name);
		return -1;
	}
	if (set_list(e, index, eq + 1, reason, sizeof(reason))) {
		snprintf(err, err_size, "--set %s: error: %s", override, reason);
		return -1;
	}
	e->from_cli[index] = 1;
	return 0;
}

/* Each point's network.latency_matrix read and its size checked against its network.sites,
 * before anything runs: a broken file stops the experiment here, not at every point. Consecutive
 * points with the same file and sites are checked once. */
static int check_latency_matrices(const struct experiment *e, char *err, size_t err_size)
{
	size_t index = 0;
	find_param("network.latency_matrix", &index);
	int any = 0;
	for (size_t v = 0; v < e->lists[index].count; v++)
		any |= e->lists[index].values[v][0] != '\0';
	if (!any)
		return 0;
	char last[PARAMS_PATH_MAX] = "";
	uint32_t last_sites = 0;
	for (size_t i = 0; i < e->point_count; i += e->repeat) { /* repetitions share their parameters */
		struct experiment_point pt;
		if (experiment_point(e, i, &pt, err, err_size))
			return -1;
		const char *path = pt.params.latency_matrix_path;
		uint32_t sites = pt.params.sites ? pt.params.sites : 1;
		if (!path[0] || (sites == last_sites && !strcmp(path, last)))
			continue;
		double *ms;
		if (latency_matrix_load_sites(path, sites, &ms, err, err_size))
			return -1;
		free(ms);
		snprintf(last, sizeof(last), "%s", path);
		last_sites = sites;
	}
	return 0;
}

int experiment_load(const char *path, const char *const *overrides, size_t override_count,
                    struct experiment **out, char *err, size_t err_size)
{
	struct experiment *e = calloc(1, sizeof(*e));
	char *dircopy = strdup(path);
	if (!e || !dircopy) {
		free(e);
		free(dircopy);
		snprintf(err, err_size, "out of memory");
		return -1;
	}
	e->path = strdup(path);
	e->dir = strdup(dirname(dircopy));
	free(dircopy);
	char reason[512] = "";
	for (size_t i = 0; i < REGISTRY_SIZE; i++)
		if (set_list(e, i, registry[i].default_value[0] ? registry[i].default_value : "", reason, sizeof(reason)) &&
		    registry[i].default_value[0]) {
			snprintf(err, err_size, "internal error: default of %s: %s", registry[i].name, reason);
			experiment_free(e);
			return -1;
		}
	e->error = reason;
	e->error_size = sizeof(reason);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		experiment_free(e);
		return -1;
	}
	int line = ini_parse_file(f, experiment_ini_line, e);
	fclose(f);
	if (line != 0) {
		snprintf(err, err_size, "%s:%d: error: %s", path, line, reason[0] ? reason : "not an INI line ([section] or key = value)");
		experiment_free(e);
		return -1;
	}
	for (size_t i = 0; i < override_count; i++)
		if (apply_override(e, overrides[i], err, err_size)) {
			experiment_free(e);
			return -1;
		}
	size_t index = 0;
	find_param("experiment.repeat", &index);
	e->repeat = (uint32_t)strtoul(e->lists[index].values[0], NULL, 10);
	e->point_count = e->repeat;
	for (size_t i = 0; i < REGISTRY_SIZE; i++)
		e->point_count *= e->lists[i].count ? e->lists[i].count : 1;
	find_param("experiment.trace", &index);
	if (e->lists[index].count == 0 || !e->lists[index].values[0][0]) {
		snprintf(err, err_size, "%s: error: experiment.trace is not set (a trace made by 'sharesim import')", path);
		experiment_free(e);
		return -1;
	}
	if (check_latency_matrices(e, err, err_size)) {
		experiment_free(e);
		return -1;
	}
	*out = e;
	return 0;
}

const char *experiment_name(const struct experiment *e)
{
	size_t index = 0;
	find_param("experiment.name", &index);
	return e->lists[index].values[0];
}

size_t experiment_point_count(const struct experiment *e) { return e->point_count; }

static int parse_bool(const char *v) { return !strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes"); }

static void store(const struct param_def *d, const char *v, struct sim_params *p)
{
	char *base = (char *)p + d->offset;
	switch (d->type) {
	case P_STRING: snprintf(base, 64, "%s", v); break;
	case P_PATH: snprintf(base, PARAMS_PATH_MAX, "%s", v); break;
	case P_KEY: snprintf(base, PARAMS_KEY_MAX, "%s", v); break;
	case P_U16: *(uint16_t *)(void *)base = (uint16_t)strtoul(v, NULL, 10); break;
	case P_U32: *(uint32_t *)(void *)base = (uint32_t)strtoul(v, NULL, 10); break;
	case P_U64: *(uint64_t *)(void *)base = strtoull(v, NULL, 10); break;
	case P_DOUBLE: *(double *)(void *)base = strtod(v, NULL); break;
	case P_BOOL: *(int *)(void *)base = parse_bool(v); break;
	case P_ENUM:
		for (int i = 0; d->choices[i]; i++)
			if (!strcmp(v, d->choices[i]))
				*(int *)(void *)base = d->choices == ip_choices ? (i ? 6 : 4) : i;
		break;
	case P_REPEAT: break;
	}
}

/* Short key of a swept parameter for run names: "nodes", "transport". */
static const char *short_key(const char *name)
{
	const char *dot = strchr(name, '.');
	return dot ? dot + 1 : name;
}

/* "../traces/flood.trace" -> "flood", for run names. */
static const char *path_stem(const char *path)
{
	static char stem[PARAMS_PATH_MAX];
	const char *slash = strrchr(path, '/');
	snprintf(stem, sizeof(stem), "%s", slash ? slash + 1 : path);
	char *dot = strrchr(stem, '.');
	if (dot && dot != stem)
		*dot = '\0';
	return stem;
}

int experiment_point(const struct experiment *e, size_t i, struct experiment_point *out,
                     char *err, size_t err_size)
{
	if (i >= e->point_count) {
		snprintf(err, err_size, "point %zu out of range", i);
		return -1;
	}
	memset(out, 0, sizeof(*out));
	size_t rest = i / e->repeat;
	uint32_t repetition = (uint32_t)(i % e->repeat);
	/* Registry order, first swept key slowest: decode the index from the last key up. */
	size_t choice[REGISTRY_SIZE];
	for (size_t k = REGISTRY_SIZE; k-- > 0;) {
		size_t n = e->lists[k].count ? e->lists[k].count : 1;
		choice[k] = rest % n;
		rest /= n;
	}
	int len = snprintf(out->run_name, sizeof(out->run_name), "%s", experiment_name(e));
	int first_itervar = 1;
	for (size_t k = 0; k < REGISTRY_SIZE; k++) {
		const struct param_def *d = &registry[k];
		const char *v = e->lists[k].count ? e->lists[k].values[choice[k]] : "";
		if (d->type == P_PATH && v[0] && v[0] != '/' && !e->from_cli[k]) {
			char full[PARAMS_PATH_MAX];
			if (snprintf(full, sizeof(full), "%s/%s", e->dir, v) >= (int)sizeof(full)) {
				snprintf(err, err_size, "%s: path too long", v);
				return -1;
			}
			store(d, full, &out->params);
		} else {
			store(d, v, &out->params);
		}
		out->param_rows[out->param_count++] = (struct results_kv){ d->name, v };
		if (e->lists[k].count > 1) {
			out->itervars[out->itervar_count++] = (struct results_kv){ d->name, v };
			if (len < (int)sizeof(out->run_name))
				len += snprintf(out->run_name + len, sizeof(out->run_name) - (size_t)len, "%s%s=%s",
				                first_itervar ? "-" : ",", short_key(d->name),
				                d->type == P_PATH ? path_stem(v) : v);
			first_itervar = 0;
		}
	}
	out->params.repetition = repetition;
	snprintf(out->repetition_text, sizeof(out->repetition_text), "%u", repetition);
	if (len < (int)sizeof(out->run_name))
		snprintf(out->run_name + len, sizeof(out->run_name) - (size_t)len, "-r%u", repetition);
	if (!out->params.receiver_key_spec[0])
		memcpy(out->params.receiver_key_spec, out->params.key_spec, sizeof(out->params.key_spec));
	return 0;
}
