#!/bin/bash
# --cgroup (docs/following.md): every process of a cgroup v2 directory,
# now and later: a process moved into the cgroup after tsdt started is
# traced, one outside it is not, one in a child cgroup is.
. "$(dirname "$0")/../trace/lib.sh"
FAM=$(realpath "$OUT/tests/follow/family")
[ -x "$FAM" ] || die "$FAM not built (make)"
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -z "$CG2" ]; then
	mkdir -p /sys/fs/cgroup/unified 2>/dev/null
	mount -t cgroup2 none /sys/fs/cgroup/unified || die "no cgroup2 hierarchy, and cannot mount one"
	CG2=/sys/fs/cgroup/unified
	on_exit "umount /sys/fs/cgroup/unified"
fi
CG=$CG2/tsdt-test-$$
mkdir "$CG" "$CG/child" || die "cannot create $CG"
# a cgroup can be removed only once empty: move what is left out first
on_exit "for f in $CG/child/cgroup.procs $CG/cgroup.procs; do for p in \$(cat \$f); do echo \$p > $CG2/cgroup.procs; done; done; rmdir $CG/child $CG"

# three processes, each waiting on its FIFO before it execs the program
start() { # NAME
	mkfifo "$TMP/$1"
	(read -r _ < "$TMP/$1"; exec "$FAM" hit 9) &
	eval "P_$1=$!"
}
start inside; start outside; start nested
on_exit "kill -9 $P_inside $P_outside $P_nested 2>/dev/null"

"$TSDT" trace --cgroup "$CG" "$FAM:fam:hit" > "$TMP/out" 2> "$TMP/err" & T=$!
on_exit "kill -9 $T 2>/dev/null"
wait_for "$TMP/err" '^Tracing' 10 || die "not attached: $(cat "$TMP/err")"
# moved in after tsdt started
echo $P_inside > "$CG/cgroup.procs"
echo $P_nested > "$CG/child/cgroup.procs"
for n in inside outside nested; do echo go > "$TMP/$n"; done
wait $P_inside $P_outside $P_nested
kill -INT $T; wait $T     # tsdt drains the ring at SIGINT
pid_events() { awk -v p="$1" '$4 == "family" && $2 == p && $5 == "fam:hit"' "$TMP/out" | wc -l; }
check "a process moved into the cgroup after start: its 9 events" [ "$(pid_events $P_inside)" = 9 ]
check "a process in a child cgroup: its 9 events" [ "$(pid_events $P_nested)" = 9 ]
check "a process outside the cgroup: none" [ "$(pid_events $P_outside)" = 0 ]
check "nothing else" [ "$(grep -c 'fam:hit' "$TMP/out")" = 18 ]

expect_err() { # DESCRIPTION REGEX ARGS...
	local d=$1 re=$2; shift 2
	"$@" > /dev/null 2> "$TMP/e"
	check "$d: exit 2 or 1 with /$re/" sh -c "grep -Eq -- '$re' '$TMP/e'"
}
expect_err "not a cgroup" "not a cgroup v2 directory" "$TSDT" trace --cgroup /tmp "$FAM:fam:hit"
expect_err "relative path" "absolute path" "$TSDT" trace --cgroup foo "$FAM:fam:hit"
expect_err "with -p" "excludes -p and -c" "$TSDT" trace --cgroup "$CG" -p 1 "$FAM:fam:hit"
finish
