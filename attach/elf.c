// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* ELF access through libelf: open, sections, notes, segments, symbols. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf-reader.h"
#include "log.h"

int tsdt_elf_open(struct tsdt_elf *ef, const char *path, const char *name)
{
	size_t shnum;
	struct stat st;
	int err;

	memset(ef, 0, sizeof(*ef));
	ef->fd = -1;
	ef->path = name;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		pr_warn("catalog: libelf initialization failed: %s\n",
			elf_errmsg(-1));
		return -EINVAL;
	}
	ef->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (ef->fd < 0) {
		err = -errno;
		pr_warn("catalog: %s: cannot open: %s\n", name, strerror(-err));
		return err;
	}
	if (fstat(ef->fd, &st)) {
		err = -errno;
		pr_warn("catalog: %s: cannot stat: %s\n", name, strerror(-err));
		goto err_out;
	}
	if (!S_ISREG(st.st_mode)) {
		pr_warn("catalog: %s: not a regular file\n", name);
		err = S_ISDIR(st.st_mode) ? -EISDIR : -ENOEXEC;
		goto err_out;
	}
	ef->size = st.st_size;
	ef->dev = st.st_dev;
	ef->ino = st.st_ino;
	ef->elf = elf_begin(ef->fd, ELF_C_READ_MMAP, NULL);
	if (!ef->elf) {
		pr_warn("catalog: %s: cannot read: %s\n", name, elf_errmsg(-1));
		err = -ENOEXEC;
		goto err_out;
	}
	if (elf_kind(ef->elf) != ELF_K_ELF) {
		pr_warn("catalog: %s: not an ELF file\n", name);
		err = -ENOEXEC;
		goto err_out;
	}
	if (!gelf_getehdr(ef->elf, &ef->ehdr)) {
		pr_warn("catalog: %s: bad ELF header: %s\n", name, elf_errmsg(-1));
		err = -ENOEXEC;
		goto err_out;
	}
	ef->addr_sz = gelf_getclass(ef->elf) == ELFCLASS32 ? 4 : 8;
	ef->big_endian = ef->ehdr.e_ident[EI_DATA] == ELFDATA2MSB;
	if (elf_getshdrnum(ef->elf, &shnum) ||
	    ef->ehdr.e_shoff > ef->size ||
	    (uint64_t)shnum * ef->ehdr.e_shentsize > ef->size - ef->ehdr.e_shoff) {
		pr_warn("catalog: %s: truncated ELF file: its section headers "
			"are not within its %" PRIu64 " bytes\n", name, ef->size);
		err = -ENOEXEC;
		goto err_out;
	}
	if (elf_getshdrstrndx(ef->elf, &ef->shstrndx)) {
		pr_warn("catalog: %s: no section name table: %s\n", name,
			elf_errmsg(-1));
		err = -ENOEXEC;
		goto err_out;
	}
	return 0;
err_out:
	tsdt_elf_close(ef);
	return err;
}

void tsdt_elf_close(struct tsdt_elf *ef)
{
	if (ef->elf)
		elf_end(ef->elf);
	if (ef->fd >= 0)
		close(ef->fd);
	ef->elf = NULL;
	ef->fd = -1;
}

Elf_Scn *tsdt_elf_find_scn(struct tsdt_elf *ef, const char *name,
			   Elf_Scn *after, GElf_Shdr *shdr)
{
	Elf_Scn *scn = after;

	while ((scn = elf_nextscn(ef->elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, shdr))
			continue;
		n = elf_strptr(ef->elf, ef->shstrndx, shdr->sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

int tsdt_elf_for_each_note(struct tsdt_elf *ef, Elf_Scn *scn,
			   const char *owner, uint32_t type, tsdt_note_fn fn,
			   void *ctx)
{
	size_t owner_sz = strlen(owner) + 1, idx = 0;
	Elf_Data *data = NULL;
	GElf_Shdr shdr;
	int err;

	if (!gelf_getshdr(scn, &shdr))
		return -EINVAL;
	if (shdr.sh_type != SHT_NOTE) {
		pr_warn("catalog: %s: note section is not of type SHT_NOTE\n",
			ef->path);
		return -EINVAL;
	}
	if (shdr.sh_offset > ef->size || shdr.sh_size > ef->size - shdr.sh_offset) {
		pr_warn("catalog: %s: truncated ELF file: a note section ends "
			"past its %" PRIu64 " bytes\n", ef->path, ef->size);
		return -EINVAL;
	}
	while ((data = elf_getdata(scn, data))) {
		size_t off = 0, next, name_off, desc_off;
		GElf_Nhdr nhdr;

		while (off < data->d_size &&
		       (next = gelf_getnote(data, off, &nhdr, &name_off,
					    &desc_off)) > 0) {
			if (nhdr.n_type == type && nhdr.n_namesz == owner_sz &&
			    !memcmp((char *)data->d_buf + name_off, owner,
				    owner_sz)) {
				err = fn(ctx, (char *)data->d_buf + desc_off,
					 nhdr.n_descsz, idx);
				if (err)
					return err;
			}
			idx++;
			off = next;
		}
		if (off < data->d_size) {
			pr_warn("catalog: %s: truncated or malformed note at "
				"offset %zu of its note section\n", ef->path, off);
			return -EINVAL;
		}
	}
	return 0;
}

int tsdt_elf_segment_off(Elf *elf, uint64_t addr, bool file_bytes,
			 uint64_t *off)
{
	size_t n;

	if (elf_getphdrnum(elf, &n))
		return -ENOENT;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (addr >= ph.p_vaddr && addr - ph.p_vaddr <
		    (file_bytes ? ph.p_filesz : ph.p_memsz)) {
			*off = addr - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -ENOENT;
}

int tsdt_elf_vaddr_to_off_seg(struct tsdt_elf *ef, uint64_t addr,
			      uint64_t *off)
{
	return tsdt_elf_segment_off(ef->elf, addr, false, off);
}

int tsdt_elf_vaddr_to_off_scn(struct tsdt_elf *ef, uint64_t addr,
			      uint64_t *off, const char **scn_name)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(ef->elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) ||
		    sh.sh_type == SHT_NOBITS)
			continue;
		if (addr >= sh.sh_addr && addr - sh.sh_addr < sh.sh_size) {
			*off = addr - sh.sh_addr + sh.sh_offset;
			if (scn_name)
				*scn_name = elf_strptr(ef->elf, ef->shstrndx,
						       sh.sh_name);
			return 0;
		}
	}
	return -ENOENT;
}

struct sym_ref {
	const char *name;
	size_t idx;
};

static int cmp_sym_ref(const void *a, const void *b)
{
	return strcmp(((const struct sym_ref *)a)->name,
		      ((const struct sym_ref *)b)->name);
}

int tsdt_elf_resolve_syms(struct tsdt_elf *ef, const char **names, size_t n,
			  uint64_t *values, uint64_t *sizes, bool *found)
{
	static const Elf64_Word types[] = { SHT_SYMTAB, SHT_DYNSYM };
	struct sym_ref *refs;
	size_t left = 0;

	if (!n)
		return 0;
	refs = calloc(n, sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		refs[i].name = names[i];
		refs[i].idx = i;
		left += !found[i];
	}
	qsort(refs, n, sizeof(*refs), cmp_sym_ref);
	for (size_t t = 0; t < 2 && left; t++) {
		Elf_Scn *scn = NULL;
		GElf_Shdr sh;

		while ((scn = elf_nextscn(ef->elf, scn)) && left) {
			Elf_Data *data;
			size_t cnt;

			if (!gelf_getshdr(scn, &sh) || sh.sh_type != types[t] ||
			    !sh.sh_entsize)
				continue;
			data = elf_getdata(scn, NULL);
			if (!data)
				continue;
			cnt = data->d_size / sh.sh_entsize;
			for (size_t i = 0; i < cnt && left; i++) {
				struct sym_ref key, *r;
				GElf_Sym sym;

				if (!gelf_getsym(data, i, &sym) ||
				    sym.st_shndx == SHN_UNDEF || !sym.st_name)
					continue;
				key.name = elf_strptr(ef->elf, sh.sh_link,
						      sym.st_name);
				if (!key.name)
					continue;
				r = bsearch(&key, refs, n, sizeof(*refs),
					    cmp_sym_ref);
				if (!r)
					continue;
				/* every ref with that name (duplicates) */
				while (r > refs && !strcmp(r[-1].name, key.name))
					r--;
				for (; r < refs + n && !strcmp(r->name, key.name); r++) {
					if (found[r->idx])
						continue;
					values[r->idx] = sym.st_value;
					if (sizes)
						sizes[r->idx] = sym.st_size;
					found[r->idx] = true;
					left--;
				}
			}
		}
	}
	free(refs);
	return 0;
}

int tsdt_elf_read_at(struct tsdt_elf *ef, uint64_t off, void *buf, size_t n)
{
	size_t size;
	const char *img = elf_rawfile(ef->elf, &size);

	if (!img || off > size || n > size - off)
		return -ERANGE;
	memcpy(buf, img + off, n);
	return 0;
}
