/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Shared by handlers.bpf.c and loader.c: where each handler stores what it
 * received. */
#ifndef TSDT_TEST_HANDLERS_H
#define TSDT_TEST_HANDLERS_H

#define TEST_STR_MAX 64

struct test_result {
	__u64 hits;
	__u32 pid;        /* tgid of the last hit */
	__u32 pad;
	__s64 str_ret;    /* tsdt_read_str() result */
	__u64 v[12];      /* arguments, as 64-bit values */
	char str[TEST_STR_MAX];
};

/* one slot per handler, in this order (loader.c has the names) */
#define TEST_HANDLERS(X)                                                     \
	X(h_ints) X(h_misc) X(h_global) X(h_cold) X(h_cold_s) X(h_sdt_ints)  \
	X(h_sdt_misc) X(h_sdt_global) X(h_fewer) X(h_widen) X(h_none)        \
	X(r_width) X(r_sign) X(r_ptrstr) X(r_struct) X(r_more) X(r_u64str)   \
	X(r_float) X(r_wrongprobe) X(r_sdt_sign) X(r_sdt_float) X(h_py) X(h_py_gc) X(h_cxx_throw) X(h_sdt_dbl) X(r_xmm) \
	X(h_globals)

#define TEST_SLOT_ENUM(n) SLOT_##n,
enum { TEST_HANDLERS(TEST_SLOT_ENUM) SLOT_CNT };

#endif
