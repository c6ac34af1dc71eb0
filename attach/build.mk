# libtsdt: catalog (ELF notes, specs, types) and attach engine.

# Catalogue (issue 3): logging, ELF notes, argument specs, types, catalog.
LIBTSDT_SRCS += attach/log.c
