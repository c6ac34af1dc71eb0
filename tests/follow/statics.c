// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Static variables that only debug information knows once the program is
 * stripped (tests/integration/trace-debuginfo.sh): st:tick(i) fires K
 * times, with st_count == i * 3 and st_label naming the round's parity;
 * st_port points at st_ports[i % 2] (ids 100, 200; apps "alpha", "beta"),
 * st_conn.depth == 7 + i, st_conn.port always at st_ports[1].
 *   statics K
 */
#include <stdint.h>
#include <stdlib.h>

#include <sys/tsdt.h>

TSDT_PROBE_DEFINE(st, tick, (uint32_t, i));

static volatile int64_t st_count;
static const char *volatile st_label = "start";

/* member paths: st_port->app (a string through a pointer), st_port->id,
 * st_conn.port->id and st_conn.depth (a struct by value) */
struct st_port {
	int64_t pad[3];
	int32_t id;
	const char *app;
};
struct st_conn {
	int16_t depth;
	struct st_port *port;
};
static struct st_port st_ports[2] = { { .id = 100, .app = "alpha" },
				      { .id = 200, .app = "beta" } };
static struct st_port *volatile st_port = &st_ports[0];
static volatile struct st_conn st_conn = { .depth = 7, .port = &st_ports[1] };

/* a function probed by name (tests/integration/trace-functions.sh): its
 * arguments typed from the debug information, one in %xmm (unreadable),
 * the seventh integer on the stack */
__attribute__((noinline)) int32_t st_fn(int32_t a, const char *name, double d,
					uint16_t u, int64_t b, int8_t c,
					void *p, uint32_t seventh)
{
	__asm__ __volatile__("" : : "r"(name), "r"(p) : "memory");
	return a + (int32_t)u + (int32_t)d + c + (int32_t)b + (int32_t)seventh;
}

int main(int argc, char **argv)
{
	unsigned int k = argc > 1 ? atoi(argv[1]) : 3;

	for (unsigned int i = 0; i < k; i++) {
		st_count = (int64_t)i * 3;
		st_label = i % 2 ? "odd" : "even";
		st_port = &st_ports[i % 2];
		st_conn.depth = (int16_t)(7 + i);
		TSDT_PROBE(st, tick, i);
		st_fn(-(int32_t)i, st_label, 0.5, (uint16_t)(60000 + i),
		      -5000000000LL, (int8_t)-i, (void *)0x1234, 700 + i);
	}
	return 0;
}
