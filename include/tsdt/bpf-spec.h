/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The argument specification of one probe site, as the BPF side reads it.
 * Shared by <tsdt/tsdt.bpf.h> (BPF programs) and libtsdt (which fills the
 * spec map). Include <linux/types.h> or vmlinux.h before this header.
 *
 * These structures are an implementation detail of libtsdt and
 * <tsdt/tsdt.bpf.h> and may change between versions (both come from the
 * same tsdt release).
 *
 * One spec per attached site, in the array map tsdt_specs of the handler's
 * object, at the index given by the site's BPF cookie. Value of argument i:
 *
 *   CONST      val
 *   REG        regs[reg_off] + val
 *   REG_DEREF  *(regs[reg_off] + val)
 *   SIB        *(regs[reg_off] + regs[index_reg_off] * scale + val)
 *              (reg_off < 0: no base register)
 *   STATIC     *(ip - site_addr + addr): ip is the site's runtime address,
 *              site_addr and addr are link-time addresses, so the load bias
 *              of each process cancels out and no per-process map is needed
 *
 * then truncated to size bytes and sign- or zero-extended to 64 bits.
 * regs[off] is the 8-byte slot at byte offset off of struct pt_regs.
 * libtsdt folds into val what differs where it attached: at the five-byte
 * nop of an x86-64 <sys/tsdt.h> site %rsp is 128 bytes below its value at
 * the note's address, so %rsp-based locations (and %rsp itself) get +128.
 */
#ifndef TSDT_BPF_SPEC_H
#define TSDT_BPF_SPEC_H

#define TSDT_BPF_MAX_ARGS 12

enum tsdt_bpf_arg_loc {
	TSDT_BPF_ARG_CONST = 0,
	TSDT_BPF_ARG_REG = 1,
	TSDT_BPF_ARG_REG_DEREF = 2,
	TSDT_BPF_ARG_SIB = 3,
	TSDT_BPF_ARG_STATIC = 4,
	TSDT_BPF_ARG_UNREADABLE = 5, /* %xmm and the like: never attached */
	/* a member path (global->member->member): the address of STATIC,
	 * then `scale` times (1 to 3) it becomes the pointer read there plus
	 * the next offset: val, then reg_off, then index_reg_off */
	TSDT_BPF_ARG_STATIC_CHAIN = 6,
};

/* tsdt_bpf_arg.flags */
#define TSDT_BPF_ARG_SIGNED 0x1 /* sign-extend (else zero-extend) */
#define TSDT_BPF_ARG_STR    0x2 /* the probe declares a string */
#define TSDT_BPF_ARG_FLOAT  0x4 /* the bits of a float or double */

struct tsdt_bpf_arg {
	__s64 val;           /* constant, or displacement */
	__u64 addr;          /* STATIC: link-time address of the value */
	__s16 reg_off;       /* offset in struct pt_regs of the base register */
	__s16 index_reg_off; /* SIB: offset of the index register */
	__u8 loc;            /* enum tsdt_bpf_arg_loc */
	__u8 size;           /* 1, 2, 4 or 8 */
	__u8 scale;          /* SIB: 1, 2, 4 or 8 */
	__u8 flags;          /* TSDT_BPF_ARG_* */
};

/* tsdt_bpf_spec.flags */
#define TSDT_BPF_SPEC_USED 0x1 /* slot holds a live spec */
#define TSDT_BPF_SPEC_ROLE 0x2 /* a tsdt:role site: the generic tracer
				* takes its string as the process's role */
/* bits 8-15: the index of the first global (tsdt_attach_opts.globals,
 * the tracer's globals), after the probe's own arguments */
#define TSDT_BPF_SPEC_GLOBALS_AT(i) (((__u32)(i) & 0xff) << 8)
#define TSDT_BPF_SPEC_GLOBALS_BASE(flags) (((flags) >> 8) & 0xff)

struct tsdt_bpf_spec {
	__u64 site_addr;     /* link-time address of the site */
	__u64 cookie;        /* user value (the tracer: probe index) */
	__u16 arg_cnt;
	__u16 str_cnt;       /* arguments flagged TSDT_BPF_ARG_STR */
	__u32 flags;         /* TSDT_BPF_SPEC_* */
	struct tsdt_bpf_arg args[TSDT_BPF_MAX_ARGS];
};

#endif /* TSDT_BPF_SPEC_H */
