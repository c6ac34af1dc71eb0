/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* ELF reading for the catalog, through libelf. (Not named elf.h: with
 * -Iattach that would hide the system <elf.h> that <libelf.h> includes.) */
#ifndef TSDT_ELF_READER_H
#define TSDT_ELF_READER_H

#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdint.h>

struct tsdt_elf {
	const char *path;     /* for messages */
	int fd;
	Elf *elf;
	GElf_Ehdr ehdr;
	size_t shstrndx;
	uint64_t size;        /* of the file */
	uint64_t dev, ino;    /* its identity (st_dev, st_ino) */
	int addr_sz;          /* 4 or 8 */
	bool big_endian;
};

/* Opens @path (@name is the path shown in messages). Returns 0 or a negative
 * errno with a message: -ENOENT..., -ENOEXEC for a file that is not ELF. */
int tsdt_elf_open(struct tsdt_elf *ef, const char *path, const char *name);
void tsdt_elf_close(struct tsdt_elf *ef);

/* The first section named @name after @after (NULL: from the start), or
 * NULL. Relocatable objects may have several .note.stapsdt sections. */
Elf_Scn *tsdt_elf_find_scn(struct tsdt_elf *ef, const char *name,
			   Elf_Scn *after, GElf_Shdr *shdr);

/* Note iteration over one SHT_NOTE section: calls @fn for each note with
 * owner @owner and type @type; stops at the first non-zero return. */
typedef int (*tsdt_note_fn)(void *ctx, const void *desc, size_t desc_sz,
			    size_t note_idx);
int tsdt_elf_for_each_note(struct tsdt_elf *ef, Elf_Scn *scn,
			   const char *owner, uint32_t type, tsdt_note_fn fn,
			   void *ctx);

/* File offset of virtual address @addr via the PT_LOAD segment of @elf
 * holding it (within the segment's bytes in the file only when
 * @file_bytes, else within its memory size: a .bss semaphore); -ENOENT if
 * none. */
int tsdt_elf_segment_off(Elf *elf, uint64_t addr, bool file_bytes,
			 uint64_t *off);
/* The same for @ef, memory size. */
int tsdt_elf_vaddr_to_off_seg(struct tsdt_elf *ef, uint64_t addr,
			      uint64_t *off);
/* ... via the allocated section holding it (not SHT_NOBITS). */
int tsdt_elf_vaddr_to_off_scn(struct tsdt_elf *ef, uint64_t addr,
			      uint64_t *off, const char **scn_name);

/* Copies @n bytes at file offset @off into @buf: 0, or -ERANGE when they
 * are not all within the file. */
int tsdt_elf_read_at(struct tsdt_elf *ef, uint64_t off, void *buf, size_t n);

/* Symbol resolution in one pass over .symtab then .dynsym: for each i with
 * names[i] not yet found (found[i] false), sets values[i] (and sizes[i],
 * st_size, when @sizes is not NULL). */
int tsdt_elf_resolve_syms(struct tsdt_elf *ef, const char **names, size_t n,
			  uint64_t *values, uint64_t *sizes, bool *found);

#endif /* TSDT_ELF_READER_H */
