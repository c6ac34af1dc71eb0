/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Types shared by demo-top.bpf.c and demo-top.c. */
#ifndef DEMO_TOP_H
#define DEMO_TOP_H

#define DEMO_PATH_MAX 64

/* Totals since attach, in the one-entry array map "totals". */
struct demo_totals {
	__u64 requests;       /* request__done hits */
	__u64 errors;         /* ok == false */
	__u64 bytes;          /* sum of bytes */
	__u64 unmatched;      /* done without a start seen */
	__u64 path_faults;    /* path strings that could not be read */
	double last_seconds;  /* the program's own timing of the last request */
	__u64 max_ns;         /* slowest request, by the kernel's clock */
	char slowest[DEMO_PATH_MAX];
};

#endif
