# libtsdt: catalog (ELF notes, specs, types) and attach engine.

# Catalogue: logging, ELF notes, argument specs, types, catalog.
LIBTSDT_SRCS += attach/log.c attach/elf.c attach/note.c attach/spec.c \
		attach/spec-x86.c attach/spec-arm64.c attach/types.c \
		attach/catalog.c attach/catalog-provider.c attach/proc.c \
		attach/deps.c attach/pattern.c attach/target.c \
		attach/provider.c
UNIT_TESTS += $(OUT)/tests/test_spec $(OUT)/tests/test_note $(OUT)/tests/test_pattern \
	      $(OUT)/tests/test_types
CHECK_CMDS += tests/integration/list-readelf.sh tests/integration/list-pid.sh \
	      tests/integration/list-types.sh tests/integration/list-aarch64.sh

# Attach engine: typed handlers, spec map, generic tracer.
LIBTSDT_SRCS += attach/attach.c attach/features.c attach/btf-args.c attach/trace.c attach/span.c attach/global.c \
		attach/trace-startup.c attach/trace-poll.c attach/event.c \
		attach/writer.c attach/writer-text.c attach/writer-json.c attach/writer-perfetto.c \
		attach/ringbuf.c attach/follow.c attach/fnprobe.c \
		attach/debuginfo.c
BPF_SRCS += attach/trace.bpf.c

# Attach test fixtures (tests/integration/attach-*.sh, trace-add.sh): built
# by `make` (so by `make check` before any test runs).
ATTACH_TEST_BINS := $(OUT)/tests/attach/target $(OUT)/tests/attach/loader \
		    $(OUT)/tests/attach/tracer $(OUT)/tests/attach/thrower
.PHONY: attach-test-bins
attach-test-bins: $(ATTACH_TEST_BINS)
all: $(ATTACH_TEST_BINS)
$(OUT)/tests/attach/target: tests/attach/target.c tests/attach/target-xmm.c \
		include/sys/tsdt.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Iinclude -o $@ tests/attach/target.c \
		tests/attach/target-xmm.c
$(OUT)/tests/attach/thrower: tests/attach/thrower.cc
	$(call msg,CXX,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) -O2 -g -Wall -o $@ $<
$(OUT)/tests/attach/handlers.bpf.o: tests/attach/handlers.h
$(OUT)/tests/attach/loader: tests/attach/loader.c tests/attach/handlers.h \
		$(OUT)/tests/attach/handlers.skel.h $(OUT)/libtsdt.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/attach -o $@ $< $(OUT)/libtsdt.a $(LIBS)
$(OUT)/tests/attach/tracer: tests/attach/tracer.c $(OUT)/libtsdt.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(OUT)/libtsdt.a $(LIBS)
UNIT_TESTS += $(OUT)/tests/test_btf_args $(OUT)/tests/test_ringbuf $(OUT)/tests/test_writer
# latency histograms (<tsdt/hist.h>, tsdt_hist__*()): buckets, percentiles
UNIT_TESTS += $(OUT)/tests/test_hist
CHECK_CMDS += tests/integration/attach-values.sh \
	      tests/integration/attach-refuse.sh \
	      tests/integration/attach-strings.sh \
	      tests/integration/attach-detach.sh \
	      tests/integration/attach-pid.sh \
	      tests/integration/attach-thirdparty.sh

# The build architecture's system call names and numbers, from the
# compiler's <asm/unistd.h> (span.c: syscall spans, tsdt_syscall__name()).
GEN_HDRS += $(OUT)/attach/syscall-names.h
# catalog-provider.c's stock directory (Makefile), rewritten per PREFIX: only
# what includes it is rebuilt when it changes
$(OUT)/attach/catalog-provider.o $(OUT)/san/attach/catalog-provider.o: \
	$(OUT)/attach/stock-dir.h
$(OUT)/attach/syscall-names.h:
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)echo '#include <asm/unistd.h>' | $(CC) -dM -E - | \
		sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9][0-9]*\)$$/{ "\1", \2 },/p' | \
		sort -t, -k2 -n > $@.tmp && [ -s $@.tmp ] && mv $@.tmp $@
