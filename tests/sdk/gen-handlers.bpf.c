/*
 * Typed handlers written with the header that tsdt-gen -B makes from
 * probes/demo.d: each stores what it receives in out[] and sets its bit in
 * out[15] (bit I for the I-th program of the object, the order
 * tests/sdk/gen-loader.c attaches them in). The types come from the same
 * provider file as the application's header.
 */
#include "vmlinux.h"
#include "demo.bpf.h"

__u64 out[16] SEC(".data.out");

DEMO_INTS_HANDLER(on_ints)
{
	out[0] = i8;
	out[1] = u8;
	out[2] = i16;
	out[3] = u16;
	out[4] = i32;
	out[5] = u32;
	out[6] = i64;
	out[7] = u64;
	__sync_fetch_and_or(&out[15], 1);
	return 0;
}

DEMO_REQUEST_START_HANDLER_SLEEPABLE(on_start)
{
	char buf[16];
	long n = tsdt_read_str(buf, sizeof(buf), path);

	out[8] = id;
	out[9] = priority;
	out[10] = n == 12 && buf[0] == '/' && buf[6] == '.' && buf[10] == 'l';
	__sync_fetch_and_or(&out[15], 2);
	return 0;
}

DEMO_REQUEST_DONE_HANDLER(on_done)
{
	out[11] = status;
	out[12] = bytes;
	__builtin_memcpy(&out[13], &seconds, sizeof(seconds));
	out[14] = ok;
	__sync_fetch_and_or(&out[15], 4);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
