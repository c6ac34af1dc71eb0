// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Reads the fixture's probes through libbpf's own USDT support (BPF_USDT,
 * bpf_program__attach_usdt): an independent consumer of our stapsdt notes.
 * Each handler keeps the values of the first hit in .bss. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>
#include "usdt-values.h"

struct values vals;

SEC("usdt")
int BPF_USDT(on_noargs)
{
	vals.noargs_hits++;
	return 0;
}

SEC("usdt")
int BPF_USDT(on_ints, s8 i8, u8 u8v, s16 i16, u16 u16v, s32 i32, u32 u32v,
	     s64 i64, u64 u64v, char ch, long l, u64 sz, u16 us)
{
	if (vals.ints_hits++)
		return 0;
	vals.i8 = i8;
	vals.u8 = u8v;
	vals.i16 = i16;
	vals.u16 = u16v;
	vals.i32 = i32;
	vals.u32 = u32v;
	vals.i64 = i64;
	vals.u64 = u64v;
	vals.ch = ch;
	vals.l = l;
	vals.sz = sz;
	vals.us = us;
	return 0;
}

SEC("usdt")
int BPF_USDT(on_misc, bool flag, int color, u32 fbits, u64 dbits,
	     const char *str, void *ptr, void *foo, const char *buf)
{
	if (vals.misc_hits++)
		return 0;
	vals.flag = flag;
	vals.color = color;
	vals.fbits = fbits;
	vals.dbits = dbits;
	bpf_probe_read_user_str(vals.str, sizeof(vals.str), str);
	vals.ptr = (u64)ptr;
	vals.foo = (u64)foo;
	bpf_probe_read_user_str(vals.buf, sizeof(vals.buf), buf);
	return 0;
}

SEC("usdt")
int BPF_USDT(on_request, u64 id, const char *path)
{
	unsigned int i = vals.req_hits++;

	if (i < 2) {
		vals.req_id[i] = id;
		bpf_probe_read_user_str(vals.req_path[i], sizeof(vals.req_path[i]), path);
	}
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
