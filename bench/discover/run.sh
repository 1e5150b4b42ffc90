#!/usr/bin/env bash
# Measures Vigil's passive discovery against tshark on a generated mixed
# clinical capture. Usage: bench/discover/run.sh [size-MB] (default 200).
# The capture is kept in $CAPTURE (default /tmp/vigil-clinical-<size>.pcap).
set -euo pipefail
export GOTOOLCHAIN=go1.27.3 # the patched toolchain (README)
cd "$(dirname "$0")/../.."
size=${1:-200}
cap=${CAPTURE:-/tmp/vigil-clinical-$size.pcap}
bin=$(mktemp -d)/discover-bench
go build -o "$bin" ./bench/discover
if [ ! -s "$cap" ]; then
  "$bin" -gen "$cap" -mb "$size"
fi
ls -l "$cap"
echo "== vigil (one core: GOMAXPROCS=1)"
GOMAXPROCS=1 /usr/bin/time -f 'vigil: wall %e s, user %U s, peak RSS %M KB' "$bin" -run "$cap"
if command -v tshark >/dev/null; then
  echo "== tshark extracting the same fields (DHCP, SNI, SNMP community, LLDP, DICOM AE, HL7 type)"
  /usr/bin/time -f 'tshark: wall %e s, user %U s, peak RSS %M KB' \
    tshark -n -r "$cap" -d tcp.port==2575,hl7 -T fields \
      -e dhcp.option.hostname -e dhcp.option.vendor_class_id -e dhcp.option.request_list_item \
      -e tls.handshake.extensions_server_name -e snmp.community -e lldp.tlv.system.name \
      -e dicom.assoc.ae.calling -e dicom.assoc.ae.called -e hl7.message.type -e hl7.event.type >/dev/null
  echo "tshark packets: $(capinfos -c -M "$cap" 2>/dev/null | awk -F: '/Number of packets/ {gsub(/ /,"",$2); print $2}')"
fi
