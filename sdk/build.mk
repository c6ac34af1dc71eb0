# Provider compiler (tsdt-gen / tsdt gen). The provider-file parser is part of
# libtsdt too (the catalog reads --provider-file with it).

LIBTSDT_SRCS += sdk/provider.c
