// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The loops of bench/follow.sh, timed by themselves (CLOCK_MONOTONIC around
 * the loop only: the tracer's start and end are not in it):
 *   forkloop fork N        N times: fork; the child fires bf:child once and
 *                          _exit(0)s; the parent waits for it
 *   forkloop exec N PROG [K]  N times: fork; the child execs "PROG hit K"
 *                          (K default 1); wait
 *   forkloop hit [K]       fire bf:child K times (default 1) and exit
 *   forkloop hits N        fire bf:child N times, timed (ns per hit)
 *   forkloop syscall N     N getppid() calls (what a tracer costs every
 *                          process's system calls)
 * Prints "ns_per_iter X".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sys/tsdt.h>

TSDT_PROBE_DEFINE(bf, child, (int32_t, pid));
/* globals for bench/globals.sh: a role (bf_role) and a two-level member
 * path (bf_conn->port->id, through the debug information) */
struct bf_port {
	int64_t pad[2];
	int32_t id;
};
struct bf_conn {
	int32_t depth;
	struct bf_port *port;
};
static struct bf_port bf_port0 = { .id = 42 };
static struct bf_conn bf_conn0 = { .depth = 1, .port = &bf_port0 };
struct bf_conn *volatile bf_conn = &bf_conn0;
volatile int32_t bf_role = 3;

/* never fired: a session on it pays for following only */
TSDT_PROBE_DEFINE(bf, never, (int32_t, pid));

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 1;
	long long t0;

	if (argc >= 2 && !strcmp(argv[1], "hit")) {
		for (long i = 0; i < (argc > 2 ? n : 1); i++)
			TSDT_PROBE(bf, child, (int32_t)getpid());
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "never")) {
		TSDT_PROBE(bf, never, (int32_t)getpid());
		return 0;
	}
	if (argc < 3)
		goto usage;
	t0 = mono_ns();
	if (!strcmp(argv[1], "fork")) {
		for (long i = 0; i < n; i++) {
			pid_t pid = fork();

			if (pid == 0) {
				TSDT_PROBE(bf, child, (int32_t)getpid());
				_exit(0);
			}
			waitpid(pid, NULL, 0);
		}
	} else if (!strcmp(argv[1], "exec") && argc >= 4) {
		for (long i = 0; i < n; i++) {
			pid_t pid = fork();

			if (pid == 0) {
				execl(argv[3], argv[3], "hit",
				      argc > 4 ? argv[4] : "1", (char *)NULL);
				_exit(127);
			}
			waitpid(pid, NULL, 0);
		}
	} else if (!strcmp(argv[1], "hits")) {
		for (long i = 0; i < n; i++)
			TSDT_PROBE(bf, child, (int32_t)i);
	} else if (!strcmp(argv[1], "syscall")) {
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
	} else {
		goto usage;
	}
	printf("ns_per_iter %.1f\n", (double)(mono_ns() - t0) / n);
	return 0;
usage:
	fprintf(stderr, "usage: forkloop fork N | exec N PROG | hit [K] | syscall N\n");
	return 2;
}
