// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Probes of a live process. (Libraries found by name: deps.c.)
 *
 * tsdt_catalog__open_pid() reads /proc/PID/maps, and for every file mapped
 * executable opens it as /proc/PID/root/PATH (so a process in another mount
 * namespace, such as a container, is read from its own root), keeps those
 * with probes, computes each one's load bias, and (on request) reads each
 * semaphore's current value through /proc/PID/mem with pread: never a write.
 *
 * Load bias: the mapping of a file at file offset O comes from the PT_LOAD
 * segment whose page-aligned p_offset is O; bias = map start - page-aligned
 * p_vaddr of that segment. A site's runtime address is bias + its address.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "elf-reader.h"
#include "internal.h"
#include "log.h"

/* ------------------------------------------------------------- procfs */

int tsdt_maps_parse_line(char *line, struct tsdt_maps_line *m)
{
	unsigned long long start, end, off, ino;
	unsigned int ma, mi;
	size_t len;
	char *p;
	int n = 0;

	memset(m, 0, sizeof(*m));
	if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &start, &end,
		   m->perms, &off, &ma, &mi, &ino, &n) < 7 || !n)
		return -EINVAL;
	m->start = start;
	m->end = end;
	m->off = off;
	m->dev = ((uint64_t)ma << 20) | mi;
	m->ino = ino;
	p = line + n;
	p[strcspn(p, "\n")] = 0;
	if (p[0] != '/')
		return 0; /* anonymous, [heap], [vdso], ... */
	/* a file replaced or removed since it was mapped (an upgrade): still
	 * readable through /proc/PID/map_files */
	len = strlen(p);
	if (len > 10 && !strcmp(p + len - 10, " (deleted)")) {
		p[len - 10] = 0;
		m->deleted = true;
	}
	m->path = p;
	return 0;
}

void tsdt_maps_open_path(pid_t pid, const struct tsdt_maps_line *m, char *buf,
			 size_t sz)
{
	if (m->deleted)
		snprintf(buf, sz, "/proc/%d/map_files/%" PRIx64 "-%" PRIx64,
			 (int)pid, m->start, m->end);
	else
		snprintf(buf, sz, "/proc/%d/root%s", (int)pid, m->path);
}

int tsdt_proc_stat(pid_t pid, char *state, pid_t *ppid)
{
	char path[64], buf[512], *p;
	char st = 0;
	int pp = 0, err = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	/* the name in parentheses may hold anything: parse after the last ')' */
	if (!fgets(buf, sizeof(buf), f) || !(p = strrchr(buf, ')')) ||
	    sscanf(p + 1, " %c %d", &st, &pp) != 2)
		err = -EINVAL;
	fclose(f);
	if (state)
		*state = st;
	if (ppid)
		*ppid = pp;
	return err;
}

/* ------------------------------------------------------------ open_pid */


static int load_bias(const struct tsdt_binary *bin, const struct tsdt_maps_line *m,
		     size_t n, const char *name, uint64_t *bias)
{
	long page = sysconf(_SC_PAGESIZE);
	struct tsdt_elf ef;
	size_t phnum;
	int err;

	err = tsdt_elf_open(&ef, bin->open_path, name);
	if (err)
		return err;
	err = -ENOENT;
	if (ef.ehdr.e_type == ET_EXEC) {
		*bias = 0;
		err = 0;
		goto out;
	}
	if (elf_getphdrnum(ef.elf, &phnum))
		goto out;
	for (size_t i = 0; i < n && err; i++) {
		if (strcmp(m[i].path, bin->path))
			continue;
		for (size_t j = 0; j < phnum; j++) {
			GElf_Phdr ph;

			if (!gelf_getphdr(ef.elf, j, &ph) || ph.p_type != PT_LOAD)
				continue;
			if ((ph.p_offset & ~(uint64_t)(page - 1)) != m[i].off)
				continue;
			*bias = m[i].start - (ph.p_vaddr & ~(uint64_t)(page - 1));
			err = 0;
			break;
		}
	}
out:
	tsdt_elf_close(&ef);
	return err;
}

static void read_semaphores(struct tsdt_binary *bin, pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pr_warn("catalog: %s: cannot read semaphores: %s\n", path,
			strerror(errno));
		return;
	}
	for (size_t i = 0; i < bin->probe_cnt; i++) {
		struct tsdt_probe *p = &bin->probes[i];
		unsigned short v;

		if (!p->sema_addr)
			continue;
		if (pread(fd, &v, sizeof(v), bin->load_bias + p->sema_addr) ==
		    sizeof(v))
			p->sema_value = v;
		else
			pr_warn("catalog: %s: pid %d: cannot read the semaphore "
				"of %s:%s at 0x%" PRIx64 "\n", bin->path,
				(int)pid, p->provider, p->name,
				bin->load_bias + p->sema_addr);
	}
	close(fd);
}

struct tsdt_catalog *tsdt_catalog__open_pid(pid_t pid,
					    const struct tsdt_catalog_opts *opts)
{
	struct tsdt_provider_file **pfs = NULL;
	struct tsdt_catalog *cat;
	int err;

	if (pid <= 0)
		return tsdt_err_ptr(-EINVAL);
	err = tsdt_catalog_load_provider_files(opts, &pfs);
	if (err)
		return tsdt_err_ptr(err);
	cat = tsdt_catalog_open_pid_pfs(pid, TSDT_OPTS_GET(opts, read_semaphores,
							   false), pfs);
	err = cat ? 0 : -errno;
	tsdt_catalog_free_provider_files(pfs);
	return cat ? cat : tsdt_err_ptr(err);
}

struct tsdt_catalog *
tsdt_catalog_open_pid_pfs(pid_t pid, bool read_sema,
			  struct tsdt_provider_file *const *pfs)
{
	struct tsdt_catalog *cat = NULL;
	struct tsdt_maps_line *maps = NULL;
	size_t nmaps = 0, cap = 0;
	char path[64], *line = NULL;
	size_t line_sz = 0;
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f) {
		err = -errno;
		pr_warn("catalog: pid %d: cannot read %s: %s\n", (int)pid, path,
			strerror(-err));
		return tsdt_err_ptr(err);
	}
	while (getline(&line, &line_sz, f) > 0) {
		struct tsdt_maps_line m;

		if (tsdt_maps_parse_line(line, &m) || !m.path)
			continue;
		if (nmaps == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct tsdt_maps_line *nm = realloc(maps, ncap * sizeof(*nm));

			if (!nm) {
				err = -ENOMEM;
				goto out;
			}
			maps = nm;
			cap = ncap;
		}
		/* the path outlives the line: a copy of its own */
		m.path = strdup(m.path);
		if (!m.path) {
			err = -ENOMEM;
			goto out;
		}
		maps[nmaps++] = m;
	}
	cat = calloc(1, sizeof(*cat));
	if (!cat) {
		err = -ENOMEM;
		goto out;
	}
	/* every distinct file with an executable mapping */
	for (size_t i = 0; i < nmaps; i++) {
		struct tsdt_binary *bin = NULL;
		char open_path[PATH_MAX + 32];
		bool dup = false;
		int e;

		if (maps[i].perms[2] != 'x')
			continue;
		for (size_t j = 0; j < i && !dup; j++)
			dup = maps[j].perms[2] == 'x' &&
			      !strcmp(maps[j].path, maps[i].path);
		if (dup)
			continue;
		tsdt_maps_open_path(pid, &maps[i], open_path, sizeof(open_path));
		e = tsdt_catalog_add_file(cat, maps[i].path, open_path, pfs,
					  &bin);
		if (e) {
			/* a file we cannot read (e.g. not ELF): skip it */
			pr_info("catalog: pid %d: skipping %s\n", (int)pid,
				maps[i].path);
			continue;
		}
		if (!bin->probe_cnt) {
			cat->bin_cnt--;
			cat->problem_cnt -= bin->problem_cnt;
			tsdt_catalog_free_binary(bin);
			continue;
		}
		if (load_bias(bin, maps, nmaps, maps[i].path, &bin->load_bias)) {
			pr_warn("catalog: pid %d: %s: no mapping matches a "
				"loadable segment; load bias unknown\n",
				(int)pid, maps[i].path);
			cat->problem_cnt++;
		}
		if (read_sema)
			read_semaphores(bin, pid);
	}
out:
	free(line);
	fclose(f);
	for (size_t i = 0; i < nmaps; i++)
		free(maps[i].path);
	free(maps);
	if (err) {
		tsdt_catalog__free(cat);
		return tsdt_err_ptr(err);
	}
	return cat;
}
