/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * <sys/tsdt.h> - typed statically defined tracing probes.
 *
 * Header-only; no dependencies. C (gnu99 and later) and C++ (C++11 and
 * later), gcc and clang, x86-64 and aarch64. Full guide: docs/probe-header.md.
 *
 *   #include <sys/tsdt.h>
 *
 *   // once, at file scope (a header shared by many files is fine):
 *   TSDT_PROBE_DEFINE(myapp, request_start,
 *                     (uint64_t, id), (const char *, path), (double, load));
 *
 *   // at any number of sites:
 *   TSDT_PROBE(myapp, request_start, req->id, req->path, load);
 *
 *   // is-enabled check, and a form that evaluates its arguments only
 *   // when a tracer is attached:
 *   if (TSDT_PROBE_ENABLED(myapp, request_start)) { ... }
 *   TSDT_PROBE_IF_ENABLED(myapp, request_start, id, build_path(), load);
 *
 * Macros:
 *   TSDT_PROBE_DEFINE(provider, name, (type, argname)...)
 *	Declares probe provider:name with 0 to 12 typed, named arguments.
 *	File scope, global namespace, at most once per translation unit.
 *	Defines the probe's semaphore `provider_name_semaphore` (an unsigned
 *	short in section .probes) as a WEAK, HIDDEN symbol, so every
 *	translation unit may define it, each shared object gets its own, and a
 *	strong definition elsewhere in the same object (e.g. `dtrace -G`
 *	style) wins. Types must be integers (any width), bool, enums, float,
 *	double or pointers; `char *` and `const char *` are strings. A
 *	struct/union by value, a type of another size than 1, 2, 4 or 8
 *	bytes, or a 13th argument is a compile error naming the probe.
 *	Spell function-pointer and array types through a typedef.
 *   TSDT_PROBE_DECLARE(provider, name, (type, argname)...)
 *	Same, but only declares the semaphore (extern, hidden): some other
 *	object of the same executable or shared library must define it, e.g.
 *	with TSDT_SEMAPHORE_DEFINE() or a `dtrace -G`-style object.
 *   TSDT_EXTERN_SEMAPHORES
 *	When defined before including this header, TSDT_PROBE_DEFINE behaves
 *	as TSDT_PROBE_DECLARE.
 *   TSDT_SEMAPHORE_DEFINE(provider, name);
 *	A strong definition of the semaphore (hidden visibility, .probes), in
 *	a file where the probe is declared, not defined (TSDT_PROBE_DECLARE
 *	or TSDT_EXTERN_SEMAPHORES).
 *   TSDT_PROBE(provider, name, args...)
 *	One probe site: a `nop` (x86-64: and a five-byte nop outside the
 *	red zone, see _TSDT_SITE_NOPS), a .note.stapsdt note readable by
 *	every USDT consumer, and a .note.tsdt note with the declared types
 *	(docs/type-note.md). Each argument must convert implicitly to its
 *	declared type; if not, compilation fails with an error naming the
 *	probe (its check function is `_tsdt_fire__provider__name`). Arguments
 *	are always evaluated, like <sys/sdt.h>'s.
 *   TSDT_PROBE_ENABLED(provider, name)
 *	Non-zero while a tracer is attached (reads the semaphore).
 *   TSDT_PROBE_IF_ENABLED(provider, name, args...)
 *	TSDT_PROBE() behind TSDT_PROBE_ENABLED(): arguments are evaluated
 *	only when enabled.
 *
 * Encoding: the .note.stapsdt note of a site decodes like the one
 * <sys/sdt.h> emits for the same arguments converted to the declared types
 * (same sizes and signedness), with the semaphore always set. Two deliberate
 * differences: float/double arguments are recorded as their bits in a
 * general register (or a constant) with a plain unsigned size ("4@..",
 * "8@..", never "8f@" nor %xmm), so every BPF consumer can read them (the
 * real type is in .note.tsdt); and in C++ an enum's signedness is its
 * underlying type's (<sys/sdt.h> says unsigned for every C++ enum).
 * Arguments are passed in registers or as constants (constraint "nr"), never
 * in memory: libbpf refuses rip-relative operands. On x86-64 registers are
 * printed by their 64-bit names.
 * Notes are tied to the code section of their site (SHF_LINK_ORDER), so
 * -ffunction-sections -Wl,--gc-sections drops them with the code.
 */
#ifndef TSDT_SYS_TSDT_H
#define TSDT_SYS_TSDT_H 1

/* Like an installed system header, even when found through -I: the GNU
 * extensions used here (_Generic and _Static_assert before C11, reserved
 * _TSDT names) must not warn in users' -Wpedantic builds. The probe's type
 * checks are errors, not warnings, and are not affected. */
#pragma GCC system_header

#if !defined(__x86_64__) && !defined(__aarch64__)
#error "<sys/tsdt.h> supports x86-64 and aarch64"
#endif

#define TSDT_MAX_PROBE_ARGS 12
#define TSDT_TYPE_NOTE_VERSION 1

/* ------------------------------------------------------------ helpers */

#define _TSDT_STR_(x) #x
#define _TSDT_STR(x) _TSDT_STR_(x)
#define _TSDT_CAT_(a, b) a##b
#define _TSDT_CAT(a, b) _TSDT_CAT_(a, b)

/* (type, argname) pairs */
#define _TSDT_PT(pair) _TSDT_PT_ pair
#define _TSDT_PT_(t, n) t
#define _TSDT_PTS(pair) _TSDT_PTS_ pair
#define _TSDT_PTS_(t, n) #t
#define _TSDT_PNS(pair) _TSDT_PNS_ pair
#define _TSDT_PNS_(t, n) #n

/*
 * _TSDT_NARG2(provider, name, args...): the number of probe arguments,
 * 0..12, and 13 for 13 to 22 (an error). Every variadic macro below is
 * called with at least one variadic argument, so that no compiler warns
 * "must specify at least one argument for '...'" (the trailing _ here, the
 * 0-argument variants elsewhere).
 */
#define _TSDT_NARG2(...)                                                       \
	_TSDT_NARG2_(__VA_ARGS__, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 12,  \
		     11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, _)
#define _TSDT_NARG2_(_p, _n, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11,    \
		     _12, _13, _14, _15, _16, _17, _18, _19, _20, _21, _22, N, \
		     ...)                                                     \
	N
/* 0 for no argument, 1 for some */
#define _TSDT_HAS(N) _TSDT_HAS_CAT(_TSDT_HAS_, N)
#define _TSDT_HAS_CAT(a, b) _TSDT_HAS_CAT_(a, b)
#define _TSDT_HAS_CAT_(a, b) a##b
#define _TSDT_HAS_0 0
#define _TSDT_HAS_1 1
#define _TSDT_HAS_2 1
#define _TSDT_HAS_3 1
#define _TSDT_HAS_4 1
#define _TSDT_HAS_5 1
#define _TSDT_HAS_6 1
#define _TSDT_HAS_7 1
#define _TSDT_HAS_8 1
#define _TSDT_HAS_9 1
#define _TSDT_HAS_10 1
#define _TSDT_HAS_11 1
#define _TSDT_HAS_12 1
#define _TSDT_HAS_13 1

/* In-order sequences, joined by a separator macro S(). */
#define _TSDT_SEQ(N, M, S, p, n, ...) _TSDT_CAT(_TSDT_SEQ_, N)(M, S, p, n, __VA_ARGS__)
#define _TSDT_SEQ_1(M, S, p, n, a1) M(p, n, 1, a1)
#define _TSDT_SEQ_2(M, S, p, n, a1, a2) _TSDT_SEQ_1(M, S, p, n, a1) S() M(p, n, 2, a2)
#define _TSDT_SEQ_3(M, S, p, n, a1, a2, a3) _TSDT_SEQ_2(M, S, p, n, a1, a2) S() M(p, n, 3, a3)
#define _TSDT_SEQ_4(M, S, p, n, a1, a2, a3, a4)                                \
	_TSDT_SEQ_3(M, S, p, n, a1, a2, a3) S() M(p, n, 4, a4)
#define _TSDT_SEQ_5(M, S, p, n, a1, a2, a3, a4, a5)                            \
	_TSDT_SEQ_4(M, S, p, n, a1, a2, a3, a4) S() M(p, n, 5, a5)
#define _TSDT_SEQ_6(M, S, p, n, a1, a2, a3, a4, a5, a6)                        \
	_TSDT_SEQ_5(M, S, p, n, a1, a2, a3, a4, a5) S() M(p, n, 6, a6)
#define _TSDT_SEQ_7(M, S, p, n, a1, a2, a3, a4, a5, a6, a7)                    \
	_TSDT_SEQ_6(M, S, p, n, a1, a2, a3, a4, a5, a6) S() M(p, n, 7, a7)
#define _TSDT_SEQ_8(M, S, p, n, a1, a2, a3, a4, a5, a6, a7, a8)                \
	_TSDT_SEQ_7(M, S, p, n, a1, a2, a3, a4, a5, a6, a7) S() M(p, n, 8, a8)
#define _TSDT_SEQ_9(M, S, p, n, a1, a2, a3, a4, a5, a6, a7, a8, a9)            \
	_TSDT_SEQ_8(M, S, p, n, a1, a2, a3, a4, a5, a6, a7, a8) S()            \
	M(p, n, 9, a9)
#define _TSDT_SEQ_10(M, S, p, n, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10)      \
	_TSDT_SEQ_9(M, S, p, n, a1, a2, a3, a4, a5, a6, a7, a8, a9) S()        \
	M(p, n, 10, a10)
#define _TSDT_SEQ_11(M, S, p, n, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11) \
	_TSDT_SEQ_10(M, S, p, n, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10) S()  \
	M(p, n, 11, a11)
#define _TSDT_SEQ_12(M, S, p, n, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, \
		     a12)                                                     \
	_TSDT_SEQ_11(M, S, p, n, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10,     \
		     a11) S() M(p, n, 12, a12)
#define _TSDT_SEQ_13(M, S, p, n, ...) _TSDT_TOO_MANY(p, n)

#define _TSDT_NOSEP()
#define _TSDT_COMMA() ,

/* -------------------------------------------------- per-argument facts */

/*
 * For each argument (the fire function's parameter x) one constant,
 * passed to the asm as an "n" operand:
 *	bits 0-7 kind (docs/type-note.md), bits 8-15 size, bit 16 signed.
 * kind: 1 integer, 2 bool, 3 enum (C++ only), 4 float, 5 pointer,
 *	 6 string (char * / const char *), 0 not allowed.
 */
#ifdef __cplusplus
#include <type_traits>
template <typename T, bool = std::is_enum<T>::value>
struct _tsdt_sign {
	static constexpr bool value = std::is_signed<T>::value;
};
template <typename T> struct _tsdt_sign<T, true> {
	static constexpr bool value =
		std::is_signed<typename std::underlying_type<T>::type>::value;
};
template <typename T> struct _tsdt_arg {
	typedef typename std::remove_cv<T>::type U;
	typedef typename std::remove_cv<
		typename std::remove_pointer<U>::type>::type P;
	static constexpr int kind =
		std::is_same<U, bool>::value ? 2 :
		std::is_enum<U>::value ? 3 :
		std::is_integral<U>::value ? 1 :
		std::is_floating_point<U>::value ? 4 :
		std::is_pointer<U>::value ? (std::is_same<P, char>::value ? 6 : 5) :
		0;
	static constexpr bool is_signed =
		(kind == 1 || kind == 3) && _tsdt_sign<U>::value;
	static constexpr int info =
		kind | (static_cast<int>(sizeof(T)) << 8) | ((is_signed ? 1 : 0) << 16);
};
/* The value handed to the asm: itself, or a float's bits. */
/* Always inlined, also at -O0: a probe site never adds a call (which would
 * also make a leaf function a non-leaf). */
template <typename T>
static __inline__ __attribute__((__always_inline__)) T _tsdt_val(T v)
{
	return v;
}
static __inline__ __attribute__((__always_inline__)) unsigned int
_tsdt_val(float v)
{
	unsigned int b;
	__builtin_memcpy(&b, &v, sizeof(b));
	return b;
}
static __inline__ __attribute__((__always_inline__)) unsigned long long
_tsdt_val(double v)
{
	unsigned long long b;
	__builtin_memcpy(&b, &v, sizeof(b));
	return b;
}
#define _TSDT_INFO(x) (_tsdt_arg<decltype(x)>::info)
#define _TSDT_KIND(x) (_tsdt_arg<decltype(x)>::kind)
#define _TSDT_STATIC_ASSERT(c, msg) static_assert(c, msg)
#define _TSDT_VAL_DECL(i, x)
#define _TSDT_VAL(i, x) _tsdt_val(x)
#else /* C */
#define _TSDT_CLASS(x) __builtin_classify_type(x)
#define _TSDT_KIND(x)                                                          \
	_Generic((x), _Bool: 2, char *: 6, const char *: 6,                  \
		 volatile char *: 6, const volatile char *: 6, float: 4,       \
		 double: 4, long double: 4,                                   \
		 default: (_TSDT_CLASS(x) >= 1 && _TSDT_CLASS(x) <= 3) ? 1 :  \
			  _TSDT_CLASS(x) == 4 ? 2 :                           \
			  _TSDT_CLASS(x) == 5 ? 5 :                           \
			  _TSDT_CLASS(x) == 8 ? 4 : 0)
#define _TSDT_SIGNED(x)                                                        \
	((__typeof__(__builtin_choose_expr(_TSDT_KIND(x) == 1, (x), 0U)))-1 < 1)
#define _TSDT_INFO(x)                                                          \
	(_TSDT_KIND(x) | ((int)sizeof(x) << 8) | (_TSDT_SIGNED(x) << 16))
#define _TSDT_STATIC_ASSERT(c, msg) _Static_assert(c, msg)
/* A float's bits through a union, anything else as itself. */
#define _TSDT_VAL_DECL(i, x)                                                   \
	union {                                                               \
		__typeof__(x) v;                                              \
		__typeof__(_Generic((x), float: 0U, double: 0ULL,             \
				    default: (x))) b;                         \
	} _tsdt_u##i = { x };
#define _TSDT_VAL(i, x) (_tsdt_u##i.b)
#endif

/*
 * Operand constraint of argument values: "nr", a constant or a general
 * register. <sys/sdt.h> uses "nor", which also allows memory; but gcc then
 * passes globals as rip-relative operands ("-4@counter(%rip)"), which
 * libbpf (1.4) refuses to attach and bpftrace (0.17) reads wrongly, and
 * clang always prefers memory (a store per argument below the stack
 * pointer). With "nr" every consumer reads every argument; 12 values always
 * fit in the registers of x86-64 and aarch64, even at -O0. Define
 * TSDT_ARG_CONSTRAINT to a constraint string to override it.
 */
#ifdef TSDT_ARG_CONSTRAINT
#define _TSDT_CONSTRAINT(i) TSDT_ARG_CONSTRAINT
#else
#define _TSDT_CONSTRAINT(i) "nr"
#endif

/* ------------------------------------------------------------ semaphores */

#define _TSDT_SEM(p, n) p##_##n##_semaphore

/*
 * No `retain` attribute: gcc warns when a retained and a plain variable
 * share .probes in one file (e.g. next to <sys/sdt.h> semaphores), and ld
 * keeps .probes under --gc-sections anyway, because the notes refer to it
 * (tests/integration/header-matrix.sh checks every semaphore survives).
 */
#define _TSDT_SEM_ATTRS(...)                                                   \
	__attribute__((__visibility__("hidden"), __section__(".probes")       \
		       __VA_ARGS__))

/*
 * The semaphore macros expand to declarations whose last ';' the user
 * writes. An extern declaration with the same attributes comes first
 * (-Wmissing-variable-declarations, clang's -Wsection).
 */
#ifdef __cplusplus
#define _TSDT_SEM_DECL(p, n, ...)                                              \
	extern "C" _TSDT_SEM_ATTRS(__VA_ARGS__) volatile unsigned short       \
		_TSDT_SEM(p, n)
#define _TSDT_SEM_DEF(p, n, ...)                                               \
	extern "C" {                                                          \
	extern _TSDT_SEM_ATTRS(__VA_ARGS__) volatile unsigned short           \
		_TSDT_SEM(p, n);                                              \
	_TSDT_SEM_ATTRS(, __used__ __VA_ARGS__) volatile unsigned short       \
		_TSDT_SEM(p, n) = 0;                                          \
	}                                                                     \
	static_assert(true, "")
#else
#define _TSDT_SEM_DECL(p, n, ...)                                              \
	extern _TSDT_SEM_ATTRS(__VA_ARGS__) volatile unsigned short _TSDT_SEM(p, n)
#define _TSDT_SEM_DEF(p, n, ...)                                               \
	_TSDT_SEM_DECL(p, n, __VA_ARGS__);                                    \
	_TSDT_SEM_DEF_ONLY(p, n, __VA_ARGS__)
#define _TSDT_SEM_DEF_ONLY(p, n, ...)                                          \
	_TSDT_SEM_ATTRS(, __used__ __VA_ARGS__) volatile unsigned short       \
		_TSDT_SEM(p, n) = 0
#endif

/* (in C without a prior declaration: the probe's TSDT_PROBE_DECLARE
 * usually precedes it, and a second one would be -Wredundant-decls) */
#ifdef __cplusplus
#define TSDT_SEMAPHORE_DEFINE(p, n) _TSDT_SEM_DEF(p, n, )
#else
#define TSDT_SEMAPHORE_DEFINE(p, n) _TSDT_SEM_DEF_ONLY(p, n, )
#endif
#define _TSDT_SEM_WEAK(p, n) _TSDT_SEM_DEF(p, n, , __weak__)
#define _TSDT_SEM_EXTERN(p, n) _TSDT_SEM_DECL(p, n, )

#ifdef TSDT_EXTERN_SEMAPHORES
#define _TSDT_SEM_DEFAULT _TSDT_SEM_EXTERN
#else
#define _TSDT_SEM_DEFAULT _TSDT_SEM_WEAK
#endif

/* --------------------------------------------------------- the asm text */

#define _TSDT_A1(x) _TSDT_STR(x) "\n"

#define _TSDT_FN(p, n) _tsdt_fire__##p##__##n
#define _TSDT_PARAM_NAME(p, n, i) _tsdt_##p##__##n##__arg##i

/* .note.stapsdt argument i: [-]SIZE@LOCATION */
#define _TSDT_SDT_ARG(p, n, i, pair)                                           \
	".if (%c[_tsdt_i" #i "] >> 16) & 1\n.ascii \"-\"\n.endif\n"          \
	".byte 0x30 + ((%c[_tsdt_i" #i "] >> 8) & 0xff)\n"                    \
	".ascii \"@" _TSDT_ARGTMPL(i) "\"\n"
/*
 * x86-64: registers by their 64-bit names ("1@%r11" rather than "1@%r11b";
 * the size before '@' governs, as in <sys/sdt.h>): gdb 13 does not know
 * gcc's byte-register names %r8b..%r15b. aarch64 names x registers anyway.
 */
#if defined(__x86_64__)
#define _TSDT_ARGTMPL(i) "%q[_tsdt_v" #i "]"
#else
#define _TSDT_ARGTMPL(i) "%[_tsdt_v" #i "]"
#endif
#define _TSDT_SDT_SEP() ".ascii \" \"\n"

/*
 * The site. Its first byte is a one-byte nop, whose address the note gives:
 * every consumer (gdb, perf, bpftrace, bcc, libbpf) puts its int3 there,
 * and the kernel emulates a one-byte nop cheaply.
 *
 * On x86-64 the nop is followed by a five-byte nop inside a step out of the
 * red zone (docs/probe-header.md, "The site"):
 *
 *   90                        nop                  <- the note's address
 *   48 8d 64 24 80            lea -0x80(%rsp),%rsp
 *   0f 1f 44 00 00            nopl 0x0(%rax,%rax,1)   <- libtsdt's, +6
 *   48 8d a4 24 80 00 00 00   lea 0x80(%rsp),%rsp
 *
 * Linux 6.18+ turns a uprobe on a five-byte nop into a `call` to a
 * trampoline after its first hit (an optimized uprobe: no trap, cheaper per
 * hit). A call pushes its return address at -8(%rsp) and the trampoline
 * saves registers below it: at a bare five-byte nop that is the red zone,
 * the 128 bytes below %rsp that the x86-64 ABI lets a leaf function use
 * without moving %rsp, and the traced function's data there would change.
 * The `lea`s move %rsp past the red zone and back (without touching the
 * flags), so those pushes land below it. libtsdt attaches at the five-byte
 * nop when the kernel has optimized uprobes (tsdt_site__has_nop5()) and
 * reads %rsp-relative arguments 128 bytes further there. The byte after the
 * nop is not a five-byte nop, so a consumer that looks for `nop; nop5`
 * (libbpf 1.7+) attaches at the nop, as the note says. Untraced, the site
 * costs what its four instructions cost (bench/probe-cost.c).
 * Define TSDT_NO_NOP5 for the single nop.
 */
#if defined(__x86_64__) && !defined(TSDT_NO_NOP5)
#define _TSDT_SITE_NOPS                                                        \
	"990: nop\n"                                                          \
	".byte 0x48, 0x8d, 0x64, 0x24, 0x80\n"                                \
	".byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n"                                \
	".byte 0x48, 0x8d, 0xa4, 0x24, 0x80, 0x00, 0x00, 0x00\n"
#else
#define _TSDT_SITE_NOPS "990: nop\n"
#endif

/* .note.tsdt argument i: kind, size, flags, type, argname */
#define _TSDT_TYPE_ARG(p, n, i, pair)                                          \
	".byte (%c[_tsdt_i" #i "] & 0xff), ((%c[_tsdt_i" #i "] >> 8) & 0xff), " \
	"((%c[_tsdt_i" #i "] >> 16) & 0xff)\n"                                 \
	".asciz \"" _TSDT_PTS(pair) "\"\n"                                    \
	".asciz \"" _TSDT_PNS(pair) "\"\n"

#define _TSDT_OPERAND(p, n, i, pair)                                           \
	[_tsdt_i##i] "n"(_TSDT_INFO(_TSDT_PARAM_NAME(p, n, i))),              \
	[_tsdt_v##i] _TSDT_CONSTRAINT(i)(                                     \
		_TSDT_VAL(i, _TSDT_PARAM_NAME(p, n, i)))

#define _TSDT_PARAM(p, n, i, pair) _TSDT_PT(pair) _TSDT_PARAM_NAME(p, n, i)
#define _TSDT_PARAMS(N, p, n, ...)                                             \
	_TSDT_CAT(_TSDT_PARAMS_, N)(p, n, __VA_ARGS__)
#define _TSDT_PARAMS_1(...) _TSDT_SEQ_1(_TSDT_PARAM, _TSDT_COMMA, __VA_ARGS__)
#define _TSDT_PARAMS_2(...) _TSDT_SEQ_2(_TSDT_PARAM, _TSDT_COMMA, __VA_ARGS__)
#define _TSDT_PARAMS_3(...) _TSDT_SEQ_3(_TSDT_PARAM, _TSDT_COMMA, __VA_ARGS__)
#define _TSDT_PARAMS_4(...) _TSDT_SEQ_4(_TSDT_PARAM, _TSDT_COMMA, __VA_ARGS__)
#define _TSDT_PARAMS_5(...) _TSDT_SEQ_5(_TSDT_PARAM, _TSDT_COMMA, __VA_ARGS__)
#define _TSDT_PARAMS_6(...) _TSDT_SEQ_6(_TSDT_PARAM, _TSDT_COMMA, __VA_ARGS__)
#define _TSDT_PARAMS_7(...) _TSDT_SEQ_7(_TSDT_PARAM, _TSDT_COMMA, __VA_ARGS__)
#define _TSDT_PARAMS_8(...) _TSDT_SEQ_8(_TSDT_PARAM, _TSDT_COMMA, __VA_ARGS__)
#define _TSDT_PARAMS_9(...) _TSDT_SEQ_9(_TSDT_PARAM, _TSDT_COMMA, __VA_ARGS__)
#define _TSDT_PARAMS_10(...) _TSDT_SEQ_10(_TSDT_PARAM, _TSDT_COMMA, __VA_ARGS__)
#define _TSDT_PARAMS_11(...) _TSDT_SEQ_11(_TSDT_PARAM, _TSDT_COMMA, __VA_ARGS__)
#define _TSDT_PARAMS_12(...) _TSDT_SEQ_12(_TSDT_PARAM, _TSDT_COMMA, __VA_ARGS__)

#define _TSDT_CHECK(p, n, i, pair)                                             \
	_TSDT_STATIC_ASSERT(_TSDT_KIND(_TSDT_PARAM_NAME(p, n, i)) != 0,        \
		"tsdt: probe " #p ":" #n ": argument " #i " (" _TSDT_PTS(pair) \
		") must be an integer, bool, enum, float, double or pointer"); \
	_TSDT_STATIC_ASSERT(sizeof(_TSDT_PARAM_NAME(p, n, i)) == 1 ||         \
			    sizeof(_TSDT_PARAM_NAME(p, n, i)) == 2 ||         \
			    sizeof(_TSDT_PARAM_NAME(p, n, i)) == 4 ||         \
			    sizeof(_TSDT_PARAM_NAME(p, n, i)) == 8,           \
		"tsdt: probe " #p ":" #n ": argument " #i " (" _TSDT_PTS(pair) \
		") must be 1, 2, 4 or 8 bytes");
#define _TSDT_VALDECL(p, n, i, pair) _TSDT_VAL_DECL(i, _TSDT_PARAM_NAME(p, n, i))

/* SHF_LINK_ORDER ("o") to the site's code section, and its COMDAT group
 * ("?"): --gc-sections and COMDAT folding drop the notes with the code. */
#define _TSDT_NOTE_FLAGS "\"o?\",\"note\",.Ltsdt_site_%=\n"

#define _TSDT_ASM_BODY(N, p, n, SDT_ARGS, TYPE_ARGS)                            \
	_TSDT_SITE_NOPS                                                        \
	".Ltsdt_site_%=:\n"                                                    \
	".pushsection .note.stapsdt," _TSDT_NOTE_FLAGS                         \
	".balign 4\n"                                                          \
	".4byte 992f-991f, 994f-993f, 3\n"                                     \
	"991: .asciz \"stapsdt\"\n"                                           \
	"992: .balign 4\n"                                                     \
	"993: .8byte 990b\n"                                                   \
	".8byte _.stapsdt.base\n"                                              \
	".8byte " _TSDT_STR(_TSDT_SEM(p, n)) "\n"                              \
	".asciz \"" #p "\"\n"                                                 \
	".asciz \"" #n "\"\n"                                                 \
	SDT_ARGS                                                               \
	".byte 0\n"                                                            \
	"994: .balign 4\n"                                                     \
	".popsection\n"                                                        \
	".pushsection .note.tsdt," _TSDT_NOTE_FLAGS                            \
	".balign 4\n"                                                          \
	".4byte 5, 996f-995f, 1\n"                                             \
	".asciz \"tsdt\"\n"                                                   \
	".balign 4\n"                                                          \
	"995: .byte " _TSDT_STR(TSDT_TYPE_NOTE_VERSION) ", " #N "\n"           \
	".asciz \"" #p "\"\n"                                                 \
	".asciz \"" #n "\"\n"                                                 \
	TYPE_ARGS                                                              \
	"996: .balign 4\n"                                                     \
	".popsection\n"

/* The hidden, COMDAT base symbol consumers use to detect prelink-style
 * address adjustments (same as <sys/sdt.h>). */
#define _TSDT_ASM_BASE                                                         \
	".ifndef _.stapsdt.base\n"                                             \
	".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n" \
	".weak _.stapsdt.base\n"                                               \
	".hidden _.stapsdt.base\n"                                             \
	"_.stapsdt.base: .space 1\n"                                           \
	".size _.stapsdt.base, 1\n"                                            \
	".popsection\n"                                                        \
	".endif\n"

#define _TSDT_TOO_MANY(p, n)                                                   \
	_TSDT_STATIC_ASSERT(0, "tsdt: probe " #p ":" #n                        \
			    " has more than 12 arguments")

/*
 * The fire function: one always-inline copy per site, whose asm carries
 * the declared types (stringified here, once) into every site's notes.
 */
#define _TSDT_DEFINE(N, SEM, ...)                                              \
	_TSDT_CAT(_TSDT_DEFINE_, _TSDT_HAS(N))(N, SEM, __VA_ARGS__)
#define _TSDT_DEFINE_0(N, SEM, p, n)                                           \
	static __inline__ __attribute__((__always_inline__, __unused__)) void \
	_TSDT_FN(p, n)(void)                                                  \
	{                                                                     \
		__asm__ __volatile__(_TSDT_ASM_BODY(0, p, n, "", "") : :);    \
		__asm__ __volatile__(_TSDT_ASM_BASE);                         \
	}                                                                     \
	SEM(p, n)
#define _TSDT_DEFINE_1(N, SEM, p, n, ...)                                      \
	_TSDT_CAT(_TSDT_DEFINE_FN_, N)(N, p, n, __VA_ARGS__)                  \
	SEM(p, n)
#define _TSDT_DEFINE_FN_13(N, p, n, ...) _TSDT_TOO_MANY(p, n);
#define _TSDT_DEFINE_FN_1 _TSDT_DEFINE_FN_X
#define _TSDT_DEFINE_FN_2 _TSDT_DEFINE_FN_X
#define _TSDT_DEFINE_FN_3 _TSDT_DEFINE_FN_X
#define _TSDT_DEFINE_FN_4 _TSDT_DEFINE_FN_X
#define _TSDT_DEFINE_FN_5 _TSDT_DEFINE_FN_X
#define _TSDT_DEFINE_FN_6 _TSDT_DEFINE_FN_X
#define _TSDT_DEFINE_FN_7 _TSDT_DEFINE_FN_X
#define _TSDT_DEFINE_FN_8 _TSDT_DEFINE_FN_X
#define _TSDT_DEFINE_FN_9 _TSDT_DEFINE_FN_X
#define _TSDT_DEFINE_FN_10 _TSDT_DEFINE_FN_X
#define _TSDT_DEFINE_FN_11 _TSDT_DEFINE_FN_X
#define _TSDT_DEFINE_FN_12 _TSDT_DEFINE_FN_X
#define _TSDT_DEFINE_FN_X(N, p, n, ...)                                        \
	static __inline__ __attribute__((__always_inline__, __unused__)) void \
	_TSDT_FN(p, n)(_TSDT_PARAMS(N, p, n, __VA_ARGS__))                     \
	{                                                                     \
		_TSDT_SEQ(N, _TSDT_CHECK, _TSDT_NOSEP, p, n, __VA_ARGS__)      \
		_TSDT_SEQ(N, _TSDT_VALDECL, _TSDT_NOSEP, p, n, __VA_ARGS__)    \
		__asm__ __volatile__(                                         \
			_TSDT_ASM_BODY(N, p, n,                               \
				_TSDT_SEQ(N, _TSDT_SDT_ARG, _TSDT_SDT_SEP, p, \
					  n, __VA_ARGS__),                    \
				_TSDT_SEQ(N, _TSDT_TYPE_ARG, _TSDT_NOSEP, p,  \
					  n, __VA_ARGS__))                    \
			: : _TSDT_SEQ(N, _TSDT_OPERAND, _TSDT_COMMA, p, n,    \
				      __VA_ARGS__));                          \
		__asm__ __volatile__(_TSDT_ASM_BASE);                         \
	}

/* Diagnostics that make a mistyped call site an error (C only: in C++
 * every one of these is an error already). */
#if defined(__cplusplus)
#define _TSDT_DIAG_PUSH
#define _TSDT_DIAG_POP
#elif defined(__clang__)
#define _TSDT_DIAG_PUSH                                                        \
	_Pragma("clang diagnostic push")                                      \
	_Pragma("clang diagnostic error \"-Wint-conversion\"")                \
	_Pragma("clang diagnostic error \"-Wincompatible-pointer-types\"")    \
	_Pragma("clang diagnostic error \"-Wincompatible-pointer-types-discards-qualifiers\"") \
	_Pragma("clang diagnostic error \"-Wpointer-sign\"")                  \
	_Pragma("clang diagnostic error \"-Wint-to-pointer-cast\"")
#define _TSDT_DIAG_POP _Pragma("clang diagnostic pop")
#else
#define _TSDT_DIAG_PUSH                                                        \
	_Pragma("GCC diagnostic push")                                        \
	_Pragma("GCC diagnostic error \"-Wint-conversion\"")                  \
	_Pragma("GCC diagnostic error \"-Wincompatible-pointer-types\"")      \
	_Pragma("GCC diagnostic error \"-Wdiscarded-qualifiers\"")            \
	_Pragma("GCC diagnostic error \"-Wpointer-sign\"")
#define _TSDT_DIAG_POP _Pragma("GCC diagnostic pop")
#endif

/* ----------------------------------------------------------- public API */

/* The public macros take (...): a probe without arguments
 * (TSDT_PROBE(p, n)) then gives no pedantic warning. */
#define TSDT_PROBE_DEFINE(...)                                                 \
	_TSDT_DEFINE(_TSDT_NARG2(__VA_ARGS__), _TSDT_SEM_DEFAULT, __VA_ARGS__)

#define TSDT_PROBE_DECLARE(...)                                                \
	_TSDT_DEFINE(_TSDT_NARG2(__VA_ARGS__), _TSDT_SEM_EXTERN, __VA_ARGS__)

#define TSDT_PROBE(...)                                                        \
	do {                                                                  \
		_TSDT_DIAG_PUSH                                               \
		_TSDT_CALL(_TSDT_HAS(_TSDT_NARG2(__VA_ARGS__)), __VA_ARGS__); \
		_TSDT_DIAG_POP                                                \
	} while (0)
#define _TSDT_CALL(H, ...) _TSDT_CAT(_TSDT_CALL_, H)(__VA_ARGS__)
#define _TSDT_CALL_0(p, n) _TSDT_FN(p, n)()
#define _TSDT_CALL_1(p, n, ...) _TSDT_FN(p, n)(__VA_ARGS__)

#define TSDT_PROBE_ENABLED(provider, name)                                     \
	(__builtin_expect(_TSDT_SEM(provider, name) != 0, 0) != 0)

#define TSDT_PROBE_IF_ENABLED(...)                                             \
	do {                                                                  \
		if (_TSDT_ENABLED_OF(__VA_ARGS__, _))                         \
			TSDT_PROBE(__VA_ARGS__);                              \
	} while (0)
#define _TSDT_ENABLED_OF(p, n, ...) TSDT_PROBE_ENABLED(p, n)

/* ----------------------------------------------------------------- roles */

/*
 * A process's role ("walsender", "worker"), for tracers to tell processes
 * of one program apart: an ordinary probe tsdt:role(const char *role) that
 * every USDT tool sees, and that tsdt's sessions attach by themselves
 * (docs/roles.md). TSDT_ROLE_DEFINE; once at file scope (as
 * TSDT_PROBE_DEFINE), then TSDT_ROLE("walsender"); wherever a process
 * takes a role (after fork, say). A child inherits its parent's role until
 * it declares its own; exec clears it.
 */
#define TSDT_ROLE_DEFINE TSDT_PROBE_DEFINE(tsdt, role, (const char *, role))
#define TSDT_ROLE(_tsdt_name) TSDT_PROBE(tsdt, role, (_tsdt_name))

#endif /* TSDT_SYS_TSDT_H */
