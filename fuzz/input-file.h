/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* For fuzz targets whose API takes a path: the input, written to a memfd
 * (one per process, rewritten for each input), as /proc/self/fd/N. */
#ifndef TSDT_FUZZ_INPUT_FILE_H
#define TSDT_FUZZ_INPUT_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* Writes @data to the memfd and puts its path in @path (64 bytes at
 * least); 0, or -1 when the memfd cannot be made or written. */
static int fuzz_input_file(const uint8_t *data, size_t size, char *path)
{
	static int fd = -1;

	if (fd < 0)
		fd = memfd_create("tsdt-fuzz", 0);
	if (fd < 0 || ftruncate(fd, 0) ||
	    pwrite(fd, data, size, 0) != (ssize_t)size)
		return -1;
	snprintf(path, 64, "/proc/self/fd/%d", fd);
	return 0;
}

#endif
