// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tsdt gen: the provider compiler of tsdt-gen(1), same options (the
 * dtrace -h / -G command line, plus -B for BPF handler headers).
 */
#include "cli.h"
#include "gen.h"

int cmd_gen(int argc, char **argv)
{
	return tsdt_gen_main(argc, argv, "tsdt gen");
}
