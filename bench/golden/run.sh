#!/usr/bin/env bash
# Writes the demo hospital's user-visible outputs with one vigil binary, so
# two builds can be compared byte for byte:
#   bench/golden/run.sh BINARY OUTDIR
#   diff -r OUTDIR-before OUTDIR-after
# It loads the demo (fixed seed) into a fresh SQLite file and writes the
# inventory list, discrepancies, vulns list, risk list and discover JSON.
# The generated admin password and the audit trail are left out: they differ
# on every run by design.
set -euo pipefail
bin=$(realpath "$1")
out=$2
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$bin" demo --once --dir demo >/dev/null
db=demo/vigil.db
"$bin" inventory list --db "$db" --format json >"$out/inventory-list.json"
"$bin" inventory list --db "$db" >"$out/inventory-list.table"
"$bin" inventory discrepancies --db "$db" --format json >"$out/discrepancies.json"
"$bin" inventory discrepancies --db "$db" --format csv >"$out/discrepancies.csv"
"$bin" inventory conflicts --db "$db" >"$out/conflicts.table"
"$bin" vulns list --db "$db" --format json >"$out/vulns-list.json"
"$bin" risk list --db "$db" --format json >"$out/risk-list.json"
"$bin" risk list --db "$db" >"$out/risk-list.table"
for p in demo/*.pcap*; do
	"$bin" discover --format json "$p" >"$out/discover-$(basename "$p").json"
done
"$bin" inventory export --db "$db" --format csv --out "$out/inventory-export.csv" >/dev/null
# The run's own clock (import time, "now" in staleness details) differs on
# every run: replace today's timestamps with a marker.
today=$(date -u +%Y-%m-%d)
sed -i -E "s/${today}[T ][0-9:.]+Z?/NOW/g" "$out"/*
ls "$out"
