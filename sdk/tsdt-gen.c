// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tsdt-gen: the provider compiler, usable as DTRACE=tsdt-gen in builds
 * written for dtrace -h / dtrace -G. See gen-main.c and tsdt-gen(1).
 */
#include "gen.h"

int main(int argc, char **argv)
{
	return tsdt_gen_main(argc, argv, "tsdt-gen");
}
