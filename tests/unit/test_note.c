// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Note parsing and the catalog on crafted ELF files: grouping, .stapsdt.base
 * adjustment, file offsets, semaphores, rip-relative symbols, type notes,
 * and malformed input (truncated notes, bad sizes, missing terminators,
 * overlong names, unknown registers, a note in a non-ELF file). Each error
 * must name the file and what is wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <tsdt/libtsdt.h>
#include "spec.h"
#include "note.h"

/* ---------------------------------------------------------- messages */

static char logbuf[16384];

static int capture(enum tsdt_print_level l, const char *fmt, va_list ap)
{
	size_t n = strlen(logbuf);

	if (n < sizeof(logbuf) - 1)
		vsnprintf(logbuf + n, sizeof(logbuf) - n, fmt, ap);
	return 0;
}

#define assert_logged(s) do {                                              \
	if (!strstr(logbuf, (s)))                                          \
		fail_msg("message '%s' not in log:\n%s", (s), logbuf);     \
} while (0)

/* ------------------------------------------------------- note builder */

struct buf {
	unsigned char d[8192];
	size_t n;
};

static void put(struct buf *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof(b->d));
	memcpy(b->d + b->n, p, n);
	b->n += n;
}

static void align4(struct buf *b)
{
	while (b->n % 4)
		b->d[b->n++] = 0;
}

static void put_u64(struct buf *b, uint64_t v)
{
	put(b, &v, 8);
}

/* an ELF note: header, owner, desc, 4-aligned */
static void note(struct buf *b, const char *owner, uint32_t type,
		 const void *desc, uint32_t desc_sz)
{
	uint32_t h[3] = { strlen(owner) + 1, desc_sz, type };

	put(b, h, sizeof(h));
	put(b, owner, h[0]);
	align4(b);
	put(b, desc, desc_sz);
	align4(b);
}

static void stapsdt(struct buf *b, uint64_t pc, uint64_t base, uint64_t sema,
		    const char *prov, const char *name, const char *args)
{
	struct buf d = {};

	put_u64(&d, pc);
	put_u64(&d, base);
	put_u64(&d, sema);
	put(&d, prov, strlen(prov) + 1);
	put(&d, name, strlen(name) + 1);
	put(&d, args, strlen(args) + 1);
	note(b, "stapsdt", 3, d.d, d.n);
}

/* type note: (kind, size, flags, type, argname) x nargs */
struct targ {
	int kind, size, flags;
	const char *type, *name;
};

static void tsdtnote(struct buf *b, const char *prov, const char *name,
		     int nargs, const struct targ *a)
{
	struct buf d = {};
	unsigned char hdr[2] = { 1, nargs };

	put(&d, hdr, 2);
	put(&d, prov, strlen(prov) + 1);
	put(&d, name, strlen(name) + 1);
	for (int i = 0; i < nargs; i++) {
		unsigned char k[3] = { a[i].kind, a[i].size, a[i].flags };

		put(&d, k, 3);
		put(&d, a[i].type, strlen(a[i].type) + 1);
		put(&d, a[i].name, strlen(a[i].name) + 1);
	}
	note(b, "tsdt", 1, d.d, d.n);
}

/* ------------------------------------------------------- ELF builder */

/*
 * An x86-64 ET_DYN file: .text at file offset 0x1000 / vaddr 0x401000
 * (size 0x100), .probes at 0x1100 / 0x401100 (16 bytes), .stapsdt.base at
 * 0x1110 / 0x401110, one PT_LOAD covering 0x1000..0x1200, .note.stapsdt,
 * optionally .note.tsdt, and a .symtab with gvar = 0x401108.
 */
#define VBASE 0x400000ULL
#define STAPSDT_BASE 0x401110ULL

static char tmpdir[64];

static Elf_Scn *add_scn(Elf *e, struct buf *shstr, const char *name,
			uint32_t type, uint64_t flags, uint64_t addr,
			uint64_t off, const void *data, size_t sz,
			size_t entsize)
{
	Elf_Scn *scn = elf_newscn(e);
	Elf_Data *d = elf_newdata(scn);
	GElf_Shdr sh;

	assert_non_null(scn);
	d->d_buf = (void *)data;
	d->d_size = sz;
	d->d_type = ELF_T_BYTE;
	d->d_align = 1;
	gelf_getshdr(scn, &sh);
	sh.sh_name = shstr->n;
	put(shstr, name, strlen(name) + 1);
	sh.sh_type = type;
	sh.sh_flags = flags;
	sh.sh_addr = addr;
	sh.sh_offset = off;
	sh.sh_size = sz;
	sh.sh_entsize = entsize;
	sh.sh_addralign = 1;
	gelf_update_shdr(scn, &sh);
	return scn;
}

static void write_elf(const char *path, const struct buf *notes,
		      const struct buf *tnotes, uint16_t machine)
{
	static unsigned char text[0x100], probes[16], base[1];
	static struct buf shstr, strtab;
	static Elf64_Sym syms[2];
	Elf_Scn *symscn, *strscn;
	GElf_Shdr sh;
	GElf_Ehdr eh;
	GElf_Phdr ph = {};
	uint64_t off = 0x1200;
	int fd;
	Elf *e;

	memset(&shstr, 0, sizeof(shstr));
	memset(&strtab, 0, sizeof(strtab));
	put(&shstr, "", 1);
	put(&strtab, "\0gvar", 6);
	memset(syms, 0, sizeof(syms));
	syms[1].st_name = 1;
	syms[1].st_value = 0x401108;
	syms[1].st_size = 8;
	syms[1].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
	syms[1].st_shndx = 2;

	assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	assert_non_null(e);
	gelf_newehdr(e, ELFCLASS64);
	gelf_getehdr(e, &eh);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_DYN;
	eh.e_machine = machine;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(Elf64_Ehdr);
	gelf_update_ehdr(e, &eh);
	gelf_newphdr(e, 1);
	ph.p_type = PT_LOAD;
	ph.p_flags = PF_R | PF_X;
	ph.p_offset = 0x1000;
	ph.p_vaddr = ph.p_paddr = VBASE + 0x1000;
	ph.p_filesz = ph.p_memsz = 0x200;
	ph.p_align = 0x1000;
	gelf_update_phdr(e, 0, &ph);

	add_scn(e, &shstr, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
		VBASE + 0x1000, 0x1000, text, sizeof(text), 0);
	add_scn(e, &shstr, ".probes", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
		VBASE + 0x1100, 0x1100, probes, sizeof(probes), 0);
	add_scn(e, &shstr, ".stapsdt.base", SHT_PROGBITS, SHF_ALLOC,
		STAPSDT_BASE, 0x1110, base, sizeof(base), 0);
	if (notes) {
		add_scn(e, &shstr, ".note.stapsdt", SHT_NOTE, 0, 0, off,
			notes->d, notes->n, 0);
		off += notes->n;
	}
	if (tnotes) {
		add_scn(e, &shstr, ".note.tsdt", SHT_NOTE, 0, 0, off,
			tnotes->d, tnotes->n, 0);
		off += tnotes->n;
	}
	off = (off + 7) & ~7ULL;
	symscn = add_scn(e, &shstr, ".symtab", SHT_SYMTAB, 0, 0, off, syms,
			 sizeof(syms), sizeof(Elf64_Sym));
	off += sizeof(syms);
	strscn = add_scn(e, &shstr, ".strtab", SHT_STRTAB, 0, 0, off,
			 strtab.d, strtab.n, 0);
	off += strtab.n;
	gelf_getshdr(symscn, &sh);
	sh.sh_link = elf_ndxscn(strscn);
	sh.sh_info = 1;
	gelf_update_shdr(symscn, &sh);
	put(&shstr, ".shstrtab", 10);
	{
		Elf_Scn *s = add_scn(e, &shstr, "", SHT_STRTAB, 0, 0, off,
				     shstr.d, shstr.n, 0);

		gelf_getshdr(s, &sh);
		sh.sh_name = shstr.n - 11;
		gelf_update_shdr(s, &sh);
		off += shstr.n;
		gelf_getehdr(e, &eh);
		eh.e_shstrndx = elf_ndxscn(s);
	}
	off = (off + 7) & ~7ULL;
	eh.e_shoff = off;
	gelf_update_ehdr(e, &eh);
	elf_flagelf(e, ELF_C_SET, ELF_F_LAYOUT);
	if (elf_update(e, ELF_C_WRITE) < 0)
		fail_msg("elf_update: %s", elf_errmsg(-1));
	elf_end(e);
	close(fd);
}

static char *tmp(const char *name)
{
	static char p[128];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	return p;
}

static struct tsdt_catalog *open_cat(const char *path)
{
	logbuf[0] = 0;
	return tsdt_catalog__open_file(path, NULL);
}

/* ------------------------------------------------------------- tests */

static void test_valid(void **state)
{
	struct buf n = {};
	const struct tsdt_binary *b;
	const struct tsdt_probe *p;
	const struct tsdt_site *s;
	const struct tsdt_arg_spec *sp;
	struct tsdt_catalog *cat;
	const char *path = tmp("valid");

	/* two sites of app:req (the second one prelinked: its note's base
	 * is 0x10 below the section's address now), one of app:other */
	stapsdt(&n, 0x401010, STAPSDT_BASE, 0x401100, "app", "req",
		"-4@%edi 8@%rsi");
	stapsdt(&n, 0x401010, STAPSDT_BASE - 0x10, 0x401100 - 0x10, "app",
		"other", "-4@gvar+4(%rip)");
	stapsdt(&n, 0x401030, STAPSDT_BASE, 0x401100, "app", "req",
		"-4@-4(%rbp) 8@%rax");
	write_elf(path, &n, NULL, EM_X86_64);
	cat = open_cat(path);
	assert_non_null(cat);
	assert_int_equal(tsdt_catalog__problem_cnt(cat), 0);
	assert_int_equal(tsdt_catalog__binary_cnt(cat), 1);
	b = tsdt_catalog__binary(cat, 0);
	assert_string_equal(tsdt_binary__path(b), path);
	assert_int_equal(tsdt_binary__arch(b), TSDT_ARCH_X86_64);
	assert_int_equal(tsdt_binary__probe_cnt(b), 2);

	p = tsdt_binary__probe(b, 0); /* order of first appearance */
	assert_string_equal(tsdt_probe__provider(p), "app");
	assert_string_equal(tsdt_probe__name(p), "req");
	assert_int_equal(tsdt_probe__site_cnt(p), 2);
	assert_int_equal(tsdt_probe__arg_cnt(p), 2);
	assert_int_equal(tsdt_probe__type_source(p), TSDT_TYPES_NONE);
	assert_int_equal(tsdt_probe__semaphore_addr(p), 0x401100);
	assert_int_equal(tsdt_probe__semaphore_offset(p), 0x1100);
	assert_int_equal(tsdt_probe__semaphore_value(p), -1);
	assert_int_equal(tsdt_probe__arg_type(p, 0)->kind, TSDT_TYPE_UNTYPED);
	assert_int_equal(tsdt_probe__arg_type(p, 0)->size, 4);
	assert_true(tsdt_probe__arg_type(p, 0)->is_signed);
	assert_null(tsdt_probe__arg_name(p, 0));
	assert_null(tsdt_probe__arg_type(p, 2));
	s = tsdt_probe__site(p, 0);
	assert_int_equal(tsdt_site__addr(s), 0x401010);
	assert_int_equal(tsdt_site__file_offset(s), 0x1010);
	assert_string_equal(tsdt_site__raw_args(s), "-4@%edi 8@%rsi");
	s = tsdt_probe__site(p, 1);
	assert_int_equal(tsdt_site__addr(s), 0x401030);
	assert_int_equal(tsdt_site__file_offset(s), 0x1030);
	sp = tsdt_site__arg_spec(s, 0);
	assert_int_equal(sp->loc, TSDT_ARG_REG_DEREF);
	assert_int_equal(sp->val, -4);
	assert_null(tsdt_probe__site(p, 2));
	/* both sites pass arg 1 as 8 bytes unsigned */
	assert_int_equal(tsdt_probe__arg_type(p, 1)->size, 8);
	assert_false(tsdt_probe__arg_type(p, 1)->is_signed);
	assert_true(tsdt_binary__find_probe(b, "app", "req") == p);
	assert_null(tsdt_binary__find_probe(b, "app", "nope"));

	p = tsdt_binary__probe(b, 1);
	assert_string_equal(tsdt_probe__name(p), "other");
	s = tsdt_probe__site(p, 0);
	/* .stapsdt.base moved by 0x10: pc and semaphore follow */
	assert_int_equal(tsdt_site__addr(s), 0x401020);
	assert_int_equal(tsdt_site__file_offset(s), 0x1020);
	assert_int_equal(tsdt_probe__semaphore_addr(p), 0x401100);
	sp = tsdt_site__arg_spec(s, 0);
	assert_int_equal(sp->loc, TSDT_ARG_STATIC);
	assert_string_equal(sp->sym, "gvar");
	assert_int_equal(sp->addr, 0x401108 + 4);
	tsdt_catalog__free(cat);
}

static void test_untyped_merge(void **state)
{
	struct buf n = {};
	const struct tsdt_probe *p;
	struct tsdt_catalog *cat;
	const char *path = tmp("merge");

	/* PostgreSQL's sort__start: a bool passed as 1 byte at one site and
	 * as a 4-byte int at another */
	stapsdt(&n, 0x401010, STAPSDT_BASE, 0, "pg", "sort", "1@%al 4@%esi 8f@%rax");
	stapsdt(&n, 0x401020, STAPSDT_BASE, 0, "pg", "sort", "-4@%eax 2@%si 8f@%rdx");
	stapsdt(&n, 0x401030, STAPSDT_BASE, 0, "pg", "sort", "1@%bl -8@%rsi 8@%rcx");
	write_elf(path, &n, NULL, EM_X86_64);
	cat = open_cat(path);
	assert_non_null(cat);
	assert_int_equal(tsdt_catalog__problem_cnt(cat), 0);
	p = tsdt_binary__probe(tsdt_catalog__binary(cat, 0), 0);
	assert_int_equal(tsdt_probe__arg_type(p, 0)->kind, TSDT_TYPE_UNTYPED);
	assert_int_equal(tsdt_probe__arg_type(p, 0)->size, 4);
	assert_true(tsdt_probe__arg_type(p, 0)->is_signed);
	assert_int_equal(tsdt_probe__arg_type(p, 1)->size, 8);
	assert_true(tsdt_probe__arg_type(p, 1)->is_signed);
	/* 'f' at two sites but not the third: not a float */
	assert_int_equal(tsdt_probe__arg_type(p, 2)->kind, TSDT_TYPE_UNTYPED);
	tsdt_catalog__free(cat);

	memset(&n, 0, sizeof(n));
	stapsdt(&n, 0x401010, STAPSDT_BASE, 0, "app", "f", "8f@%rax 4f@-4(%rbp)");
	write_elf(path, &n, NULL, EM_X86_64);
	cat = open_cat(path);
	p = tsdt_binary__probe(tsdt_catalog__binary(cat, 0), 0);
	assert_int_equal(tsdt_probe__arg_type(p, 0)->kind, TSDT_TYPE_FLOAT);
	assert_string_equal(tsdt_probe__arg_type(p, 0)->name, "double");
	assert_string_equal(tsdt_probe__arg_type(p, 1)->name, "float");
	tsdt_catalog__free(cat);
}

static void test_type_note(void **state)
{
	static const struct targ a[] = {
		{ TSDT_TYPE_INT, 4, 1, "int", "fd" },
		{ TSDT_TYPE_STR, 8, 0, "const char*", "path" },
	};
	static const struct targ bad[] = {
		{ TSDT_TYPE_INT, 4, 0, "unsigned", "fd" },
		{ TSDT_TYPE_STR, 8, 0, "const char *", "path" },
	};
	struct buf n = {}, t = {};
	const struct tsdt_probe *p;
	struct tsdt_catalog *cat;
	const char *path = tmp("typed");

	stapsdt(&n, 0x401010, STAPSDT_BASE, 0, "app", "open", "-4@%edi 8@%rsi");
	stapsdt(&n, 0x401020, STAPSDT_BASE, 0, "app", "open", "-4@%eax 8@%rdx");
	stapsdt(&n, 0x401030, STAPSDT_BASE, 0, "app", "clash", "-4@%edi 8@%rsi");
	tsdtnote(&t, "app", "open", 2, a);
	tsdtnote(&t, "app", "open", 2, a);
	tsdtnote(&t, "app", "clash", 2, a);
	tsdtnote(&t, "app", "clash", 2, bad);
	write_elf(path, &n, &t, EM_X86_64);
	cat = open_cat(path);
	assert_non_null(cat);
	p = tsdt_binary__find_probe(tsdt_catalog__binary(cat, 0), "app", "open");
	assert_int_equal(tsdt_probe__type_source(p), TSDT_TYPES_NOTE);
	assert_string_equal(tsdt_probe__arg_type(p, 0)->name, "int32_t");
	assert_true(tsdt_probe__arg_type(p, 0)->is_signed);
	assert_string_equal(tsdt_probe__arg_name(p, 0), "fd");
	assert_int_equal(tsdt_probe__arg_type(p, 1)->kind, TSDT_TYPE_STR);
	assert_string_equal(tsdt_probe__arg_type(p, 1)->name, "const char *");
	assert_string_equal(tsdt_probe__arg_name(p, 1), "path");
	/* notes that disagree: reported, probe untyped */
	p = tsdt_binary__find_probe(tsdt_catalog__binary(cat, 0), "app", "clash");
	assert_int_equal(tsdt_probe__type_source(p), TSDT_TYPES_NONE);
	assert_logged(path);
	assert_logged("probe app:clash: its type notes disagree");
	assert_int_equal(tsdt_catalog__problem_cnt(cat), 1);
	tsdt_catalog__free(cat);
}

static void test_type_note_mismatch(void **state)
{
	static const struct targ a[] = { { TSDT_TYPE_INT, 4, 1, "int", "fd" } };
	struct buf n = {}, t = {};
	struct tsdt_catalog *cat;
	const char *path = tmp("typed-count");
	unsigned char junk[3] = { 1, 1, 'x' }; /* unterminated provider */

	stapsdt(&n, 0x401010, STAPSDT_BASE, 0, "app", "two", "-4@%edi 8@%rsi");
	tsdtnote(&t, "app", "two", 1, a);
	tsdtnote(&t, "app", "ghost", 1, a);
	note(&t, "tsdt", 1, junk, sizeof(junk));
	write_elf(path, &n, &t, EM_X86_64);
	cat = open_cat(path);
	assert_non_null(cat);
	assert_logged("type note declares 1 arguments, the probe has 2");
	assert_logged("type note for app:ghost, which has no .note.stapsdt note");
	assert_logged(".note.tsdt note #2: provider name is not NUL-terminated");
	assert_int_equal(tsdt_catalog__problem_cnt(cat), 3);
	tsdt_catalog__free(cat);
}

/* A file whose only note is @desc: opening must fail with -EINVAL and a
 * message naming the file and containing @msg. */
static void expect_bad_note(const char *name, const void *desc, size_t sz,
			    const char *msg)
{
	struct buf n = {};
	struct tsdt_catalog *cat;
	const char *path = tmp(name);

	note(&n, "stapsdt", 3, desc, sz);
	write_elf(path, &n, NULL, EM_X86_64);
	cat = open_cat(path);
	assert_null(cat);
	assert_int_equal(errno, EINVAL);
	assert_logged(path);
	assert_logged(msg);
}

static void test_malformed_notes(void **state)
{
	struct buf d = {};
	char big[400];

	expect_bad_note("short", "\1\2\3\4", 4,
			"truncated note: 4 bytes, need 24 for its addresses");
	put_u64(&d, 0x401010);
	put_u64(&d, STAPSDT_BASE);
	put_u64(&d, 0);
	expect_bad_note("noprov", d.d, d.n, "truncated note: provider name missing");
	put(&d, "app", 3);
	expect_bad_note("unterminated", d.d, d.n,
			"provider name is not NUL-terminated");
	put(&d, "", 1);
	put(&d, "name", 4);
	expect_bad_note("noname", d.d, d.n, "probe name is not NUL-terminated");
	put(&d, "", 1);
	expect_bad_note("noargs", d.d, d.n,
			"truncated note: argument string missing");
	d.n = 24;
	memset(big, 'p', sizeof(big));
	big[sizeof(big) - 1] = 0;
	put(&d, big, sizeof(big));
	put(&d, "n\0\0", 3);
	expect_bad_note("overlong", d.d, d.n, "provider name longer than 256 bytes");
	d.n = 24;
	put(&d, "\0n\0\0", 4);
	expect_bad_note("emptyprov", d.d, d.n, "empty provider name");
}

static void test_truncated_section(void **state)
{
	struct buf n = {};
	struct tsdt_catalog *cat;
	const char *path = tmp("trunc-section");

	stapsdt(&n, 0x401010, STAPSDT_BASE, 0, "app", "a", "");
	/* a header promising 64 bytes of descriptor that are not there */
	{
		uint32_t h[3] = { 8, 64, 3 };

		put(&n, h, sizeof(h));
		put(&n, "stapsdt\0", 8);
		put(&n, "abcd", 4);
	}
	write_elf(path, &n, NULL, EM_X86_64);
	cat = open_cat(path);
	assert_null(cat);
	assert_logged(path);
	assert_logged("truncated or malformed note");
}

static void test_bad_site_and_specs(void **state)
{
	struct buf n = {};
	struct tsdt_catalog *cat;
	const struct tsdt_probe *p;
	const struct tsdt_site *s;
	const char *path = tmp("badspec");

	stapsdt(&n, 0x401010, STAPSDT_BASE, 0, "app", "a", "-4@%foo 8@%rsi 3@%eax");
	stapsdt(&n, 0x401020, STAPSDT_BASE, 0, "app", "a", "-4@%edi");
	stapsdt(&n, 0x401030, STAPSDT_BASE, 0x401102, "app", "a", "-4@%edi 8@%rsi 4@%eax");
	stapsdt(&n, 0x401040, STAPSDT_BASE, 0, "app", "b", "4@nosuchsym(%rip)");
	write_elf(path, &n, NULL, EM_X86_64);
	cat = open_cat(path);
	assert_non_null(cat);
	assert_logged(path);
	assert_logged("probe app:a at 0x401010 argument 0: unknown register '%foo' in '-4@%foo'");
	assert_logged("argument 2: bad argument size 3");
	assert_logged("probe app:a: site 0x401010 has 3 arguments, site 0x401020 has 1");
	assert_logged("probe app:a: sites disagree on the semaphore");
	assert_logged("symbol 'nosuchsym' of an argument spec is in neither .symtab nor .dynsym");
	p = tsdt_binary__find_probe(tsdt_catalog__binary(cat, 0), "app", "a");
	s = tsdt_probe__site(p, 0);
	assert_int_equal(tsdt_site__arg_cnt(s), 3);
	assert_null(tsdt_site__arg_spec(s, 0));
	assert_int_equal(errno, EINVAL);
	assert_non_null(tsdt_site__arg_spec(s, 1));
	assert_true(tsdt_catalog__problem_cnt(cat) >= 5);
	tsdt_catalog__free(cat);

	/* a site outside every loadable segment fails the open */
	memset(&n, 0, sizeof(n));
	stapsdt(&n, 0x901010, STAPSDT_BASE, 0, "app", "far", "");
	write_elf(path, &n, NULL, EM_X86_64);
	cat = open_cat(path);
	assert_null(cat);
	assert_logged("probe app:far: site address 0x901010 is in no loadable segment");

	/* too many arguments */
	memset(&n, 0, sizeof(n));
	stapsdt(&n, 0x401010, STAPSDT_BASE, 0, "app", "many",
		"1@$1 1@$1 1@$1 1@$1 1@$1 1@$1 1@$1 1@$1 1@$1 1@$1 1@$1 1@$1 1@$1");
	write_elf(path, &n, NULL, EM_X86_64);
	cat = open_cat(path);
	assert_null(cat);
	assert_logged("more than 12 arguments");
}

static void test_unsupported_arch(void **state)
{
	struct buf n = {};
	struct tsdt_catalog *cat;
	const char *path = tmp("riscv");

	stapsdt(&n, 0x401010, STAPSDT_BASE, 0, "app", "a", "-4@a0");
	write_elf(path, &n, NULL, EM_RISCV);
	cat = open_cat(path);
	assert_non_null(cat); /* listed, specs not decoded */
	assert_logged("unsupported architecture");
	assert_int_equal(tsdt_binary__arch(tsdt_catalog__binary(cat, 0)),
			 TSDT_ARCH_UNKNOWN);
	tsdt_catalog__free(cat);
}

static void test_aarch64_file(void **state)
{
	struct buf n = {};
	struct tsdt_catalog *cat;
	const struct tsdt_arg_spec *sp;
	const char *path = tmp("arm");

	stapsdt(&n, 0x401010, STAPSDT_BASE, 0, "app", "a", "-4@[sp, 16] 8@x1");
	write_elf(path, &n, NULL, EM_AARCH64);
	cat = open_cat(path);
	assert_non_null(cat);
	sp = tsdt_site__arg_spec(tsdt_probe__site(tsdt_binary__probe(
		tsdt_catalog__binary(cat, 0), 0), 0), 0);
	assert_int_equal(sp->loc, TSDT_ARG_REG_DEREF);
	assert_int_equal(sp->reg_off, 248);
	assert_int_equal(sp->val, 16);
	tsdt_catalog__free(cat);
}

static void test_not_elf(void **state)
{
	struct buf n = {};
	struct tsdt_catalog *cat;
	const char *path = tmp("not-elf");
	FILE *f;

	/* a note section's bytes, with its name, in a text file */
	put(&n, ".note.stapsdt\n", 14);
	stapsdt(&n, 0x401010, STAPSDT_BASE, 0, "app", "a", "");
	f = fopen(path, "w");
	fwrite(n.d, 1, n.n, f);
	fclose(f);
	cat = open_cat(path);
	assert_null(cat);
	assert_int_equal(errno, ENOEXEC);
	assert_logged(path);
	assert_logged("not an ELF file");

	/* a truncated copy of a good file */
	memset(&n, 0, sizeof(n));
	stapsdt(&n, 0x401010, STAPSDT_BASE, 0, "app", "a", "");
	write_elf(tmp("whole"), &n, NULL, EM_X86_64);
	assert_int_equal(truncate(tmp("whole"), 0x1100), 0);
	cat = open_cat(tmp("whole"));
	assert_null(cat);
	assert_int_equal(errno, ENOEXEC);
	assert_logged("whole: truncated ELF file: its section headers are not "
		      "within its 4352 bytes");

	/* an object file (ET_REL): its notes' addresses are not relocated */
	write_elf(tmp("obj.o"), &n, NULL, EM_X86_64);
	{
		int fd = open(tmp("obj.o"), O_WRONLY);
		uint16_t rel = ET_REL;

		assert_int_equal(pwrite(fd, &rel, 2, 16), 2);
		close(fd);
	}
	cat = open_cat(tmp("obj.o"));
	assert_null(cat);
	assert_int_equal(errno, ENOEXEC);
	assert_logged("obj.o: not an executable or shared library (ELF type 1)");

	cat = open_cat(tmpdir);
	assert_null(cat);
	assert_int_equal(errno, EISDIR);
	assert_logged(": not a regular file");

	cat = open_cat(tmp("does-not-exist"));
	assert_null(cat);
	assert_int_equal(errno, ENOENT);
	assert_logged("does-not-exist: cannot open");

	cat = open_cat("no-such-library-xyz");
	assert_null(cat);
	assert_int_equal(errno, ENOENT);
	assert_logged("no-such-library-xyz: no such file, nor a library");
}

static void test_no_probes(void **state)
{
	struct tsdt_catalog *cat;
	const char *path = tmp("empty");
	struct buf n = {};

	/* a .note.stapsdt section holding only someone else's note (found by
	 * fuzz/catalog: qsort(NULL, 0)) */
	note(&n, "GNU", 1, "abcd", 4);
	write_elf(tmp("foreign"), &n, NULL, EM_X86_64);
	cat = open_cat(tmp("foreign"));
	assert_non_null(cat);
	assert_int_equal(tsdt_binary__probe_cnt(tsdt_catalog__binary(cat, 0)), 0);
	tsdt_catalog__free(cat);

	write_elf(path, NULL, NULL, EM_X86_64);
	cat = open_cat(path);
	assert_non_null(cat);
	assert_int_equal(tsdt_binary__probe_cnt(tsdt_catalog__binary(cat, 0)), 0);
	tsdt_catalog__free(cat);
}

static void test_opts(void **state)
{
	struct {
		struct tsdt_catalog_opts o;
		char extra[8];
	} big;

	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.extra[3] = 1;
	write_elf(tmp("empty"), NULL, NULL, EM_X86_64);
	assert_null(tsdt_catalog__open_file(tmp("empty"), &big.o));
	assert_int_equal(errno, EINVAL);
	big.extra[3] = 0;
	tsdt_catalog__free(tsdt_catalog__open_file(tmp("empty"), &big.o));
	assert_null(tsdt_catalog__open_pid(0, NULL));
	assert_int_equal(errno, EINVAL);
}

/* the raw parsers on their own */
static void test_raw_parsers(void **state)
{
	struct tsdt_stapsdt_note sn;
	struct tsdt_type_note tn;
	unsigned char d32[] = { 0x10, 0x20, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0,
				'p', 0, 'n', 0, '4', '@', '%', 'e', 'a', 'x', 0 };
	unsigned char be[24 + 6] = { 0, 0, 0, 0, 0, 0, 0x12, 0x34 };
	char err[160];

	assert_int_equal(tsdt_note_parse_stapsdt(d32, sizeof(d32), 4, false,
						 &sn, err, sizeof(err)), 0);
	assert_int_equal(sn.pc, 0x2010);
	assert_int_equal(sn.base, 1);
	assert_int_equal(sn.sema, 2);
	assert_string_equal(sn.args, "4@%eax");
	memcpy(be + 24, "p\0n\0\0", 5);
	assert_int_equal(tsdt_note_parse_stapsdt(be, sizeof(be), 8, true, &sn,
						 err, sizeof(err)), 0);
	assert_int_equal(sn.pc, 0x1234);
	assert_int_equal(tsdt_note_parse_stapsdt(d32, sizeof(d32), 2, false,
						 &sn, err, sizeof(err)), -EINVAL);
	assert_int_equal(tsdt_note_parse_stapsdt(NULL, 0, 8, false, &sn, err,
						 sizeof(err)), -EINVAL);

	/* type notes */
	{
		unsigned char ok[] = { 1, 1, 'p', 0, 'n', 0, 1, 4, 1, 'i', 'n',
				       't', 0, 'x', 0 };
		unsigned char v2[] = { 2, 0, 'p', 0, 'n', 0 };
		unsigned char many[] = { 1, 13, 'p', 0, 'n', 0 };
		unsigned char kind[] = { 1, 1, 'p', 0, 'n', 0, 9, 4, 0, 0, 0 };
		unsigned char size[] = { 1, 1, 'p', 0, 'n', 0, 1, 3, 0, 0, 0 };
		unsigned char flags[] = { 1, 1, 'p', 0, 'n', 0, 1, 4, 2, 0, 0 };
		unsigned char trunc[] = { 1, 1, 'p', 0, 'n', 0, 1, 4 };
		unsigned char noname[] = { 1, 1, 'p', 0, 'n', 0, 1, 4, 0, 'i', 0 };

		assert_int_equal(tsdt_note_parse_type(ok, sizeof(ok), &tn, err,
						      sizeof(err)), 0);
		assert_int_equal(tn.nargs, 1);
		assert_string_equal(tn.args[0].type, "int");
		assert_string_equal(tn.args[0].argname, "x");
		assert_int_equal(tsdt_note_parse_type(v2, sizeof(v2), &tn, err,
						      sizeof(err)), -ENOTSUP);
		assert_non_null(strstr(err, "version 2 not supported"));
		assert_int_equal(tsdt_note_parse_type(many, sizeof(many), &tn,
						      err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "13 arguments"));
		assert_int_equal(tsdt_note_parse_type(kind, sizeof(kind), &tn,
						      err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "unknown kind 9"));
		assert_int_equal(tsdt_note_parse_type(size, sizeof(size), &tn,
						      err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "bad size 3"));
		assert_int_equal(tsdt_note_parse_type(flags, sizeof(flags), &tn,
						      err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "unknown flags"));
		assert_int_equal(tsdt_note_parse_type(trunc, sizeof(trunc), &tn,
						      err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "argument 0 missing"));
		assert_int_equal(tsdt_note_parse_type(noname, sizeof(noname), &tn,
						      err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "argument 0 name"));
		assert_int_equal(tsdt_note_parse_type(ok, 1, &tn, err,
						      sizeof(err)), -EINVAL);
	}
}

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/tsdt-test-note.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	tsdt_set_print(capture);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	if (getenv("TSDT_TEST_KEEP"))
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

/* C records an enum with kind INT; the spelling "enum x" makes it ENUM, a
 * typedef'd one stays INT. */
static void test_type_note_enum(void **state)
{
	struct tsdt_type_note_arg e = { 1, 4, 0, "enum color", "c" };
	struct tsdt_type_note_arg td = { 1, 4, 1, "LOCKMODE", "m" };
	struct tsdt_type_note_arg en = { 1, 4, 1, "enumerator_t", "x" };
	struct tsdt_type t;

	tsdt_type_note_arg__type(&e, &t);
	assert_int_equal(t.kind, TSDT_TYPE_ENUM);
	assert_int_equal(t.size, 4);
	assert_string_equal(t.name, "enum color");
	tsdt_type_note_arg__type(&td, &t);
	assert_int_equal(t.kind, TSDT_TYPE_INT);
	assert_true(t.is_signed);
	tsdt_type_note_arg__type(&en, &t);
	assert_int_equal(t.kind, TSDT_TYPE_INT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_untyped_merge),
		cmocka_unit_test(test_type_note),
		cmocka_unit_test(test_type_note_enum),
		cmocka_unit_test(test_type_note_mismatch),
		cmocka_unit_test(test_malformed_notes),
		cmocka_unit_test(test_truncated_section),
		cmocka_unit_test(test_bad_site_and_specs),
		cmocka_unit_test(test_unsupported_arch),
		cmocka_unit_test(test_aarch64_file),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_no_probes),
		cmocka_unit_test(test_opts),
		cmocka_unit_test(test_raw_parsers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
