#!/bin/bash
# tsdt list -v --json against readelf, on real binaries: PostgreSQL 15's
# postgres, Python 3.11 and libstdc++. For every .note.stapsdt note readelf
# shows, the catalogue must have a site with the same provider, name,
# location (adjusted by .stapsdt.base exactly as readelf's Base says),
# semaphore and argument string; every argument's decoded size and sign must
# match its spec; site file offsets must match the PT_LOAD segments readelf
# lists; semaphore offsets the section that holds them; every rip-relative
# argument's address must be its symbol's value (readelf -s) plus offset.
# Expected counts come from readelf, not from this script.
. "$(dirname "$0")/../paths.sh"
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-.output}
TSDT=$OUT/tsdt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {
	local file=$1 label=$2
	[ -e "$file" ] || { echo "FAIL: $file missing (install it: scripts/install-deps.sh)"; exit 1; }
	readelf -nW "$file" > "$tmp/notes"
	readelf -SW "$file" > "$tmp/sections"
	readelf -lW "$file" > "$tmp/segments"
	readelf -sW "$file" > "$tmp/syms"
	"$TSDT" list -v --json "$file" > "$tmp/list.json"
	python3 - "$file" "$tmp" "$label" <<'PY'
import json, re, sys
path, tmp, label = sys.argv[1], sys.argv[2], sys.argv[3]
fail = []
def err(msg):
    fail.append(msg)

# --- readelf -n
notes = []
cur = None
for line in open(tmp + '/notes'):
    line = line.rstrip('\n')
    m = re.search(r'\sProvider: (.*)$', line)
    if m:
        cur = {'provider': m.group(1)}
        notes.append(cur)
        continue
    if cur is None:
        continue
    m = re.match(r'\s+Name: (.*)$', line)
    if m:
        cur['name'] = m.group(1)
    m = re.match(r'\s+Location: (0x[0-9a-f]+), Base: (0x[0-9a-f]+), Semaphore: (0x[0-9a-f]+)', line)
    if m:
        cur['loc'], cur['base'], cur['sema'] = (int(x, 16) for x in m.groups())
    m = re.match(r'\s+Arguments: ?(.*)$', line)
    if m:
        cur['args'] = m.group(1).strip()
for n in notes:
    n.setdefault('args', '')

# --- readelf -S / -l / -s
sections = []
for line in open(tmp + '/sections'):
    m = re.match(r'\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+\S+\s+(\S*)', line)
    if m:
        sections.append({'name': m.group(1), 'type': m.group(2), 'addr': int(m.group(3), 16),
                         'off': int(m.group(4), 16), 'size': int(m.group(5), 16), 'flags': m.group(6)})
base_addr = next((s['addr'] for s in sections if s['name'] == '.stapsdt.base'), None)
loads = []
for line in open(tmp + '/segments'):
    m = re.match(r'\s+LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+\S+\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)', line)
    if m:
        off, va, fsz, msz = (int(x, 16) for x in m.groups())
        loads.append((va, msz, off))
syms = {}
for line in open(tmp + '/syms'):
    f = line.split()
    if len(f) >= 8 and re.match(r'\d+:$', f[0]) and f[6] != 'UND':
        syms.setdefault(f[7].split('@')[0], int(f[1], 16))

def seg_off(a):
    for va, msz, off in loads:
        if va <= a < va + msz:
            return a - va + off
    return None

def scn_off(a):
    for s in sections:
        if 'A' in s['flags'] and s['type'] != 'NOBITS' and s['addr'] <= a < s['addr'] + s['size']:
            return a - s['addr'] + s['off']
    return seg_off(a)

# --- tsdt list
d = json.load(open(tmp + '/list.json'))
bins = d['binaries']
if len(bins) != 1:
    err('expected one binary, got %d' % len(bins))
probes = bins[0]['probes']
sites = []
for p in probes:
    for s in p['sites']:
        sites.append((p, s))
names = {(n['provider'], n['name']) for n in notes}
print('%s: readelf: %d notes, %d probes; tsdt: %d sites, %d probes'
      % (label, len(notes), len(names), len(sites), len(probes)))
if len(sites) != len(notes):
    err('site count %d != note count %d' % (len(sites), len(notes)))
if len(probes) != len(names):
    err('probe count %d != distinct provider:name %d' % (len(probes), len(names)))
if len({(p['provider'], p['name']) for p in probes}) != len(probes):
    err('a provider:name appears twice (sites not grouped)')

by_key = {}
for p, s in sites:
    by_key.setdefault((p['provider'], p['name'], s['args']), []).append((p, s))
rip = 0
nop5 = 0
for n in notes:
    adj = n['loc'] + ((base_addr - n['base']) if (base_addr is not None and n['base']) else 0)
    cands = [(p, s) for (p, s) in by_key.get((n['provider'], n['name'], n['args']), [])
             if int(s['addr'], 16) == adj]
    what = '%s:%s at 0x%x' % (n['provider'], n['name'], n['loc'])
    if len(cands) != 1:
        err('%s: %d matching sites' % (what, len(cands)))
        continue
    p, s = cands[0]
    if int(s['file_offset'], 16) != seg_off(adj):
        err('%s: file offset %s, segments say 0x%x' % (what, s['file_offset'], seg_off(adj)))
    # nop5: the bytes at the site are <sys/tsdt.h>'s x86-64 site, a nop
    # then a five-byte nop between `lea -0x80(%rsp),%rsp` and
    # `lea 0x80(%rsp),%rsp`; never a bare nop + five-byte nop
    with open(path, 'rb') as f:
        f.seek(seg_off(adj))
        b = f.read(19)
    want5 = b == bytes.fromhex('90488d6424800f1f440000488da42480000000')
    if b[:6] == bytes.fromhex('900f1f440000'):
        err('%s: a bare nop; nop5, which an optimized uprobe corrupts the red zone through' % what)
    nop5 += want5
    if s.get('nop5') is not want5:
        err('%s: nop5 %s, the file has %s' % (what, s.get('nop5'), b.hex()))
    sem = p['semaphore']
    if n['sema']:
        if sem is None or int(sem['addr'], 16) != n['sema']:
            err('%s: semaphore %s, readelf 0x%x' % (what, sem, n['sema']))
        elif int(sem['offset'], 16) != scn_off(n['sema']):
            err('%s: semaphore offset %s, sections say 0x%x' % (what, sem['offset'], scn_off(n['sema'])))
    elif sem is not None:
        err('%s: semaphore %s, readelf none' % (what, sem))
    raw = n['args'].split() if n['args'] else []
    # aarch64 specs contain spaces; these binaries are x86-64
    if len(s['specs']) != len(raw) or len(p['args']) != len(raw):
        err('%s: %d specs, %d args, readelf %d' % (what, len(s['specs']), len(p['args']), len(raw)))
        continue
    for i, (r, sp) in enumerate(zip(raw, s['specs'])):
        m = re.match(r'(-?)(\d+)(f?)@(.*)$', r)
        if sp is None:
            err('%s arg %d: %s not decoded' % (what, i, r))
            continue
        if sp['size'] != int(m.group(2)) or sp['signed'] != (m.group(1) == '-') \
           or sp['float'] != (m.group(3) == 'f'):
            err('%s arg %d: %s decoded as %s' % (what, i, r, sp))
        loc = m.group(4)
        mm = re.match(r'^(?:(-?\d+)\+)?([A-Za-z_.$][\w.$@]*)([+-]\d+)?\(%rip\)$', loc)
        if mm:
            rip += 1
            off = int(mm.group(1) or 0) + int(mm.group(3) or 0)
            sym = mm.group(2)
            want = syms.get(sym)
            if sp['loc'] != 'static' or sp.get('symbol') != sym:
                err('%s arg %d: %s decoded as %s' % (what, i, r, sp))
            elif want is None:
                err('%s arg %d: readelf -s has no %s' % (what, i, sym))
            elif sp.get('addr') is None or int(sp['addr'], 16) != want + off:
                err('%s arg %d: %s at %s, readelf -s says 0x%x' % (what, i, r, sp.get('addr'), want + off))
        elif loc.startswith('%'):
            if sp['loc'] not in ('reg', 'fpreg') or sp['reg'] != loc[1:]:
                err('%s arg %d: %s decoded as %s' % (what, i, r, sp))
        elif loc.startswith('$'):
            if sp['loc'] != 'const' or sp['value'] != int(loc[1:], 0):
                err('%s arg %d: %s decoded as %s' % (what, i, r, sp))
        else:
            mm = re.match(r'^(-?\d*)\(%(\w+)\)$', loc)
            if mm and (sp['loc'] != 'reg_deref' or sp['reg'] != mm.group(2)
                       or sp['offset'] != int(mm.group(1) or 0)):
                err('%s arg %d: %s decoded as %s' % (what, i, r, sp))
    # an untyped argument's type merges its sites': the largest size,
    # signed if any site's is
    if p['sites'][0] is s and p['type_source'] == 'none':
        for i, a in enumerate(p['args']):
            specs = [re.match(r'(-?)(\d+)', site['args'].split()[i]) for site in p['sites']]
            size = max(int(m.group(2)) for m in specs)
            sgn = any(m.group(1) == '-' for m in specs)
            if a['size'] != size or a['signed'] != sgn:
                err('%s arg %d: probe type %s, sites say size %d signed %s' % (what, i, a, size, sgn))
print('%s: %d rip-relative arguments checked against readelf -s; %d of %d sites with a five-byte nop'
      % (label, rip, nop5, len(notes)))
if label == 'demo' and nop5 != len(notes):
    err('demo: built with <sys/tsdt.h>, yet only %d of %d sites have a five-byte nop' % (nop5, len(notes)))
if label == 'postgres' and rip == 0:
    err('postgres: no rip-relative argument found (checkpoint__done has them)')
for f in fail[:20]:
    print('FAIL: ' + f)
sys.exit(1 if fail else 0)
PY
}

check $PG postgres
# built with <sys/tsdt.h> (generated header): every site has the five-byte nop
check "$OUT/examples/demo/demo" demo
check $PYTHON python3.11
# by library name, as a user would type it
lib=$("$TSDT" list --json libstdc++ | python3 -c 'import json,sys; print(json.load(sys.stdin)["binaries"][0]["path"])')
check "$lib" libstdc++
# a library name resolves to the ELF file, never to a linker script such as
# libc6-dev's libc.so ("GNU ld script")
msg=$("$TSDT" list libc 2>&1 || true)
case $msg in
*libc.so.6*) echo "ok: 'libc' resolves to libc.so.6";;
*) echo "FAIL: 'tsdt list libc': $msg"; exit 1;;
esac
# the largest binaries with probes on Debian, when installed (extra coverage:
# hundreds of probes, SIB and C++ forms)
declare -A seen=()
for jvm in /usr/lib/jvm/*/lib/server/libjvm.so; do
	[ -e "$jvm" ] || continue
	real=$(realpath "$jvm")
	[ -z "${seen[$real]:-}" ] || continue
	seen[$real]=1
	check "$real" libjvm
done
echo "list-readelf: ok"
