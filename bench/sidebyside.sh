#!/usr/bin/env bash
# Runs the import, match and discover benchmarks of two builds side by side,
# alternating before and after so that both see the same machine load:
#   bench/sidebyside.sh REV [RUNS] [DEVICES]
# REV is the "before" revision (a commit, tag or branch); "after" is the work
# tree. RUNS (default 3) runs of each; DEVICES (default 158000, about 300,000
# rows in three sources) sizes the import benchmark. Prints one line per run.
set -euo pipefail
export GOTOOLCHAIN=go1.27.3 # the patched toolchain (README)
rev=$1
runs=${2:-3}
devices=${3:-158000}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/before" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git worktree add --detach "$tmp/before" "$rev" >/dev/null 2>&1
for b in import match discover; do
	(cd "$tmp/before" && go build -o "$tmp/$b-before" "./bench/$b")
	go build -o "$tmp/$b-after" "./bench/$b"
done
cap=${CAPTURE:-/tmp/vigil-clinical-200.pcap}
[ -s "$cap" ] || "$tmp/discover-after" -gen "$cap" -mb 200 >/dev/null
for i in $(seq "$runs"); do
	for side in before after; do
		echo "== run $i $side"
		"$tmp/import-$side" -devices "$devices" -batch | grep '^total:'
		/usr/bin/time -f "match: wall %e s, peak RSS %M KB" "$tmp/match-$side" 2>&1 | grep -E "^(index|matched|build|match:)" || true
		GOMAXPROCS=1 /usr/bin/time -f "discover: wall %e s, user %U s, peak RSS %M KB" "$tmp/discover-$side" -run "$cap" 2>&1 | grep -E '^discover:' || true
	done
done
