# Shared steps of the experiments' run scripts: set up, build, make the traces, run the sweep
# into results/NAME/NAME.sqlite (points already done are skipped: re-running resumes), report
# and plot. Sourced by experiments/*/run; JOBS (default: the number of cores) sets -j.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
here=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$here")
out=$root/results/$name
traces=$root/results/traces
bin=$root/build/release/sharesim
db=$out/$name.sqlite

prepare() {
	"$root/scripts/setup"
	mkdir -p "$root/build" "$out" "$traces"
	"$root/scripts/build" release > "$root/build/experiments-build.log" 2>&1 ||
		{ cat "$root/build/experiments-build.log"; exit 1; }
}

# The bundled WRCCDC 2018 DNS log, keeping the queries sent to its resolver 10.0.0.100 (made
# again when missing or written by another format version).
wrccdc_trace() {
	local trace=$traces/wrccdc2018.trace
	"$bin" info "$trace" > /dev/null 2>&1 || "$bin" import --resolver 10.0.0.100 "$root/traces/data/wrccdc2018-zeek-dns.log.gz" -o "$trace" > /dev/null
	echo "$trace"
}

# synth_trace NAME SYNTH-ARGS...: a synthetic workload (deterministic by its arguments).
synth_trace() {
	local trace=$traces/$1.trace
	shift
	if ! "$bin" info "$trace" > /dev/null 2>&1; then # missing, or of an older format
		"$bin" synth -o "$traces/tmp.pcap" "$@" > /dev/null
		"$bin" import "$traces/tmp.pcap" -o "$trace" > /dev/null
		rm -f "$traces/tmp.pcap"
	fi
	echo "$trace"
}

# sweep [--set key=value]...: run experiment.ini of this folder into the database.
sweep() {
	"$bin" run "$here/experiment.ini" -o "$db" -j "${JOBS:-$(nproc)}" "$@"
}

# finish [plot options]: the report and every figure (results/NAME/plots/NAME/).
finish() {
	"$bin" report "$db"
	"$bin" plot "$db" -o "$out/plots" "$@" > /dev/null
	echo "figures: $out/plots/"
}
