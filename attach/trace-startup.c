// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What makes `tsdt trace` start fast: two threads started by
 * tsdt_tracer__new() that overlap the kernel's slow steps with the
 * caller's work (reading catalogues, loading the program). bench/attach.sh
 * and bench/loadcost.c measure them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "attach-internal.h"
#include "log.h"
#include "trace-internal.h"

/*
 * Registering a uprobe takes the kernel's dup_mmap_sem (a per-CPU rw
 * semaphore) for writing. When no writer has taken it for a while, that
 * waits for one RCU grace period (rcu_sync_enter -> synchronize_rcu): 8-12
 * ms on the 2-vCPU HZ=250 VM, whatever the number of uprobes, and most of
 * the time `tsdt trace` takes to attach (bench/linkcost.c: 71 uprobes take
 * 0.2 ms when RCU grace periods are expedited). Once a writer has been
 * through, later writers pass at once until a grace period after the last
 * one left.
 *
 * So the tracer starts that grace period early: a thread registers (and
 * unregisters) one uprobe on an empty memfd, which no process maps, while
 * the main thread loads the program and creates the maps; the real link
 * then finds the semaphore's fast path open. Nothing is attached to any
 * process. If it fails (no uprobe_multi, no memfd), nothing is lost but
 * the head start. tsdt_tracer__new() waits (~0.1-0.7 ms) until the thread
 * is about to create its link: left alone, a new thread on this VM started
 * running only 0.5-4 ms later (the busy main thread kept the CPU until the
 * next tick), which was most of the head start.
 */
static void *warm_up(void *arg)
{
	struct tsdt_tracer *tr = arg;
	char path[64];
	int mfd, prog_fd, link_fd;

	mfd = memfd_create("tsdt-rcu-warm-up", MFD_CLOEXEC);
	prog_fd = mfd < 0 ? -1 : tsdt_empty_uprobe_multi_prog();
	sem_post(&tr->warm_sem);
	if (prog_fd >= 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
		link_fd = tsdt_uprobe_multi_link_one(prog_fd, path);
		/* closing waits for tasks-trace RCU (~30 ms): here, not in
		 * the main thread */
		if (link_fd >= 0)
			close(link_fd);
		close(prog_fd);
	}
	if (mfd >= 0)
		close(mfd);
	return NULL;
}

/*
 * Creating the ring buffer map (BPF_MAP_CREATE) takes ~2 ms for the
 * default 8 MiB, the kernel allocating and mapping its pages. A thread
 * started by tsdt_tracer__new() creates it while the caller reads the
 * catalogue and while tsdt_tracer__start() opens the object; load() then
 * waits for it (usually done) and hands it to libbpf (bpf_map__reuse_fd())
 * instead of libbpf creating it on the critical path. Its error, if any,
 * is reported by tsdt_tracer__start(). Not for count_only: its ring is one
 * page, cheaper than a thread.
 */
static void *ring_create(void *arg)
{
	struct tsdt_tracer *tr = arg;
	int fd;

	tr->ring_t[1] = tsdt_mono_ms();
	fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "events", 0, 0,
			    tr->ringbuf_size, NULL);
	tr->ring_err = fd < 0 ? -errno : 0;
	tr->ring_fd = fd < 0 ? -1 : fd;
	tr->ring_t[2] = tsdt_mono_ms();
	return NULL;
}

int tsdt_tracer_ring_wait(struct tsdt_tracer *tr)
{
	double t0 = tsdt_mono_ms();

	if (!tr->ring_started)
		return tr->ring_err;
	pthread_join(tr->ring_thread, NULL);
	tr->ring_started = false;
	tr->ring_wait_ms = tsdt_mono_ms() - t0;
	if (tr->ring_err)
		pr_warn("trace: cannot create the %zu KiB ring buffer: %s\n",
			tr->ringbuf_size >> 10, strerror(-tr->ring_err));
	return tr->ring_err;
}

/*
 * TSDT_NO_WARM_UP in the environment (any value) leaves the warm-up thread
 * out: a measurement knob, not an interface (bench/attach.sh and
 * bench/loadcost.c compare with and without it), as libbpf reads
 * LIBBPF_LOG_LEVEL; nothing else is read from the environment.
 */
void tsdt_tracer_startup_begin(struct tsdt_tracer *tr)
{
	if (!getenv("TSDT_NO_WARM_UP") &&
	    !sem_init(&tr->warm_sem, 0, 0)) {
		tr->warm_started = !pthread_create(&tr->warm_thread, NULL,
						   warm_up, tr);
		if (tr->warm_started) {
			struct timespec until;

			/* never more than 10 ms: only a head start */
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += 10 * 1000000;
			if (until.tv_nsec >= 1000000000) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000;
			}
			while (sem_timedwait(&tr->warm_sem, &until) &&
			       errno == EINTR)
				;
		} else {
			sem_destroy(&tr->warm_sem);
		}
	}
	/* if the thread cannot start, libbpf creates the ring at load */
	tr->ring_t[0] = tsdt_mono_ms();
	if (tr->ring_used)
		tr->ring_started = !pthread_create(&tr->ring_thread, NULL,
						   ring_create, tr);
}

void tsdt_tracer_startup_end(struct tsdt_tracer *tr)
{
	if (tr->warm_started) {
		pthread_join(tr->warm_thread, NULL);
		sem_destroy(&tr->warm_sem);
		tr->warm_started = false;
	}
	if (tr->ring_started) {
		pthread_join(tr->ring_thread, NULL);
		tr->ring_started = false;
	}
	if (tr->ring_fd >= 0)
		close(tr->ring_fd);
	tr->ring_fd = -1;
}
