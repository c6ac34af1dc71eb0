#!/bin/bash
# tsdt list on aarch64 binaries built with Debian's cross compiler, with
# SystemTap's <sys/sdt.h> and our <sys/tsdt.h>: every argument spec the
# compiler emitted is decoded (registers, [reg, off], constants, and
# [xN, #:lo12:sym] resolved against readelf -s), the architecture is
# aarch64, and the type note's types are read.
set -euo pipefail
cd "$(dirname "$0")/../.."
TSDT=$(realpath "${OUT:-.output}/tsdt")
CROSS=${CROSS:-aarch64-linux-gnu-gcc}
command -v "$CROSS" >/dev/null || { echo "FAIL: $CROSS missing (scripts/install-deps.sh)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/inc/sys"
sdt=$(dpkg -L systemtap-sdt-dev | grep '/sdt.h$' | head -1)
cp "$sdt" "$(dirname "$sdt")/sdt-config.h" "$tmp/inc/sys/"
cat > "$tmp/a.c" <<'C'
#include <stdint.h>
#include <sys/sdt.h>
#include <sys/tsdt.h>
TSDT_PROBE_DEFINE(t, typed, (int32_t, a), (const char *, s), (double, d), (int64_t, big));
volatile long g = 5;
struct big { long a[8]; };
__attribute__((noinline)) int f(int x, long y, const char *s, struct big *b, int i)
{
	STAP_PROBE6(s, six, x, y, s, b->a[3], b->a[i], g);
	STAP_PROBE2(s, consts, 42, -1);
	TSDT_PROBE(t, typed, x, s, 2.5, y * 3);
	return x;
}
int main(int argc, char **argv)
{
	struct big b = {{1, 2, 3, 4}};
	return f(argc, argc * 7L, argv[0], &b, argc);
}
C
for anchors in -fsection-anchors -fno-section-anchors; do
	"$CROSS" -O2 $anchors -I"$tmp/inc/sys" -I"$tmp/inc" -Iinclude -o "$tmp/a" "$tmp/a.c"
	readelf -nW "$tmp/a" > "$tmp/notes"
	readelf -sW "$tmp/a" > "$tmp/syms"
	"$TSDT" list -v --json "$tmp/a" > "$tmp/a.json" 2> "$tmp/err" || true
	python3 - "$tmp" "$anchors" <<'PY'
import json, re, sys
tmp, mode = sys.argv[1], sys.argv[2]
d = json.load(open(tmp + '/a.json'))
b = d['binaries'][0]
fail = []
if b['arch'] != 'aarch64':
    fail.append('arch ' + b['arch'])
syms = {}
for line in open(tmp + '/syms'):
    f = line.split()
    if len(f) >= 8 and re.match(r'\d+:$', f[0]):
        syms[f[7]] = int(f[1], 16)
raw = re.findall(r'Arguments: (.*)', open(tmp + '/notes').read())
sites = [s for p in b['probes'] for s in p['sites']]
if sorted(s['args'] for s in sites) != sorted(a.strip() for a in raw):
    fail.append('raw args differ: %s vs %s' % ([s['args'] for s in sites], raw))
n = 0
for p in b['probes']:
    for s in p['sites']:
        for sp in s['specs']:
            n += 1
            if sp is None:
                sym = re.search(r':lo12:([\w.]+)', s['args'])
                # a section anchor (.LANCHOR0) is a local label: unresolvable
                if not (sym and sym.group(1).startswith('.L')):
                    fail.append('%s: undecoded spec in %s' % (p['name'], s['args']))
                continue
            if sp.get('symbol', '').startswith(':lo12:'):
                name = sp['symbol'][6:]
                if name.startswith('.L'):
                    if sp.get('addr') is not None:
                        fail.append('local label resolved?')
                    continue
                want = syms[name] & 0xfff
                if sp['offset'] != want or int(sp['addr'], 16) != syms[name]:
                    fail.append('%s: lo12 %s -> %s, readelf -s says 0x%x' % (p['name'], name, sp, syms[name]))
ps = {p['name']: p for p in b['probes']}
six = ps['six']['sites'][0]['specs']
if six[3] is None or (six[3]['loc'], six[3]['reg'], six[3]['reg_off'], six[3]['offset']) != ('reg_deref', 'x3', 24, 24):
    fail.append('[x3, 24] decoded as %s' % six[3])
c = ps['consts']['sites'][0]['specs']
if [x['value'] for x in c] != [42, -1]:
    fail.append('constants %s' % c)
t = ps['typed']
if t['type_source'] != 'note' or [a['type'] for a in t['args']] != ['int32_t', 'const char *', 'double', 'int64_t']:
    fail.append('typed: %s' % t['args'])
print('aarch64 %s: %d probes, %d specs' % (mode, len(b['probes']), n))
for f in fail:
    print('FAIL: ' + f)
sys.exit(1 if fail else 0)
PY
done
echo "list-aarch64: ok"
