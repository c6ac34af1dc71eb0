// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * demo: a small program instrumented with typed probes.
 *
 * The probes are declared in probes/demo.d; `tsdt-gen -h` turns that file
 * into demo_probes.h, whose DEMO_*() macros this file calls exactly as it
 * would call the ones `dtrace -h` generates. The build adds type checking
 * (DEMO_REQUEST_START(id, 42, 1) does not compile) and records the types in
 * the binary's .note.tsdt, where `tsdt list` and `tsdt trace` find them.
 *
 * It "serves" requests: for each one it fires request__start, does some
 * work, and fires request__done. Arguments are only computed when a tracer
 * is attached (DEMO_REQUEST_DONE_ENABLED()).
 *
 * Usage: demo [-n REQUESTS] [-i INTERVAL_MS]   (defaults: 10, 100; -n 0 runs
 * until killed)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "demo_probes.h"

static const char *const paths[] = {
	"/", "/index.html", "/api/v1/users", "/api/v1/orders?limit=10",
	"/static/app.js", "/health",
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long parse_num(const char *opt, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0) {
		fprintf(stderr, "demo: %s wants a non-negative number, not '%s'\n",
			opt, s);
		exit(2);
	}
	return v;
}

/* Some work whose cost depends on the request. */
static unsigned int serve(unsigned long id, const char *path, char *buf,
			  size_t sz)
{
	unsigned int n = 0;

	for (unsigned long i = 0; i < (id % 7 + 1) * 20000; i++)
		n += (unsigned int)(i ^ (unsigned char)path[i % strlen(path)]);
	return (unsigned int)snprintf(buf, sz, "%s -> %u", path, n);
}

int main(int argc, char **argv)
{
	long requests = 10, interval_ms = 100;
	char body[256];
	int c;

	while ((c = getopt(argc, argv, "n:i:h")) != -1) {
		switch (c) {
		case 'n': requests = parse_num("-n", optarg); break;
		case 'i': interval_ms = parse_num("-i", optarg); break;
		default:
			fprintf(stderr, "usage: demo [-n REQUESTS] [-i INTERVAL_MS]\n");
			return c == 'h' ? 0 : 2;
		}
	}

	for (unsigned long id = 1; requests == 0 || (long)id <= requests; id++) {
		const char *path = paths[id % (sizeof(paths) / sizeof(paths[0]))];
		int priority = (int)(id % 3) - 1;
		double t0 = now();
		unsigned int bytes;
		short status;

		DEMO_REQUEST_START(id, path, priority);
		bytes = serve(id, path, body, sizeof(body));
		status = id % 5 == 0 ? 404 : 200;
		if (DEMO_REQUEST_DONE_ENABLED())
			DEMO_REQUEST_DONE(id, status, bytes, now() - t0,
					  status == 200);
		DEMO_BUFFER(body, sizeof(body));
		DEMO_TICK();
		if (interval_ms)
			usleep((useconds_t)interval_ms * 1000);
	}
	return 0;
}
