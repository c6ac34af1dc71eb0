// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Test handlers for tests/integration/attach-*.sh: typed handlers that must
 * attach (h_*) and handlers that must be refused (r_*). Each stores what
 * it received in results[SLOT_name]. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <tsdt/tsdt.bpf.h>
#include "handlers.h"

/* vmlinux.h has int8_t..uint64_t, bool, size_t */
enum color { RED = 1, GREEN = 2, BLUE = 3 };
struct foo { int x; };
struct bar { int y; };

char LICENSE[] SEC("license") = "GPL";

struct test_result results[SLOT_CNT];

static __always_inline struct test_result *slot(int i)
{
	struct test_result *r = &results[i];

	r->pid = bpf_get_current_pid_tgid() >> 32;
	__sync_fetch_and_add(&r->hits, 1);
	return r;
}

#define STORE(r, i, x) ((r)->v[i] = (__u64)(x))

TSDT_HANDLER(h_ints, attach_test, ints, (int8_t, a), (uint8_t, b),
	     (int16_t, c), (uint16_t, d), (int32_t, e), (uint32_t, f),
	     (int64_t, g), (uint64_t, h))
{
	struct test_result *r = slot(SLOT_h_ints);

	STORE(r, 0, (__s64)a); STORE(r, 1, b); STORE(r, 2, (__s64)c);
	STORE(r, 3, d); STORE(r, 4, (__s64)e); STORE(r, 5, f);
	STORE(r, 6, g); STORE(r, 7, h);
	return 0;
}

TSDT_HANDLER(h_misc, attach_test, misc, (bool, ok), (enum color, col),
	     (struct foo *, fp), (float, fl), (double, db),
	     (const char *, str))
{
	struct test_result *r = slot(SLOT_h_misc);
	__u32 flbits;
	__u64 dbbits;

	__builtin_memcpy(&flbits, &fl, 4);
	__builtin_memcpy(&dbbits, &db, 8);
	STORE(r, 0, ok); STORE(r, 1, col); STORE(r, 2, fp);
	STORE(r, 3, flbits); STORE(r, 4, dbbits);
	r->str_ret = tsdt_read_str(r->str, sizeof(r->str), str);
	return 0;
}

TSDT_HANDLER(h_global, attach_test, global, (int, counter))
{
	STORE(slot(SLOT_h_global), 0, (__s64)counter);
	return 0;
}

TSDT_HANDLER(h_cold, attach_test, cold, (const char *, str), (int, round))
{
	struct test_result *r = slot(SLOT_h_cold);

	STORE(r, 1, (__s64)round);
	r->str_ret = tsdt_read_str(r->str, sizeof(r->str), str);
	return 0;
}

TSDT_HANDLER_SLEEPABLE(h_cold_s, attach_test, cold, (const char *, str),
		       (int, round))
{
	struct test_result *r = slot(SLOT_h_cold_s);

	STORE(r, 1, (__s64)round);
	r->str_ret = tsdt_read_str(r->str, sizeof(r->str), str);
	return 0;
}

TSDT_HANDLER(h_sdt_ints, sdt_test, ints, (int8_t, a), (uint8_t, b),
	     (int16_t, c), (uint16_t, d), (int32_t, e), (uint32_t, f),
	     (int64_t, g), (uint64_t, h))
{
	struct test_result *r = slot(SLOT_h_sdt_ints);

	STORE(r, 0, (__s64)a); STORE(r, 1, b); STORE(r, 2, (__s64)c);
	STORE(r, 3, d); STORE(r, 4, (__s64)e); STORE(r, 5, f);
	STORE(r, 6, g); STORE(r, 7, h);
	return 0;
}

TSDT_HANDLER(h_sdt_misc, sdt_test, misc, (long, ok), (struct foo *, fp),
	     (const char *, str))
{
	struct test_result *r = slot(SLOT_h_sdt_misc);

	STORE(r, 0, ok); STORE(r, 1, fp);
	r->str_ret = tsdt_read_str(r->str, sizeof(r->str), str);
	return 0;
}

TSDT_HANDLER(h_sdt_global, sdt_test, global, (int, counter))
{
	STORE(slot(SLOT_h_sdt_global), 0, (__s64)counter);
	return 0;
}

/* fewer arguments than the probe: fine */
TSDT_HANDLER(h_fewer, attach_test, ints, (int8_t, a))
{
	STORE(slot(SLOT_h_fewer), 0, (__s64)a);
	return 0;
}

/* untyped probe, int8 argument read as int64: widening is fine */
TSDT_HANDLER(h_widen, sdt_test, ints, (int64_t, a), (uint64_t, b))
{
	struct test_result *r = slot(SLOT_h_widen);

	STORE(r, 0, a); STORE(r, 1, b);
	return 0;
}

/* no arguments at all */
TSDT_HANDLER(h_none, attach_test, misc)
{
	slot(SLOT_h_none);
	return 0;
}

/* ---- must be refused ---- */

TSDT_HANDLER(r_width, attach_test, ints, (int16_t, a))
{
	STORE(slot(SLOT_r_width), 0, a);
	return 0;
}

TSDT_HANDLER(r_sign, attach_test, ints, (int8_t, a), (int8_t, b))
{
	STORE(slot(SLOT_r_sign), 0, b);
	return 0;
}

TSDT_HANDLER(r_ptrstr, attach_test, misc, (bool, ok), (enum color, col),
	     (const char *, fp))
{
	STORE(slot(SLOT_r_ptrstr), 0, fp);
	return 0;
}

TSDT_HANDLER(r_struct, attach_test, misc, (bool, ok), (enum color, col),
	     (struct bar *, fp))
{
	STORE(slot(SLOT_r_struct), 0, fp);
	return 0;
}

TSDT_HANDLER(r_more, attach_test, global, (int, counter), (int, extra))
{
	STORE(slot(SLOT_r_more), 0, extra);
	return 0;
}

TSDT_HANDLER(r_u64str, attach_test, misc, (bool, ok), (enum color, col),
	     (struct foo *, fp), (float, fl), (double, db), (uint64_t, path))
{
	STORE(slot(SLOT_r_u64str), 0, path);
	return 0;
}

TSDT_HANDLER(r_float, attach_test, misc, (bool, ok), (enum color, col),
	     (struct foo *, fp), (double, fl))
{
	__u64 bits;

	__builtin_memcpy(&bits, &fl, 8);
	STORE(slot(SLOT_r_float), 0, bits);
	return 0;
}

/* written for attach_test:ints, attached to attach_test:global */
TSDT_HANDLER(r_wrongprobe, attach_test, ints, (int8_t, a))
{
	STORE(slot(SLOT_r_wrongprobe), 0, a);
	return 0;
}

/* untyped probe: only size and sign known; uint8 read as int8 */
TSDT_HANDLER(r_sdt_sign, sdt_test, ints, (int8_t, a), (int8_t, b))
{
	STORE(slot(SLOT_r_sdt_sign), 0, b);
	return 0;
}

/* untyped probe: nothing says the bits are a double */
TSDT_HANDLER(r_sdt_float, sdt_test, global, (double, counter))
{
	__u64 bits;

	__builtin_memcpy(&bits, &counter, 8);
	STORE(slot(SLOT_r_sdt_float), 0, bits);
	return 0;
}

/* <sys/sdt.h> double with the 'f' marker in a general register: 8f@%rax */
TSDT_HANDLER(h_sdt_dbl, sdt_test, dbl, (double, d), (int, seven))
{
	struct test_result *r = slot(SLOT_h_sdt_dbl);
	__u64 bits;

	__builtin_memcpy(&bits, &d, 8);
	STORE(r, 0, bits);
	STORE(r, 1, (__s64)seven);
	return 0;
}

/* the same in %xmm0: BPF cannot read it, the attach is refused */
TSDT_HANDLER(r_xmm, sdt_test, xmm, (double, x))
{
	__u64 bits;

	__builtin_memcpy(&bits, &x, 8);
	STORE(slot(SLOT_r_xmm), 0, bits);
	return 0;
}

/* CPython's own (untyped, <sys/sdt.h>) probes, behind semaphores:
 * audit(const char *event, PyObject *args), a string read as a string */
TSDT_HANDLER(h_py, python, audit, (const char *, event), (void *, args))
{
	struct test_result *r = slot(SLOT_h_py);

	STORE(r, 0, args);
	r->str_ret = tsdt_read_str(r->str, sizeof(r->str), event);
	return 0;
}

/* gc__start(int generation), passed on the stack: -4@112(%rsp) */
TSDT_HANDLER(h_py_gc, python, gc__start, (int, generation))
{
	STORE(slot(SLOT_h_py_gc), 0, (__s64)generation);
	return 0;
}

/* libstdc++'s throw probe (a shared library): the exception object and
 * its type_info */
TSDT_HANDLER(h_cxx_throw, libstdcxx, throw, (void *, obj), (void *, tinfo))
{
	struct test_result *r = slot(SLOT_h_cxx_throw);

	STORE(r, 0, obj);
	STORE(r, 1, tinfo);
	return 0;
}

/* globals of the probe's file (tsdt_attach_opts.globals, loader -g): the
 * first two as integers in v0, v1, the third as a string */
TSDT_HANDLER(h_globals, attach_test, global, (int, counter))
{
	struct test_result *r = slot(SLOT_h_globals);
	__u64 v = 0;

	STORE(r, 4, (__s64)counter);
	STORE(r, 5, tsdt_global(ctx, 0, &v));
	STORE(r, 0, v);
	STORE(r, 6, tsdt_global(ctx, 1, &v));
	STORE(r, 1, v);
	STORE(r, 7, tsdt_global(ctx, 2, &v));
	r->str_ret = tsdt_read_str(r->str, sizeof(r->str), (const char *)v);
	STORE(r, 8, tsdt_global(ctx, 3, &v)); /* none: -ENOENT */
	return 0;
}
