/*
 * The demo provider's probes (probes/demo.d) fired through the header that
 * tsdt-gen -h makes, in a loop, with known values. Built and traced by
 * tests/integration/gen-bpf-attach.sh.
 */
#include <stdio.h>
#include <unistd.h>

#include "demo.h"

int main(void)
{
	static char buf[64];
	uint64_t id = 7;

	for (;;) {
		DEMO_INTS(-8, 200, -16000, 60000, -2000000000, 4000000000u,
			  -9000000000000000000ll, 18000000000000000000ull);
		DEMO_REQUEST_START(id, "/index.html", -3);
		DEMO_REQUEST_DONE(id, (short)-404, 512u, 0.25, true);
		DEMO_BUFFER(buf, sizeof(buf));
		DEMO_TICK();
		id++;
		usleep(5000);
	}
	return 0;
}
