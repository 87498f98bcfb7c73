/*
 * params — every model choice of one run, fully resolved (one point of a sweep).
 *
 * Plain data: sim/config.c fills it from an experiment file and documents each field (name,
 * default, unit, source) in its parameter registry; nodes/ read it. Every field has an
 * experiment-file key "section.key" given in its comment; the registry is the authority.
 */
#ifndef SHARESIM_PARAMS_H
#define SHARESIM_PARAMS_H

#include <limits.h>
#include <stdint.h>

#define PARAMS_PATH_MAX 4096
#define PARAMS_KEY_MAX 512

enum frontend_policy { FRONTEND_TRACE = 0, FRONTEND_CLIENT_HASH, FRONTEND_RANDOM, FRONTEND_ROUND_ROBIN };
enum share_transport { SHARE_NONE = 0, SHARE_UNICAST, SHARE_MULTICAST, SHARE_HUB, SHARE_PULL,
                       SHARE_PUBSUB };
enum pubsub_subscribe { PUBSUB_ALL = 0, PUBSUB_INTEREST };
enum share_question { SHARE_QUESTION_KEEP = 0, SHARE_QUESTION_REMOVE };
enum share_session { SESSION_UDP = 0, SESSION_TCP, SESSION_TLS };
enum share_rules { SHARE_RULES_03 = 0, SHARE_RULES_04 };
enum share_receiver { RECEIVER_DRAFT = 0, RECEIVER_UNBOUND_POC };
enum cache_eviction { EVICTION_SAMPLED = 0, EVICTION_LRU };
enum site_policy { SITES_SPREAD = 0, SITES_NEAREST, SITES_TRACE };

struct sim_params {
	/* [experiment] */
	char experiment[128];          /**< experiment.name */
	char trace_path[PARAMS_PATH_MAX]; /**< experiment.trace (relative to the .ini's folder) */
	uint64_t seed;                 /**< experiment.seed */
	uint32_t repetition;           /**< experiment.repeat expands into repetition 0..N-1 */
	double bin_seconds;            /**< experiment.bin: width of counter bins, s */

	/* [resolvers] */
	uint32_t nodes;                /**< resolvers.nodes */
	enum frontend_policy frontend; /**< resolvers.frontend: trace|client-hash|random|round-robin */
	enum site_policy site_policy;  /**< resolvers.site_policy: spread|nearest|trace (which sites a client reaches) */
	double service_time_ms;        /**< resolvers.service_time: answering from cache, ms */
	uint32_t clients;              /**< resolvers.clients: replay only this many clients, sampled (0: all) */
	double join_at;                /**< resolvers.join_at, s: the last resolver joins then (0: all from the start) */
	int warm_start;                /**< resolvers.warm_start: the joining resolver loads a peer's cache dump */

	/* [cache] */
	uint32_t cache_min_ttl;        /**< cache.min_ttl, s (Unbound cache-min-ttl, default 0) */
	uint32_t cache_max_ttl;        /**< cache.max_ttl, s (Unbound cache-max-ttl, default 86400) */
	uint32_t negative_ttl;         /**< cache.negative_ttl, s: TTL of a negative answer (SOA minimum) */
	uint32_t cache_capacity;       /**< cache.capacity: entries per resolver, 0 = unlimited */
	uint64_t cache_capacity_bytes; /**< cache.capacity_bytes: estimated bytes per resolver, 0 = unlimited */
	enum cache_eviction cache_eviction; /**< cache.eviction: sampled|lru, when a capacity is set */
	uint32_t serve_expired_ttl;    /**< cache.serve_expired_ttl, s: serve expired data this long (0: off) */
	int prefetch;                  /**< cache.prefetch: refresh an entry asked for in its last 10 % */

	/* [authority] */
	double upstream_latency_median_ms; /**< authority.latency_median, ms (lognormal median) */
	double upstream_latency_sigma;     /**< authority.latency_sigma (lognormal shape) */
	double default_nxdomain_share;     /**< authority.nxdomain_share: unanswered names that do not exist */
	char default_ttl_dist[64];         /**< authority.ttl_dist: "opendns-2012" or "fixed:SECONDS" */
	uint32_t default_answer_rrs;       /**< authority.answer_rrs: RRs in a synthesised answer */
	int default_aa;                    /**< authority.aa: synthesised answers carry AA (1) */
	int latency_per_zone;              /**< authority.latency_per_zone: each zone's latency drawn once */
	int iterative;                     /**< authority.iterative: a miss walks root, TLD, SLD unless delegations are cached */
	uint32_t delegation_ttl;           /**< authority.delegation_ttl, s: how long a TLD or SLD delegation is cached */
	uint32_t authority_capacity;       /**< authority.capacity: queries per second each authority answers (0: no limit) */
	int changes_from_trace;            /**< authority.changes: 0 model (change_share), 1 trace */
	double change_share;               /**< authority.change_share: share of names whose answer changes */
	double change_interval;            /**< authority.change_interval, s: time between two versions */

	/* [share] */
	enum share_transport transport;    /**< share.transport: none|unicast|multicast|hub|pull|pubsub */
	enum pubsub_subscribe pubsub_subscribe; /**< pubsub.subscribe: all|interest */
	double pubsub_idle_timeout;        /**< pubsub.idle_timeout, s: an unused subscription is dropped */
	uint32_t pubsub_relays;            /**< pubsub.relays: relays, in a tree; resolver i attaches to relay i mod relays */
	uint32_t pubsub_fanout;            /**< pubsub.fanout: children of a relay in the tree (relay r's parent: (r - 1) / fanout) */
	int pubsub_push;                   /**< pubsub.push: authorities publish every change (P-AUTO) */
	uint32_t multicast_groups;         /**< share.multicast_groups: node i is in group i mod N */
	uint32_t hub_node;                 /**< share.hub: the resolver that relays shares (transport hub) */
	uint32_t ttl_threshold;            /**< share.ttl_threshold, s (D-TTL): share only if TTL >= */
	enum share_question question;      /**< share.question: keep|remove (D-PRIV) */
	enum share_session session;        /**< share.session: udp|tcp|tls (unicast and hub) */
	enum share_rules rules;            /**< share.rules: -03|-04 (D-MSG) */
	enum share_receiver receiver;      /**< share.receiver: draft|unbound-poc */
	int require_aa;                    /**< share.require_aa: D-SURE, share only AA data */
	int share_negative;                /**< share.negative: also NXDOMAIN/NODATA (draft 7.2.2, against D-NONEG) */
	char key_spec[PARAMS_KEY_MAX];     /**< share.key: "[alg:]name:base64" as dnsperf -y */
	char receiver_key_spec[PARAMS_KEY_MAX]; /**< share.receiver_key: what receivers expect (default: key) */
	uint16_t tsig_fudge;               /**< share.fudge, s (RFC 8945 recommends 300) */
	uint16_t edns_udp_size;            /**< share.edns_udp_size (D-EDNS: a fresh OPT) */

	/* [network] */
	double link_latency_ms;            /**< network.latency: one-way between two nodes, ms */
	uint32_t sites;                    /**< network.sites: resolver i is in site i mod sites */
	double inter_site_latency_ms;      /**< network.inter_site_latency: one-way between sites, ms */
	char latency_matrix_path[PARAMS_PATH_MAX]; /**< network.latency_matrix: file of one-way latencies between sites ("": none) */
	double site_jitter_ms;             /**< network.site_jitter: extra uniform delay between two sites, ms */
	double site_loss;                  /**< network.site_loss: extra loss probability between two sites */
	double link_jitter_ms;             /**< network.jitter: uniform extra delay in [0, jitter), ms */
	double link_loss;                  /**< network.loss: probability a message is lost */
	int ip_version;                    /**< network.ip: 4 or 6, for header overheads */
};

#endif
