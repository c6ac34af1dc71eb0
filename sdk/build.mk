# Provider compiler (tsdt-gen / tsdt gen). The provider-file parser it uses
# is libtsdt's (attach/provider.c: the catalog reads --provider-file with it).

# The generator: one file per output format behind the table in gen.c.
GEN_SRCS := sdk/gen.c sdk/gen-main.c sdk/gen-header.c sdk/gen-source.c \
	    sdk/gen-bpf.c
GEN_OBJS := $(patsubst %.c,$(OUT)/%.o,$(GEN_SRCS))
BINS += $(OUT)/tsdt-gen

$(OUT)/sdk/gen-main.o: ALL_CFLAGS += -DTSDT_VERSION='"$(VERSION)"'

$(OUT)/tsdt-gen: $(OUT)/sdk/tsdt-gen.o $(GEN_OBJS) $(OUT)/libtsdt.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $(OUT)/sdk/tsdt-gen.o $(GEN_OBJS) $(OUT)/libtsdt.a $(LIBS)

# `tsdt gen` (cli/cmd-gen.c) calls the same generator: link its objects into
# the CLI without touching cli/build.mk (the recipe there links $(CLI_OBJS)).
$(OUT)/tsdt: $(GEN_OBJS)
$(OUT)/tsdt: CLI_OBJS += $(GEN_OBJS)


# Tests of the provider compiler.
UNIT_TESTS += $(OUT)/tests/test_provider $(OUT)/tests/test_provider_gen
CHECK_CMDS += tests/integration/gen-cli.sh tests/integration/gen-postgresql.sh \
	      tests/integration/gen-bpf-attach.sh
