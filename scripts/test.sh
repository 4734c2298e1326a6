#!/usr/bin/env bash
# test.sh -- set up (packages, as root), build, and run every test tier with CTest.
#   scripts/test.sh              all tiers
#   scripts/test.sh -L unit      extra arguments go to ctest (here: the unit tier only)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
ctest --test-dir "$here/build" --output-on-failure --timeout 900 -j2 "$@"
