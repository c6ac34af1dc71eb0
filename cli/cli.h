/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Subcommands of the tsdt CLI, one file each (cli/cmd-*.c); each is
 * main()-like and returns an exit code: 0 ok, 1 error, 2 usage. */
#ifndef TSDT_CLI_H
#define TSDT_CLI_H

int cmd_list(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_span(int argc, char **argv);
int cmd_gen(int argc, char **argv);

#endif
