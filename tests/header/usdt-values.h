/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Shared by usdt-values.bpf.c and usdt-values.c. */
#ifndef TSDT_TEST_USDT_VALUES_H
#define TSDT_TEST_USDT_VALUES_H

struct values {
	unsigned int noargs_hits, ints_hits, misc_hits, req_hits;
	long long i8, i16, i32, i64, l;
	unsigned long long u8, u16, u32, u64, sz, us;
	int ch;
	int flag, color;
	unsigned int fbits;
	unsigned long long dbits, ptr, foo;
	char str[16], buf[16];
	unsigned long long req_id[2];
	char req_path[2][16];
};

#endif
