// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Fixture of tests/integration/follow-*.sh: processes that fork, exec and
 * dlopen, firing probes whose arguments say who fired them (the process's
 * own getpid() and getppid()), so a test checks each event's attribution
 * against the truth, never against a hard-coded number.
 *
 *   family storm N K      fork N children (every 4th also forks a
 *                         grandchild); each fires fam:child (grandchildren
 *                         fam:grand) K times at once, then exits
 *   family hit K          fire fam:hit K times
 *   family exec PROG ARG...        fam:hit once, then execv(PROG)
 *   family thread-exec PROG ARG... execv(PROG) from a second thread
 *   family fork-exec PROG ARG...   a child execs PROG; the parent waits
 *   family dlopen LIB K   fam:hit once; twice: dlopen LIB, call its
 *                         libfam_fire(K), dlclose (the second time at
 *                         another base)
 *   family dlopen-threaded LIB K  a second thread waits in epoll_wait()
 *                         (1.5 s) while the first dlopens LIB, waits 0.3 s,
 *                         and calls libfam_fire(K); prints what
 *                         epoll_wait() returned ("epoll_wait 0", or
 *                         "epoll_wait -1 EINTR" if a stop disturbed it)
 *   family prefork N FILE K  fork N children that wait for FILE to exist,
 *                         then fire fam:child K times; print their pids
 *   family vfork PROG ARG...   vfork; the child execs PROG
 *   family threads T K    T threads each fire fam:hit K times
 *   family wait-stop PROG fork a child that execs "PROG hit 1"; report
 *                         what waitpid(WUNTRACED) saw: "exited 0", or
 *                         "stopped, then exited 0" (it never continues it)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sys/tsdt.h>

TSDT_PROBE_DEFINE(fam, child, (int32_t, pid), (int32_t, ppid), (uint32_t, i));
TSDT_PROBE_DEFINE(fam, grand, (int32_t, pid), (int32_t, ppid), (uint32_t, i));
TSDT_PROBE_DEFINE(fam, hit, (int32_t, pid), (uint32_t, i));

/* globals read by `tsdt trace --with` (tests/integration/follow-globals.sh):
 * fam_gen counts the fires of this process, fam_name says who it is */
volatile int32_t fam_gen;
const char *volatile fam_name = "parent";

static void fire(int grand, unsigned int k)
{
	int32_t pid = getpid(), ppid = getppid();

	fam_name = grand ? "grandchild" : "child";
	for (unsigned int i = 0; i < k; i++) {
		fam_gen = (int32_t)i;
		if (grand)
			TSDT_PROBE(fam, grand, pid, ppid, i);
		else
			TSDT_PROBE(fam, child, pid, ppid, i);
	}
}

static void hit(unsigned int k)
{
	for (unsigned int i = 0; i < k; i++) {
		fam_gen = -(int32_t)i;
		TSDT_PROBE(fam, hit, (int32_t)getpid(), i);
	}
}

static int storm(int n, unsigned int k)
{
	for (int c = 0; c < n; c++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			if (c % 4 == 0) {
				pid_t g = fork();

				if (g == 0) {
					fire(1, k);
					_exit(0);
				}
				fire(0, k);
				waitpid(g, NULL, 0);
				_exit(0);
			}
			fire(0, k);
			_exit(0);
		}
	}
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}

/* In the child (@pid 0) exec @argv, in the parent wait: its exit status. */
static int run_child(pid_t pid, char **argv)
{
	int st;

	if (pid < 0)
		return 1;
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

static unsigned int thread_k;

static void *hit_thread(void *arg)
{
	(void)arg;
	hit(thread_k);
	return NULL;
}

static char **exec_argv;

static void *exec_thread(void *arg)
{
	(void)arg;
	execv(exec_argv[0], exec_argv);
	perror("execv");
	_exit(127);
}

static int dl(const char *lib, unsigned int k)
{
	void *guard = NULL;

	hit(1);
	for (int round = 0; round < 2; round++) {
		void *h = dlopen(lib, RTLD_NOW);
		void (*f)(unsigned int);

		if (!h) {
			fprintf(stderr, "dlopen: %s\n", dlerror());
			return 1;
		}
		f = (void (*)(unsigned int))dlsym(h, "libfam_fire");
		if (!f)
			return 1;
		Dl_info info;
		void *base;

		f(k);
		if (!dladdr((void *)f, &info))
			return 1;
		base = info.dli_fbase;
		printf("base %p\n", base);
		fflush(stdout);
		dlclose(h);
		/* take the old place, so the next dlopen maps elsewhere */
		if (!guard)
			guard = mmap(base, 4096, PROT_NONE,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
				     -1, 0);
	}
	return 0;
}

static int ep_res = -2, ep_errno;

static void *ep_waiter(void *arg)
{
	struct epoll_event ev;
	int ep = epoll_create1(0);

	(void)arg;
	ep_res = epoll_wait(ep, &ev, 1, 1500);
	ep_errno = errno;
	return NULL;
}

static int dl_threaded(const char *lib, unsigned int k)
{
	void (*f)(unsigned int);
	pthread_t t;
	void *h;

	pthread_create(&t, NULL, ep_waiter, NULL);
	nanosleep(&(struct timespec){ 0, 200000000 }, NULL);
	h = dlopen(lib, RTLD_NOW);
	if (!h || !(f = (void (*)(unsigned int))dlsym(h, "libfam_fire")))
		return 1;
	nanosleep(&(struct timespec){ 0, 300000000 }, NULL);
	f(k);
	pthread_join(t, NULL);
	printf("epoll_wait %d%s\n", ep_res,
	       ep_res < 0 && ep_errno == EINTR ? " EINTR" : "");
	return 0;
}

static int prefork(int n, const char *file, unsigned int k)
{
	for (int c = 0; c < n; c++) {
		pid_t pid = fork();

		if (pid == 0) {
			struct stat st;

			while (stat(file, &st))
				nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
			fire(0, k);
			_exit(0);
		}
		printf("%d\n", (int)pid);
	}
	fflush(stdout);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}

static int wait_stop(const char *prog)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		execl(prog, prog, "hit", "1", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, WUNTRACED) != pid)
		return 1;
	/* a stop is reported, but nothing here continues it: whoever
	 * stopped it must */
	if (WIFSTOPPED(st)) {
		printf("stopped, then ");
		if (waitpid(pid, &st, 0) != pid)
			return 1;
	}
	printf("exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "storm"))
		return storm(atoi(argv[2]), atoi(argv[3]));
	if (argc >= 3 && !strcmp(argv[1], "hit")) {
		hit(atoi(argv[2]));
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "exec")) {
		hit(1);
		execv(argv[2], argv + 2);
		perror("execv");
		return 127;
	}
	if (argc >= 3 && !strcmp(argv[1], "thread-exec")) {
		pthread_t t;

		exec_argv = argv + 2;
		pthread_create(&t, NULL, exec_thread, NULL);
		pthread_join(t, NULL);
		return 127;
	}
	if (argc >= 3 && !strcmp(argv[1], "fork-exec"))
		return run_child(fork(), argv + 2);
	if (argc >= 3 && !strcmp(argv[1], "vfork"))
		return run_child(vfork(), argv + 2);
	if (argc >= 4 && !strcmp(argv[1], "threads")) {
		int n = atoi(argv[2]);
		pthread_t t[64];

		thread_k = atoi(argv[3]);
		for (int i = 0; i < n && i < 64; i++)
			pthread_create(&t[i], NULL, hit_thread, NULL);
		for (int i = 0; i < n && i < 64; i++)
			pthread_join(t[i], NULL);
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "dlopen"))
		return dl(argv[2], atoi(argv[3]));
	if (argc >= 4 && !strcmp(argv[1], "dlopen-threaded"))
		return dl_threaded(argv[2], atoi(argv[3]));
	if (argc >= 5 && !strcmp(argv[1], "prefork"))
		return prefork(atoi(argv[2]), argv[3], atoi(argv[4]));
	if (argc >= 3 && !strcmp(argv[1], "wait-stop"))
		return wait_stop(argv[2]);
	fprintf(stderr, "usage: family storm|hit|exec|thread-exec|fork-exec|dlopen|prefork|wait-stop ...\n");
	return 2;
}
