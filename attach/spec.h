/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Argument-spec decoding, internal interface between spec.c and the
 * per-architecture files spec-x86.c and spec-arm64.c. */
#ifndef TSDT_SPEC_H
#define TSDT_SPEC_H

#include <tsdt/libtsdt.h>

/* The decoded spec behind the public getters (tsdt_arg_spec__*()). */
struct tsdt_arg_spec {
	enum tsdt_arg_loc loc;
	int size;              /* 1, 2, 4, 8 (absolute value of the note's size) */
	bool is_signed;        /* size was negative */
	bool is_float;         /* 'f' marker: the bits are a float/double */
	int64_t val;           /* constant, displacement, or symbol offset */
	char reg[8];           /* base register name as written ("edi", "x1") */
	int reg_off;           /* offset of that register in the arch's pt_regs */
	int reg_size;          /* bytes of the register named (eax: 4) */
	char index_reg[8];     /* SIB index register, "" if none */
	int index_reg_off;
	int scale;             /* SIB scale: 1, 2, 4, 8 */
	char sym[64];          /* symbol of the spec, "" if none: rip-relative
				* (STATIC), or part of a constant or
				* displacement in non-PIE code ($sym,
				* sym(%reg)), or aarch64's ":lo12:sym" */
	uint64_t addr;         /* link-time address sym+val, 0 until resolved
				* from the symbol tables (the catalog does;
				* a spec with sym[0] and addr 0 is unresolved
				* and cannot be read). For every loc but
				* STATIC the catalog also folds the symbol
				* into val, so readers use val as usual. */
	/* a member path of a global (tsdt_tracer__add_global()): STATIC at
	 * addr, then @derefs times: read a pointer, add chain_off[k] */
	int derefs;
	int64_t chain_off[3];
};

/* tsdt_arg_spec__parse() into @ret (the library's and the tests' form):
 * 0, or a negative errno with a message. */
int tsdt_arg_spec_parse(enum tsdt_arch arch, const char *str,
			struct tsdt_arg_spec *ret);

/*
 * Decode one argument spec ("-4@%edi") for @arch into @ret. On error returns
 * a negative errno and writes what is wrong into @err (never prints).
 */
int tsdt_spec_parse(enum tsdt_arch arch, const char *str,
		    struct tsdt_arg_spec *ret, char *err, size_t err_sz);

/*
 * Split the argument string of a note into specs: returns the number of
 * specs, and sets @starts[i]/@lens[i] (at most @max; more gives -E2BIG).
 * Spaces separate specs except inside brackets ("-4@[sp, 16]").
 */
int tsdt_spec_split(const char *args, const char **starts, size_t *lens,
		    int max);

/* Location part (after '@') of a spec, one function per architecture. The
 * caller filled size/is_signed/is_float; these fill the rest. */
int tsdt_spec_parse_x86_64(const char *loc, struct tsdt_arg_spec *spec,
			   char *err, size_t err_sz);
int tsdt_spec_parse_aarch64(const char *loc, struct tsdt_arg_spec *spec,
			    char *err, size_t err_sz);

/* Byte offset of %rsp in the kernel's x86-64 struct pt_regs (the reg_off
 * of %rsp, %esp, %sp and %spl; checked in spec-x86.c). */
#define TSDT_X86_64_SP_REG_OFF 152

/* Shared helpers of the per-arch parsers. */
/* Parse a signed integer (decimal, 0x hex, leading '-' or '+') at *s,
 * advancing *s. Returns false if none or on overflow. */
bool tsdt_spec_int(const char **s, int64_t *val);

/* ELF machine (EM_*) to tsdt_arch. */
enum tsdt_arch tsdt_arch_from_elf(int e_machine);

#endif /* TSDT_SPEC_H */
