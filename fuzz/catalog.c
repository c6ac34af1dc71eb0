// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: a whole file through the catalogue (libelf, notes,
 * segments, sections, symbol tables, type notes, spec decoding), as
 * tsdt_catalog__open_file() reads it. The input is written to a memfd and
 * opened through /proc/self/fd. Seeds: small crafted ELF files with probes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include <tsdt/libtsdt.h>

#include "input-file.h"

static int quiet(enum tsdt_print_level l, const char *fmt, va_list ap)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tsdt_catalog *cat;
	char path[64], buf[256];

	tsdt_set_print(quiet);
	if (fuzz_input_file(data, size, path))
		return 0;
	cat = tsdt_catalog__open_file(path, NULL);
	if (!cat)
		return 0;
	for (size_t b = 0; b < tsdt_catalog__binary_cnt(cat); b++) {
		const struct tsdt_binary *bin = tsdt_catalog__binary(cat, b);

		for (size_t i = 0; i < tsdt_binary__probe_cnt(bin); i++) {
			const struct tsdt_probe *p = tsdt_binary__probe(bin, i);

			for (int a = 0; a < tsdt_probe__arg_cnt(p); a++)
				tsdt_type__str(tsdt_probe__arg_type(p, a), buf,
					       sizeof(buf));
			for (size_t s = 0; s < tsdt_probe__site_cnt(p); s++) {
				const struct tsdt_site *st = tsdt_probe__site(p, s);

				for (int a = 0; a < tsdt_site__arg_cnt(st); a++) {
					const struct tsdt_arg_spec *sp =
						tsdt_site__arg_spec(st, a);

					if (sp)
						tsdt_arg_spec__str(sp, buf, sizeof(buf));
				}
			}
		}
	}
	tsdt_catalog__free(cat);
	return 0;
}
