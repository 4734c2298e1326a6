#!/usr/bin/env bash
# check_layers.sh -- the dependency direction of DESIGN.md ("Layout"), checked on every
# #include: a library that includes what it must not fails the build's CI.
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
check() {  # check <folder> <regex of forbidden include paths> <why>
  local hits
  hits=$(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($2)" "$1" 2>/dev/null)
  if [ -n "$hits" ]; then
    printf 'layer violation: %s\n%s\n' "$3" "$hits"
    fail=1
  fi
}
check drivers 'harness/|lab/' "drivers/ must not include harness/ or lab/"
check drivers/wire 'drivers/(api|services|power|netlink|capture)/|boost/|asio|pcap|netlink/|net-snmp/|yaml-cpp/|fmt/|spdlog/' \
  "drivers/wire uses the standard library only (and OpenSSL libcrypto)"
check drivers/api 'drivers/(services|power|netlink|capture)/' "drivers/api depends on wire only"
for lib in harness/scenario harness/engine harness/report; do
  check "$lib" 'drivers/(services|power|netlink|capture)/|lab/' "$lib never includes a concrete driver or lab/"
done
if [ $fail -eq 0 ]; then echo "layers: ok"; fi
exit $fail
