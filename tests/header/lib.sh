# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Shared helpers of tests/integration/header-*.sh (sourced).
set -u -o pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-.output}
case $OUT in /*) ;; *) OUT=$ROOT/$OUT ;; esac
HDR=$ROOT/tests/header
FIXTURE=$HDR/fixture.c
NOTES=$HDR/notes.py
W=$OUT/tests/header/$(basename "$0" .sh)
mkdir -p "$W"
. "$ROOT/tests/ktap.sh"
ok() { ktap_test_pass "$*"; }
fail() { ktap_test_fail "$*"; }
# expect_same LABEL FILE_A FILE_B: pass if equal, else show the diff
expect_same() {
	if diff -u "$2" "$3" > "$W/diff.txt"; then ok "$1"; else fail "$1"; cat "$W/diff.txt"; fi
}
# build OUTPUT LANG(c|c++) COMPILER FLAGS... : compile the fixture
build() {
	local out=$1 lang=$2 cc=$3; shift 3
	"$cc" -x "$lang" -I"$ROOT/include" -Wall -Wextra -Werror "$@" "$FIXTURE" -x none -o "$out"
}
finish() { ktap_finished; }
