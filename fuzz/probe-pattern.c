// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target for the probe pattern "[binary:]provider:name" and its
 * matching (libtsdt's attach/pattern.c), the writers' escapers
 * (attach/writer.c) on arbitrary bytes, and the CLI's parsers (cli/util.c):
 * strict numbers and durations, and the /proc/PID/maps line parser
 * (attach/proc.c) on every line. Input: the first line is
 * the pattern, the rest is the subject (provider/name/path and the text).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tsdt/libtsdt.h>

#include "../attach/internal.h"
#include "../attach/writer.h"
#include "../cli/util.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *nl;
	struct tsdt_pattern *p;
	long v;
	FILE *null;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	nl = strchr(text, '\n');
	if (nl)
		*nl = 0;
	const char *subject = nl ? nl + 1 : "";

	{
		char *copy = strdup(nl ? nl + 1 : text), *line, *save = NULL;
		struct tsdt_maps_line m;

		for (line = copy ? strtok_r(copy, "\n", &save) : NULL; line;
		     line = strtok_r(NULL, "\n", &save))
			if (!tsdt_maps_parse_line(line, &m) && m.path &&
			    strlen(m.path) > 4096)
				abort(); /* a path longer than the line */
		free(copy);
	}
	p = tsdt_pattern__new(text);
	if (p) {
		const char *bin = tsdt_pattern__binary(p);

		tsdt_pattern__match_names(p, subject, subject);
		if (!strchr(bin ? bin : "", '/'))
			tsdt_pattern__match_path(p, subject); /* no realpath I/O */
		tsdt_pattern__binary_is_glob(p);
		tsdt_pattern__free(p);
	}
	cli_parse_long(text, LONG_MIN, LONG_MAX, &v);
	cli_parse_duration_ms(text, &v);
	null = fopen("/dev/null", "w");
	if (null) {
		struct tsdt_writer *w = tsdt_writer__new("text", fileno(null),
							 NULL);

		tsdt_json__write_str(null, (const char *)data, size);
		if (w) {
			tsdt_w_c_escaped(w, (const char *)data, size);
			tsdt_w_json_str(w, (const char *)data, size);
			tsdt_writer__free(w);
		}
		fclose(null);
	}
	free(text);
	return 0;
}
