// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Following process families (tsdt_tracer_opts.follow, .cgroup): the
 * tracer's part that runs in user space. docs/following.md is the user's
 * account; this is the mechanism.
 *
 * In the kernel (trace.bpf.c, "following"): the followed set is the BPF
 * hash map `followed` (tgid -> parent, flags, loss count). The scheduler's
 * sched_process_fork tracepoint adds a followed process's child before the
 * child runs (copy_process() has returned, wake_up_new_task() has not), so
 * no probe a child fires is ever filtered out; threads share their
 * process's entry. Probe links are attached for every process (one
 * uprobe_multi link per file, no pid filter: the kernel's filter matches
 * one mm only) and the probe program drops hits of processes outside the
 * set. With a cgroup, membership is bpf_current_task_under_cgroup() at
 * each hit instead, so a process moved in later is traced at once.
 *
 * New files, without loss: uprobes are per inode, so a file whose probes
 * are attached is traced in every process that maps it, whenever it maps
 * it. A file the tracer has never examined is the one risk: a followed
 * process that execs it (sched_process_exec) or maps it executable with
 * mmap(2) (seen at the mmap_lock_released tracepoint, trace.bpf.c says
 * why: the dynamic linker's libraries, dlopen) is sent SIGSTOP by the BPF
 * program,
 * taken on its way back to user space, before any instruction of the new
 * file runs. The process is put in the `held` map first. The reader sees
 * the record (held flag), examines every executable file the process maps
 * and the libraries its program needs, hands each new one to
 * tsdt_tracer_opts.file_fn (which attaches what the session selects),
 * marks them in `known` (so that no process stops for them again) and
 * sends SIGCONT. The stop is not invisible to the parent: it may get
 * SIGCHLD (CLD_STOPPED, then CLD_CONTINUED) unless it set SA_NOCLDSTOP,
 * and a waitpid(WUNTRACED) that runs during the stop reports it; once
 * continued, no stop is left to report. docs/following.md measures how long
 * a stop lasts.
 *
 * Nothing left behind: a keeper process, forked at start, holding only the
 * `held` map and the read end of a pipe, waits for the tracer to die
 * (pipe EOF, whatever the cause: exit, signal, SIGKILL) and continues every
 * process still held. Links, programs and maps are file descriptors: they
 * go with the tracer.
 *
 * Process records (fork, exec, exit, load) become events on the probes'
 * clock; the reader keeps a table pid -> parent, program, so that events
 * still in the ring when their process exits keep their parent.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "catalog.h"
#include "internal.h"
#include "log.h"
#include "ringbuf.h"
#include "trace-internal.h"
#include "attach/trace.skel.h"

#define DEFAULT_MAX_PROCS 32768
#define RESCAN_NS 200000000LL  /* a held process whose record was lost */

/* trace.bpf.c's follow_mode */
enum { FOLLOW_NONE, FOLLOW_SET, FOLLOW_CGROUP };

struct proc_ent {
	pid_t pid;              /* 0: free slot */
	pid_t ppid;
	uint64_t role;          /* tsdt_role_hash(), 0: none */
	bool gone;              /* exited: the slot is reused at rebuild */
	char *exe;              /* the program it runs, when known */
};

struct file_ent {
	uint64_t dev, ino;      /* kernel dev_t, inode */
	char *path;
};

/* a process record read from its ring, waiting to be delivered in
 * timestamp order among the probe events (tsdt_follow_flush()) */
struct proc_q {
	struct tsdt_proc_rec *rec;  /* a copy; EXEC: the path after it */
	size_t size;
	pid_t ppid;
	const char *path;           /* into rec (EXEC) or files[] (LOAD) */
	char *old_path;             /* EXEC */
	uint64_t lost;              /* EXIT */
};

struct tsdt_follow {
	int mode;
	struct tsdt_ringbuf *rb;    /* the process ring */
	struct proc_q *q;
	size_t q_head, q_cnt, q_cap;
	struct proc_ent *procs; /* open addressing by pid */
	size_t proc_cap, proc_used;
	struct file_ent *files; /* examined */
	size_t file_cnt, file_cap;
	uint64_t kind_cnt[TSDT_EVENT_ROLE + 1];
	struct role_name {      /* the names of the role keys seen */
		uint64_t hash;
		char name[TSDT_ROLE_NAME_MAX];
	} *roles;
	size_t role_cnt;
	uint64_t holds, hold_max_ns;
	uint64_t proc_lost_seen;
	long long last_scan_ns;
	long long cmdline_ns;   /* last role_cmdline pass */
	struct bpf_link *links[5];
	pid_t keeper;
	int keeper_fd;          /* write end of the keeper's pipe */
	long page_size;
};

bool tsdt_follow_active(const struct tsdt_tracer *tr)
{
	return tr->follow || tr->cgroup;
}

static uint64_t kdev(dev_t d)
{
	return ((uint64_t)major(d) << 20) | minor(d);
}

/* ------------------------------------------------------------ processes */

static struct proc_ent *proc_slot(struct tsdt_follow *fl, pid_t pid)
{
	size_t i;

	if (!fl->proc_cap)
		return NULL;
	for (i = (size_t)pid * 2654435761u % fl->proc_cap;; i = (i + 1) % fl->proc_cap)
		if (fl->procs[i].pid == pid || !fl->procs[i].pid)
			return &fl->procs[i];
}

static int proc_grow(struct tsdt_follow *fl)
{
	struct proc_ent *old = fl->procs;
	size_t cap = fl->proc_cap, live = 0;

	for (size_t i = 0; i < cap; i++)
		live += old[i].pid && !old[i].gone;
	fl->proc_cap = live * 4 > 256 ? live * 4 : 256;
	fl->procs = calloc(fl->proc_cap, sizeof(*fl->procs));
	if (!fl->procs) {
		fl->procs = old;
		fl->proc_cap = cap;
		return -ENOMEM;
	}
	fl->proc_used = 0;
	for (size_t i = 0; i < cap; i++) {
		if (!old[i].pid)
			continue;
		if (old[i].gone) {
			free(old[i].exe);
			continue;
		}
		*proc_slot(fl, old[i].pid) = old[i];
		fl->proc_used++;
	}
	free(old);
	return 0;
}

static struct proc_ent *proc_add(struct tsdt_follow *fl, pid_t pid, pid_t ppid)
{
	struct proc_ent *e;

	if ((fl->proc_used + 1) * 4 > fl->proc_cap * 3 && proc_grow(fl))
		return NULL;
	e = proc_slot(fl, pid);
	if (!e->pid)
		fl->proc_used++;
	else
		free(e->exe);
	*e = (struct proc_ent){ .pid = pid, .ppid = ppid };
	return e;
}

static struct proc_ent *proc_find(const struct tsdt_follow *fl, pid_t pid)
{
	struct proc_ent *e = proc_slot((struct tsdt_follow *)fl, pid);

	return e && e->pid == pid ? e : NULL;
}

pid_t tsdt_follow_ppid(const struct tsdt_tracer *tr, pid_t pid)
{
	const struct proc_ent *e = tr->fl ? proc_find(tr->fl, pid) : NULL;

	return e ? e->ppid : 0;
}

/* The parent of @pid from /proc/PID/stat, or 0. */
static pid_t read_ppid(pid_t pid)
{
	pid_t ppid = 0;

	return tsdt_proc_stat(pid, NULL, &ppid) ? 0 : ppid;
}

/* -------------------------------------------------------------- files */

static struct file_ent *file_find(struct tsdt_follow *fl, uint64_t dev,
				  uint64_t ino)
{
	for (size_t i = 0; i < fl->file_cnt; i++)
		if (fl->files[i].dev == dev && fl->files[i].ino == ino)
			return &fl->files[i];
	return NULL;
}

/* Marks a file examined, here and in the kernel's `known` map. */
static int file_known(struct tsdt_tracer *tr, uint64_t dev, uint64_t ino,
		      const char *path)
{
	struct tsdt_follow *fl = tr->fl;
	struct tsdt_file_key k = { .dev = dev, .ino = ino };
	__u8 one = 1;

	if (!file_find(fl, dev, ino)) {
		if (fl->file_cnt == fl->file_cap) {
			size_t cap = fl->file_cap ? fl->file_cap * 2 : 64;
			struct file_ent *f = realloc(fl->files, cap * sizeof(*f));

			if (!f)
				return -ENOMEM;
			fl->files = f;
			fl->file_cap = cap;
		}
		fl->files[fl->file_cnt] = (struct file_ent){
			.dev = dev, .ino = ino, .path = strdup(path ? path : ""),
		};
		fl->file_cnt++;
	}
	return bpf_map_update_elem(bpf_map__fd(tr->skel->maps.known), &k, &one,
				   BPF_ANY) ? -errno : 0;
}

/* One file a process maps (or will map): new ones go to the file callback. */
static void examine_file(struct tsdt_tracer *tr, pid_t pid, uint64_t dev,
			 uint64_t ino, const char *path, const char *open_path)
{
	if (file_find(tr->fl, dev, ino))
		return;
	if (tr->file_fn) {
		int err = tr->file_fn(tr->file_ctx, tr, pid, path, open_path);

		if (err < 0)
			pr_info("follow: pid %d: %s: %s\n", (int)pid, path,
				strerror(-err));
	}
	file_known(tr, dev, ino, path);
}

/* The LD_LIBRARY_PATH in @pid's environment, into @buf ("" if none). */
static void read_library_path(pid_t pid, char *buf, size_t sz)
{
	char path[64], env[16384];
	ssize_t n;
	int fd;

	buf[0] = 0;
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, env, sizeof(env) - 1);
	close(fd);
	if (n <= 0)
		return;
	env[n] = 0;
	for (char *p = env; p < env + n; p += strlen(p) + 1)
		if (!strncmp(p, "LD_LIBRARY_PATH=", 16)) {
			snprintf(buf, sz, "%s", p + 16);
			return;
		}
}

/* true when /proc/@pid/@what is the same file as @ours */
static bool proc_same_file(pid_t pid, const char *what, const char *ours)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	return !stat(path, &a) && !stat(ours, &b) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* The executable mappings of @pid, each to @fn with the path to open it
 * by (through /proc/PID/map_files for a file deleted since). */
static void for_each_exec_mapping(pid_t pid,
				  void (*fn)(struct tsdt_tracer *tr, pid_t pid,
					     const struct tsdt_maps_line *m,
					     const char *open_path),
				  struct tsdt_tracer *tr)
{
	char path[64], *line = NULL;
	size_t line_sz = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return; /* gone */
	while (getline(&line, &line_sz, f) > 0) {
		char open_path[PATH_MAX + 64];
		struct tsdt_maps_line m;

		if (tsdt_maps_parse_line(line, &m) || !m.path || m.perms[2] != 'x')
			continue;
		tsdt_maps_open_path(pid, &m, open_path, sizeof(open_path));
		fn(tr, pid, &m, open_path);
	}
	free(line);
	fclose(f);
}

static void examine_mapping(struct tsdt_tracer *tr, pid_t pid,
			    const struct tsdt_maps_line *m, const char *open_path)
{
	examine_file(tr, pid, m->dev, m->ino, m->path, open_path);
}

static void mark_mapping(struct tsdt_tracer *tr, pid_t pid,
			 const struct tsdt_maps_line *m, const char *open_path)
{
	file_known(tr, m->dev, m->ino, m->path);
}

/*
 * Every executable file @pid maps, and the libraries its program needs (the
 * dynamic linker is about to map them: examining them now saves a stop
 * per library), through the file callback when new.
 */
static void examine_pid(struct tsdt_tracer *tr, pid_t pid)
{
	char path[64], exe[PATH_MAX];

	for_each_exec_mapping(pid, examine_mapping, tr);

	/* the program's libraries, before the dynamic linker maps them */
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if (readlink(path, exe, sizeof(exe) - 1) > 0 &&
	    proc_same_file(pid, "root", "/")) {
		char lp[4096], **libs = NULL;
		TSDT_OPTS(tsdt_needed_libs_opts, nopts);
		int n;

		exe[sizeof(exe) - 1] = 0;
		read_library_path(pid, lp, sizeof(lp));
		nopts.library_path = lp[0] ? lp : NULL;
		n = tsdt_find_needed_libs(path, &nopts, &libs);
		for (int i = 0; i < n; i++) {
			struct stat st;

			if (!stat(libs[i], &st))
				examine_file(tr, pid, kdev(st.st_dev),
					     st.st_ino, libs[i], libs[i]);
		}
		free(libs);
	}
}

/* --------------------------------------------------------------- holds */

/* Continues @pid, held since @since_ns (0: unknown). */
static void release(struct tsdt_tracer *tr, pid_t pid)
{
	int fd = bpf_map__fd(tr->skel->maps.held);
	__u32 key = pid;
	__u64 since = 0;

	if (bpf_map_lookup_elem(fd, &key, &since))
		return; /* not held (any more) */
	/* continue first, then forget: a tracer killed in between leaves the
	 * keeper a harmless second SIGCONT, never a stopped process */
	if (kill(pid, SIGCONT) && errno != ESRCH)
		pr_warn("follow: cannot continue process %d: %s\n", (int)pid,
			strerror(errno));
	bpf_map_delete_elem(fd, &key);
	if (since) {
		uint64_t ns = (uint64_t)tsdt_mono_ns() - since;

		if (ns > tr->fl->hold_max_ns)
			tr->fl->hold_max_ns = ns;
	}
	tr->fl->holds++;
	pr_debug("follow: process %d continued\n", (int)pid);
}

/* Every held process: examined, continued (after a lost record, or at
 * the end). */
static void release_all(struct tsdt_tracer *tr, bool examine)
{
	int fd = bpf_map__fd(tr->skel->maps.held);
	__u32 key, next, pids[256];
	size_t n = 0;
	void *prev = NULL;

	while (n < 256 && !bpf_map_get_next_key(fd, prev, &next)) {
		pids[n++] = next;
		key = next;
		prev = &key;
	}
	for (size_t i = 0; i < n; i++) {
		if (examine)
			examine_pid(tr, pids[i]);
		release(tr, pids[i]);
	}
}

/* ------------------------------------------------------------- keeper */

/* The keeper's life: wait for the tracer to go, continue what it held. */
static void __attribute__((noreturn)) keeper_main(int rfd, int held_fd)
{
	int nul = open("/dev/null", O_RDWR);
	char c;

	setsid();
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_NAME, "tsdt-keeper");
	/* hold nothing of the tracer's: no terminal, no pipe, no link */
	if (nul >= 0) {
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
	}
	{
		unsigned int a = rfd < held_fd ? rfd : held_fd;
		unsigned int b = rfd < held_fd ? held_fd : rfd;

		if (a > 3)
			close_range(3, a - 1, 0);
		if (b > a + 1)
			close_range(a + 1, b - 1, 0);
		close_range(b + 1, ~0U, 0);
	}
	while (read(rfd, &c, 1) != 0)
		if (errno != EINTR)
			break;
	/* the tracer's links close with its files, around now */
	for (int round = 0; round < 4; round++) {
		__u32 key, next;

		while (!bpf_map_get_next_key(held_fd, NULL, &next)) {
			key = next;
			kill((pid_t)key, SIGCONT);
			bpf_map_delete_elem(held_fd, &key);
		}
		usleep(50000);
	}
	_exit(0);
}

static int keeper_start(struct tsdt_tracer *tr)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(p[0]);
		close(p[1]);
		return err;
	}
	if (pid == 0) {
		close(p[1]);
		keeper_main(p[0], bpf_map__fd(tr->skel->maps.held));
	}
	close(p[0]);
	tr->fl->keeper = pid;
	tr->fl->keeper_fd = p[1];
	return 0;
}

/* --------------------------------------------------------------- life */

/*
 * A cgroup v2 directory's id (its inode number, as the kernel's cgroup id
 * is) and level (how deep it is below the hierarchy's root: the root is
 * the first directory up whose parent is on another file system).
 */
static int cgroup_id_level(const char *path, uint64_t *id, int *level)
{
	char p[PATH_MAX];
	struct statfs sfs;
	struct stat st, up;

	if (!realpath(path, p) || stat(p, &st)) {
		int err = -errno;

		pr_warn("follow: cannot open cgroup %s: %s\n", path, strerror(-err));
		return err;
	}
	if (statfs(p, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC ||
	    !S_ISDIR(st.st_mode)) {
		pr_warn("follow: %s is not a cgroup v2 directory\n", path);
		return -ENOTDIR;
	}
	*id = st.st_ino;
	*level = 0;
	for (;;) {
		char *slash = strrchr(p, '/');

		if (!slash || slash == p)
			break;
		*slash = 0;
		if (stat(p, &up) || up.st_dev != st.st_dev)
			break;
		(*level)++;
	}
	return 0;
}

int tsdt_follow_prepare(struct tsdt_tracer *tr, struct trace_bpf *skel)
{
	bool on = tsdt_follow_active(tr);
	struct tsdt_follow *fl;

	bpf_program__set_autoload(skel->progs.follow_fork, on);
	bpf_program__set_autoload(skel->progs.follow_exec, on);
	bpf_program__set_autoload(skel->progs.follow_exit, on);
	bpf_program__set_autoload(skel->progs.follow_mmap, on);
	bpf_program__set_autoload(skel->progs.follow_unmapped, on);
	if (!on)
		return 0;
	if (!tr->fl) {
		fl = calloc(1, sizeof(*fl));
		if (!fl)
			return -ENOMEM;
		fl->keeper_fd = -1;
		fl->page_size = getpagesize();
		tr->fl = fl;
	}
	tr->fl->mode = tr->cgroup ? FOLLOW_CGROUP : FOLLOW_SET;
	if (tr->cgroup) {
		uint64_t id;
		int level, err = cgroup_id_level(tr->cgroup, &id, &level);

		if (err)
			return err;
		skel->rodata->cgroup_id = id;
		skel->rodata->cgroup_level = level;
	}
	skel->rodata->follow_mode = tr->fl->mode;
	skel->rodata->follow_children = true;
	if (tr->fl->mode == FOLLOW_SET && tr->pid > 0)
		skel->rodata->follow_root = tr->pid;
	skel->rodata->hold_new = !tr->no_hold;
	return bpf_map__set_max_entries(skel->maps.followed,
					tr->max_procs ? tr->max_procs
						      : DEFAULT_MAX_PROCS);
}

/* Adds @pid (a process found, not forked under our eyes) to the set. */
static int follow_pid(struct tsdt_tracer *tr, pid_t pid, pid_t ppid)
{
	struct tsdt_follow_val v = { .ppid = ppid };
	__u32 key = pid;

	if (tr->fl->mode == FOLLOW_SET &&
	    bpf_map_update_elem(bpf_map__fd(tr->skel->maps.followed), &key, &v,
				BPF_ANY))
		return -errno;
	if (!proc_add(tr->fl, pid, ppid))
		return -ENOMEM;
	return 0;
}

int tsdt_follow_start(struct tsdt_tracer *tr)
{
	double t0 = tsdt_mono_ms();
	struct tsdt_follow *fl = tr->fl;
	struct trace_bpf *skel = tr->skel;
	struct bpf_program *progs[5] = {
		skel->progs.follow_fork, skel->progs.follow_exit,
		skel->progs.follow_exec, skel->progs.follow_unmapped,
		skel->progs.follow_mmap,
	};
	int err;

	if (!fl)
		return 0;
	if (fl->mode == FOLLOW_SET && tr->pid > 0) {
		err = follow_pid(tr, tr->pid, read_ppid(tr->pid));
		if (err)
			return err;
	}
	fl->rb = tsdt_ringbuf__new(bpf_map__fd(skel->maps.proc_events));
	if (!fl->rb)
		return -errno;
	/* the probes' files are examined (the caller selected from them) */
	for (size_t i = 0; i < tr->probe_cnt; i++) {
		const struct tsdt_binary *b = tsdt_probe__binary(tr->probes[i]);

		err = file_known(tr, kdev(b->dev), b->ino, b->path);
		if (err)
			return err;
	}
	if (!tr->no_hold && (err = keeper_start(tr))) {
		pr_warn("follow: cannot start the keeper process: %s\n",
			strerror(-err));
		return err;
	}
	/* exit, fork, then exec and mmap: none may miss another's effect */
	for (int i = 0; i < 5; i++) {
		fl->links[i] = bpf_program__attach(progs[i]);
		if (!fl->links[i]) {
			err = -errno;
			pr_warn("follow: cannot attach %s: %s\n",
				bpf_program__name(progs[i]), strerror(-err));
			return err;
		}
	}
	/* the files of the process given were the caller's to select from
	 * (the target's); not those of a command forked by tsdt and held at
	 * its gate before exec, which runs our program (examined at its
	 * exec) */
	if (tr->pid > 0 && !proc_same_file(tr->pid, "exe", "/proc/self/exe"))
		for_each_exec_mapping(tr->pid, mark_mapping, tr);
	pr_debug("follow: timing: set-up %.2f ms (programs attached, keeper started)\n",
		 tsdt_mono_ms() - t0);
	return 0;
}

/* Followed processes' children that existed before the fork program was
 * attached: found in /proc, until a walk finds no new one (a fork during a
 * walk is either caught by the program or seen by the next walk). */
static void walk_children(struct tsdt_tracer *tr)
{
	for (int pass = 0; pass < 16; pass++) {
		struct dirent *d;
		size_t added = 0;
		DIR *dir = opendir("/proc");

		if (!dir)
			return;
		while ((d = readdir(dir))) {
			pid_t pid = atoi(d->d_name), ppid;
			struct proc_ent *pe, *e;

			if (pid <= 0 || ((e = proc_find(tr->fl, pid)) && !e->gone))
				continue;
			ppid = read_ppid(pid);
			pe = ppid > 0 ? proc_find(tr->fl, ppid) : NULL;
			if (!pe || pe->gone)
				continue;
			if (follow_pid(tr, pid, ppid))
				continue;
			examine_pid(tr, pid);
			added++;
		}
		closedir(dir);
		pr_debug("follow: /proc walk %d: %zu processes forked before the tracer\n",
			 pass, added);
		if (!added)
			return;
	}
}

/* A cgroup's processes now (later ones are found at their exec/mmap). */
static void walk_cgroup(struct tsdt_tracer *tr)
{
	char path[PATH_MAX + 16];
	FILE *f;
	int pid;

	snprintf(path, sizeof(path), "%s/cgroup.procs", tr->cgroup);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fscanf(f, "%d", &pid) == 1) {
		proc_add(tr->fl, pid, read_ppid(pid));
		examine_pid(tr, pid);
	}
	fclose(f);
}

int tsdt_follow_started(struct tsdt_tracer *tr)
{
	double t0 = tsdt_mono_ms();

	if (!tr->fl)
		return 0;
	if (tr->fl->mode == FOLLOW_CGROUP)
		walk_cgroup(tr);
	else if (tr->pid > 0)
		walk_children(tr);
	tr->fl->last_scan_ns = tsdt_mono_ns();
	pr_debug("follow: timing: /proc walk %.2f ms\n", tsdt_mono_ms() - t0);
	return 0;
}

void tsdt_follow_end(struct tsdt_tracer *tr)
{
	struct tsdt_follow *fl = tr->fl;

	if (!fl)
		return;
	for (int i = 0; i < 5; i++) {
		bpf_link__destroy(fl->links[i]);
		fl->links[i] = NULL;
	}
	if (tr->skel)
		release_all(tr, false);
	if (fl->keeper_fd >= 0)
		close(fl->keeper_fd);
	if (fl->keeper > 0)
		waitpid(fl->keeper, NULL, 0);
	for (size_t i = 0; i < fl->proc_cap; i++)
		free(fl->procs[i].exe);
	free(fl->procs);
	for (size_t i = 0; i < fl->file_cnt; i++)
		free(fl->files[i].path);
	free(fl->files);
	tsdt_ringbuf__free(fl->rb);
	for (size_t i = fl->q_head; i < fl->q_cnt; i++) {
		free(fl->q[i].rec);
		free(fl->q[i].old_path);
	}
	free(fl->q);
	free(fl->roles);
	free(fl);
	tr->fl = NULL;
}

/* ------------------------------------------------------------- records */

/* The name of role key @hash (learnt from ROLE records), or NULL. */
static const char *role_name(const struct tsdt_follow *fl, uint64_t hash)
{
	for (size_t i = 0; hash && i < fl->role_cnt; i++)
		if (fl->roles[i].hash == hash)
			return fl->roles[i].name;
	return NULL;
}

static void role_learn(struct tsdt_follow *fl, uint64_t hash, const char *name)
{
	struct role_name *r;

	if (!hash || role_name(fl, hash))
		return;
	r = realloc(fl->roles, (fl->role_cnt + 1) * sizeof(*r));
	if (!r)
		return;
	fl->roles = r;
	r = &fl->roles[fl->role_cnt++];
	r->hash = hash;
	snprintf(r->name, sizeof(r->name), "%s", name);
}

/* A process record delivered: the role its process has from now on (a
 * child its parent's, an exec none, a declaration its own), in the order
 * of the events, as the kernel's roles map changed. */
static void role_apply(struct tsdt_follow *fl, const struct tsdt_proc_rec *r)
{
	struct proc_ent *e = proc_find(fl, r->pid), *c;

	switch (r->hdr.type) {
	case TSDT_REC_FORK:
		if ((c = proc_find(fl, r->child)))
			c->role = e ? e->role : 0;
		break;
	case TSDT_REC_EXEC:
		if (e)
			e->role = 0;
		break;
	case TSDT_REC_ROLE:
		if (!e)
			e = proc_add(fl, r->pid, 0);
		if (e)
			e->role = r->dev;
		break;
	}
}

const char *tsdt_follow_role(const struct tsdt_tracer *tr, pid_t pid)
{
	const struct proc_ent *e = tr->fl ? proc_find(tr->fl, pid) : NULL;

	return e ? role_name(tr->fl, e->role) : NULL;
}

/* An exec or a mapping of a file: when the process was held, examined and
 * continued; when the file is new but it was not held (--no-hold, or a
 * stop would have shown: see follow_mmap), examined now, its probes
 * attached a little after its start. */
static void examine_new(struct tsdt_tracer *tr, const struct tsdt_proc_rec *r)
{
	if (r->hdr.misc & TSDT_REC_HELD) {
		examine_pid(tr, r->pid);
		release(tr, r->pid);
	} else if (!file_find(tr->fl, r->dev, r->ino)) {
		examine_pid(tr, r->pid);
	}
}

/* One record from the process ring: the process table and holds are
 * dealt with now (a held process waits), the event is queued. */
static int on_proc_rec(void *ctx, const void *data, size_t size)
{
	struct tsdt_tracer *tr = ctx;
	const struct tsdt_proc_rec *r = data;
	struct tsdt_follow *fl = tr->fl;
	struct proc_q q = { .size = size };
	struct proc_ent *e;

	if (size < sizeof(*r) || r->hdr.size > size || r->hdr.size < sizeof(*r) ||
	    r->hdr.type < TSDT_REC_FORK || r->hdr.type > TSDT_REC_ROLE) {
		tr->unknown_recs++;
		return 0;
	}
	q.rec = malloc(size + 1);
	if (!q.rec)
		return 0;
	memcpy(q.rec, data, size);
	((char *)q.rec)[size] = 0;
	q.ppid = r->ppid;
	switch (r->hdr.type) {
	case TSDT_REC_FORK: {
		char *exe = NULL;

		fl->kind_cnt[TSDT_EVENT_FORK]++;
		/* the child runs its parent's program until it execs */
		if ((e = proc_find(fl, r->pid)) && e->exe)
			exe = strdup(e->exe);
		if ((e = proc_add(fl, r->child, r->pid)))
			e->exe = exe;
		else
			free(exe);
		break;
	}
	case TSDT_REC_EXEC: {
		const char *path = (const char *)(q.rec + 1);

		fl->kind_cnt[TSDT_EVENT_EXEC]++;
		q.path = path;
		e = proc_find(fl, r->pid);
		if (!e)
			e = proc_add(fl, r->pid, r->ppid);
		if (e) {
			q.old_path = e->exe;
			e->exe = strdup(path);
		}
		examine_new(tr, r);
		break;
	}
	case TSDT_REC_EXIT: {
		struct tsdt_follow_val v;
		__u32 key = r->pid;
		int fd = bpf_map__fd(tr->skel->maps.followed);

		fl->kind_cnt[TSDT_EVENT_EXIT]++;
		if (fl->mode == FOLLOW_SET && !bpf_map_lookup_elem(fd, &key, &v)) {
			q.lost = v.lost;
			if (v.flags & TSDT_FOLLOW_EXITED)
				bpf_map_delete_elem(fd, &key);
		}
		/* marked gone once its exit is delivered, after its events
		 * still in the probe ring (tsdt_follow_flush()) */
		if ((e = proc_find(fl, r->pid)) && e->ppid)
			q.ppid = e->ppid;
		break;
	}
	case TSDT_REC_ROLE:
		fl->kind_cnt[TSDT_EVENT_ROLE]++;
		role_learn(fl, r->dev, (const char *)(q.rec + 1));
		break;
	case TSDT_REC_LOAD: {
		struct file_ent *f;

		fl->kind_cnt[TSDT_EVENT_LOAD]++;
		examine_new(tr, r);
		f = file_find(fl, r->dev, r->ino);
		q.path = f ? f->path : "";
		break;
	}
	}
	if (fl->q_cnt == fl->q_cap) {
		size_t cap = fl->q_cap ? fl->q_cap * 2 : 64;
		struct proc_q *nq = realloc(fl->q, cap * sizeof(*nq));

		if (!nq) {
			free(q.rec);
			free(q.old_path);
			return 0;
		}
		fl->q = nq;
		fl->q_cap = cap;
	}
	fl->q[fl->q_cnt++] = q;
	return 0;
}

const char *tsdt_tracer_role_key_name(const struct tsdt_tracer *tr,
				      uint64_t key)
{
	if (key & (1ULL << 63)) /* a role_global value */
		return tsdt_tracer_role_value_name(tr, (int64_t)(key << 1) >> 1);
	return tr->fl ? role_name(tr->fl, key) : NULL;
}

int tsdt_tracer__for_each_role_hit(const struct tsdt_tracer *tr,
				   tsdt_role_hit_fn_t fn, void *ctx)
{
	struct { __u32 probe, pad; __u64 role; } key, next;
	void *prev = NULL;
	int fd, ret;

	if (!tr || !fn || !tr->skel)
		return -EINVAL;
	fd = bpf_map__fd(tr->skel->maps.role_hits);
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		__u64 hits;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &hits))
			continue;
		ret = fn(ctx, key.probe, tsdt_tracer_role_key_name(tr, key.role),
			 hits);
		if (ret)
			return ret;
	}
	return 0;
}

int tsdt_follow_collect(struct tsdt_tracer *tr)
{
	if (!tr->fl || !tr->fl->rb)
		return 0;
	return tsdt_ringbuf__consume(tr->fl->rb, on_proc_rec, tr);
}

bool tsdt_follow_pending(const struct tsdt_tracer *tr)
{
	return tr->fl && tr->fl->q_head < tr->fl->q_cnt;
}

int tsdt_follow_flush(struct tsdt_tracer *tr, uint64_t upto, size_t *delivered)
{
	struct tsdt_follow *fl = tr->fl;
	int ret = 0;

	while (fl && fl->q_head < fl->q_cnt) {
		struct proc_q *q = &fl->q[fl->q_head];
		const struct tsdt_proc_rec *r = q->rec;
		struct tsdt_trace_event pe = {};
		struct tsdt_event ev = {
			.tr = tr, .raw = &pe, .proc = r, .size = q->size,
			.path = q->path, .old_path = q->old_path,
			.ppid = q->ppid, .lost = q->lost,
		};

		if (r->ts > upto)
			break;
		/* the getters common to all events read pe */
		pe.hdr = r->hdr;
		pe.ts = r->ts;
		pe.pid = r->pid;
		pe.tid = r->tid;
		memcpy(pe.comm, r->comm, sizeof(pe.comm));
		role_apply(fl, r);
		if (tr->fn) {
			ret = tr->fn(tr->fn_ctx, &ev);
			if (delivered)
				(*delivered)++;
		}
		if (r->hdr.type == TSDT_REC_EXIT) {
			struct proc_ent *e = proc_find(fl, r->pid);

			if (e)
				e->gone = true;
		}
		free(q->rec);
		free(q->old_path);
		fl->q_head++;
		if (ret)
			break;
	}
	if (fl && fl->q_head == fl->q_cnt)
		fl->q_head = fl->q_cnt = 0;
	return ret;
}

/* role_cmdline: the role /proc/PID/cmdline gives process @e now, in the
 * process table and the kernel's roles map when it changed */
static void cmdline_role(struct tsdt_tracer *tr, struct proc_ent *e)
{
	struct tsdt_follow *fl = tr->fl;
	char path[64], buf[1024], name[TSDT_ROLE_NAME_MAX] = "";
	regmatch_t m[2];
	uint64_t h = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)e->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return; /* gone, or a kernel thread: as it was */
	while (n > 0 && !buf[n - 1])
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	buf[n] = 0;
	if (!regexec(&tr->role_re, buf, 2, m, 0)) {
		regmatch_t *g = m[1].rm_so >= 0 ? &m[1] : &m[0];
		size_t len = g->rm_eo - g->rm_so;

		if (len >= sizeof(name))
			len = sizeof(name) - 1;
		memcpy(name, buf + g->rm_so, len);
		name[len] = 0;
		if (len)
			h = tsdt_role_hash(name, sizeof(name));
	}
	if (h == e->role)
		return;
	e->role = h;
	if (h) {
		role_learn(fl, h, name);
		bpf_map__update_elem(tr->skel->maps.roles, &e->pid, sizeof(__u32),
				     &h, sizeof(h), BPF_ANY);
	} else {
		bpf_map__delete_elem(tr->skel->maps.roles, &e->pid, sizeof(__u32), 0);
	}
}

#define CMDLINE_NS 50000000LL

void tsdt_follow_after_batch(struct tsdt_tracer *tr)
{
	struct tsdt_follow *fl = tr->fl;
	uint64_t lost;
	long long now;

	if (fl && tr->role_re_ok && tr->skel &&
	    tsdt_mono_ns() - fl->cmdline_ns >= CMDLINE_NS) {
		fl->cmdline_ns = tsdt_mono_ns();
		for (size_t i = 0; i < fl->proc_cap; i++)
			if (fl->procs[i].pid && !fl->procs[i].gone)
				cmdline_role(tr, &fl->procs[i]);
	}
	if (!fl || tr->no_hold)
		return;
	/* a hold whose record was lost (the ring was full) has no one to
	 * continue it but this */
	now = tsdt_mono_ns();
	lost = tsdt_tracer__proc_lost_cnt(tr);
	if (lost == fl->proc_lost_seen && now - fl->last_scan_ns < RESCAN_NS)
		return;
	fl->proc_lost_seen = lost;
	fl->last_scan_ns = now;
	release_all(tr, true);
}

int tsdt_tracer__add_examined(struct tsdt_tracer *tr, const char *path)
{
	TSDT_OPTS(tsdt_needed_libs_opts, nopts,
		  .library_path = getenv("LD_LIBRARY_PATH"));
	char **libs = NULL;
	struct stat st;
	int n, err;

	if (!tr || !path || !tr->fl || !tr->skel)
		return -EINVAL;
	if (stat(path, &st))
		return -errno;
	err = file_known(tr, kdev(st.st_dev), st.st_ino, path);
	if (err)
		return err;
	n = tsdt_find_needed_libs(path, &nopts, &libs);
	for (int i = 0; i < n; i++)
		if (!stat(libs[i], &st))
			file_known(tr, kdev(st.st_dev), st.st_ino, libs[i]);
	free(libs);
	return 0;
}

/* ------------------------------------------------------------ getters */

size_t tsdt_tracer__followed_cnt(const struct tsdt_tracer *tr)
{
	struct tsdt_follow_val v;
	__u32 key, next;
	void *prev = NULL;
	size_t n = 0;
	int fd;

	if (!tr || !tr->fl || !tr->skel)
		return 0;
	if (tr->fl->mode == FOLLOW_CGROUP) {
		for (size_t i = 0; i < tr->fl->proc_cap; i++)
			n += tr->fl->procs[i].pid && !tr->fl->procs[i].gone &&
			     !kill(tr->fl->procs[i].pid, 0);
		return n;
	}
	fd = bpf_map__fd(tr->skel->maps.followed);
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(fd, &key, &v) &&
		    !(v.flags & TSDT_FOLLOW_EXITED))
			n++;
	}
	return n;
}

uint64_t tsdt_tracer__proc_event_cnt(const struct tsdt_tracer *tr,
				     enum tsdt_event_kind kind)
{
	if (!tr || !tr->fl || kind < TSDT_EVENT_FORK || kind > TSDT_EVENT_ROLE)
		return 0;
	return tr->fl->kind_cnt[kind];
}

bool tsdt_tracer__is_following(const struct tsdt_tracer *tr)
{
	return tr && tsdt_follow_active(tr);
}

uint64_t tsdt_tracer__hold_cnt(const struct tsdt_tracer *tr)
{
	return tr && tr->fl ? tr->fl->holds : 0;
}

uint64_t tsdt_tracer__hold_max_ns(const struct tsdt_tracer *tr)
{
	return tr && tr->fl ? tr->fl->hold_max_ns : 0;
}

static uint64_t follow_err(const struct tsdt_tracer *tr, __u32 key)
{
	__u64 vals[tr->ncpus];
	uint64_t sum = 0;

	if (!tr->fl || !tr->skel ||
	    bpf_map_lookup_elem(bpf_map__fd(tr->skel->maps.follow_errs), &key,
				vals))
		return 0;
	for (int i = 0; i < tr->ncpus; i++)
		sum += vals[i];
	return sum;
}

uint64_t tsdt_tracer__follow_full_cnt(const struct tsdt_tracer *tr)
{
	return tr ? follow_err(tr, 0) : 0;
}

uint64_t tsdt_tracer__proc_lost_cnt(const struct tsdt_tracer *tr)
{
	return tr ? follow_err(tr, 1) : 0;
}
