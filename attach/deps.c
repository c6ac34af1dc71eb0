// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Libraries found the way the dynamic linker finds them.
 *
 * Two entry points share one list of system directories:
 *
 *   tsdt_find_library()      a library by a name a user types ("libstdc++",
 *                            "libc.so.6", "stdc++"), for binary patterns;
 *   tsdt_find_needed_libs()  every shared library a program needs at start,
 *                            for `tsdt trace -c` (and later dlopen/exec).
 *
 * What glibc's ld.so does at start (elf/dl-load.c, dl-deps.c), and what
 * tsdt_find_needed_libs() repeats without running anything:
 *
 *   Breadth first from the program: the DT_NEEDED entries of the program,
 *   then those of each library in the order they were loaded. A name that
 *   an object already loaded answers to (the name it was loaded as, or its
 *   DT_SONAME) loads nothing; neither does a file already loaded under
 *   another name (same device and inode).
 *
 *   A name with a '/' is a path (relative to the current directory).
 *   Otherwise, for an object L that needs it, the directories searched are:
 *     1. unless L has DT_RUNPATH: the DT_RPATH of L, then of the object
 *        that loaded L, and so on up to the program (each object's DT_RPATH
 *        counting only when that object has no DT_RUNPATH);
 *     2. LD_LIBRARY_PATH;
 *     3. L's own DT_RUNPATH (not inherited);
 *     4. ld.so.cache, then the default directories: here, the directories
 *        named in /etc/ld.so.conf.d/ (what ldconfig caches) then the
 *        default ones.
 *   $ORIGIN (or ${ORIGIN}) in a path is the directory of the object whose
 *   entry it is (for the program, of its real path); an empty element is
 *   the current directory. A file of another ELF class or machine (a
 *   32-bit library in an LD_LIBRARY_PATH directory) is skipped and the
 *   search goes on, as ld.so does.
 *
 * Not modelled: LD_PRELOAD, $LIB and $PLATFORM (an element using them is
 * skipped, with a debug message), glibc-hwcaps subdirectories, secure mode
 * (setuid programs ignore LD_LIBRARY_PATH), and the cache's own entries for
 * a file missing from the directories it was built from. A library not
 * found is a debug message: if it is truly missing, the dynamic linker says
 * so when the program starts.
 *
 * The dynamic section is read through PT_DYNAMIC and DT_STRTAB, as ld.so
 * reads it, so a file without section headers works too; every offset and
 * string is checked against the file before it is used.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deps.h"
#include "elf-reader.h"
#include "internal.h"
#include "log.h"

/* ---------------------------------------------------- system directories */

#if defined(__x86_64__)
#define TSDT_MULTIARCH "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define TSDT_MULTIARCH "aarch64-linux-gnu"
#else
#define TSDT_MULTIARCH "unknown"
#endif

static const char *const default_dirs[] = {
	"/lib/" TSDT_MULTIARCH, "/usr/lib/" TSDT_MULTIARCH,
	"/usr/local/lib", "/lib64", "/usr/lib64", "/lib", "/usr/lib",
};

#define CONF_DIRS_MAX 32

/* Directories named in the .conf files of /etc/ld.so.conf.d (what ldconfig
 * caches), in the order glob gives; appended to @dirs. Returns the count. */
static int conf_dirs(char dirs[][PATH_MAX], int max)
{
	glob_t g;
	int n = 0;

	if (glob("/etc/ld.so.conf.d/*.conf", 0, NULL, &g))
		return 0;
	for (size_t i = 0; i < g.gl_pathc && n < max; i++) {
		FILE *f = fopen(g.gl_pathv[i], "re");
		char line[PATH_MAX];

		if (!f)
			continue;
		while (n < max && fgets(line, sizeof(line), f)) {
			line[strcspn(line, " \t\r\n#")] = 0;
			if (line[0] == '/')
				snprintf(dirs[n++], PATH_MAX, "%s", line);
		}
		fclose(f);
	}
	globfree(&g);
	return n;
}

char **tsdt_system_lib_dirs(void)
{
	char (*dirs)[PATH_MAX];
	size_t n, bytes = 0;
	char **ret, *s;

	dirs = calloc(CONF_DIRS_MAX + ARRAY_SIZE(default_dirs), PATH_MAX);
	if (!dirs)
		return tsdt_err_ptr(-ENOMEM);
	n = conf_dirs(dirs, CONF_DIRS_MAX);
	for (size_t d = 0; d < ARRAY_SIZE(default_dirs); d++)
		snprintf(dirs[n++], PATH_MAX, "%s", default_dirs[d]);
	for (size_t i = 0; i < n; i++)
		bytes += strlen(dirs[i]) + 1;
	ret = malloc((n + 1) * sizeof(*ret) + bytes);
	if (!ret) {
		free(dirs);
		return tsdt_err_ptr(-ENOMEM);
	}
	s = (char *)(ret + n + 1);
	for (size_t i = 0; i < n; i++) {
		ret[i] = s;
		s = stpcpy(s, dirs[i]) + 1;
	}
	ret[n] = NULL;
	free(dirs);
	return ret;
}

/* ------------------------------------------------------ library by name */

/* A regular ELF file (symlinks followed): a development "libc.so" can be a
 * linker script. */
static bool is_elf_file(const char *path)
{
	struct stat st;
	Elf *elf;
	bool ok;
	int fd;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	ok = elf && elf_kind(elf) == ELF_K_ELF;
	elf_end(elf);
	close(fd);
	return ok;
}

static int try_glob(const char *dir, const char *pat, char *buf, size_t sz)
{
	char full[PATH_MAX];
	glob_t g;
	int ret = -ENOENT;

	if (snprintf(full, sizeof(full), "%s/%s", dir, pat) >= (int)sizeof(full))
		return -ENAMETOOLONG;
	if (glob(full, 0, NULL, &g))
		return -ENOENT;
	/* glob sorts: "libfoo.so" < "libfoo.so.6" < "libfoo.so.6.0.30"; take
	 * the first regular ELF file */
	for (size_t i = 0; i < g.gl_pathc; i++) {
		if (!is_elf_file(g.gl_pathv[i]))
			continue;
		if (snprintf(buf, sz, "%s", g.gl_pathv[i]) < (int)sz)
			ret = 0;
		break;
	}
	globfree(&g);
	return ret;
}

int tsdt_find_library(const char *name, char *buf, size_t sz)
{
	char pats[3][NAME_MAX + 16];
	int npat = 0, ret = -ENOENT;
	char **dirs;

	if (!name[0] || strchr(name, '/') || strlen(name) > NAME_MAX)
		return -ENOENT;
	/* glob metacharacters in the name would match other files */
	if (strpbrk(name, "*?[\\"))
		return -ENOENT;
	/* exact file name first, then NAME.so*, then libNAME.so* */
	snprintf(pats[npat++], sizeof(pats[0]), "%s", name);
	snprintf(pats[npat++], sizeof(pats[0]), "%s.so*", name);
	if (strncmp(name, "lib", 3))
		snprintf(pats[npat++], sizeof(pats[0]), "lib%s.so*", name);
	dirs = tsdt_system_lib_dirs();
	if (!dirs)
		return -errno;
	for (int p = 0; p < npat && ret; p++)
		for (char **d = dirs; *d && ret; d++)
			ret = try_glob(*d, pats[p], buf, sz) ? -ENOENT : 0;
	free(dirs);
	return ret;
}

/* ------------------------------------------------------- needed libraries */

/* A NULL-terminated, growable list of strings it owns. */
struct strv {
	char **v;
	size_t cnt, cap;
};

static int strv_push(struct strv *sv, const char *s, size_t len)
{
	if (sv->cnt + 1 >= sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 8;
		char **v = realloc(sv->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		sv->v = v;
		sv->cap = cap;
	}
	sv->v[sv->cnt] = strndup(s, len);
	if (!sv->v[sv->cnt])
		return -ENOMEM;
	sv->v[++sv->cnt] = NULL;
	return 0;
}

static void strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->cnt; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

/* One object loaded (the program, or a library). */
struct obj {
	char *path;            /* as found */
	char *origin;          /* $ORIGIN */
	char *name;            /* the DT_NEEDED name it was loaded as */
	char *soname;          /* DT_SONAME, or NULL */
	struct strv needed;
	struct strv rpath;     /* DT_RPATH, expanded */
	struct strv runpath;   /* DT_RUNPATH, expanded */
	bool has_runpath;      /* (even if none of its elements is usable) */
	int loader;            /* index of the object that needed it; -1 */
	dev_t dev;
	ino_t ino;
};

struct walk {
	struct obj *objs;
	size_t cnt, cap;
	unsigned char elf_class;  /* the program's; libraries must match */
	GElf_Half machine;
	struct strv lib_path;     /* LD_LIBRARY_PATH, expanded */
	char **sys_dirs;
};

static void obj_free(struct obj *o)
{
	free(o->path);
	free(o->origin);
	free(o->name);
	free(o->soname);
	strv_free(&o->needed);
	strv_free(&o->rpath);
	strv_free(&o->runpath);
}

/* Appends the elements of the colon-separated @list to @sv, $ORIGIN
 * replaced by @origin. @what and @obj name the list in messages. */
static int add_path_list(struct strv *sv, const char *list,
			 const char *origin, const char *what, const char *obj)
{
	const char *p = list;

	for (;;) {
		size_t len = strcspn(p, ":");
		char buf[PATH_MAX], *b = buf;
		const char *e = p, *end = p + len;
		bool bad = false;
		int err;

		if (!len) /* an empty element is the current directory */
			*b++ = '.';
		while (e < end && !bad) {
			size_t tok = 0;

			if (*e != '$') {
				if (b - buf >= (ptrdiff_t)sizeof(buf) - 1)
					bad = true;
				else
					*b++ = *e++;
				continue;
			}
			if (end - e >= 7 && !strncmp(e, "$ORIGIN", 7) &&
			    (end - e == 7 || !(isalnum((unsigned char)e[7]) ||
					       e[7] == '_')))
				tok = 7;
			else if (end - e >= 9 && !strncmp(e, "${ORIGIN}", 9))
				tok = 9;
			if (!tok || strlen(origin) >= sizeof(buf) - (b - buf)) {
				bad = true;
				break;
			}
			b = stpcpy(b, origin);
			e += tok;
		}
		if (bad) {
			pr_debug("deps: %s: %s element '%.*s' not searched "
				 "(only $ORIGIN is expanded)\n", obj, what,
				 (int)len, p);
		} else {
			err = strv_push(sv, buf, b - buf);
			if (err)
				return err;
		}
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static const char *dyn_str(Elf_Data *strs, GElf_Xword off)
{
	if (!strs || off >= strs->d_size ||
	    !memchr((char *)strs->d_buf + off, 0, strs->d_size - off))
		return NULL;
	return (char *)strs->d_buf + off;
}

/* Reads the dynamic section of @elf (@o->path) into @o: needed names,
 * soname, rpath, runpath. A file without PT_DYNAMIC (static) needs
 * nothing. */
static int read_dynamic(Elf *elf, uint64_t file_sz, struct obj *o)
{
	GElf_Off rpath = 0, runpath = 0, soname = 0, strtab_off;
	GElf_Addr strtab = 0;
	GElf_Xword strsz = 0;
	bool has_rpath = false, has_soname = false;
	Elf_Data *dyn = NULL, *strs;
	size_t phnum, ent_sz, n, needed_cnt = 0;
	GElf_Off *needed = NULL;
	int err = 0;

	if (elf_getphdrnum(elf, &phnum))
		return -ENOEXEC;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_DYNAMIC)
			continue;
		if (ph.p_offset > file_sz || ph.p_filesz > file_sz - ph.p_offset)
			return -ENOEXEC;
		dyn = elf_getdata_rawchunk(elf, ph.p_offset, ph.p_filesz,
					   ELF_T_DYN);
		if (!dyn)
			return -ENOEXEC;
		break;
	}
	if (!dyn)
		return 0;
	ent_sz = gelf_fsize(elf, ELF_T_DYN, 1, EV_CURRENT);
	if (!ent_sz)
		return -ENOEXEC;
	n = dyn->d_size / ent_sz;
	needed = calloc(n ? n : 1, sizeof(*needed));
	if (!needed)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		GElf_Dyn d;

		if (!gelf_getdyn(dyn, i, &d) || d.d_tag == DT_NULL)
			break;
		switch (d.d_tag) {
		case DT_NEEDED:
			needed[needed_cnt++] = d.d_un.d_val;
			break;
		case DT_RPATH:
			rpath = d.d_un.d_val;
			has_rpath = true;
			break;
		case DT_RUNPATH:
			runpath = d.d_un.d_val;
			o->has_runpath = true;
			break;
		case DT_SONAME:
			soname = d.d_un.d_val;
			has_soname = true;
			break;
		case DT_STRTAB:
			strtab = d.d_un.d_ptr;
			break;
		case DT_STRSZ:
			strsz = d.d_un.d_val;
			break;
		}
	}
	if (!needed_cnt && !has_rpath && !o->has_runpath && !has_soname)
		goto out;
	if (tsdt_elf_segment_off(elf, strtab, true, &strtab_off) ||
	    strtab_off > file_sz || strsz > file_sz - strtab_off ||
	    !(strs = elf_getdata_rawchunk(elf, strtab_off, strsz, ELF_T_BYTE))) {
		err = -ENOEXEC;
		goto out;
	}
	for (size_t i = 0; i < needed_cnt; i++) {
		const char *s = dyn_str(strs, needed[i]);

		if (!s || !*s) {
			err = -ENOEXEC;
			goto out;
		}
		err = strv_push(&o->needed, s, strlen(s));
		if (err)
			goto out;
	}
	if (has_soname) {
		const char *s = dyn_str(strs, soname);

		if (!s || !(o->soname = strdup(s))) {
			err = s ? -ENOMEM : -ENOEXEC;
			goto out;
		}
	}
	/* ld.so ignores DT_RPATH when DT_RUNPATH is present */
	if (o->has_runpath) {
		const char *s = dyn_str(strs, runpath);

		err = s ? add_path_list(&o->runpath, s, o->origin, "RUNPATH",
					o->path)
			: -ENOEXEC;
	} else if (has_rpath) {
		const char *s = dyn_str(strs, rpath);

		err = s ? add_path_list(&o->rpath, s, o->origin, "RPATH",
					o->path)
			: -ENOEXEC;
	}
out:
	free(needed);
	return err;
}

/* Opens @path; for a library (@w->cnt > 0), one the dynamic linker would
 * take (a regular ELF shared object of the program's class and machine).
 * On success @o has its path, origin and dynamic entries. Quiet: a
 * candidate that is not the library is not an error. -ENOENT when absent,
 * -ENOEXEC when not acceptable. */
static int read_obj(struct walk *w, const char *path, struct obj *o)
{
	bool root = !w->cnt;
	GElf_Ehdr eh;
	struct stat st;
	Elf *elf = NULL;
	char *slash;
	int fd, err;

	memset(o, 0, sizeof(*o));
	o->loader = -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	err = -ENOEXEC;
	if (!S_ISREG(st.st_mode))
		goto out;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
		goto out;
	if (root) {
		w->elf_class = eh.e_ident[EI_CLASS];
		w->machine = eh.e_machine;
	} else if (eh.e_ident[EI_CLASS] != w->elf_class ||
		   eh.e_machine != w->machine || eh.e_type != ET_DYN) {
		goto out;
	}
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	err = -ENOMEM;
	o->path = strdup(path);
	if (!o->path)
		goto out;
	/* the program's $ORIGIN is the directory of its real path (ld.so
	 * asks /proc/self/exe), a library's that of the path it was found at */
	o->origin = root ? realpath(path, NULL) : NULL;
	if (!o->origin && !(o->origin = strdup(path)))
		goto out;
	slash = strrchr(o->origin, '/');
	if (!slash)
		strcpy(o->origin, ".");
	else if (slash == o->origin)
		slash[1] = 0;
	else
		*slash = 0;
	err = read_dynamic(elf, st.st_size, o);
out:
	elf_end(elf);
	close(fd);
	if (err)
		obj_free(o);
	return err;
}

static int push_obj(struct walk *w, struct obj *o)
{
	if (w->cnt == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		struct obj *objs = realloc(w->objs, cap * sizeof(*objs));

		if (!objs)
			return -ENOMEM;
		w->objs = objs;
		w->cap = cap;
	}
	w->objs[w->cnt++] = *o;
	return 0;
}

static bool already_loaded(const struct walk *w, const char *name)
{
	for (size_t i = 0; i < w->cnt; i++) {
		const struct obj *o = &w->objs[i];

		if ((o->name && !strcmp(o->name, name)) ||
		    (o->soname && !strcmp(o->soname, name)))
			return true;
	}
	return false;
}

static bool same_file_loaded(const struct walk *w, const struct obj *o)
{
	for (size_t i = 0; i < w->cnt; i++)
		if (w->objs[i].dev == o->dev && w->objs[i].ino == o->ino)
			return true;
	return false;
}

/* Errors that mean "not in this directory": the search goes on. */
static bool not_here(int err)
{
	return err == -ENOENT || err == -ENOEXEC || err == -ENOTDIR ||
	       err == -EACCES || err == -ENAMETOOLONG || err == -ELOOP;
}

/* Tries @name in each of @dirs (NULL-terminated, may be NULL). 0 when
 * found (in @o), -ENOENT when not, or another negative errno (-ENOMEM). */
static int search_dirs(struct walk *w, char *const *dirs, const char *name,
		       struct obj *o)
{
	char path[PATH_MAX];
	int err;

	for (; dirs && *dirs; dirs++) {
		if (snprintf(path, sizeof(path), "%s/%s", *dirs, name) >=
		    (int)sizeof(path))
			continue;
		err = read_obj(w, path, o);
		if (!not_here(err))
			return err;
	}
	return -ENOENT;
}

/* Finds the library @name needed by object @li, as ld.so would (see the
 * top of the file). 0 with @o filled, or -ENOENT / -ENOMEM. */
static int search(struct walk *w, size_t li, const char *name, struct obj *o)
{
	const struct obj *lo = &w->objs[li];
	int err;

	if (strchr(name, '/')) {
		struct strv one = {};

		/* a path: $ORIGIN is expanded here too */
		err = add_path_list(&one, name, lo->origin, "DT_NEEDED", lo->path);
		if (!err)
			err = one.cnt ? read_obj(w, one.v[0], o) : -ENOENT;
		strv_free(&one);
		return not_here(err) ? -ENOENT : err;
	}
	if (!lo->has_runpath)
		for (int l = li; l >= 0; l = w->objs[l].loader)
			if ((err = search_dirs(w, w->objs[l].rpath.v, name, o)) != -ENOENT)
				return err;
	if ((err = search_dirs(w, w->lib_path.v, name, o)) != -ENOENT)
		return err;
	if ((err = search_dirs(w, lo->runpath.v, name, o)) != -ENOENT)
		return err;
	return search_dirs(w, w->sys_dirs, name, o);
}

/* The result: a NULL-terminated array and its strings in one block. */
static char **pack_paths(const struct walk *w)
{
	size_t bytes = 0;
	char **ret, *s;

	for (size_t i = 1; i < w->cnt; i++)
		bytes += strlen(w->objs[i].path) + 1;
	ret = malloc(w->cnt * sizeof(*ret) + bytes);
	if (!ret)
		return NULL;
	s = (char *)(ret + w->cnt);
	for (size_t i = 1; i < w->cnt; i++) {
		ret[i - 1] = s;
		s = stpcpy(s, w->objs[i].path) + 1;
	}
	ret[w->cnt - 1] = NULL;
	return ret;
}

int tsdt_find_needed_libs(const char *path,
			  const struct tsdt_needed_libs_opts *opts,
			  char ***paths)
{
	const char *lib_path = TSDT_OPTS_GET(opts, library_path, NULL);
	struct walk w = {};
	struct obj o;
	int err;

	if (!path || !paths)
		return -EINVAL;
	*paths = NULL;
	if (!TSDT_OPTS_VALID(opts, tsdt_needed_libs_opts)) {
		pr_warn("deps: bad tsdt_needed_libs_opts (sz %zu)\n", opts->sz);
		return -EINVAL;
	}
	err = read_obj(&w, path, &o);
	if (err) {
		pr_warn("deps: %s: cannot read: %s\n", path,
			err == -ENOEXEC ? "not an ELF file, or a malformed "
					  "dynamic section"
					: strerror(-err));
		return err;
	}
	err = push_obj(&w, &o);
	if (err) {
		obj_free(&o);
		goto out;
	}
	w.sys_dirs = tsdt_system_lib_dirs();
	if (!w.sys_dirs) {
		err = -ENOMEM;
		goto out;
	}
	if (lib_path && *lib_path) {
		err = add_path_list(&w.lib_path, lib_path, w.objs[0].origin,
				    "LD_LIBRARY_PATH", path);
		if (err)
			goto out;
	}
	/* breadth first: w.cnt grows while the loop runs */
	for (size_t li = 0; li < w.cnt; li++) {
		for (size_t ni = 0; ni < w.objs[li].needed.cnt; ni++) {
			const char *name = w.objs[li].needed.v[ni];

			if (already_loaded(&w, name))
				continue;
			err = search(&w, li, name, &o);
			if (err == -ENOENT) {
				pr_debug("deps: %s: needed library %s not "
					 "found\n", w.objs[li].path, name);
				continue;
			}
			if (err)
				goto out;
			if (same_file_loaded(&w, &o)) {
				obj_free(&o);
				continue;
			}
			o.loader = li;
			o.name = strdup(name);
			if (!o.name || (err = push_obj(&w, &o))) {
				obj_free(&o);
				err = -ENOMEM;
				goto out;
			}
			pr_debug("deps: %s: needs %s: %s\n", w.objs[li].path,
				 name, o.path);
		}
	}
	*paths = pack_paths(&w);
	err = *paths ? (int)(w.cnt - 1) : -ENOMEM;
out:
	if (err == -ENOMEM)
		pr_warn("deps: %s: out of memory\n", path);
	for (size_t i = 0; i < w.cnt; i++)
		obj_free(&w.objs[i]);
	free(w.objs);
	strv_free(&w.lib_path);
	free(w.sys_dirs);
	return err;
}

int tsdt_find_in_path(const char *cmd, char *buf, size_t sz)
{
	const char *path, *p, *colon;

	if (!*cmd)
		return -ENOENT;
	if (strchr(cmd, '/')) {
		if (access(cmd, X_OK))
			return -errno;
		if ((size_t)snprintf(buf, sz, "%s", cmd) >= sz)
			return -ENAMETOOLONG;
		return 0;
	}
	path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = colon + 1) {
		size_t len;

		colon = strchr(p, ':');
		len = colon ? (size_t)(colon - p) : strlen(p);
		if ((size_t)snprintf(buf, sz, "%.*s%s%s", (int)len, p,
				     len ? "/" : "", cmd) < sz &&
		    !access(buf, X_OK))
			return 0;
		if (!colon)
			break;
	}
	return -ENOENT;
}
