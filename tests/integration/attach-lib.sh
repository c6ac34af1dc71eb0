# Sourced by tests/integration/attach-*.sh (not a test itself): checks the
# attach fixtures are built (make), starts target processes, cleans up.
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-.output}
A=$OUT/tests/attach
TMP=$(mktemp -d /tmp/tsdt-attach.XXXXXX)
PIDS=()

attach_cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		{ kill -9 "$p" && wait "$p"; } 2>/dev/null
	done
	rm -rf "$TMP"
}
trap attach_cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "FAIL: attach tests need root (real BPF)"; exit 1
fi
for f in target loader tracer thrower; do
	[ -x "$A/$f" ] || { echo "FAIL: $A/$f not built (make)"; exit 1; }
done

# start_target [COLD_FILE]: sets TARGET_PID and TARGET_LINE ("ready ...")
start_target() {
	local out=$TMP/target.$RANDOM i
	"$A/target" "$@" >"$out" &
	TARGET_PID=$!
	PIDS+=("$TARGET_PID")
	for i in $(seq 1000); do grep -q "^ready" "$out" && break; sleep 0.01; done
	TARGET_LINE=$(grep '^ready' "$out")
	[ -n "$TARGET_LINE" ] || { echo "FAIL: target did not start"; exit 1; }
}

# field NAME: a NAME=VALUE of TARGET_LINE
field() { echo "$TARGET_LINE" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

. tests/ktap.sh
ok() { ktap_test_pass "$*"; }
bad() { ktap_test_fail "$*"; }

# expect_has DESC OUTPUT STRING...: every STRING occurs in OUTPUT
expect_has() {
	local desc=$1 out=$2 s; shift 2
	for s in "$@"; do
		if ! grep -qF -- "$s" <<<"$out"; then
			bad "$desc: expected '$s' in:"; sed 's/^/     | /' <<<"$out"
			return
		fi
	done
	ok "$desc"
}

# sem ADDR PID: the 2-byte semaphore at ADDR in process PID, read through
# /proc/PID/mem (never written)
sem() {
	dd if="/proc/$2/mem" bs=2 count=1 iflag=skip_bytes skip=$(($1)) \
		status=none | od -An -tu2 | tr -d ' '
}

finish() { ktap_finished; }
