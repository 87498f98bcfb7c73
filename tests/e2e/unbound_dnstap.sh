#!/usr/bin/env bash
# A real dnstap file from Debian's Unbound (built with --enable-dnstap), unprivileged on loopback.
# usage: unbound_dnstap.sh OUT.dnstap
#
# Unbound answers local.example from local-data and asks NSD (a stub zone on loopback) for
# auth.example; it logs CLIENT_QUERY/CLIENT_RESPONSE and RESOLVER_QUERY/RESOLVER_RESPONSE to a
# Unix socket where fstrm_capture (fstrm-bin) writes them to OUT. dnstap_queries.py sends the
# known set of queries (see there). tests/traces/data/unbound-local.dnstap was made by this script.
set -euo pipefail
out=$(realpath -m "$1")
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
# The socket path must stay short (108 bytes): a directory of our own under /tmp.
work=$(mktemp -d /tmp/sharesim-dnstap.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for f in "$work/nsd.pid"; do [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
	sleep 0.2
	rm -rf "$work"
}
trap cleanup EXIT
free_port() { "$py" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
nsd_port=$(free_port)
unbound_port=$(free_port)
[ "$nsd_port" != "$unbound_port" ] || unbound_port=$((nsd_port + 1))

cat > "$work/auth.example.zone" <<'ZONE'
$TTL 3600
auth.example.     IN SOA ns.auth.example. hostmaster.auth.example. 1 3600 600 86400 300
auth.example.     IN NS  ns.auth.example.
ns.auth.example.  IN A   127.0.0.1
www.auth.example. 300 IN A 192.0.2.10
ZONE
cat > "$work/nsd.conf" <<CONF
server:
	ip-address: 127.0.0.1@$nsd_port
	port: $nsd_port
	username: ""
	chroot: ""
	zonesdir: "$work"
	pidfile: "$work/nsd.pid"
	logfile: "$work/nsd.log"
	database: ""
	xfrdfile: "$work/xfrd.state"
	zonelistfile: "$work/zone.list"
	server-count: 1
remote-control:
	control-enable: no
zone:
	name: auth.example
	zonefile: auth.example.zone
CONF
cat > "$work/unbound.conf" <<CONF
server:
	interface: 127.0.0.1@$unbound_port
	port: $unbound_port
	access-control: 127.0.0.0/8 allow
	do-not-query-localhost: no
	do-ip6: no
	username: ""
	chroot: ""
	directory: "$work"
	pidfile: "$work/unbound.pid"
	logfile: "$work/unbound.log"
	use-syslog: no
	num-threads: 1
	module-config: "iterator"
	qname-minimisation: no
	target-fetch-policy: "0 0 0 0 0"
	harden-referral-path: no
	prefetch: no
	local-zone: "local.example." static
	local-data: "www.local.example. 600 IN A 192.0.2.1"
	local-data: "www.local.example. 600 IN AAAA 2001:db8::1"
	local-data: "mail.local.example. 600 IN MX 10 mx.local.example."
stub-zone:
	name: "auth.example."
	stub-addr: 127.0.0.1@$nsd_port
dnstap:
	dnstap-enable: yes
	dnstap-socket-path: "$work/dnstap.sock"
	dnstap-send-identity: yes
	dnstap-identity: "sharesim-test"
	dnstap-send-version: yes
	dnstap-log-client-query-messages: yes
	dnstap-log-client-response-messages: yes
	dnstap-log-resolver-query-messages: yes
	dnstap-log-resolver-response-messages: yes
CONF

nsd -c "$work/nsd.conf"
fstrm_capture -t protobuf:dnstap.Dnstap -u "$work/dnstap.sock" -w "$work/out.dnstap" 2> "$work/capture.log" &
pids+=($!)
capture=$!
for _ in $(seq 50); do [ -S "$work/dnstap.sock" ] && break; sleep 0.1; done
[ -S "$work/dnstap.sock" ] || { cat "$work/capture.log" >&2; echo "fstrm_capture did not start" >&2; exit 1; }
unbound -d -c "$work/unbound.conf" &
pids+=($!)
unbound=$!
for _ in $(seq 100); do grep -q "start of service" "$work/unbound.log" 2>/dev/null && break; sleep 0.1; done
grep -q "start of service" "$work/unbound.log" || { cat "$work/unbound.log" >&2; echo "unbound did not start" >&2; exit 1; }
"$py" "$here/dnstap_queries.py" "$unbound_port"
# Unbound's dnstap thread sends what its workers queued within a second (it does not flush the
# queue when stopped): wait for it (a 1 s timer, 2 s to spare), then stop Unbound, then the capture
# (which writes STOP).
sleep 3
kill "$unbound"; wait "$unbound" || true
kill "$capture"; wait "$capture" || true
cat "$work/capture.log" >&2
cp "$work/out.dnstap" "$out"
