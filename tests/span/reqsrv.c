// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Fixture of tests/integration/span-*.sh: work that crosses processes,
 * with probes whose arguments carry the work's id, and each process's own
 * CLOCK_MONOTONIC reading taken next to its probe, so a test checks tsdt's
 * spans against the processes' own measurements.
 *
 *   reqsrv pair N W DIR [K]
 *       a client and a server (forked) over a socketpair: the client sends
 *       N requests, at most W unanswered at once, firing req:send(id) as it
 *       sends each; the server fires req:done(worker, id) as it has read
 *       one, then answers. Each writes "id ns" lines (its clock next to its
 *       probe) to DIR/client.txt and DIR/server.txt, as "id before after":
 *       its clock just before and just after its probe. With K, the server
 *       kills itself (SIGKILL) right after req:done of its K-th request;
 *       the client then stops and writes "begun B" to DIR/client.done (the
 *       requests it fired req:send for: B - K of them are in flight).
 *   reqsrv rate N DIR [PER_SEC]
 *       the same over a pipe, one way and in batches of 64 ids, as fast as
 *       it goes (or PER_SEC a second); the client writes "spans N rate R
 *       cpu_ns C" (spans per second, by its clock, from its first send to
 *       the server's last done, as the server reports it back; the CPU
 *       time both processes used) to DIR/rate.txt
 *   reqsrv prefork W N DIR
 *       a supervisor (role "supervisor") forks W workers; worker k declares
 *       role "reader" (k even) or "writer" (k odd) and does N pieces of
 *       work, each a req:start(id)..req:finish(id) pair around one call of
 *       do_piece() (one 50 us sleep, then req:slept(id)); the
 *       supervisor does 3. Each process writes "ROLE COUNT" to DIR/prefork.<pid>.
 *   reqsrv title W N DIR
 *       the same without TSDT_ROLE: each process says what it is in its
 *       process title ("reqsrv: supervisor", "reqsrv: reader", ...: its
 *       /proc/PID/cmdline), then waits 300 ms before its work (roles from
 *       the command line are read every 50 ms)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sys/tsdt.h>

TSDT_PROBE_DEFINE(req, send, (uint64_t, id));
TSDT_PROBE_DEFINE(req, done, (int32_t, worker), (uint64_t, id));
TSDT_PROBE_DEFINE(req, start, (uint64_t, id));
TSDT_PROBE_DEFINE(req, finish, (uint64_t, id), (int32_t, pid));
TSDT_PROBE_DEFINE(req, slept, (uint64_t, id));
TSDT_ROLE_DEFINE;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int write_all(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p = (const char *)p + r;
		n -= r;
	}
	return 0;
}

static int read_all(int fd, void *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p = (char *)p + r;
		n -= r;
	}
	return 0;
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	return f;
}

/* the times are kept in memory and written at the end: a write per
 * request would sit between the probe and the next one */
static int pair(uint64_t n, uint64_t w, const char *dir, uint64_t kill_at)
{
	uint64_t *t = calloc(2 * n + 2, sizeof(*t)), sent = 0, got = 0, id;
	int sv[2];
	pid_t srv;
	FILE *f;

	if (!t || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 1;
	signal(SIGPIPE, SIG_IGN);
	srv = fork();
	if (srv < 0)
		return 1;
	if (srv == 0) {
		uint64_t k = 0;

		close(sv[0]);
		f = open_out(dir, "server.txt");
		while (!read_all(sv[1], &id, sizeof(id))) {
			uint64_t t0 = mono_ns(), t1;

			TSDT_PROBE(req, done, 0, id);
			t1 = mono_ns();
			fprintf(f, "%llu %llu %llu\n", (unsigned long long)id,
				(unsigned long long)t0, (unsigned long long)t1);
			if (++k == kill_at) {
				fclose(f);
				raise(SIGKILL);
			}
			if (write_all(sv[1], &id, sizeof(id)))
				break;
		}
		fclose(f);
		_exit(0);
	}
	close(sv[1]);
	while (got < n) {
		while (sent < n && sent - got < w) {
			id = 1000 + sent;
			t[2 * sent] = mono_ns();
			TSDT_PROBE(req, send, id);
			t[2 * sent + 1] = mono_ns();
			sent++;
			if (write_all(sv[0], &id, sizeof(id)))
				goto out;
		}
		if (read_all(sv[0], &id, sizeof(id)))
			break;
		got++;
	}
out:
	close(sv[0]);
	waitpid(srv, NULL, 0);
	f = open_out(dir, "client.txt");
	for (uint64_t i = 0; i < sent; i++)
		fprintf(f, "%llu %llu %llu\n", (unsigned long long)(1000 + i),
			(unsigned long long)t[2 * i], (unsigned long long)t[2 * i + 1]);
	fclose(f);
	f = open_out(dir, "client.done");
	fprintf(f, "begun %llu\n", (unsigned long long)sent);
	fclose(f);
	return 0;
}

#define BATCH 64

static uint64_t cpu_ns(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ULL +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ULL;
}

static int rate(uint64_t n, const char *dir, uint64_t per_sec)
{
	uint64_t ids[BATCH], t0, t1 = 0;
	int up[2], back[2];
	pid_t srv;
	FILE *f;

	if (pipe(up) || pipe(back))
		return 1;
	srv = fork();
	if (srv == 0) {
		uint64_t last = 0;
		ssize_t r;

		close(up[1]);
		close(back[0]);
		while ((r = read(up[0], ids, sizeof(ids))) > 0) {
			/* whole ids: a pipe write of <= PIPE_BUF is atomic */
			for (ssize_t i = 0; i < r / (ssize_t)sizeof(ids[0]); i++)
				TSDT_PROBE(req, done, 1, ids[i]);
		}
		last = mono_ns();
		write_all(back[1], &last, sizeof(last));
		_exit(0);
	}
	close(up[0]);
	close(back[1]);
	t0 = mono_ns();
	for (uint64_t i = 0; i < n; i += BATCH) {
		uint64_t k, m = n - i < BATCH ? n - i : BATCH;

		if (per_sec) {
			/* paced: batch i goes at t0 + i / per_sec */
			uint64_t due = t0 + i * 1000000000ULL / per_sec, now;

			while ((now = mono_ns()) < due) {
				struct timespec ts = { 0, (long)(due - now) };

				nanosleep(&ts, NULL);
			}
		}

		for (k = 0; k < m; k++) {
			ids[k] = i + k + 1;
			TSDT_PROBE(req, send, ids[k]);
		}
		if (write_all(up[1], ids, m * sizeof(ids[0])))
			return 1;
	}
	close(up[1]);
	read_all(back[0], &t1, sizeof(t1));
	waitpid(srv, NULL, 0);
	f = open_out(dir, "rate.txt");
	fprintf(f, "spans %llu rate %.0f cpu_ns %llu\n", (unsigned long long)n,
		t1 > t0 ? n / ((t1 - t0) / 1e9) : 0.0,
		(unsigned long long)(cpu_ns(RUSAGE_SELF) + cpu_ns(RUSAGE_CHILDREN)));
	fclose(f);
	return 0;
}

/* a piece of work, a function of its own (function spans: fn:do_piece
 * to fn-return:do_piece): one 50 us sleep, one clock_nanosleep(2) */
__attribute__((noinline)) int do_piece(uint64_t id)
{
	usleep(50);
	TSDT_PROBE(req, slept, id);
	return (int)(id & 0xff);
}

static void work(const char *role, unsigned int n, const char *dir,
		 uint64_t base)
{
	char name[64];
	FILE *f;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t id = base + i;

		TSDT_PROBE(req, start, id);
		do_piece(id);
		TSDT_PROBE(req, finish, id, getpid());
	}
	snprintf(name, sizeof(name), "prefork.%d", (int)getpid());
	f = open_out(dir, name);
	fprintf(f, "%s %u\n", role, n);
	fclose(f);
}

/* the process title: argv's memory overwritten (what /proc/PID/cmdline
 * shows), as setproctitle() and PostgreSQL do */
static char *title_area;
static size_t title_len;

static void set_title(const char *role)
{
	if (!title_area)
		return;
	memset(title_area, 0, title_len);
	snprintf(title_area, title_len, "reqsrv: %s", role);
	usleep(300000);
}

static int prefork(int w, unsigned int n, const char *dir, bool title)
{
	if (title)
		set_title("supervisor");
	else
		TSDT_ROLE("supervisor");
	for (int k = 0; k < w; k++) {
		pid_t p = fork();

		if (p == 0) {
			const char *role = k % 2 ? "writer" : "reader";

			if (title)
				set_title(role);
			else
				TSDT_ROLE(role);
			work(role, n, dir, (uint64_t)(k + 1) << 32);
			_exit(0);
		}
	}
	work("supervisor", 3, dir, 0);
	while (wait(NULL) > 0)
		;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "pair"))
		return pair(strtoull(argv[2], NULL, 0), strtoull(argv[3], NULL, 0),
			    argv[4], argc > 5 ? strtoull(argv[5], NULL, 0) : 0);
	if (argc >= 4 && !strcmp(argv[1], "rate"))
		return rate(strtoull(argv[2], NULL, 0), argv[3],
			    argc > 4 ? strtoull(argv[4], NULL, 0) : 0);
	if (argc >= 5 && !strcmp(argv[1], "prefork"))
		return prefork(atoi(argv[2]), atoi(argv[3]), argv[4], false);
	if (argc >= 5 && !strcmp(argv[1], "title")) {
		char *dir = strdup(argv[4]); /* the title overwrites argv */

		title_area = argv[0];
		title_len = argv[argc - 1] + strlen(argv[argc - 1]) - argv[0];
		return dir ? prefork(atoi(argv[2]), atoi(argv[3]), dir, true) : 1;
	}
	fprintf(stderr, "usage: reqsrv pair N W DIR [K] | rate N DIR [PER_SEC] | prefork|title W N DIR\n");
	return 2;
}
