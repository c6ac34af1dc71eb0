# The tsdt CLI: cli/tsdt.c dispatches to cli/cmd-*.c.
CLI_SRCS := $(wildcard cli/*.c)
CLI_OBJS := $(patsubst %.c,$(OUT)/%.o,$(CLI_SRCS))
BINS += $(OUT)/tsdt
MAN_PAGES += $(wildcard docs/man/*.1)

$(OUT)/cli/%.o: ALL_CFLAGS += -DTSDT_VERSION='"$(VERSION)"'

$(OUT)/tsdt: $(CLI_OBJS) $(OUT)/libtsdt.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $(CLI_OBJS) $(OUT)/libtsdt.a $(LIBS)
