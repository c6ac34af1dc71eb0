# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The one result format of the shell tests (sourced by tests/trace/lib.sh,
# tests/header/lib.sh and tests/integration/attach-lib.sh): KTAP, as the
# kernel's selftests print it (tools/testing/selftests/kselftest/
# ktap_helpers.sh): a header, one numbered line per check,
#
#   KTAP version 1
#   ok 1 description
#   not ok 2 description
#   # a diagnostic
#   1..2
#   # Totals: pass:1 fail:1
#
# the plan at the end (a test does not know its count in advance), so that
# tests/run-checks.sh counts checks, not scripts. A script ends with
# ktap_finished, which exits 0 when no check failed.
ktap_pass=0
ktap_fail=0
echo "KTAP version 1"
ktap_test_pass() { ktap_pass=$((ktap_pass + 1)); echo "ok $((ktap_pass + ktap_fail)) $*"; }
ktap_test_fail() { ktap_fail=$((ktap_fail + 1)); echo "not ok $((ktap_pass + ktap_fail)) $*"; }
ktap_print_msg() { echo "# $*"; }
ktap_finished() {
	echo "1..$((ktap_pass + ktap_fail))"
	echo "# Totals: pass:$ktap_pass fail:$ktap_fail"
	[ "$ktap_fail" = 0 ]
	exit $?
}
