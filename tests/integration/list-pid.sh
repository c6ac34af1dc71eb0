#!/bin/bash
# tsdt list -p PID on live processes:
#  1. a program and a shared library of its own, both with <sys/sdt.h> probes
#     and semaphores, started in a private mount namespace from a tmpfs that
#     only that namespace sees (as in a container): the catalogue must find
#     both files through /proc/PID/root, compute each load bias as the
#     process's own maps say, and read each semaphore's value (the program
#     sets its semaphores to known values itself; we never write);
#  2. python3.11, a real binary with probes: its load bias from its maps.
. "$(dirname "$0")/../paths.sh"
set -euo pipefail
cd "$(dirname "$0")/../.."
TSDT=$(realpath "${OUT:-.output}/tsdt")
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
	rmdir /opt/tsdt-test 2>/dev/null || true
}
trap cleanup EXIT

cat > "$tmp/lib.c" <<'C'
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
unsigned short libp_ping_semaphore __attribute__((section(".probes")));
void lib_set(void) { libp_ping_semaphore = 7; }
int lib_fire(int x) { if (libp_ping_semaphore) STAP_PROBE1(libp, ping, x); return x; }
C
cat > "$tmp/prog.c" <<'C'
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
#include <unistd.h>
unsigned short app_tick_semaphore __attribute__((section(".probes")));
unsigned short app_idle_semaphore __attribute__((section(".probes")));
void lib_set(void);
int lib_fire(int);
int main(void)
{
	long n = 0;
	app_tick_semaphore = 3; /* known values for the test to read */
	lib_set();
	for (;;) {
		if (app_tick_semaphore)
			STAP_PROBE2(app, tick, n, (int)n);
		if (app_idle_semaphore)
			STAP_PROBE(app, idle);
		lib_fire((int)n++);
		usleep(100000);
	}
}
C
cc -O1 -fPIC -shared -o "$tmp/libp.so" "$tmp/lib.c"
cc -O1 -o "$tmp/prog" "$tmp/prog.c" -L"$tmp" -lp -Wl,-rpath,/opt/tsdt-test
# The program runs from /opt/tsdt-test, a tmpfs mounted in its own mount
# namespace only: from here, that path does not exist.
mkdir -p /opt/tsdt-test
unshare -m --propagation private bash -c "
	mount -t tmpfs none /opt/tsdt-test &&
	cp '$tmp/prog' '$tmp/libp.so' /opt/tsdt-test/ &&
	exec /opt/tsdt-test/prog" &
pid=$!
pids+=("$pid")
for _ in $(seq 100); do
	grep -q /opt/tsdt-test/libp.so "/proc/$pid/maps" 2>/dev/null && break
	sleep 0.05
done
grep -q /opt/tsdt-test/libp.so "/proc/$pid/maps" || { echo "FAIL: target did not start"; exit 1; }
[ ! -e /opt/tsdt-test/prog ] || { echo "FAIL: test set-up: /opt/tsdt-test visible outside"; exit 1; }

"$TSDT" list -p "$pid" > "$tmp/out.txt"
"$TSDT" list --json -p "$pid" > "$tmp/out.json"
cat "$tmp/out.txt"
python3 - "$pid" "$tmp/out.json" <<'PY'
import json, re, subprocess, sys
pid, path = sys.argv[1], sys.argv[2]
d = json.load(open(path))
fail = []
bins = {b['path']: b for b in d['binaries']}
if d['pid'] != int(pid):
    fail.append('pid %s in JSON' % d['pid'])

def expected_bias(file):
    # from the process's maps: the mapping at file offset 0 and the first
    # PT_LOAD's page-aligned vaddr (readelf on the process's own view)
    start = None
    for line in open('/proc/%s/maps' % pid):
        f = line.split()
        if len(f) >= 6 and f[5] == file and int(f[2], 16) == 0:
            start = int(f[0].split('-')[0], 16)
            break
    out = subprocess.run(['readelf', '-lW', '/proc/%s/root%s' % (pid, file)],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r'\s+LOAD\s+0x0+\s+(0x[0-9a-f]+)', out)
    return start - (int(m.group(1), 16) & ~0xfff)

want_sema = {('/opt/tsdt-test/prog', 'app', 'tick'): 3,
             ('/opt/tsdt-test/prog', 'app', 'idle'): 0,
             ('/opt/tsdt-test/libp.so', 'libp', 'ping'): 7}
for file in ('/opt/tsdt-test/prog', '/opt/tsdt-test/libp.so'):
    b = bins.get(file)
    if not b:
        fail.append('%s not found (have %s)' % (file, list(bins)))
        continue
    if not b['open_path'].startswith('/proc/%s/root/' % pid):
        fail.append('%s opened as %s' % (file, b['open_path']))
    if int(b['load_bias'], 16) != expected_bias(file):
        fail.append('%s: load bias %s, maps say 0x%x' % (file, b['load_bias'], expected_bias(file)))
    for p in b['probes']:
        key = (file, p['provider'], p['name'])
        if key not in want_sema:
            fail.append('unexpected probe %s' % (key,))
            continue
        v = p['semaphore'] and p['semaphore']['value']
        if v != want_sema[key]:
            fail.append('%s: semaphore value %s, want %d' % (key, v, want_sema[key]))
        want_sema.pop(key)
for k in want_sema:
    fail.append('probe %s missing' % (k,))
# libc has no probes on Debian: files without probes are not listed
for f in fail:
    print('FAIL: ' + f)
sys.exit(1 if fail else 0)
PY
grep -q "app:tick(int64, int32)  1 site  semaphore 0x[0-9a-f]* = 3" "$tmp/out.txt" ||
	{ echo "FAIL: text output lacks the semaphore value"; exit 1; }
# patterns with -p
"$TSDT" list -p "$pid" 'libp:*' > "$tmp/pat.txt"
grep -q "libp:ping" "$tmp/pat.txt" && ! grep -q "app:tick" "$tmp/pat.txt" ||
	{ echo "FAIL: -p with pattern"; cat "$tmp/pat.txt"; exit 1; }

# wait_maps PID REGEX: until the process maps a file matching REGEX
wait_maps() {
	for _ in $(seq 500); do
		grep -Eq -- "$2" "/proc/$1/maps" 2>/dev/null && return 0
		sleep 0.01
	done
	echo "FAIL: set-up: pid $1 never mapped /$2/"; exit 1
}

# python3.11: a real binary, its bias against its maps (python's time
# module is a shared library here only once the interpreter runs)
$PYTHON -c 'import time; time.sleep(30)' &
ppid=$!
pids+=("$ppid")
wait_maps $ppid 'libc\.so'
wait_maps $ppid "$(basename "$PYTHON")\$"
"$TSDT" list --json -p "$ppid" > "$tmp/py.json"
python3 - "$ppid" "$tmp/py.json" <<'PY'
import json, re, subprocess, sys
pid, path = sys.argv[1], sys.argv[2]
d = json.load(open(path))
exe = open('/proc/%s/cmdline' % pid).read().split('\0')[0]
real = subprocess.run(['readlink', '-f', '/proc/%s/exe' % pid], capture_output=True, text=True).stdout.strip()
b = [b for b in d['binaries'] if b['path'] == real]
if not b:
    print('FAIL: %s not listed: %s' % (real, [x['path'] for x in d['binaries']])); sys.exit(1)
b = b[0]
start = min(int(l.split()[0].split('-')[0], 16) for l in open('/proc/%s/maps' % pid)
            if l.split()[-1] == real and int(l.split()[2], 16) == 0)
out = subprocess.run(['readelf', '-lW', real], capture_output=True, text=True).stdout
m = re.search(r'\s+LOAD\s+0x0+\s+(0x[0-9a-f]+)', out)
want = start - (int(m.group(1), 16) & ~0xfff)
n = sum(len(p['sites']) for p in b['probes'])
print('python3.11 pid %s: %d probes, %d sites, load bias %s' % (pid, len(b['probes']), n, b['load_bias']))
if int(b['load_bias'], 16) != want:
    print('FAIL: load bias %s, want 0x%x' % (b['load_bias'], want)); sys.exit(1)
for p in b['probes']:
    if p['semaphore'] and p['semaphore']['value'] != 0:
        print('FAIL: %s semaphore %s (nobody traces it)' % (p['name'], p['semaphore'])); sys.exit(1)
PY
# a binary deleted after it started (an upgrade): read through map_files
cp $PYTHON "$tmp/pydel"
"$tmp/pydel" -c 'import time; time.sleep(30)' &
dpid=$!
pids+=("$dpid")
wait_maps $dpid 'libc\.so'
wait_maps $dpid 'pydel$'
rm "$tmp/pydel"
grep -q "pydel (deleted)" "/proc/$dpid/maps" || { echo "FAIL: set-up: not deleted"; exit 1; }
"$TSDT" list -p "$dpid" > "$tmp/del.txt"
n_del=$(grep -c '^  python:' "$tmp/del.txt" || true)
n_py=$("$TSDT" list $PYTHON | grep -c '^  python:')
[ "$n_del" -eq "$n_py" ] && [ "$n_py" -gt 0 ] ||
	{ cat "$tmp/del.txt"; echo "FAIL: deleted binary: $n_del probes, want $n_py"; exit 1; }

# a pid that does not exist, and a bad pid
if "$TSDT" list -p 999999999 2> "$tmp/err"; then echo "FAIL: bad pid accepted"; exit 1; fi
grep -q "pid 999999999" "$tmp/err" || { echo "FAIL: error does not name the pid"; cat "$tmp/err"; exit 1; }
rc=0; "$TSDT" list -p 12abc 2> "$tmp/err" || rc=$?
[ $rc -eq 2 ] || { echo "FAIL: -p 12abc: exit $rc"; exit 1; }
echo "list-pid: ok"
