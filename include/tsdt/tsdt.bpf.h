/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * <tsdt/tsdt.bpf.h>: typed BPF handlers for USDT probes.
 *
 *	#include "vmlinux.h"          (or <linux/types.h> + <linux/ptrace.h>)
 *	#include <bpf/bpf_helpers.h>
 *	#include <tsdt/tsdt.bpf.h>
 *
 *	TSDT_HANDLER(on_request, myapp, request_start,
 *		     (__u64, id), (const char *, path))
 *	{
 *		char buf[64];
 *		long n = tsdt_read_str(buf, sizeof(buf), path);
 *		...                       (n < 0: the string could not be read)
 *		return 0;
 *	}
 *
 * TSDT_HANDLER(prog, provider, probe, (type, name)...) defines the BPF
 * program prog (in section "tsdt"); TSDT_HANDLER_SLEEPABLE() defines a
 * sleepable one (section "tsdt.s") whose tsdt_read_str() faults pages in.
 * The body sees each argument as a C value of its declared type (floats and
 * doubles carry their value, bit-cast from the probe's integer bits; BPF
 * has no floating-point instructions, so store or copy them, do not
 * compute with them), and the struct pt_regs *ctx.
 *
 * The declared types travel in the object's own BTF: the struct
 * tsdt_args__<prog> has one member per argument, in order, and carries the
 * declaration tag "tsdt.probe=<provider>:<probe>"; a weak global pointer to
 * it in the non-loaded section .tsdt.sig keeps it in BTF at no cost (a
 * pointer, because the kernel refuses a zero-sized variable in BTF, and a
 * handler may declare no argument). libtsdt's
 * tsdt_program__attach() reads it and refuses a probe whose types disagree
 * (see docs/bpf-handlers.md for the rules).
 *
 * Arguments are fetched per site from the spec map tsdt_specs, indexed by
 * the BPF cookie of the site (see <tsdt/bpf-spec.h>). Define TSDT_MAX_SPECS
 * before including this header to attach to more than 256 sites per object.
 * Before loading, call tsdt_object__prepare() on the object.
 */
#ifndef TSDT_TSDT_BPF_H
#define TSDT_TSDT_BPF_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <tsdt/bpf-spec.h>

#ifndef TSDT_MAX_SPECS
#define TSDT_MAX_SPECS 256
#endif

#ifndef TSDT_EINVAL
#define TSDT_EINVAL 22
#define TSDT_ENOENT 2
#define TSDT_ESRCH 3
#define TSDT_ENOTSUP 95
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TSDT_MAX_SPECS);
	__type(key, __u32);
	__type(value, struct tsdt_bpf_spec);
} tsdt_specs SEC(".maps") __weak;

/*
 * bpf_copy_from_user_str() (kernel 6.12+) reads a string in a sleepable
 * program, faulting its pages in. Using it makes libbpf load the kernel's
 * BTF to resolve it (~15 ms); define TSDT_NO_COPY_STR_KFUNC before including
 * this header to do without: a sleepable read then faults the string's
 * first two pages in with bpf_copy_from_user() and retries.
 */
#ifndef TSDT_NO_COPY_STR_KFUNC
extern int bpf_copy_from_user_str(void *dst, __u32 dst__sz,
				  const void *unsafe_ptr__ign,
				  __u64 flags) __ksym __weak;
#endif

/* The spec of the site that fired, or NULL. */
static __always_inline const struct tsdt_bpf_spec *
tsdt_spec(struct pt_regs *ctx)
{
	__u32 id = (__u32)bpf_get_attach_cookie(ctx);

	return bpf_map_lookup_elem(&tsdt_specs, &id);
}

/* Reads @size (1..8) bytes of user memory at @src into *@dst (zeroed
 * first). Sleepable programs fault the page in. */
static __always_inline long __tsdt_read_user(__u64 *dst, __u32 size,
					     const void *src,
					     const int sleepable)
{
	*dst = 0;
	if (size > 8)
		return -TSDT_EINVAL;
	if (sleepable)
		return bpf_copy_from_user(dst, size, src);
	return bpf_probe_read_user(dst, size, src);
}

/*
 * The 8 bytes at offset @off of the context (struct pt_regs). Aligned
 * offsets are direct context loads (a switch of constant offsets: the
 * verifier allows no variable offset into ctx), cheaper than a helper call;
 * others (%ah..%dh: offset + 1) go through bpf_probe_read_kernel().
 * Not inlined: one copy of the switch per program, not one per argument.
 */
#define __TSDT_REG_CASE(n)                                                  \
	case (n) * 8:                                                       \
		if ((n) * 8 + 8 <= sizeof(struct pt_regs))                  \
			return *(const __u64 *)((const char *)ctx + (n) * 8); \
		return 0;
static __always_inline __u64 ____tsdt_reg(struct pt_regs *ctx, int off32)
{
	/* one 64-bit register for the bounds check and every use below, so
	 * the verifier knows ctx + off is within bounds */
	long off = off32;
	__u64 v = 0;

	barrier_var(off);
	if (off < 0 || off > (long)(sizeof(struct pt_regs) - 8))
		return 0;
	switch (off) {
	__TSDT_REG_CASE(0) __TSDT_REG_CASE(1) __TSDT_REG_CASE(2)
	__TSDT_REG_CASE(3) __TSDT_REG_CASE(4) __TSDT_REG_CASE(5)
	__TSDT_REG_CASE(6) __TSDT_REG_CASE(7) __TSDT_REG_CASE(8)
	__TSDT_REG_CASE(9) __TSDT_REG_CASE(10) __TSDT_REG_CASE(11)
	__TSDT_REG_CASE(12) __TSDT_REG_CASE(13) __TSDT_REG_CASE(14)
	__TSDT_REG_CASE(15) __TSDT_REG_CASE(16) __TSDT_REG_CASE(17)
	__TSDT_REG_CASE(18) __TSDT_REG_CASE(19) __TSDT_REG_CASE(20)
	__TSDT_REG_CASE(21) __TSDT_REG_CASE(22) __TSDT_REG_CASE(23)
	__TSDT_REG_CASE(24) __TSDT_REG_CASE(25) __TSDT_REG_CASE(26)
	__TSDT_REG_CASE(27) __TSDT_REG_CASE(28) __TSDT_REG_CASE(29)
	__TSDT_REG_CASE(30) __TSDT_REG_CASE(31) __TSDT_REG_CASE(32)
	__TSDT_REG_CASE(33)
	default:
		bpf_probe_read_kernel(&v, sizeof(v), (void *)ctx + off);
		return v;
	}
}

/* pure: it only reads the context, so the compiler drops the call when a
 * handler declares an argument it never uses */
static __noinline __attribute__((unused, pure)) __u64
__tsdt_reg(struct pt_regs *ctx, int off)
{
	return ____tsdt_reg(ctx, off);
}

/* The instruction pointer of the hit: one context load at a constant
 * offset, no call (a plain offset, not PT_REGS_IP(): with vmlinux.h that
 * would be a CO-RE relocation, and libbpf would load the kernel's BTF for
 * it; __builtin_offsetof() is a constant, not relocated). */
#define __tsdt_ip(ctx)                                                     \
	(*(const __u64 *)((const char *)(ctx) +                             \
			  __builtin_offsetof(struct pt_regs, __PT_IP_REG)))

/*
 * The register reader __tsdt_arg() calls. A static subprogram such as
 * __tsdt_reg() is verified again at each of its call sites (four in
 * __tsdt_arg(), a few hundred instructions each time for the switch); an
 * object may define __TSDT_REG as the name of a global function of its
 * own, (struct pt_regs *ctx, int off) -> __u64 with ____tsdt_reg()'s body,
 * which the verifier checks once (the generic tracer does).
 */
#ifndef __TSDT_REG
#define __TSDT_REG __tsdt_reg
#endif

/*
 * __tsdt_arg() fetches argument @i of the site described by @spec into
 * *@res, sign- or zero-extended to 64 bits (floats: their bits, a float in
 * the low 32 bits). Returns 0, or a negative errno with *@res = 0.
 */
static __always_inline long __tsdt_arg(struct pt_regs *ctx,
				       const struct tsdt_bpf_spec *spec,
				       __u32 i, __u64 *res,
				       const int sleepable)
{
	const struct tsdt_bpf_arg *a;
	__u64 val = 0, addr;
	long err = 0;
	int shift;

	*res = 0;
	if (i >= TSDT_BPF_MAX_ARGS)
		return -TSDT_ENOENT;
	barrier_var(i);
	if (i >= spec->arg_cnt)
		return -TSDT_ENOENT;
	a = &spec->args[i];

	switch (a->loc) {
	case TSDT_BPF_ARG_CONST:
		val = a->val;
		break;
	case TSDT_BPF_ARG_REG:
		val = __TSDT_REG(ctx, a->reg_off) + a->val;
		break;
	case TSDT_BPF_ARG_REG_DEREF:
		addr = __TSDT_REG(ctx, a->reg_off) + a->val;
		err = __tsdt_read_user(&val, a->size, (const void *)addr,
				       sleepable);
		break;
	case TSDT_BPF_ARG_SIB:
		addr = a->val + __TSDT_REG(ctx, a->index_reg_off) * a->scale;
		if (a->reg_off >= 0)
			addr += __TSDT_REG(ctx, a->reg_off);
		err = __tsdt_read_user(&val, a->size, (const void *)addr,
				       sleepable);
		break;
	case TSDT_BPF_ARG_STATIC:
		addr = __tsdt_ip(ctx) - spec->site_addr + a->addr;
		err = __tsdt_read_user(&val, a->size, (const void *)addr,
				       sleepable);
		break;
	case TSDT_BPF_ARG_STATIC_CHAIN:
		addr = __tsdt_ip(ctx) - spec->site_addr + a->addr;
		for (int k = 0; k < 3; k++) {
			__u64 p = 0;

			if (k >= a->scale)
				break;
			err = __tsdt_read_user(&p, 8, (const void *)addr,
					       sleepable);
			if (err)
				break;
			addr = p + (k == 0 ? a->val :
				    k == 1 ? a->reg_off : a->index_reg_off);
		}
		if (!err)
			err = __tsdt_read_user(&val, a->size, (const void *)addr,
					       sleepable);
		break;
	default:
		return -TSDT_ENOTSUP;
	}
	if (err)
		return err;

	shift = 64 - 8 * (a->size & 0xf);
	if (shift > 0 && shift < 64) {
		val <<= shift;
		if (a->flags & TSDT_BPF_ARG_SIGNED)
			val = (__u64)((__s64)val >> shift);
		else
			val >>= shift;
	}
	*res = val;
	return 0;
}

/*
 * The same as a value (0 when the argument cannot be read), for
 * TSDT_HANDLER()'s fetches: a subprogram, so a program holds one copy of
 * __tsdt_arg()'s switch instead of one per argument, and pure, so the
 * compiler drops the fetch of an argument the handler's body never uses
 * (an inlined fetch stays: its helper calls are side effects to it).
 */
static __noinline __attribute__((unused, pure)) __u64
__tsdt_argv(struct pt_regs *ctx, const struct tsdt_bpf_spec *spec, __u32 i)
{
	__u64 v;

	__tsdt_arg(ctx, spec, i, &v, 0);
	return v;
}

/* __tsdt_arg() (non-sleepable) as a subprogram: one copy of its switch
 * per program however many globals it reads */
static __noinline __attribute__((unused)) long
__tsdt_arg_call(struct pt_regs *ctx, const struct tsdt_bpf_spec *spec,
		__u32 i, __u64 *res)
{
	return __tsdt_arg(ctx, spec, i, res, 0);
}

/* __tsdt_argv() for sleepable programs (faulting reads) */
static __noinline __attribute__((unused, pure)) __u64
__tsdt_argv_sleepable(struct pt_regs *ctx, const struct tsdt_bpf_spec *spec,
		      __u32 i)
{
	__u64 v;

	__tsdt_arg(ctx, spec, i, &v, 1);
	return v;
}

/* Argument @i of the current site (non-sleepable read); 0 when absent. */
static __always_inline long tsdt_arg(struct pt_regs *ctx, __u32 i,
				     __u64 *res)
{
	const struct tsdt_bpf_spec *spec = tsdt_spec(ctx);

	*res = 0;
	if (!spec)
		return -TSDT_ESRCH;
	return __tsdt_arg(ctx, spec, i, res, 0);
}

/*
 * tsdt_spec_global() reads global @k of the file of the site @spec
 * describes (from tsdt_spec(ctx)), as tsdt_attach_opts.globals named it
 * (the k-th; a string as its pointer, for tsdt_read_str()), into *@res;
 * 0, -ENOENT when there is no global @k, or the read's error. A handler
 * reading several globals looks the spec up once and calls this for each.
 */
static __always_inline long tsdt_spec_global(struct pt_regs *ctx,
					     const struct tsdt_bpf_spec *spec,
					     __u32 k, __u64 *res)
{
	__u32 i;

	*res = 0;
	i = TSDT_BPF_SPEC_GLOBALS_BASE(spec->flags) + k;
	if (i >= spec->arg_cnt || i >= TSDT_BPF_MAX_ARGS)
		return -TSDT_ENOENT;
	return __tsdt_arg_call(ctx, spec, i, res);
}

/* Global @k of the current site's file (see tsdt_spec_global()); -ESRCH
 * when the site has no spec. */
static __always_inline long tsdt_global(struct pt_regs *ctx, __u32 k,
					__u64 *res)
{
	const struct tsdt_bpf_spec *spec = tsdt_spec(ctx);

	*res = 0;
	if (!spec)
		return -TSDT_ESRCH;
	return tsdt_spec_global(ctx, spec, k, res);
}

/* Number of arguments of the current site, or -ESRCH. */
static __always_inline int tsdt_arg_cnt(struct pt_regs *ctx)
{
	const struct tsdt_bpf_spec *spec = tsdt_spec(ctx);

	return spec ? spec->arg_cnt : -TSDT_ESRCH;
}

/*
 * __tsdt_read_str() copies the NUL-terminated user string at @src into
 * @dst (@sz bytes, always NUL-terminated when sz > 0). Sleepable programs
 * use bpf_copy_from_user_str(), which faults non-resident pages in;
 * others use bpf_probe_read_user_str(), which fails on them.
 * Returns the bytes copied including the NUL (> 0), or a negative errno
 * (-EFAULT: could not be read): never a silent empty string.
 */
static __always_inline long __tsdt_read_str(void *dst, __u32 sz,
					    const void *src,
					    const int sleepable)
{
	long n;

	if (!src) {
		if (sz)
			*(char *)dst = 0;
		return -TSDT_ENOENT;
	}
#ifndef TSDT_NO_COPY_STR_KFUNC
	if (sleepable && bpf_ksym_exists(bpf_copy_from_user_str)) {
		n = bpf_copy_from_user_str(dst, sz, src, 0);
		if (n < 0 && sz)
			*(char *)dst = 0;
		return n;
	}
#endif
	n = bpf_probe_read_user_str(dst, sz, src);
	if (n < 0 && sleepable) {
		/* fault in the pages the string may lie on, and retry */
		unsigned long next = ((unsigned long)src | 4095) + 1;
		char c;

		bpf_copy_from_user(&c, 1, src);
		if (next < (unsigned long)src + sz)
			bpf_copy_from_user(&c, 1, (const void *)next);
		n = bpf_probe_read_user_str(dst, sz, src);
	}
	if (n < 0 && sz)
		*(char *)dst = 0;
	return n;
}

/* In a TSDT_HANDLER body: the spec of the site that fired (never NULL:
 * the handler's body does not run without one), as tsdt_spec(ctx) would
 * look it up again; for tsdt_spec_global(). */
#define tsdt_handler_spec() (__tsdt_spec)

/* In a TSDT_HANDLER body: copy string argument @src into @dst[@sz]. */
#define tsdt_read_str(dst, sz, src) \
	__tsdt_read_str((dst), (sz), (const void *)(src), __tsdt_sleepable)

/* ------------------------------------------------- TSDT_HANDLER plumbing */

#define __tsdt_ty(t, n) t
#define __tsdt_nm(t, n) n
#define __tsdt_member(i, p) __tsdt_ty p __tsdt_nm p;
#define __tsdt_param(i, p) , __tsdt_ty p __tsdt_nm p __attribute__((unused))
#define __tsdt_fetch(i, p)                                                  \
	, ({                                                                \
		__tsdt_ty p __tsdt_v;                                       \
		__u64 __tsdt_r;                                             \
		_Static_assert(sizeof(__tsdt_ty p) <= 8,                    \
			       "tsdt: argument wider than 8 bytes");        \
		__tsdt_r = __tsdt_sleepable ?                               \
			__tsdt_argv_sleepable(ctx, __tsdt_spec, i) :        \
			__tsdt_argv(ctx, __tsdt_spec, i);                   \
		__builtin_memcpy(&__tsdt_v, &__tsdt_r, sizeof(__tsdt_v));   \
		__tsdt_v;                                                   \
	})

#define __tsdt_cat(a, b) a##b
#define __tsdt_xcat(a, b) __tsdt_cat(a, b)
#define __tsdt_nargs(...) \
	__tsdt_nargs_(_, ##__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define __tsdt_nargs_(_, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, \
		      N, ...) N

/* Apply m(index, pair) to each pair, in order. */
#define __tsdt_each(m, ...) \
	__tsdt_xcat(__tsdt_e, __tsdt_nargs(__VA_ARGS__))(m, ##__VA_ARGS__)
#define __tsdt_e0(m)
#define __tsdt_e1(m, a) m(0, a)
#define __tsdt_e2(m, a, b) m(0, a) m(1, b)
#define __tsdt_e3(m, a, b, c) __tsdt_e2(m, a, b) m(2, c)
#define __tsdt_e4(m, a, b, c, d) __tsdt_e3(m, a, b, c) m(3, d)
#define __tsdt_e5(m, a, b, c, d, e) __tsdt_e4(m, a, b, c, d) m(4, e)
#define __tsdt_e6(m, a, b, c, d, e, f) __tsdt_e5(m, a, b, c, d, e) m(5, f)
#define __tsdt_e7(m, a, b, c, d, e, f, g) \
	__tsdt_e6(m, a, b, c, d, e, f) m(6, g)
#define __tsdt_e8(m, a, b, c, d, e, f, g, h) \
	__tsdt_e7(m, a, b, c, d, e, f, g) m(7, h)
#define __tsdt_e9(m, a, b, c, d, e, f, g, h, i) \
	__tsdt_e8(m, a, b, c, d, e, f, g, h) m(8, i)
#define __tsdt_e10(m, a, b, c, d, e, f, g, h, i, j) \
	__tsdt_e9(m, a, b, c, d, e, f, g, h, i) m(9, j)
#define __tsdt_e11(m, a, b, c, d, e, f, g, h, i, j, k) \
	__tsdt_e10(m, a, b, c, d, e, f, g, h, i, j) m(10, k)
#define __tsdt_e12(m, a, b, c, d, e, f, g, h, i, j, k, l) \
	__tsdt_e11(m, a, b, c, d, e, f, g, h, i, j, k) m(11, l)

#define __TSDT_HANDLER(prog, provider, probe, sec, slp, ...)                 \
	struct __attribute__((btf_decl_tag("tsdt.probe=" #provider ":" #probe))) \
	tsdt_args__##prog {                                                 \
		__tsdt_each(__tsdt_member, ##__VA_ARGS__)                   \
	};                                                                  \
	__attribute__((section(".tsdt.sig"), used, weak))                   \
	struct tsdt_args__##prog *__tsdt_sig__##prog;                       \
	static __always_inline int ____##prog(                              \
		struct pt_regs *ctx __attribute__((unused)),                \
		const int __tsdt_sleepable __attribute__((unused)),         \
		const struct tsdt_bpf_spec *__tsdt_spec                     \
			__attribute__((unused))                             \
		__tsdt_each(__tsdt_param, ##__VA_ARGS__));                  \
	SEC(sec) int prog(struct pt_regs *ctx)                              \
	{                                                                   \
		const int __tsdt_sleepable = slp;                           \
		const struct tsdt_bpf_spec *__tsdt_spec = tsdt_spec(ctx);   \
		if (!__tsdt_spec)                                           \
			return 0;                                           \
		return ____##prog(ctx, __tsdt_sleepable, __tsdt_spec        \
			__tsdt_each(__tsdt_fetch, ##__VA_ARGS__));          \
	}                                                                   \
	static __always_inline int ____##prog(                              \
		struct pt_regs *ctx __attribute__((unused)),                \
		const int __tsdt_sleepable __attribute__((unused)),         \
		const struct tsdt_bpf_spec *__tsdt_spec                     \
			__attribute__((unused))                             \
		__tsdt_each(__tsdt_param, ##__VA_ARGS__))

/*
 * TSDT_HANDLER(prog, provider, probe, (type, name)...) { body }
 *	defines BPF program @prog for probe provider:probe, reading up to 12
 *	arguments (a prefix of the probe's) as the C types given.
 */
#define TSDT_HANDLER(prog, provider, probe, ...) \
	__TSDT_HANDLER(prog, provider, probe, "tsdt", 0, ##__VA_ARGS__)

/* The same, as a sleepable program: tsdt_read_str() faults pages in. */
#define TSDT_HANDLER_SLEEPABLE(prog, provider, probe, ...) \
	__TSDT_HANDLER(prog, provider, probe, "tsdt.s", 1, ##__VA_ARGS__)

#endif /* TSDT_TSDT_BPF_H */
