/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Argument-spec decoding, internal interface between spec.c and the
 * per-architecture files spec-x86.c and spec-arm64.c. */
#ifndef TSDT_SPEC_H
#define TSDT_SPEC_H

#include <tsdt/libtsdt.h>

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
