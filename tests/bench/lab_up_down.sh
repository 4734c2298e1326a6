#!/usr/bin/env bash
# lab_up_down.sh -- issue 6, must-show 5: `phonerig lab up` with PHONES phones (default 200),
# then `lab down`, timed; afterwards `ip netns list`, `ip link` and the process table must
# hold nothing of the lab. Not in ctest. Needs root and a build of phonerig (and
# phonerig-sim-switch; without it the lab comes up with --no-switch and says so).
#   tests/bench/lab_up_down.sh [PHONES] [INSTANCE]     PHONERIG_BIN=build/bin
set -euo pipefail
phones=${1:-200}
instance=${2:-bench}
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PHONERIG_BIN:-$here/build/bin}
phonerig=$bin/phonerig
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 2; }
[ -x "$phonerig" ] || { echo "no $phonerig (set PHONERIG_BIN)" >&2; exit 2; }
work=$(mktemp -d /tmp/phr-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
lab=$work/lab.yaml
{
  cat <<'YAML'
rig:
  interfaces:
    - {name: voice, role: service, device: rig-voice, address: 198.18.0.10/23}
    - {name: data, role: service, device: rig-data, address: 198.18.2.10/24}
    - {name: span, role: capture, device: rig-span}
switch:
  address: 198.18.255.1
  snmp: {version: 2c, community: env:PHONERIG_SIM_SNMP_COMMUNITY}
  profile: cisco
  vlans: {voice: 100, data: 10}
phones:
YAML
  for i in $(seq 1 "$phones"); do
    printf '  - {id: p%d, mac: "00:1e:4a:00:%02x:%02x", model: CP-8851, port: Gi1/0/%d}\n' \
      "$i" $((i / 256)) $((i % 256)) "$i"
  done
  cat <<'YAML'
services:
  cdp: off
  dhcp: {mode: on, interface: voice, pool: {first: 198.18.0.20, last: 198.18.1.250}}
  tftp: {mode: on, interface: voice}
  http: {mode: on, interface: voice}
  sip: {mode: on, interface: voice}
sim: {}
YAML
} > "$lab"

extra=()
[ -x "$bin/phonerig-sim-switch" ] || { extra=(--no-switch); echo "phonerig-sim-switch not built: --no-switch"; }
"$phonerig" lab down --instance "$instance" >/dev/null 2>&1 || true
procs_before=$(ps -e --no-headers | wc -l)

t0=$(date +%s.%N)
"$phonerig" lab up --lab "$lab" --instance "$instance" "${extra[@]}"
t1=$(date +%s.%N)
namespaces_up=$(ip netns list | grep -c "^phr-$instance-" || true)
"$phonerig" lab status --instance "$instance" --json > "$work/status.json"
t2=$(date +%s.%N)
"$phonerig" lab down --instance "$instance"
t3=$(date +%s.%N)

left_ns=$(ip netns list | grep -c "^phr-$instance-" || true)
left_links=$(ip -o link | grep -cE 'gi1-0-|rig-voice|rig-data|rig-span|sw-mgmt' || true)
left_procs=$(ps -eo args | grep -F "/run/phonerig/lab-$instance/" | grep -vc grep || true)
left_state=$([ -e "/run/phonerig/lab-$instance" ] && echo yes || echo no)
procs_after=$(ps -e --no-headers | wc -l)

printf 'phones            %d\n' "$phones"
printf 'namespaces up     %d\n' "$namespaces_up"
printf 'lab up            %.2f s\n' "$(echo "$t1 - $t0" | bc)"
printf 'lab status        %.2f s\n' "$(echo "$t2 - $t1" | bc)"
printf 'lab down          %.2f s\n' "$(echo "$t3 - $t2" | bc)"
printf 'left: namespaces %d, root links %d, processes %d, state folder %s (processes %d before, %d after)\n' \
  "$left_ns" "$left_links" "$left_procs" "$left_state" "$procs_before" "$procs_after"
[ "$left_ns" = 0 ] && [ "$left_links" = 0 ] && [ "$left_procs" = 0 ] && [ "$left_state" = no ]
