# Shared by tests/integration/trace-*.sh and pg-*.sh (sourced, bash).
# Every test: set -u, source this, register what it starts with on_exit.
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-.output}
TSDT=$OUT/tsdt
FX=$OUT/tests/trace/fixture
TMP=$(mktemp -d /tmp/tsdt-test.XXXXXX)
_exit_cmds=()
on_exit() { _exit_cmds+=("$*"); }
_cleanup() {
	local i
	for ((i = ${#_exit_cmds[@]} - 1; i >= 0; i--)); do eval "${_exit_cmds[i]}" || true; done
	rm -rf "$TMP"
}
trap _cleanup EXIT
. tests/ktap.sh
fail() { ktap_test_fail "$*"; }
pass() { ktap_test_pass "$*"; }
# check DESCRIPTION COMMAND...: pass if COMMAND succeeds
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
finish() { ktap_finished; }
die() { ktap_test_fail "FATAL: $*"; ktap_finished; }

for f in "$TSDT" "$FX"; do [ -x "$f" ] || die "$f not built (make)"; done
[ "$(id -u)" = 0 ] || die "must run as root (BPF)"

# wait_for FILE REGEX [SECONDS]: until a line of FILE matches
wait_for() {
	local i
	for ((i = 0; i < ${3:-10} * 50; i++)); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.02
	done
	echo "timed out waiting for /$2/ in $1:" >&2
	tail -5 "$1" >&2
	return 1
}

# Event lines of tsdt trace's text output, without time/pid/tid/comm.
# (comm is printed in a 16-character column)
strip_cols() { grep -v '^TIME ' "$@" | sed -E 's/^[^ ]+ +[0-9]+ +[0-9]+ +.{16} //'; }

# uprobe_multi links on the fixture (other tests may attach elsewhere)
FX_REAL=$(realpath "$FX")
uprobe_multi_links() { bpftool link show 2>/dev/null | grep -c "uprobe.multi *path $FX_REAL "; }
