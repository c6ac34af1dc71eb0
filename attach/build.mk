# libtsdt: catalog (ELF notes, specs, types) and attach engine.

# Catalogue (issue 3): logging, ELF notes, argument specs, types, catalog.
LIBTSDT_SRCS += attach/log.c attach/elf.c attach/note.c attach/spec.c \
		attach/spec-x86.c attach/spec-arm64.c attach/types.c \
		attach/catalog.c attach/catalog-provider.c attach/proc.c

# Attach engine (issue 4): typed handlers, spec map, generic tracer.
LIBTSDT_SRCS += attach/attach.c attach/btf-args.c
