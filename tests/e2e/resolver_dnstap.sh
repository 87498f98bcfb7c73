#!/usr/bin/env bash
# A real dnstap file from one of Debian's resolvers, unprivileged on loopback.
# usage: resolver_dnstap.sh unbound|bind|knot|pdns OUT.dnstap
#
# NSD serves auth.example on a free port; dnstap_queries.py sends the known set of queries (see
# there) to the resolver, which logs them over dnstap:
#   unbound  Unbound 1.17 answers local.example from local-data and asks NSD (a stub zone) for
#            auth.example; CLIENT_* and RESOLVER_* frames to a Unix socket, where fstrm_capture
#            (fstrm-bin) writes them. tests/traces/data/unbound-local.dnstap was made this way.
#   bind     BIND 9.18 forwards everything to NSD (which serves local.example too) and writes its
#            file itself: CLIENT_* and RESOLVER_* frames, and AUTH_* for the query without RD.
#   knot     Knot Resolver 5.6 stubs everything to NSD; its dnstap module logs the client side
#            only (CLIENT_*), to fstrm_capture.
#   pdns     PowerDNS Recursor 4.8 forwards both zones to NSD; it logs its outgoing queries only
#            (RESOLVER_*), to fstrm_capture.
set -euo pipefail
resolver=$1
out=$(realpath -m "$2")
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
case $resolver in unbound|bind|knot|pdns) ;; *) echo "usage: $0 unbound|bind|knot|pdns OUT.dnstap" >&2; exit 2 ;; esac
# The socket path must stay short (108 bytes): a directory of our own under /tmp.
work=$(mktemp -d /tmp/sharesim-dnstap.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	if [ -s "$work/nsd.pid" ]; then kill "$(cat "$work/nsd.pid")" 2>/dev/null || true; fi
	sleep 0.2
	rm -rf "$work"
}
trap cleanup EXIT
free_port() { "$py" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
nsd_port=$(free_port)
port=$(free_port)
[ "$nsd_port" != "$port" ] || port=$((nsd_port + 1))
# Wait up to 10 s for a line in a log; show the log and fail if it never comes.
wait_for() {
	for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	cat "$1" >&2
	echo "$resolver did not start" >&2
	exit 1
}
# Neither kresd nor pdns_recursor says when it is ready: wait until its UDP port is bound.
wait_bound() {
	local hex
	hex=$(printf '0100007F:%04X' "$port")
	for _ in $(seq 100); do grep -q " $hex " /proc/net/udp && return 0; sleep 0.1; done
	echo "$resolver did not bind 127.0.0.1:$port" >&2
	exit 1
}

cat > "$work/auth.example.zone" <<'ZONE'
$TTL 3600
auth.example.     IN SOA ns.auth.example. hostmaster.auth.example. 1 3600 600 86400 300
auth.example.     IN NS  ns.auth.example.
ns.auth.example.  IN A   127.0.0.1
www.auth.example. 300 IN A 192.0.2.10
ZONE
# The same data as Unbound's local-data below.
cat > "$work/local.example.zone" <<'ZONE'
$TTL 3600
local.example.      IN SOA ns.local.example. hostmaster.local.example. 1 3600 600 86400 300
local.example.      IN NS  ns.local.example.
ns.local.example.   IN A   127.0.0.1
www.local.example.  600 IN A    192.0.2.1
www.local.example.  600 IN AAAA 2001:db8::1
mail.local.example. 600 IN MX   10 mx.local.example.
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
zone:
	name: local.example
	zonefile: local.example.zone
CONF
nsd -c "$work/nsd.conf"

capture() { # fstrm_capture on $work/dnstap.sock, writing $work/out.dnstap
	fstrm_capture -t protobuf:dnstap.Dnstap -u "$work/dnstap.sock" -w "$work/out.dnstap" 2> "$work/capture.log" &
	pids+=($!)
	capture_pid=$!
	for _ in $(seq 50); do [ -S "$work/dnstap.sock" ] && break; sleep 0.1; done
	[ -S "$work/dnstap.sock" ] || { cat "$work/capture.log" >&2; echo "fstrm_capture did not start" >&2; exit 1; }
}

case $resolver in
unbound)
	cat > "$work/unbound.conf" <<-CONF
	server:
		interface: 127.0.0.1@$port
		port: $port
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
	capture
	unbound -d -c "$work/unbound.conf" &
	pids+=($!)
	server=$!
	wait_for "$work/unbound.log" "start of service"
	;;
bind)
	cat > "$work/named.conf" <<-CONF
	options {
		directory "$work";
		pid-file "$work/named.pid";
		listen-on port $port { 127.0.0.1; };
		listen-on-v6 { none; };
		recursion yes;
		allow-query { 127.0.0.0/8; };
		dnssec-validation no;
		qname-minimization off;
		forward only;
		forwarders { 127.0.0.1 port $nsd_port; };
		dnstap { client; resolver; forwarder; auth; };
		dnstap-output file "$work/out.dnstap";
		dnstap-identity "sharesim-test";
	};
	CONF
	named -g -n 1 -c "$work/named.conf" > "$work/named.log" 2>&1 &
	pids+=($!)
	server=$!
	wait_for "$work/named.log" "running"
	;;
knot)
	cat > "$work/kresd.conf" <<-CONF
	net.listen('127.0.0.1', $port, { kind = 'dns' })
	cache.open(10 * MB, 'lmdb://$work/cache')
	modules.load('dnstap')
	dnstap.config({
		socket_path = '$work/dnstap.sock',
		identity = 'sharesim-test',
		client = { log_queries = true, log_responses = true },
	})
	policy.add(policy.all(policy.STUB({ '127.0.0.1@$nsd_port' })))
	CONF
	capture
	kresd -n -c "$work/kresd.conf" "$work" > "$work/kresd.log" 2>&1 &
	pids+=($!)
	server=$!
	wait_bound
	;;
pdns)
	echo "dnstapFrameStreamServer({\"$work/dnstap.sock\"}, {logQueries=true, logResponses=true, identity=\"sharesim-test\"})" \
		> "$work/recursor.lua"
	cat > "$work/recursor.conf" <<-CONF
	local-address=127.0.0.1
	local-port=$port
	forward-zones=auth.example=127.0.0.1:$nsd_port, local.example=127.0.0.1:$nsd_port
	lua-config-file=$work/recursor.lua
	socket-dir=$work
	daemon=no
	dnssec=off
	threads=1
	CONF
	capture
	pdns_recursor --config-dir="$work" > "$work/recursor.log" 2>&1 &
	pids+=($!)
	server=$!
	wait_bound
	;;
esac

"$py" "$here/dnstap_queries.py" "$port"
# Unbound's and PowerDNS's dnstap threads send what their workers queued within a second or so
# (neither flushes when stopped): wait for them, then stop the resolver, then the capture (which
# writes STOP).
sleep 3
kill "$server"; wait "$server" || true
if [ "$resolver" != bind ]; then
	kill "$capture_pid"; wait "$capture_pid" || true
	cat "$work/capture.log" >&2
fi
cp "$work/out.dnstap" "$out"
