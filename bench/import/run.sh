#!/usr/bin/env bash
# Runs the inventory import benchmark several times and summarises it:
#   bench/import/run.sh [DEVICES] [RUNS] [extra bench/import flags...]
# DEVICES defaults to 146000 (100,441 CMMS rows, 277,196 rows in all);
# 158000 gives 300,420 rows; "320000 5 -per-source 100000" gives exactly
# 100,000 rows in each file. Each run generates the hospital afresh (not
# timed) and imports it into a new SQLite file with -batch.
set -euo pipefail
export GOTOOLCHAIN=go1.27.3 # the patched toolchain (README)
devices=${1:-146000}
runs=${2:-5}
shift $(( $# < 2 ? $# : 2 ))
cd "$(dirname "$0")/../.."
bin=$(mktemp -d)/importbench
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./bench/import
for i in $(seq "$runs"); do
	"$bin" -devices "$devices" -batch "$@" | grep '^total:'
done | tee /dev/stderr | awk '
	# secs turns a Go duration ("278ms", "10.084s", "1m2.5s") into seconds.
	function secs(d,   m) {
		if (d ~ /ms$/) { sub(/ms$/, "", d); return d / 1000 }
		m = 0
		if (d ~ /m/) { m = substr(d, 1, index(d, "m") - 1); d = substr(d, index(d, "m") + 1) }
		sub(/s$/, "", d)
		return m * 60 + d
	}
	{
		for (i = 1; i <= NF; i++) {
			if ($i == "in" && $(i+1) ~ /s$/ && t == "") t = $(i+1)
			if ($i == "RSS") r = $(i+1)
		}
		tot[NR] = secs(t); rss[NR] = r / 1024; t = ""
	}
	END {
		n = asort(tot); asort(rss)
		printf "runs %d: import (read + record + reconcile) min %.2f s, median %.2f s, max %.2f s; peak RSS min %.0f MiB, median %.0f MiB, max %.0f MiB\n",
			n, tot[1], tot[int((n+1)/2)], tot[n], rss[1], rss[int((n+1)/2)], rss[n]
	}'
