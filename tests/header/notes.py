#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Decode the probe notes of an ELF file from `readelf -n` (an independent
consumer), for the <sys/tsdt.h> tests.

Usage: notes.py MODE FILE      (READELF=... selects the readelf to run)
  sdt    one line per .note.stapsdt site, location-free:
         "provider:name sem=yes|no args=-4 8 ..." (size with sign; an 'f'
         marker is dropped, its presence reported as 'F' after the size)
  tsdt   one line per .note.tsdt note, decoded per docs/type-note.md:
         "provider:name v1 kind/size/flags/type/argname ..."
  check  every stapsdt site has a tsdt note for the same probe (and the
         counts match), sizes and signs of both agree, no argument is
         rip-relative, no note is dangling (location 0) or lacks its
         .stapsdt.base (base 0), every site has a
         semaphore and all sites of a probe share it;
         prints "ok N sites" or the problems and exits 1
"""
import os
import re
import subprocess
import sys

KINDS = {1: "int", 2: "bool", 3: "enum", 4: "float", 5: "ptr", 6: "str"}


def readelf(path):
    exe = os.environ.get("READELF", "readelf")
    out = subprocess.run([exe, "-n", path], check=True,
                         capture_output=True, text=True).stdout
    # some readelf versions print the first field on the owner's line
    return out.replace("\t", "\n")


def parse(path):
    sdt, tsdt = [], []
    cur = None
    for line in readelf(path).splitlines():
        s = line.strip()
        if s.startswith("stapsdt "):
            cur = {"kind": "sdt"}
            sdt.append(cur)
        elif s.startswith("tsdt "):
            cur = {"kind": "tsdt"}
            tsdt.append(cur)
        elif cur is None:
            continue
        elif s.startswith("Provider:"):
            cur["provider"] = s.split(":", 1)[1].strip()
        elif s.startswith("Name:"):
            cur["name"] = s.split(":", 1)[1].strip()
        elif s.startswith("Location:"):
            sem = s.rsplit("Semaphore:", 1)[1].strip()
            cur["sem"] = int(sem, 16) != 0
            cur["sem_addr"] = int(sem, 16)
            cur["loc"] = int(s.split(",")[0].split(":", 1)[1].strip(), 16)
            cur["base"] = int(s.split(",")[1].split(":", 1)[1].strip(), 16)
        elif s.startswith("Arguments:"):
            # split before each SIZE@ (aarch64 specs contain spaces: "8@[sp, 48]")
            cur["args"] = [a.strip() for a in
                           re.split(r"\s+(?=-?\d+f?@)", s.split(":", 1)[1].strip()) if a.strip()]
        elif s.startswith("description data:"):
            cur["desc"] = bytes(int(b, 16) for b in s.split(":", 1)[1].split())
    return sdt, [decode(t["desc"]) for t in tsdt]


def cstr(d, i):
    j = d.index(0, i)
    return d[i:j].decode(), j + 1


def decode(d):
    if len(d) < 2:
        raise ValueError("tsdt note too short")
    ver, nargs = d[0], d[1]
    prov, i = cstr(d, 2)
    name, i = cstr(d, i)
    args = []
    for _ in range(nargs):
        kind, size, flags = d[i], d[i + 1], d[i + 2]
        ty, i = cstr(d, i + 3)
        an, i = cstr(d, i)
        args.append((kind, size, flags, ty, an))
    if i != len(d):
        raise ValueError("tsdt note %s:%s: %d trailing bytes" % (prov, name, len(d) - i))
    return {"version": ver, "provider": prov, "name": name, "args": args}


def sdt_size(a):
    sz = a.split("@", 1)[0]
    f = "F" if sz.endswith("f") else ""
    return sz.rstrip("f") + f


def main():
    mode, path = sys.argv[1], sys.argv[2]
    sdt, tsdt = parse(path)
    if mode == "sdt":
        out = ["%s:%s sem=%s args=%s" % (n["provider"], n["name"],
               "yes" if n["sem"] else "no",
               " ".join(sdt_size(a) for a in n.get("args", [])))
               for n in sdt]
        print("\n".join(sorted(out)))
    elif mode == "tsdt":
        out = ["%s:%s v%d %s" % (t["provider"], t["name"], t["version"],
               " ".join("%s/%d/%d/%s/%s" % (KINDS.get(k, k), s, f, ty.replace(" ", "_"), an)
                        for k, s, f, ty, an in t["args"])) for t in tsdt]
        print("\n".join(sorted(out)))
    elif mode == "check":
        errs = []
        by = {}
        for t in tsdt:
            by.setdefault((t["provider"], t["name"]), []).append(t)
        cnt = {}
        sems = {}
        for n in sdt:
            key = (n["provider"], n["name"])
            cnt[key] = cnt.get(key, 0) + 1
            if not n["sem"]:
                errs.append("%s:%s: no semaphore" % key)
            if n["loc"] == 0:
                errs.append("%s:%s: dangling note (location 0)" % key)
            if n["base"] == 0:
                errs.append("%s:%s: .stapsdt.base missing (base 0)" % key)
            sems.setdefault(key, set()).add(n["sem_addr"])
            if key not in by:
                errs.append("%s:%s: no tsdt note" % key)
                continue
            t = by[key][0]
            args = n.get("args", [])
            if len(args) != len(t["args"]):
                errs.append("%s:%s: %d args in stapsdt, %d in tsdt" % (key + (len(args), len(t["args"]))))
                continue
            for i, (a, ta) in enumerate(zip(args, t["args"])):
                sz = sdt_size(a)
                if sz.endswith("F"):
                    errs.append("%s:%s arg %d: float marker in %s" % (key + (i + 1, a)))
                kind, size, flags = ta[0], ta[1], ta[2]
                want = ("-" if flags & 1 else "") + str(size)
                if sz != want:
                    errs.append("%s:%s arg %d: stapsdt %s, tsdt %s" % (key + (i + 1, sz, want)))
                if "(%rip)" in a:
                    errs.append("%s:%s arg %d: rip-relative %s" % (key + (i + 1, a)))
        for key, addrs in sems.items():
            if len(addrs) != 1:
                errs.append("%s:%s: sites use %d different semaphores" % (key + (len(addrs),)))
        for key, ts in by.items():
            if len(ts) != cnt.get(key, 0):
                errs.append("%s:%s: %d tsdt notes for %d sites" % (key + (len(ts), cnt.get(key, 0))))
            for t in ts[1:]:
                if t != ts[0]:
                    errs.append("%s:%s: type notes disagree" % key)
        if errs:
            print("\n".join(errs))
            sys.exit(1)
        print("ok %d sites" % len(sdt))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
