// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tsdt: the command line. A thin layer over libtsdt: each subcommand lives in
 * its own cmd-*.c, parses its options, calls the library and formats output.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct tsdt_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} cmds[] = {
	{ "list",  cmd_list,  "list probes of binaries, libraries or a process" },
	{ "trace", cmd_trace, "print probe hits with typed arguments" },
	{ "stat",  cmd_stat,  "count probe hits every interval" },
	{ "span",  cmd_span,  "time work from a begin probe to an end probe, across processes" },
	{ "gen",   cmd_gen,   "compile a provider file into headers (see tsdt-gen)" },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: tsdt COMMAND [OPTIONS] [ARGS]\n"
		"\n"
		"Typed statically defined tracing: list USDT probes and trace them with\n"
		"type-checked BPF handlers.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-6s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f,
		"\n"
		"Examples:\n"
		"  tsdt list /usr/lib/postgresql/15/bin/postgres\n"
		"  tsdt list -v -p 1234 'postgresql:lock*'\n"
		"  tsdt trace -c ./app 'myapp:*'\n"
		"  tsdt gen -h -s probes/app.d -o app_probes.h\n"
		"\n"
		"Run 'tsdt COMMAND --help' for a command's options; see tsdt(1).\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("tsdt %s\n", TSDT_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "tsdt: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
