#!/usr/bin/env bash
# End-to-end scenarios through the sharesim binary. usage: e2e.sh SCENARIO SHARESIM SOURCE_DIR WORK_DIR
# Each scenario asserts exact figures measured independently (tshark, dnspython, sqlite3).
set -euo pipefail
scenario=$1 sharesim=$2 src=$3 work=$4
data=$src/traces/data
py=/usr/bin/python3
rm -rf "$work" && mkdir -p "$work" && cd "$work"

fail() { echo "FAIL [$scenario]: $*" >&2; exit 1; }
expect_eq() { # what actual expected
	[ "$2" == "$3" ] || fail "$1: got '$2', expected '$3'"
	echo "ok: $1 = $3"
}
# json FILE a.b.c — a field of a JSON document (keys may contain dots: use / as separator).
json() { "$py" -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("/"): v=v[k] if k in v else 0
print(v)' "$1" "$2"; }
sql() { sqlite3 -batch -noheader "$1" "$2"; }
# expect_fail WHAT PATTERN CMD... — CMD must exit 1 and print PATTERN on stderr, without crashing.
expect_fail() {
	local what=$1 pattern=$2; shift 2
	set +e; "$@" >out.txt 2>err.txt; local rc=$?; set -e
	[ $rc -eq 1 ] || { cat err.txt >&2; fail "$what: exit status $rc, expected 1"; }
	grep -qF -- "$pattern" err.txt || { cat err.txt >&2; fail "$what: stderr lacks '$pattern'"; }
	echo "ok: $what -> $(head -1 err.txt)"
}

# A small demo experiment on the bundled WRCCDC trace, shared by several scenarios.
import_wrccdc() { "$sharesim" import "$data/wrccdc2018-zeek-dns.log.gz" -o wrccdc.trace >/dev/null; }
run_point() { # DB [--set ...]...
	local db=$1; shift
	"$sharesim" run "$src/experiments/demo.ini" --set experiment.trace="$PWD/wrccdc.trace" \
		--set resolvers.nodes=4 --set share.transport=unicast "$@" -o "$db" >/dev/null
}

# dnstap_common FILE.dnstap TAG — import a dnstap file of the known query set (dnstap_queries.py
# sent to a resolver by resolver_dnstap.sh) and check the trace against an independent decoder
# (dnstap_frames.py: Frame Streams and protobuf by hand, DNS by dnspython): every frame read,
# CLIENT_* and RESOLVER_* frames imported, names and types as the decoder sees them.
dnstap_common() {
	local f=$1 tag=$2
	"$py" "$src/tests/e2e/dnstap_frames.py" "$f" > "$tag-frames.txt"
	tail -1 "$tag-frames.txt" > "$tag-frames.json"
	"$sharesim" import "$f" -o "$tag.trace"
	"$sharesim" info "$tag.trace" --json > "$tag.json"
	"$sharesim" info "$tag.trace" > "$tag.txt"
	local fj="$tag-frames.json" sj="$tag.json"
	expect_eq "$tag frames read" "$(json "$sj" accounting/packets)" "$(json "$fj" frames)"
	expect_eq "$tag queries: CLIENT_QUERY + RESOLVER_QUERY" "$(json "$sj" queries)" \
		"$(( $(json "$fj" types/CLIENT_QUERY) + $(json "$fj" types/RESOLVER_QUERY) ))"
	expect_eq "$tag responses: CLIENT_RESPONSE + RESOLVER_RESPONSE" "$(json "$sj" responses)" \
		"$(( $(json "$fj" types/CLIENT_RESPONSE) + $(json "$fj" types/RESOLVER_RESPONSE) ))"
	expect_eq "$tag names" "$(json "$sj" names)" "$(json "$fj" names)"
	expect_eq "$tag queries the log calls the resolver's own" "$(json "$sj" upstream_queries)" \
		"$(json "$fj" types/RESOLVER_QUERY)"
	for t in A AAAA TXT MX; do
		expect_eq "$tag $t queries" "$(json "$sj" qtypes/$t)" "$(json "$fj" queries/$t)"
	done
	# --side client: the resolver's own queries are skipped; every response still feeds the model.
	"$sharesim" import --side client "$f" -o "$tag-client.trace" > /dev/null
	"$sharesim" info "$tag-client.trace" --json > "$tag-client.json"
	expect_eq "$tag --side client: queries, upstream skipped, responses" \
		"$(json "$tag-client.json" queries) $(json "$tag-client.json" accounting/skipped.upstream_query) $(json "$tag-client.json" responses)" \
		"$(json "$fj" types/CLIENT_QUERY) $(json "$fj" types/RESOLVER_QUERY) $(json "$sj" responses)"
}

# check_dnstap FILE.dnstap TAG — Unbound's file: the above, and the exact figures of its set-up.
check_dnstap() {
	local f=$1 tag=$2
	dnstap_common "$f" "$tag"
	local fj="$tag-frames.json" sj="$tag.json"
	expect_eq "$tag frames (decoder)" "$(json "$fj" frames)" 24
	expect_eq "$tag client queries, Unbound's own" "$(json "$fj" types/CLIENT_QUERY) $(json "$fj" types/RESOLVER_QUERY)" "10 2"
	expect_eq "$tag qtypes" "$(json "$sj" qtypes/A) $(json "$sj" qtypes/AAAA) $(json "$sj" qtypes/TXT) $(json "$sj" qtypes/MX)" "9 1 1 1"
	expect_eq "$tag queries with RD (the client query without RD, Unbound's own)" "$(json "$sj" rd_queries)" 9
	expect_eq "$tag records, by last rcode" "$(json "$sj" records) $(json "$sj" rcodes/NOERROR) $(json "$sj" rcodes/NXDOMAIN)" "7 5 2"
	expect_eq "$tag clients (127.0.0.1; 0.0.0.0 for Unbound's own)" "$(json "$sj" clients)" 2
	expect_eq "$tag accounting lines: query, response, packets" \
		"$("$py" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["accounting"]))' "$sj")" 3
	grep -q "^  dnstap .*frames=24 identity=\"sharesim-test\" version=\"unbound 1\." "$tag.txt" ||
		fail "$tag: no dnstap source line"
	expect_eq "$tag --side client: queries" "$(json "$tag-client.json" queries)" 10
}

case "$scenario" in
import_pcaps)
	# Counts measured with tshark on each bundled capture (see traces/data/SOURCES.md).
	"$sharesim" import "$data/cznic-dnsjit-pellets-20191011.pcap" -o pellets.trace
	"$sharesim" info pellets.trace --json > pellets.json
	expect_eq "pellets packets" "$(json pellets.json accounting/packets)" 91
	expect_eq "pellets queries" "$(json pellets.json queries)" 91
	expect_eq "pellets responses" "$(json pellets.json responses)" 0
	"$sharesim" import "$data/dnsoarc-dnscap-test-dns.pcap" -o dnscap.trace
	"$sharesim" info dnscap.trace --json > dnscap.json
	expect_eq "dnscap packets" "$(json dnscap.json accounting/packets)" 133
	expect_eq "dnscap queries" "$(json dnscap.json queries)" 41
	expect_eq "dnscap responses" "$(json dnscap.json responses)" 41
	"$sharesim" import "$data/icann-root-knot-live-20161006.pcap" -o root.trace
	"$sharesim" info root.trace --json > root.json
	"$sharesim" info root.trace > root.txt
	expect_eq "root packets" "$(json root.json accounting/packets)" 17493
	# tshark counts 8,174 UDP queries and 8,190 UDP responses: sharesim skips, and counts, 2 queries
	# whose names exceed 255 octets (bad_label), 2 without a question, an UPDATE and its response
	# (opcode 5), and 14 truncated packets (ICMP errors quoting an IPv4 packet longer than the frame).
	# Over TCP, tshark and sharesim both find 93 queries and 93 responses.
	expect_eq "root queries (8,169 UDP + 93 TCP)" "$(json root.json queries)" 8262
	expect_eq "root responses (8,170 UDP + 93 TCP)" "$(json root.json responses)" 8263
	expect_eq "root TCP queries" "$(json root.json accounting/message.tcp.query)" \
		"$(tshark -r "$data/icann-root-knot-live-20161006.pcap" -Y 'tcp.port==53 && dns.flags.response==0' -T fields -e dns.id 2>/dev/null | wc -l)"
	expect_eq "root TCP responses" "$(json root.json accounting/message.tcp.response)" 93
	# A root server's view: resolvers' iterative queries, nearly none with RD.
	expect_eq "root queries with RD (tshark)" "$(json root.json rd_queries)" \
		"$(tshark -r "$data/icann-root-knot-live-20161006.pcap" -Y 'dns.flags.response==0 && dns.flags.recdesired==1' 2>/dev/null | wc -l)"
	"$sharesim" info root.trace | grep -q "^side       upstream side" || fail "the root capture is not seen as upstream side"
	expect_eq "root malformed names" "$(json root.json accounting/skipped.malformed.bad_label)" 2
	expect_eq "root truncated (ICMP errors quoting an IPv4 packet longer than the frame)" "$(json root.json accounting/skipped.truncated)" 14
	expect_eq "root not query opcode" "$(json root.json accounting/skipped.not_query_opcode)" 2
	expect_eq "root TCP segments: control + data + retransmitted" \
		"$(( $(json root.json accounting/tcp.control) + $(json root.json accounting/tcp.data) + $(json root.json accounting/tcp.retransmission) ))" 956
	# Every packet ends in exactly one accounting line.
	total=$("$py" -c 'import json,sys
a=json.load(open(sys.argv[1]))["accounting"]
print(sum(v for k,v in a.items() if k!="packets" and not k.startswith(("error.", "message."))))' root.json)
	expect_eq "root accounting adds up" "$total" 17493
	# The same capture as pcapng (editcap), and a gzip-compressed pcap: the same trace contents.
	editcap -F pcapng "$data/dnsoarc-dnscap-test-dns.pcap" dnscap.pcapng
	"$sharesim" import dnscap.pcapng -o dnscap-ng.trace > /dev/null
	"$sharesim" info dnscap-ng.trace --json > dnscap-ng.json
	expect_eq "pcapng queries" "$(json dnscap-ng.json queries)" 41
	expect_eq "pcapng responses" "$(json dnscap-ng.json responses)" 41
	cmp <("$sharesim" info dnscap.trace | sed -n '/^queries/,/^accounting/p') \
	    <("$sharesim" info dnscap-ng.trace | sed -n '/^queries/,/^accounting/p') || fail "pcapng and pcap differ"
	gzip -c "$data/cznic-dnsjit-pellets-20191011.pcap" > pellets.pcap.gz
	"$sharesim" import pellets.pcap.gz -o pellets-gz.trace > /dev/null
	expect_eq "gzip pcap queries" "$("$sharesim" info pellets-gz.trace --json | sed 's/.*"queries":\([0-9]*\).*/\1/')" 91
	# Standard input ("-"), plain and gzip: the same trace as the file but for the source's name.
	"$sharesim" import "$data/cznic-dnsjit-pellets-20191011.pcap" -o pellets.trace > /dev/null
	"$sharesim" import - -o pellets-stdin.trace < "$data/cznic-dnsjit-pellets-20191011.pcap" > /dev/null
	gzip -dc pellets.pcap.gz | "$sharesim" import - -o pellets-stdin2.trace > /dev/null
	"$sharesim" import - -o pellets-stdin-gz.trace < pellets.pcap.gz > /dev/null
	contents() { "$sharesim" info "$1" --json | "$py" -c 'import json,sys; d=json.load(sys.stdin); d.pop("digest"); print([s[s.index("linktype="):] for s in d.pop("sources")], json.dumps(d, sort_keys=True))'; }
	for t in pellets-gz pellets-stdin pellets-stdin2 pellets-stdin-gz; do
		[ "$(contents $t.trace)" == "$(contents pellets.trace)" ] || fail "$t differs from the file's import"
	done
	echo "ok: standard input and gzip give the file's trace (and its sha256)"
	# A gzip stream cut short: what was inflated is imported, the cut reported.
	gzip -c "$data/dnsoarc-dnscap-test-dns.pcap" | head -c 3000 > cut.pcap.gz
	set +e; "$sharesim" import cut.pcap.gz -o cutgz.trace 2> cutgz.txt; rc=$?; set -e
	[ $rc -le 1 ] || fail "cut gzip: exit $rc"
	grep -qi "truncat\|cut short" cutgz.txt || { cat cutgz.txt; fail "cut gzip not reported"; }
	echo "ok: cut gzip reported: $(head -1 cutgz.txt)"
	# Two captures merge in time order into one trace.
	"$sharesim" import "$data/dnsoarc-dnscap-test-dns.pcap" "$data/cznic-dnsjit-pellets-20191011.pcap" -o merged.trace
	"$sharesim" info merged.trace --json > merged.json
	expect_eq "merged queries" "$(json merged.json queries)" 132
	;;
import_zeek)
	import_wrccdc
	"$sharesim" info wrccdc.trace --json > w.json
	"$sharesim" info wrccdc.trace
	expect_eq "wrccdc rows" "$(json w.json accounting/packets)" 53615
	# Transactions once the merged capture's duplicate rows are dropped (rule in traces/zeek.c),
	# counted independently here.
	expected=$("$py" "$src/tests/e2e/zeek_transactions.py" "$data/wrccdc2018-zeek-dns.log.gz")
	expect_eq "wrccdc queries" "$(json w.json queries)" "$expected"
	expect_eq "wrccdc clients" "$(json w.json clients)" "$("$py" "$src/tests/e2e/zeek_transactions.py" "$data/wrccdc2018-zeek-dns.log.gz" --clients)"
	# Only the client side of one resolver: queries sent to it; every answer still feeds the model.
	"$sharesim" import --resolver 10.0.0.100 "$data/wrccdc2018-zeek-dns.log.gz" -o one.trace >/dev/null
	"$sharesim" info one.trace --json > one.json
	expect_eq "queries to 10.0.0.100" "$(json one.json queries)" "$("$py" "$src/tests/e2e/zeek_transactions.py" "$data/wrccdc2018-zeek-dns.log.gz" --resolver 10.0.0.100)"
	expect_eq "clients of 10.0.0.100" "$(json one.json clients)" "$("$py" "$src/tests/e2e/zeek_transactions.py" "$data/wrccdc2018-zeek-dns.log.gz" --resolver 10.0.0.100 --clients)"
	# --side client: queries without RD (the resolvers' own) are not arrivals; their answers stay.
	"$sharesim" import --side client "$data/wrccdc2018-zeek-dns.log.gz" -o client.trace > /dev/null
	"$sharesim" info client.trace --json > client.json
	# (an upstream row without an answer is skipped.upstream_query; with one, its answer is kept:
	# zeek.upstream_response_only)
	expect_eq "client side: queries + upstream queries skipped" \
		"$(( $(json client.json queries) + $(json client.json accounting/skipped.upstream_query) + $(json client.json accounting/zeek.upstream_response_only) ))" \
		"$(json w.json queries)"
	expect_eq "client side: every query has RD" "$(json client.json rd_queries)" "$(json client.json queries)"
	expect_eq "client side: the same responses" "$(json client.json responses)" "$(json w.json responses)"
	# Answer changes over time (the record versions), counted independently.
	expect_eq "answer changes, name/types changing" "$(json w.json changes) $(json w.json changing_records)" \
		"$("$py" "$src/tests/e2e/zeek_changes.py" "$data/wrccdc2018-zeek-dns.log.gz")"
	expect_eq "responses kept for the record model" "$(json one.json responses)" "$(json w.json responses)"
	# Detected by content, not by name.
	cp "$data/wrccdc2018-zeek-dns.log.gz" renamed.bin
	"$sharesim" import renamed.bin -o renamed.trace >/dev/null
	"$sharesim" info renamed.trace --json > r.json
	expect_eq "detected by content" "$(json r.json queries)" "$expected"
	;;
demo_sweep)
	import_wrccdc
	"$sharesim" run "$src/experiments/demo.ini" --set experiment.trace="$PWD/wrccdc.trace" \
		--set resolvers.nodes=1,4 -o demo.sqlite
	expect_eq "runs done" "$(sql demo.sqlite "select count(*) from run where status='done'")" 6
	q=$(sql demo.sqlite "select distinct queries from run")
	expect_eq "every run replays the whole trace" "$q" "$(json <("$sharesim" info wrccdc.trace --json) queries)"
	hits() { sql demo.sqlite "select cast(s.value as integer) from scalar s join run r using(runId)
		join runParam n on n.runId=r.runId and n.paramKey='resolvers.nodes'
		join runParam t on t.runId=r.runId and t.paramKey='share.transport'
		where s.node=-1 and s.name='$3' and n.paramValue='$1' and t.paramValue='$2'"; }
	# One resolver has no peers: sharing must change nothing.
	expect_eq "1 node: hits equal with and without sharing" "$(hits 1 unicast num.cachehits)" "$(hits 1 none num.cachehits)"
	expect_eq "1 node: no share messages" "$(hits 1 unicast share.sent.msgs)" 0
	# Four resolvers: peers' answers must be used, and the hit rate rise.
	own=$(hits 4 none num.cachehits) shared_total=$(( $(hits 4 unicast num.cachehits) + $(hits 4 unicast num.cachehits.shared) ))
	[ "$(hits 4 unicast num.cachehits.shared)" -gt 0 ] || fail "4 nodes: no hits from shared data"
	[ "$shared_total" -gt "$own" ] || fail "4 nodes: sharing did not raise hits ($shared_total <= $own)"
	echo "ok: 4 nodes: hits $own without sharing, $shared_total with"
	# Unicast: each eligible resolution goes to the 3 peers.
	sent=$(hits 4 unicast share.sent.msgs) recv=$(hits 4 unicast share.recv.msgs) lost=$(hits 4 unicast share.lost)
	expect_eq "sent = received + lost" "$sent" "$((recv + lost))"
	expect_eq "no rejections with one key" "$(hits 4 unicast share.rejected.badsig)" 0
	"$sharesim" report demo.sqlite > report.txt
	cat report.txt
	expect_eq "report rows" "$(grep -c 'share.transport=' report.txt)" 6
	# Multicast: the same shares (same hits), one send each, received by the 3 peers.
	expect_eq "multicast hits = unicast hits" "$(hits 4 multicast num.cachehits.shared)" "$(hits 4 unicast num.cachehits.shared)"
	expect_eq "multicast: 3 receptions per send" "$(hits 4 multicast share.recv.msgs)" "$((3 * $(hits 4 multicast share.sent.msgs)))"
	expect_eq "unicast: 3 sends per multicast send" "$(hits 4 unicast share.sent.msgs)" "$((3 * $(hits 4 multicast share.sent.msgs)))"
	"$sharesim" plot demo.sqlite -o plots > figures.txt
	for f in hitrate hitrate-shared upstream share-msgs share-bytes latency-p95; do
		[ "$(head -c 8 plots/demo/$f.png | od -An -tx1 | tr -d ' \n')" == 89504e470d0a1a0a ] || fail "$f.png is not a PNG"
		[ "$(head -c 5 plots/demo/$f.pdf)" == "%PDF-" ] || fail "$f.pdf is not a PDF"
		grep -q "<svg" plots/demo/$f.svg || fail "$f.svg is not an SVG"
		echo "ok: plots/demo/$f.{png,svg,pdf} ($(stat -c %s plots/demo/$f.png) bytes of PNG)"
	done
	# Nothing stale in this sweep: no stale figure; every figure listed.
	[ ! -e plots/demo/stale.png ] || fail "a stale figure without stale answers"
	expect_eq "figures listed" "$(wc -l < figures.txt)" "$(ls plots/demo/*.png plots/demo/*.svg plots/demo/*.pdf | wc -l)"
	# The plotted data are the database's: unicast at 4 resolvers.
	expect_eq "hitrate.tsv, unicast at 4" "$(awk '/^"transport=unicast"/{b=1;next} /^"/{b=0} b && $1==4 {print $2}' plots/demo/hitrate.tsv)" \
		"$(sql demo.sqlite "SELECT printf('%.6g', 100 * s.value) FROM scalar s JOIN runItervar n ON n.runId = s.runId AND n.itervarName = 'resolvers.nodes' AND n.value = '4' JOIN runItervar t ON t.runId = s.runId AND t.itervarName = 'share.transport' AND t.value = 'unicast' WHERE s.node = -1 AND s.name = 'hitrate'")"
	expect_fail "plot an unknown format" "unknown figure format 'gif'" "$sharesim" plot demo.sqlite -o p --format png,gif
	expect_fail "plot against a key not swept" "does not sweep 'cache.min_ttl'" "$sharesim" plot demo.sqlite -o p --x cache.min_ttl
	;;
repetitions)
	import_wrccdc
	# Three seeds per point with a random frontend: the figures and the report show the mean and
	# the 95 % confidence interval, t(0.975, 2) = 4.302652729911275.
	run_point rep.sqlite --set experiment.repeat=3 --set resolvers.frontend=random --set share.transport=none,unicast
	expect_eq "runs" "$(sql rep.sqlite "SELECT count(*) FROM run WHERE status = 'done'")" 6
	"$sharesim" plot rep.sqlite -o plots --format png > /dev/null
	want=$("$py" -c 'import sqlite3, statistics, sys
db = sqlite3.connect(sys.argv[1])
v = [100 * r[0] for r in db.execute("SELECT s.value FROM scalar s JOIN runItervar t ON t.runId = s.runId AND t.itervarName = \"share.transport\" AND t.value = \"unicast\" WHERE s.node = -1 AND s.name = \"hitrate\"")]
m = statistics.mean(v); h = 4.302652729911275 * statistics.stdev(v) / len(v) ** 0.5
print("%.4f %.4f %.4f %d" % (m, m - h, m + h, len(v)))' rep.sqlite)
	# x is the transport here (the only swept key): the unicast row is the second.
	got=$(awk 'NR > 1 && $1 == "unicast" {printf "%.4f %.4f %.4f %d", $2, $3, $4, $5}' plots/demo/hitrate.tsv)
	expect_eq "unicast mean, 95 % CI and runs" "$got" "$want"
	[ "$(awk '{print $2 < $1 && $1 < $3}' <<< "$got")" == 1 ] || fail "the seeds made no difference: $got"
	# The report's JSON: every run with its scalars, every point with its mean and interval.
	"$sharesim" report rep.sqlite --json > rep.json
	expect_eq "JSON runs" "$("$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["experiments"][0]["runs"]))' rep.json)" 6
	expect_eq "JSON unicast point" "$("$py" -c 'import json,sys
d = json.load(open(sys.argv[1]))
p = [p for p in d["experiments"][0]["points"] if p["itervars"]["share.transport"] == "unicast"][0]
m, h = 100 * p["mean"]["hitrate"], 100 * p["ci95"]["hitrate"]
print("%.4f %.4f %.4f %d" % (m, m - h, m + h, p["runs"]))' rep.json)" "$want"
	"$sharesim" report rep.sqlite > rep.txt
	grep -q "mean of each point over its repetitions" rep.txt || fail "no means table in the text report"
	;;
share_pcap)
	import_wrccdc
	# A key of our own, so the independent verifier gets it from here, not from the program.
	key=hmac-sha256:share.e2e.example.:$(printf 'e2e-share-key-0123456789abcdef!!' | base64)
	for variant in keep,unicast remove,unicast keep,multicast keep,hub; do
		question=${variant%,*} transport=${variant#*,} db=q-$question-$transport.sqlite pcap=share-$question-$transport.pcap
		run_point $db --set share.key="$key" --set share.question=$question --set share.transport=$transport --share-pcap $pcap
		# Every message on the wire: sent by the resolvers, plus relayed by a hub.
		sent=$(sql $db "select cast(sum(value) as integer) from scalar where node=-1 and name in ('share.sent.msgs', 'hub.relayed.msgs')")
		[ "$sent" -gt 0 ] || fail "no share messages"
		expect_eq "pcap packets = share.sent.msgs ($variant)" "$(tshark -r $pcap 2>/dev/null | wc -l)" "$sent"
		expect_eq "tshark: DNS packets ($variant)" "$(tshark -r $pcap -Y 'dns.flags.response==1 && dns.tsig.mac' 2>/dev/null | wc -l)" "$sent"
		expect_eq "tshark: malformed ($variant)" "$(tshark -r $pcap -Y '_ws.malformed || _ws.expert.severity>=error' 2>/dev/null | wc -l)" 0
		"$py" "$src/tests/e2e/verify_share_pcap.py" $pcap "$key" --question $question | tail -2
	done
	# Multicast: one send per share, to the group address; unicast: one per peer (3 with 4 nodes).
	expect_eq "multicast destination" "$(tshark -r share-keep-multicast.pcap -T fields -e ip.dst 2>/dev/null | sort -u)" 239.53.0.1
	expect_eq "unicast sends 3x multicast" "$(tshark -r share-keep-unicast.pcap 2>/dev/null | wc -l)" "$((3 * $(tshark -r share-keep-multicast.pcap 2>/dev/null | wc -l)))"
	# Negative shares (share.negative): NXDOMAIN and NODATA with their SOA, also verified.
	run_point neg.sqlite --set share.key="$key" --set share.negative=1 --share-pcap neg.pcap
	expect_eq "tshark: malformed (negative)" "$(tshark -r neg.pcap -Y '_ws.malformed || _ws.expert.severity>=error' 2>/dev/null | wc -l)" 0
	"$py" "$src/tests/e2e/verify_share_pcap.py" neg.pcap "$key" --question keep --negative | tail -3 | tee neg.txt
	expect_eq "negative shares on the wire = NXDOMAIN + NODATA in tshark" "$(sed -n 's/ negative shares$//p' neg.txt)" \
		"$(tshark -r neg.pcap -Y 'dns.flags.rcode == 3 || (dns.flags.rcode == 0 && dns.count.answers == 0)' 2>/dev/null | wc -l)"
	[ "$(sed -n 's/ negative shares$//p' neg.txt)" -gt 0 ] || fail "no negative share"
	;;
determinism)
	import_wrccdc
	run_point a.sqlite --set share.question=remove
	run_point b.sqlite --set share.question=remove
	run_point c.sqlite --set share.question=remove --set experiment.seed=2
	dump() { sqlite3 "$1" "select node,bin,name,value from counter order by 1,2,3;
		select node,name,value from scalar where name not like 'wall%' and name <> 'cpuSeconds' order by 1,2;
		select node,name,binLowerBound,value from histogramBin order by 1,2,3;
		select paramKey,paramValue from runParam order by 1"; }
	dump a.sqlite > a.txt; dump b.sqlite > b.txt; dump c.sqlite > c.txt
	[ "$(wc -l < a.txt)" -gt 100 ] || fail "dump too small to mean anything"
	cmp a.txt b.txt || fail "same seed, different results"
	echo "ok: same seed: identical counters, scalars, histograms ($(wc -l < a.txt) rows)"
	! cmp -s a.txt c.txt || fail "different seed, identical results: the seed is not used"
	echo "ok: another seed gives other results"
	;;
bad_input)
	head -c 4000 /dev/urandom > garbage.bin
	expect_fail "garbage capture" "garbage.bin" "$sharesim" import garbage.bin -o g.trace
	[ ! -e g.trace ] || fail "a failed import left a trace file"
	expect_fail "missing capture" "missing.pcap" "$sharesim" import missing.pcap -o g.trace
	expect_fail "info on a non-trace" "garbage.bin" "$sharesim" info garbage.bin
	"$sharesim" import "$data/dnsoarc-dnscap-test-dns.pcap" -o ok.trace >/dev/null
	head -c 300 ok.trace > cut.trace
	expect_fail "truncated trace" "cut.trace" "$sharesim" info cut.trace
	expect_fail "report on a non-database" "garbage.bin" "$sharesim" report garbage.bin
	sha=$(sha256sum garbage.bin)
	expect_fail "plot on a non-database" "garbage.bin" "$sharesim" plot garbage.bin -o p
	expect_eq "non-database untouched" "$(sha256sum garbage.bin)" "$sha"
	printf '[experiment]\nname = broken\n[resolvers]\nnodes = many\n' > broken.ini
	expect_fail "bad number in experiment" "broken.ini:4" "$sharesim" run broken.ini -o x.sqlite
	printf '[experiment]\nname = broken\n[share]\nwhatever = 1\n' > unknown.ini
	expect_fail "unknown key in experiment" "unknown.ini:4" "$sharesim" run unknown.ini -o x.sqlite
	printf '[experiment]\nname = k\ntrace = ok.trace\n[share]\nkey = hmac-sha256:k.:not*base64\n' > badkey.ini
	expect_fail "bad TSIG key" "badkey.ini" "$sharesim" run badkey.ini -o x.sqlite
	# A broken latency matrix stops the whole sweep before anything runs, named with its line
	# and column; one of the wrong size names both sizes. No results database is made.
	printf '0 5\n5 x\n' > bad-matrix.txt
	printf '0 5\n5 0\n' > two-sites.txt
	printf '[experiment]\nname = m\ntrace = ok.trace\n[resolvers]\nnodes = 2, 4\n[network]\nsites = 2\nlatency_matrix = bad-matrix.txt\n' > matrix.ini
	expect_fail "broken latency matrix" "bad-matrix.txt:2:3: error: 'x' is not a latency in ms" "$sharesim" run matrix.ini -o m.sqlite
	expect_fail "broken latency matrix, dry run" "bad-matrix.txt:2:3" "$sharesim" run matrix.ini --dry-run
	expect_fail "latency matrix of another size" "two-sites.txt: 2 sites, but network.sites = 3: set network.sites = 2" \
		"$sharesim" run matrix.ini --set network.latency_matrix=two-sites.txt --set network.sites=2,3 -o m.sqlite
	[ ! -e m.sqlite ] || fail "a sweep stopped by its latency matrix left a results database"
	# A capture cut in the middle of a packet: what was read is imported, the cut is reported.
	head -c 5000 "$data/dnsoarc-dnscap-test-dns.pcap" > cut.pcap
	set +e; "$sharesim" import cut.pcap -o cut2.trace 2>err.txt; rc=$?; set -e
	[ $rc -le 1 ] || fail "truncated capture: exit $rc"
	grep -qi "truncat" err.txt || fail "truncated capture not reported"
	echo "ok: truncated capture reported: $(head -1 err.txt)"
	"$sharesim" --help > /dev/null
	for c in import info run report plot; do "$sharesim" $c --help > /dev/null || fail "$c --help"; done
	set +e; "$sharesim" frobnicate 2>/dev/null; rc=$?; set -e
	expect_eq "unknown command exit status" "$rc" 2
	;;
failed_run_keeps_results)
	import_wrccdc
	run_point r.sqlite
	before=$(sqlite3 r.sqlite "select * from run; select count(*), sum(value) from counter")
	# A run that fails (its trace is gone) is recorded as failed; earlier runs are untouched.
	cp wrccdc.trace gone.trace
	"$sharesim" run "$src/experiments/demo.ini" --set experiment.trace="$PWD/gone.trace" \
		--set resolvers.nodes=2 --dry-run >/dev/null
	rm gone.trace
	set +e; "$sharesim" run "$src/experiments/demo.ini" --set experiment.trace="$PWD/gone.trace" \
		--set resolvers.nodes=2 -o r.sqlite 2>err.txt; rc=$?; set -e
	expect_eq "run with a missing trace exits 1" "$rc" 1
	grep -qF "gone.trace" err.txt || fail "error does not name the trace"
	after=$(sqlite3 r.sqlite "select * from run where runId=1; select count(*), sum(value) from counter")
	expect_eq "earlier run untouched" "$after" "$before"
	;;
interrupted_run)
	import_wrccdc
	# Two points: a quick one, then 1,024 resolvers sharing (seconds of work). Stop the second.
	"$sharesim" run "$src/experiments/demo.ini" --set experiment.trace="$PWD/wrccdc.trace" \
		--set resolvers.nodes=1,1024 --set share.transport=unicast -o i.sqlite > out.txt 2> err.txt &
	pid=$!
	for i in $(seq 1 100); do
		[ "$(sqlite3 i.sqlite "select count(*) from run where status='done'" 2>/dev/null)" == 1 ] && break
		sleep 0.2
	done
	sleep 0.5
	kill -TERM $pid
	set +e; wait $pid; rc=$?; set -e
	expect_eq "interrupted sweep exit status" "$rc" 1
	expect_eq "statuses" "$(sqlite3 i.sqlite "select group_concat(status, ',') from run")" "done,interrupted"
	expect_eq "the interrupted run stored nothing" "$(sqlite3 i.sqlite "select count(*) from counter where runId = 2")" 0
	grep -q "interrupted at simulated time" err.txt || fail "no interruption message"
	"$sharesim" report i.sqlite | grep -q "interrupted: interrupted at simulated time" || fail "report hides the interruption"
	echo "ok: $(grep interrupted err.txt | head -1)"
	# Re-running resumes: the finished point is skipped, the interrupted one runs again.
	"$sharesim" run "$src/experiments/demo.ini" --set experiment.trace="$PWD/wrccdc.trace" \
		--set resolvers.nodes=1,1024 --set share.transport=unicast -o i.sqlite --progress > resume.txt 2> progress.txt
	# Progress: asked for here; off by default when stderr is not a terminal.
	tr '\r' '\n' < progress.txt | grep -q "^demo-nodes=1024-r0: [0-9]* events, .* of [0-9]* simulated s (100.0%), .* M events/s, took" \
		|| { cat progress.txt; fail "no progress line"; }
	! grep -q "ETA" err.txt || fail "progress shown without a terminal"
	grep -q "^\[1/2\] demo-nodes=1-r0: already done (run 1), skipped" resume.txt || fail "no skip"
	expect_eq "statuses after resuming" "$(sqlite3 i.sqlite "select group_concat(status, ',') from run")" "done,interrupted,done"
	# A third time: nothing to do; --again runs everything anew.
	"$sharesim" run "$src/experiments/demo.ini" --set experiment.trace="$PWD/wrccdc.trace" \
		--set resolvers.nodes=1 --set share.transport=unicast -o i.sqlite > /dev/null
	expect_eq "runs after a re-run" "$(sql i.sqlite "select count(*) from run")" 3
	"$sharesim" run "$src/experiments/demo.ini" --set experiment.trace="$PWD/wrccdc.trace" \
		--set resolvers.nodes=1 --set share.transport=unicast --again -o i.sqlite > /dev/null
	expect_eq "runs after --again" "$(sql i.sqlite "select count(*) from run")" 4
	# Another value of a key that is not swept is another configuration.
	"$sharesim" run "$src/experiments/demo.ini" --set experiment.trace="$PWD/wrccdc.trace" \
		--set resolvers.nodes=1 --set share.transport=unicast --set cache.min_ttl=60 -o i.sqlite > /dev/null
	expect_eq "runs after changing cache.min_ttl" "$(sql i.sqlite "select count(*) from run")" 5
	;;
emit_jobs)
	import_wrccdc
	# The cluster path: one command per point, run by GNU parallel, merged; the same results as
	# one process, and re-emitting after the merge has nothing left to do.
	exp=(run "$src/experiments/transports.ini" --set experiment.trace="$PWD/wrccdc.trace" --set resolvers.nodes=2,4)
	"$sharesim" "${exp[@]}" -o direct.sqlite > /dev/null
	"$sharesim" "${exp[@]}" -o all.sqlite --emit-jobs > jobs.txt 2> emit.txt
	expect_eq "jobs emitted" "$(wc -l < jobs.txt)" 12
	grep -qF "sharesim merge all.sqlite all.parts/*.sqlite" emit.txt || fail "no merge hint"
	parallel --will-cite -j 2 < jobs.txt > /dev/null
	"$sharesim" merge all.sqlite all.parts/*.sqlite > /dev/null
	dump() { sqlite3 "$1" "select runName, s.node, s.name, s.value from run join scalar s using(runId)
		where s.name not like 'wall%' and s.name <> 'cpuSeconds' order by 1, 2, 3"; }
	cmp <(dump direct.sqlite) <(dump all.sqlite) || fail "parallel jobs give other results than one process"
	echo "ok: GNU parallel stores the same $(dump all.sqlite | wc -l) scalars"
	"$sharesim" "${exp[@]}" -o all.sqlite --emit-jobs > again.txt 2> /dev/null
	expect_eq "jobs left after the merge" "$(wc -l < again.txt)" 0
	# A Slurm array task runs line $SLURM_ARRAY_TASK_ID: the same command, one point.
	"$sharesim" "${exp[@]}" --point 3 -o one.sqlite > /dev/null
	expect_eq "--point 3" "$(sql one.sqlite "select runName from run")" "$(sql direct.sqlite "select runName from run where runId = 3")"
	set +e; "$sharesim" "${exp[@]}" --point 13 -o one.sqlite 2> err.txt; rc=$?; set -e
	expect_eq "--point beyond the sweep" "$rc" 2
	;;
transports)
	"$sharesim" import --resolver 10.0.0.100 "$data/wrccdc2018-zeek-dns.log.gz" -o wrccdc.trace > /dev/null
	"$sharesim" run "$src/experiments/transports.ini" --set experiment.trace="$PWD/wrccdc.trace" \
		--set resolvers.nodes=4 -o t.sqlite > /dev/null
	expect_eq "every transport ran" "$(sql t.sqlite "select group_concat(paramValue, ',') from runParam p join run r using(runId) where paramKey='share.transport' and status='done'")" \
		"none,unicast,multicast,hub,pull,pubsub"
	hit() { sql t.sqlite "select cast(round(s.value * 1e6) as integer) from scalar s join runParam p using(runId)
		where p.paramKey='share.transport' and p.paramValue='$1' and s.node=-1 and s.name='hitrate'"; }
	base=$(hit none)
	for transport in unicast multicast hub pull pubsub; do
		[ "$(hit $transport)" -gt "$base" ] || fail "$transport: hit rate $(hit $transport) not above none ($base)"
		echo "ok: $transport raises the hit rate: $base -> $(hit $transport) (x1e-6)"
	done
	expect_eq "multicast delivers what unicast does" "$(hit multicast)" "$(hit unicast)"
	"$sharesim" report t.sqlite | grep -c "share.transport=" | grep -qx 6 || fail "report rows"
	;;
synth)
	"$sharesim" synth -o a.pcap -n 5000 --responses --seed 3 > /dev/null
	"$sharesim" synth -o b.pcap -n 5000 --responses --seed 3 > /dev/null
	"$sharesim" synth -o c.pcap -n 5000 --responses --seed 4 > /dev/null
	cmp a.pcap b.pcap || fail "same seed, different pcaps"
	"$sharesim" synth -o - -n 5000 --responses --seed 3 2> piped.txt > piped.pcap
	cmp a.pcap piped.pcap || fail "synth -o - wrote another capture than synth -o FILE"
	grep -q "5000 queries" piped.txt || fail "synth -o -: no summary on stderr"
	! cmp -s a.pcap c.pcap || fail "the seed is not used"
	echo "ok: deterministic by seed"
	expect_eq "tshark packets" "$(tshark -r a.pcap 2>/dev/null | wc -l)" 10000
	expect_eq "tshark malformed" "$(tshark -r a.pcap -Y '_ws.malformed || _ws.expert.severity>=error' 2>/dev/null | wc -l)" 0
	expect_eq "tshark responses" "$(tshark -r a.pcap -Y 'dns.flags.response==1 && dns.flags.authoritative==1' 2>/dev/null | wc -l)" 5000
	"$sharesim" import a.pcap -o a.trace > /dev/null
	"$sharesim" info a.trace --json > a.json
	expect_eq "queries" "$(json a.json queries)" 5000
	expect_eq "responses" "$(json a.json responses)" 5000
	a=$(json a.json qtypes/A)
	[ "$a" -gt 3100 ] && [ "$a" -lt 3400 ] || fail "A share $a of 5000, expected about 65 %"
	echo "ok: A queries $a of 5000"
	set +e; "$sharesim" synth -n 5 2>/dev/null; rc=$?; "$sharesim" synth -o x.pcap --alpha many 2>err.txt; rc2=$?; set -e
	expect_eq "synth without -o: usage error" "$rc" 2
	expect_eq "synth with a bad number: usage error" "$rc2" 2
	grep -q "alpha: bad value 'many'" err.txt || fail "bad value not named"
	# A random-subdomain flood replaces a share of the queries; the others are the seed's own.
	"$sharesim" synth -o f.pcap -n 5000 --responses --seed 3 --flood 0.2 --flood-clients 4 > /dev/null
	flood=$(tshark -r f.pcap -Y 'dns.flags.response==0 && dns.qry.name matches "^x[0-9a-f]{8}\\.flood\\.example$"' 2>/dev/null | wc -l)
	[ "$flood" -gt 900 ] && [ "$flood" -lt 1100 ] || fail "$flood flood queries of 5000, expected about 20 %"
	expect_eq "flood answers are NXDOMAIN" "$(tshark -r f.pcap -Y 'dns.flags.response==1 && dns.flags.rcode==3 && dns.qry.name contains "flood"' 2>/dev/null | wc -l)" "$flood"
	expect_eq "flood clients" "$(tshark -r f.pcap -Y 'dns.flags.response==0 && dns.qry.name contains "flood"' -T fields -e ip.src 2>/dev/null | sort -u | wc -l)" 4
	queries() { tshark -r "$1" -Y 'dns.flags.response==0 && !(dns.qry.name contains "flood")' -T fields -e frame.time_epoch -e ip.src -e dns.qry.name -e dns.qry.type 2>/dev/null | sort; }
	expect_eq "regular queries kept from the flood-free workload" "$(comm -13 <(queries a.pcap) <(queries f.pcap) | wc -l)" 0
	# A client's own names: about the share asked for, each asked only by the client it names
	# (c<client> is the client's index; its address is 10.0.0.0 + index), answered like others.
	"$sharesim" synth -o o.pcap -n 5000 --responses --seed 3 --private 0.3 --private-names 50 > /dev/null
	tshark -r o.pcap -Y 'dns.flags.response==0 && dns.qry.name matches "^p[0-9]+\\.c[0-9]+\\.synth\\.example$"' \
		-T fields -e ip.src -e dns.qry.name 2>/dev/null > own.txt
	own=$(wc -l < own.txt)
	[ "$own" -gt 1400 ] && [ "$own" -lt 1600 ] || fail "$own queries for clients' own names of 5000, expected about 30 %"
	expect_eq "own names asked by another client" "$("$py" -c 'import ipaddress, sys
bad = 0
for line in open(sys.argv[1]):
    src, name = line.split()
    client = int(name.split(".")[1][1:])
    bad += int(ipaddress.ip_address(src)) - int(ipaddress.ip_address("10.0.0.0")) != client
print(bad)' own.txt)" 0
	expect_eq "own-name ranks within --private-names" "$(cut -f2 own.txt | sed 's/^p\([0-9]*\)\..*/\1/' | sort -n | tail -1 | awk '{print ($1 < 50)}')" 1
	expect_eq "answers to own names" "$(tshark -r o.pcap -Y 'dns.flags.response==1 && dns.qry.name matches "^p[0-9]+\\.c"' 2>/dev/null | wc -l)" "$own"
	expect_eq "other queries kept from the workload without own names" \
		"$(comm -13 <(queries a.pcap) <(queries o.pcap | grep -v '[[:space:]]p[0-9]*\.c[0-9]*\.synth') | wc -l)" 0
	# Traces are a swept key like any other: each point replays its own.
	"$sharesim" import f.pcap -o f.trace > /dev/null
	"$sharesim" run "$src/experiments/demo.ini" --set experiment.trace="$PWD/a.trace,$PWD/f.trace" \
		--set resolvers.nodes=2 --set share.transport=unicast --set share.negative=0,1 -o t.sqlite > /dev/null
	expect_eq "runs per trace" "$(sql t.sqlite "select group_concat(runName || ':' || queries, ' ') from run order by runId")" \
		"demo-trace=a,negative=0-r0:5000 demo-trace=a,negative=1-r0:5000 demo-trace=f,negative=0-r0:5000 demo-trace=f,negative=1-r0:5000"
	expect_eq "traces' digests" "$(sql t.sqlite "select count(distinct traceDigest) from run")" 2
	;;
parallel)
	import_wrccdc
	for j in 1 2; do
		"$sharesim" run "$src/experiments/transports.ini" --set experiment.trace="$PWD/wrccdc.trace" \
			--set resolvers.nodes=2,4 -j $j -o j$j.sqlite > /dev/null
	done
	dump() { sqlite3 "$1" "select runName, s.node, s.name, s.value from run join scalar s using(runId)
		where s.name not like 'wall%' and s.name <> 'cpuSeconds' order by 1, 2, 3"; }
	expect_eq "runs with -j 2" "$(sql j2.sqlite "select count(*) from run where status='done'")" 12
	[ "$(dump j1.sqlite | wc -l)" -gt 1000 ] || fail "too few scalars to compare"
	cmp <(dump j1.sqlite) <(dump j2.sqlite) || fail "-j 2 gives other results than -j 1"
	echo "ok: -j 2 stores the same $(dump j1.sqlite | wc -l) scalars as -j 1"
	set +e; "$sharesim" run "$src/experiments/demo.ini" -j 0 2>/dev/null; rc=$?; set -e
	expect_eq "-j 0 is a usage error" "$rc" 2
	;;
export)
	"$sharesim" import --resolver 10.0.0.100 "$data/wrccdc2018-zeek-dns.log.gz" -o a.trace > /dev/null
	"$sharesim" export a.trace -o a.pcap > /dev/null
	expect_eq "tshark: exported queries" "$(tshark -r a.pcap -Y 'dns.flags.response==0' 2>/dev/null | wc -l)" 16950
	expect_eq "tshark: malformed" "$(tshark -r a.pcap -Y '_ws.malformed || _ws.expert.severity>=error' 2>/dev/null | wc -l)" 0
	"$sharesim" import a.pcap -o b.trace > /dev/null
	for k in queries clients start_ns duration_ns qtypes resolvers; do
		expect_eq "round trip: $k" "$(json <("$sharesim" info b.trace --json) $k)" "$(json <("$sharesim" info a.trace --json) $k)"
	done
	;;
fragments)
	# DNS over fragmented UDP (IPv4 out of order with a duplicate, IPv6 fragment headers, one
	# datagram never completed), built with dnspython; tshark reassembles the same responses.
	"$py" "$src/tests/e2e/make_fragments.py" frag.pcap
	"$sharesim" import frag.pcap -o frag.trace > /dev/null
	"$sharesim" info frag.trace --json > frag.json
	expect_eq "responses (tshark reassembles)" "$(json frag.json responses)" \
		"$(tshark -r frag.pcap -Y 'dns.flags.response==1' 2>/dev/null | wc -l)"
	expect_eq "queries" "$(json frag.json queries)" "$(tshark -r frag.pcap -Y 'dns.flags.response==0' 2>/dev/null | wc -l)"
	expect_eq "fragments reassembled" "$(json frag.json accounting/fragment.reassembled)" 5
	expect_eq "duplicate fragment" "$(json frag.json accounting/skipped.fragment.duplicate)" 1
	expect_eq "fragment without its rest" "$(json frag.json accounting/skipped.fragment.incomplete)" 1
	expect_eq "reassembled responses" "$(json frag.json accounting/message.fragmented.response)" 2
	expect_eq "packets" "$(json frag.json accounting/packets)" "$(tshark -r frag.pcap 2>/dev/null | wc -l)"
	# The two big answers are in the record model (big.example and big6.example, TXT).
	expect_eq "records with an answer" "$(json frag.json records)" 2
	;;
dnsperf)
	# A dnsperf query file: no times, so a declared Poisson rate; every line accounted for.
	{ echo "; a dnsperf data file"; for i in $(seq 1 999); do echo "n$i.example.com A"; done
	  echo "www.example.org AAAA"; echo "not a query line at all"; } > queries.txt
	"$sharesim" import queries.txt --rate 100 --clients 5 --seed 2 -o q.trace > /dev/null
	"$sharesim" info q.trace --json > q.json
	expect_eq "queries" "$(json q.json queries)" 1000
	expect_eq "clients" "$(json q.json clients)" 5
	expect_eq "lines read" "$(json q.json accounting/packets)" 1002
	expect_eq "malformed lines" "$(json q.json accounting/skipped.dnsperf.malformed)" 1
	expect_eq "comments" "$(json q.json accounting/skipped.dnsperf.comment)" 1
	expect_eq "AAAA" "$(json q.json qtypes/AAAA)" 1
	d=$(json q.json duration_ns)
	[ "$d" -gt 8000000000 ] && [ "$d" -lt 12000000000 ] || fail "1,000 queries at 100/s lasted $d ns"
	echo "ok: 1,000 queries at 100/s over $d ns"
	"$sharesim" import queries.txt --rate 100 --clients 5 --seed 2 -o q2.trace > /dev/null
	cmp q.trace q2.trace || fail "same seed, different traces"
	"$sharesim" import queries.txt --rate 100 --clients 5 --seed 3 -o q3.trace > /dev/null
	! cmp -s q.trace q3.trace || fail "the seed is not used"
	gzip -c queries.txt | "$sharesim" import - --rate 100 --clients 5 --seed 2 -o q4.trace > /dev/null
	expect_eq "gzip on standard input" "$(json <("$sharesim" info q4.trace --json) queries)" 1000
	expect_fail "no rate" "has no times: give the arrival rate (--rate QPS)" "$sharesim" import queries.txt -o q5.trace
	;;
client_sample)
	# resolvers.clients keeps the queries of k clients drawn by the seed: with one client, the
	# queries replayed are exactly one client's (counted by tshark on the exported queries).
	"$sharesim" import --resolver 10.0.0.100 "$data/wrccdc2018-zeek-dns.log.gz" -o a.trace > /dev/null
	"$sharesim" export a.trace -o a.pcap > /dev/null
	tshark -r a.pcap -T fields -e ip.src 2>/dev/null | sort | uniq -c | awk '{print $1}' | sort -n > per_client.txt
	expect_eq "clients" "$(wc -l < per_client.txt)" 46
	for seed in 1 2 3; do
		run_point c.sqlite --set experiment.trace="$PWD/a.trace" --set resolvers.clients=1,46,1000 --set experiment.seed=$seed
	done
	one() { sql c.sqlite "SELECT group_concat(CAST(s.value AS INTEGER), ' ') FROM scalar s JOIN runItervar i ON i.runId = s.runId AND i.itervarName = 'resolvers.clients' AND i.value = '$1' WHERE s.node = -1 AND s.name = 'num.queries' ORDER BY s.runId"; }
	for n in $(one 1); do grep -qx "$n" per_client.txt || fail "$n queries is no client's count"; done
	[ "$(one 1 | tr ' ' '\n' | sort -u | wc -l)" -gt 1 ] || fail "three seeds drew the same client"
	expect_eq "46 of 46 clients" "$(one 46)" "16950 16950 16950"
	expect_eq "more clients than the trace has" "$(one 1000)" "16950 16950 16950"
	echo "ok: one client per seed: $(one 1) queries"
	;;
staleness)
	"$sharesim" import --resolver 10.0.0.100 "$data/wrccdc2018-zeek-dns.log.gz" -o wrccdc.trace > /dev/null
	"$sharesim" run "$src/experiments/staleness.ini" --set experiment.trace="$PWD/wrccdc.trace" \
		--set share.transport=none,unicast,pubsub -o s.sqlite > /dev/null
	stale() { sql s.sqlite "select cast(s.value as integer) from scalar s join run r using(runId)
		where s.node = -1 and s.name = 'num.answer.stale' and r.runName = 'staleness-$1-r0'"; }
	none=$(stale transport=none,push=0) uni=$(stale transport=unicast,push=0) push=$(stale transport=pubsub,push=1)
	[ "$none" -gt 0 ] || fail "no stale answers without sharing: the world does not change"
	[ "$uni" -gt "$none" ] || fail "sharing did not spread stale answers ($uni <= $none)"
	expect_eq "stale answers with authority push" "$push" 0
	echo "ok: stale answers: none $none, unicast $uni, pubsub with push $push"
	;;
merge)
	import_wrccdc
	run_point a.sqlite --set resolvers.nodes=2
	run_point b.sqlite --set resolvers.nodes=3 --set share.transport=none,unicast
	"$sharesim" merge c.sqlite a.sqlite b.sqlite
	expect_eq "merged runs" "$(sql c.sqlite "select count(*) from run")" 3
	dump() { sqlite3 "$1" "select r.runName, s.node, s.name, s.value from run r join scalar s using(runId) order by 1, 2, 3"; }
	cmp <(dump c.sqlite | sort) <( (dump a.sqlite; dump b.sqlite) | sort) || fail "merged scalars differ"
	echo "ok: every scalar of both sources, unchanged"
	for t in counter histogramBin runParam runItervar runAttr; do
		expect_eq "rows of $t" "$(sql c.sqlite "select count(*) from $t")" \
			"$(( $(sql a.sqlite "select count(*) from $t") + $(sql b.sqlite "select count(*) from $t") ))"
	done
	"$sharesim" merge c.sqlite b.sqlite | grep -q "0 run(s)" || fail "merging twice added runs"
	head -c 100 /dev/urandom > junk.sqlite
	sha=$(sha256sum c.sqlite)
	expect_fail "merge from a non-database" "junk.sqlite" "$sharesim" merge c.sqlite junk.sqlite
	expect_eq "target untouched" "$(sha256sum c.sqlite)" "$sha"
	;;
import_dnstap)
	# The dnstap file Unbound wrote (tests/traces/data/README.md).
	check_dnstap "$src/tests/traces/data/unbound-local.dnstap" bundled
	# Standard input, gzip, and merged in time order with a capture.
	gzip -c "$src/tests/traces/data/unbound-local.dnstap" > u.dnstap.gz
	gzip -dc u.dnstap.gz | "$sharesim" import - -o stdin.trace > /dev/null
	"$sharesim" import u.dnstap.gz -o gz.trace > /dev/null
	for t in stdin gz; do
		"$sharesim" info $t.trace --json > $t.json
		expect_eq "$t: queries, responses, records" "$(json $t.json queries) $(json $t.json responses) $(json $t.json records)" "12 12 7"
	done
	"$sharesim" import "$data/dnsoarc-dnscap-test-dns.pcap" "$src/tests/traces/data/unbound-local.dnstap" -o merged.trace > /dev/null
	"$sharesim" info merged.trace --json > merged.json
	expect_eq "merged with a pcap: queries (41 + 12), frames and packets (133 + 24)" \
		"$(json merged.json queries) $(json merged.json accounting/packets)" "53 157"
	# Cut short: what was read is imported, the cut reported with its byte offset.
	head -c 700 "$src/tests/traces/data/unbound-local.dnstap" > cut.dnstap
	set +e; "$sharesim" import cut.dnstap -o cut.trace 2>err.txt; rc=$?; set -e
	expect_eq "cut dnstap: exit status" "$rc" 0
	grep -qF "cut.dnstap: dnstap file cut short at byte 700, inside the frame at byte 651" err.txt ||
		{ cat err.txt >&2; fail "cut dnstap not reported"; }
	"$sharesim" info cut.trace --json > cut.json
	expect_eq "cut dnstap: frames, truncation counted" "$(json cut.json accounting/packets) $(json cut.json accounting/error.truncated_capture)" "5 1"
	# Damaged framing: refused with the offset.
	{ head -c 284 "$src/tests/traces/data/unbound-local.dnstap"; printf '\x7f\xff\xff\xff'; tail -c +289 "$src/tests/traces/data/unbound-local.dnstap"; } > bad.dnstap
	expect_fail "damaged dnstap" "bad.dnstap: byte 284: frame length 2147483647 over the 1048576-byte limit" \
		"$sharesim" import bad.dnstap -o bad.trace
	[ ! -e bad.trace ] || fail "a failed import left a trace file"
	;;
dnstap_unbound)
	# A real Unbound logs the known queries over dnstap to fstrm_capture; sharesim imports the file.
	bash "$src/tests/e2e/resolver_dnstap.sh" unbound fresh.dnstap
	check_dnstap fresh.dnstap fresh
	;;
dnstap_bind)
	# BIND 9 forwarding to NSD writes its own file: the 9 queries with RD as CLIENT_*, the one
	# without as AUTH_* (BIND's view of a query without recursion; counted, not imported), and
	# one RESOLVER_* pair per name and type it forwarded (7).
	bash "$src/tests/e2e/resolver_dnstap.sh" bind bind.dnstap
	dnstap_common bind.dnstap bind
	expect_eq "bind frames by type: CLIENT_QUERY RESOLVER_QUERY AUTH_QUERY" \
		"$(json bind-frames.json types/CLIENT_QUERY) $(json bind-frames.json types/RESOLVER_QUERY) $(json bind-frames.json types/AUTH_QUERY)" "9 7 1"
	expect_eq "bind: auth frames counted as skipped" \
		"$(json bind.json accounting/skipped.dnstap.auth_query) $(json bind.json accounting/skipped.dnstap.auth_response)" "1 1"
	expect_eq "bind: records, by last rcode" "$(json bind.json records) $(json bind.json rcodes/NOERROR) $(json bind.json rcodes/NXDOMAIN)" "7 5 2"
	grep -q "^  dnstap .*frames=34 identity=\"sharesim-test\" version=\"BIND 9\." bind.txt || fail "bind: no dnstap source line"
	grep -q "^side *both sides of a resolver (from the log: 9 client, 7 upstream queries" bind.txt ||
		fail "bind: sides not told from the frame types"
	;;
dnstap_knot)
	# Knot Resolver logs its client side only: 10 CLIENT_* pairs (the query without RD refused).
	bash "$src/tests/e2e/resolver_dnstap.sh" knot knot.dnstap
	dnstap_common knot.dnstap knot
	expect_eq "knot frames: CLIENT_QUERY CLIENT_RESPONSE, all" \
		"$(json knot-frames.json types/CLIENT_QUERY) $(json knot-frames.json types/CLIENT_RESPONSE) $(json knot-frames.json frames)" "10 10 20"
	expect_eq "knot: queries with RD" "$(json knot.json rd_queries)" 9
	grep -q "^  dnstap .*frames=20 identity=\"sharesim-test\" version=\"Knot Resolver 5\." knot.txt || fail "knot: no dnstap source line"
	;;
dnstap_pdns)
	# PowerDNS Recursor logs its outgoing queries only: 7 RESOLVER_* pairs, one per name and type
	# it forwarded; side detection calls it the upstream side (no RD).
	bash "$src/tests/e2e/resolver_dnstap.sh" pdns pdns.dnstap
	dnstap_common pdns.dnstap pdns
	expect_eq "pdns frames: RESOLVER_QUERY RESOLVER_RESPONSE, all" \
		"$(json pdns-frames.json types/RESOLVER_QUERY) $(json pdns-frames.json types/RESOLVER_RESPONSE) $(json pdns-frames.json frames)" "7 7 14"
	grep -q "^side *upstream side" pdns.txt || fail "pdns: not detected as the upstream side"
	grep -q "^  dnstap .*frames=14 identity=.* version=\"pdns-recursor 4\." pdns.txt || fail "pdns: no dnstap source line"
	;;
validate_unbound)
	# A real Unbound and sharesim, on the same synthetic trace and world: hit rates within 1 point.
	SHARESIM="$sharesim" "$src/experiments/validate-unbound/run" --queries 3000 --tolerance 1 | tee out.txt
	grep -q "^difference" out.txt || fail "no comparison printed"
	# Two Unbound instances behind a round-robin frontend against two simulated resolvers.
	SHARESIM="$sharesim" "$src/experiments/validate-unbound/run" --queries 2000 --instances 2 --tolerance 1 | tee out2.txt
	grep -q "^difference" out2.txt || fail "no comparison printed (2 instances)"
	;;
golden)
	# Results must not change when the engine is made faster (issue 7): fixed runs over every
	# transport and model option, each reduced to a digest of all its counters, scalars (wall
	# times aside) and histogram bins, compared with tests/e2e/golden.txt. A change of the model
	# on purpose regenerates that file: GOLDEN_UPDATE=1 ctest -R e2e_golden (and say why in the commit).
	import_wrccdc
	"$sharesim" synth -o synth.pcap -n 40000 --names 5000 --rate 200 --responses --seed 7 >/dev/null
	"$sharesim" import synth.pcap -o synth.trace >/dev/null
	digest() { sqlite3 "$1" "select node,bin,name,value from counter order by 1,2,3;
		select node,name,value from scalar where name not like 'wall%' and name <> 'cpuSeconds' order by 1,2;
		select node,name,binLowerBound,value from histogramBin order by 1,2,3" | sha256sum | cut -c1-16; }
	printf '# one-way ms between three sites\n1 30 80\n30 1 60\n80 60 1\n' > sites3.txt
	: > golden.txt
	while read -r label trace sets; do
		[ -n "$label" ] && [ "${label#\#}" = "$label" ] || continue
		rm -f g.sqlite
		# shellcheck disable=SC2086 # sets is a list of --set options
		"$sharesim" run "$src/experiments/demo.ini" --set experiment.trace="$PWD/$trace.trace" \
			--set resolvers.frontend=random $sets -o g.sqlite >/dev/null
		echo "$label $(digest g.sqlite)" >> golden.txt
	done <<-'RUNS'
	none-16            wrccdc --set resolvers.nodes=16 --set share.transport=none
	unicast-16         wrccdc --set resolvers.nodes=16 --set share.transport=unicast
	multicast-16       wrccdc --set resolvers.nodes=16 --set share.transport=multicast
	hub-16-tcp         wrccdc --set resolvers.nodes=16 --set share.transport=hub --set share.session=tcp
	pull-16            wrccdc --set resolvers.nodes=16 --set share.transport=pull
	pubsub-16-tree     wrccdc --set resolvers.nodes=16 --set share.transport=pubsub --set pubsub.relays=3 --set pubsub.fanout=2 --set network.sites=2
	unicast-lossy      wrccdc --set resolvers.nodes=8 --set share.transport=unicast --set network.jitter=2 --set network.loss=0.1 --set share.question=remove --set share.rules=-04
	none-synth-1       synth --set resolvers.nodes=1 --set share.transport=none --set authority.aa=1
	unicast-synth-16   synth --set resolvers.nodes=16 --set share.transport=unicast --set share.negative=1 --set share.ttl_threshold=60
	features-synth-8   synth --set resolvers.nodes=8 --set share.transport=multicast --set cache.capacity=500 --set cache.prefetch=1 --set cache.serve_expired_ttl=3600 --set authority.iterative=1 --set authority.latency_per_zone=1 --set authority.change_share=0.2 --set authority.change_interval=60
	pubsub-push-synth  synth --set resolvers.nodes=8 --set share.transport=pubsub --set pubsub.push=1 --set pubsub.subscribe=interest --set authority.change_share=0.2 --set authority.change_interval=60
	join-synth         synth --set resolvers.nodes=4 --set share.transport=unicast --set resolvers.join_at=100 --set resolvers.warm_start=1 --set cache.capacity_bytes=200000
	world-synth-8      synth --set resolvers.nodes=8 --set share.transport=unicast --set cache.capacity=500 --set cache.eviction=lru --set authority.capacity=150 --set authority.iterative=1 --set network.sites=3 --set network.latency_matrix=sites3.txt --set network.site_jitter=5 --set network.site_loss=0.05 --set resolvers.site_policy=nearest
	RUNS
	if [ -n "${GOLDEN_UPDATE:-}" ]; then
		cp golden.txt "$src/tests/e2e/golden.txt"
		echo "updated $src/tests/e2e/golden.txt"
	fi
	diff "$src/tests/e2e/golden.txt" golden.txt || fail "results changed (left: expected, right: now)"
	echo "ok: $(wc -l < golden.txt) fixed runs give the recorded results"
	;;
*) fail "unknown scenario" ;;
esac
echo "PASS [$scenario]"
