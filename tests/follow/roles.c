// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A pre-fork server of tests/integration/follow-roles.sh: the supervisor
 * declares its role, forks W workers that each declare "worker" and fire
 * srv:req R times; worker 0 then becomes a "walsender" (a role that changes
 * later, as PostgreSQL's) and fires R more; each worker also forks a helper
 * that declares nothing (it inherits "worker") and fires srv:req once. The
 * supervisor fires srv:tick T times.
 *   roles W R T
 * Built twice: with TSDT_ROLE (roles) and without (roles-global): the
 * second only sets the global srv_role, for sessions that read it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/tsdt.h>

TSDT_PROBE_DEFINE(srv, req, (int32_t, worker), (uint32_t, i));
TSDT_PROBE_DEFINE(srv, tick, (uint32_t, i));
#ifndef NO_ROLE_MACRO
TSDT_ROLE_DEFINE;
#define ROLE(name, id) do { srv_role = (enum srv_role_kind)(id); TSDT_ROLE(name); } while (0)
#else
#define ROLE(name, id) (srv_role = (enum srv_role_kind)(id), srv_role_name = (name))
#endif

/* the role as a number, for a session without TSDT_ROLE: 1 supervisor,
 * 2 worker, 3 walsender; an enum, whose names the debug information
 * gives */
enum srv_role_kind { SRV_NONE, SRV_SUPERVISOR, SRV_WORKER, SRV_WALSENDER };
volatile enum srv_role_kind srv_role;
/* and as text, for a session that reads a string global */
const char *volatile srv_role_name = "";

int main(int argc, char **argv)
{
	int w = argc > 1 ? atoi(argv[1]) : 2;
	unsigned int r = argc > 2 ? atoi(argv[2]) : 10;
	unsigned int t = argc > 3 ? atoi(argv[3]) : 3;

	ROLE("supervisor", 1);
	for (int k = 0; k < w; k++) {
		if (fork() == 0) {
			ROLE("worker", 2);
			for (unsigned int i = 0; i < r; i++)
				TSDT_PROBE(srv, req, k, i);
			if (fork() == 0) {
				TSDT_PROBE(srv, req, k, 1000);
				_exit(0);
			}
			wait(NULL);
			if (k == 0) {
				ROLE("walsender", 3);
				for (unsigned int i = 0; i < r; i++)
					TSDT_PROBE(srv, req, k, i);
			}
			_exit(0);
		}
	}
	for (unsigned int i = 0; i < t; i++)
		TSDT_PROBE(srv, tick, i);
	while (wait(NULL) > 0)
		;
	return 0;
}
