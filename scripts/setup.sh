#!/usr/bin/env bash
# setup.sh -- install the Debian 12 packages phonerig needs (as root), then build.
#
# Idempotent: running it twice installs nothing new and rebuilds incrementally.
# Daemons that come with the peer packages (snmpd, tftpd-hpa, dnsmasq, isc-dhcp-relay)
# are used by tests inside network namespaces only: a policy-rc.d keeps apt from
# starting them, and any that were already enabled are stopped and disabled, so a
# rig host never serves DHCP/TFTP/SNMP/SIP on its own NICs because of this script.
#
#   scripts/setup.sh            install + build (Release, into build/)
#   scripts/setup.sh --no-build install only
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=1
[ "${1:-}" = "--no-build" ] && build=0

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  # libraries of the design
  libboost-dev libnl-3-dev libnl-route-3-dev libsnmp-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev libpcap-dev libssl-dev
  libfmt-dev libspdlog-dev libcli11-dev nlohmann-json3-dev libpugixml-dev
  # tools the tests drive: decoders, namespaces, SNMP, peers
  tshark iproute2 ethtool snmp snmpd chromium python3 busybox
  # real peers the services are proven against (clients, relays, reference servers)
  isc-dhcp-client udhcpc isc-dhcp-relay curl tftp-hpa atftp sip-tester kea-admin
  tftpd-hpa dnsmasq kea-dhcp4-server kamailio util-linux procps
)

need=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
done

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: missing packages (${need[*]}); run as root to install them" >&2
    exit 1
  fi
  echo "setup.sh: installing ${#need[@]} packages: ${need[*]}"
  # Keep apt from starting any service while it installs.
  policy=/usr/sbin/policy-rc.d
  had_policy=0
  [ -e "$policy" ] && had_policy=1
  if [ $had_policy -eq 0 ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# A daemon enabled by an earlier install must not serve on the host.
for svc in snmpd tftpd-hpa dnsmasq isc-dhcp-relay kamailio kea-dhcp4-server; do
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now "$svc" >/dev/null 2>&1 || true
  elif [ -x "/etc/init.d/$svc" ]; then
    "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
  fi
done

if [ $build -eq 1 ]; then
  cmake -S "$here" -B "$here/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$here/build"
fi
