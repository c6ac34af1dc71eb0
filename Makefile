# tsdt — top-level build.
#
#   make            build library, CLI, BPF objects, provider compiler, examples
#   make check      install missing dependencies, build, run every test
#   make demo       install missing dependencies, build, trace two PostgreSQL
#                   clusters with examples/pg (make demo-basic: the small one)
#   make fuzz       run every libFuzzer target for FUZZ_TIME seconds each
#   make bench      run the benchmarks under bench/
#   make install PREFIX=/usr/local DESTDIR=
#   V=1             show commands
#
# Each directory contributes a build.mk fragment that appends to the lists
# below; all output goes to $(OUT).

OUT       ?= .output
PREFIX    ?= /usr/local
DESTDIR   ?=
CC        ?= cc
CLANG     ?= clang
BPFTOOL   ?= bpftool
FUZZ_TIME ?= 10
ARCH      := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
VERSION   := 0.1.0

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

WARNFLAGS := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
CFLAGS    ?= -O2 -g
ALL_CFLAGS = $(CFLAGS) $(WARNFLAGS) -std=gnu11 -D_GNU_SOURCE -fPIC \
	     -Iinclude -I$(OUT) $(INTERNAL_INC)
# The library's private headers, for the library, its tests and fuzzers;
# the CLI and the examples see only <tsdt/libtsdt.h>
INTERNAL_INC = -Iattach -Isdk
$(OUT)/cli/%.o: INTERNAL_INC =
# tsdt gen runs the generator (sdk/), which reads provider files with the
# library's parser (attach/provider.h)
$(OUT)/cli/cmd-gen.o: INTERNAL_INC = -Isdk -Iattach
$(OUT)/examples/%.o: INTERNAL_INC =
BPF_CFLAGS = -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) \
	     -I$(OUT) -Iinclude -Iattach -I/usr/include/$(MULTIARCH)
LIBS      := -lbpf -ldw -lelf -lz

# Sanitizer build of the same sources (unit tests run under ASan+UBSan).
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	     -fno-sanitize-recover=undefined

# Lists the fragments append to.
LIBTSDT_SRCS :=        # C sources of libtsdt
BPF_SRCS     :=        # *.bpf.c compiled to .bpf.o and a skeleton
BINS         :=        # programs built by `make`
UNIT_TESTS   :=        # test programs (cmocka) run by `make check`
CHECK_CMDS   :=        # further test commands run by `make check`, in order
FUZZERS      :=        # libFuzzer targets
MAN_PAGES    :=        # man pages to install

.PHONY: all check demo demo-basic fuzz bench install clean deps
all:

include sdk/build.mk
include attach/build.mk
include cli/build.mk
include examples/build.mk
include tests/build.mk
include bench/build.mk

LIBTSDT_OBJS := $(patsubst %.c,$(OUT)/%.o,$(LIBTSDT_SRCS))
LIBTSDT_SAN_OBJS := $(patsubst %.c,$(OUT)/san/%.o,$(LIBTSDT_SRCS))
BPF_OBJS  := $(patsubst %.bpf.c,$(OUT)/%.bpf.o,$(BPF_SRCS))
BPF_SKELS := $(patsubst %.bpf.c,$(OUT)/%.skel.h,$(BPF_SRCS))
# headers generated for the library's sources (GEN_HDRS in a build.mk)
BPF_SKELS += $(GEN_HDRS)

all: $(OUT)/libtsdt.a $(OUT)/libtsdt.so $(BINS) $(OUT)/tsdt.pc

# Unit tests: tests/unit/NAME.c -> $(OUT)/tests/NAME, cmocka, linked with the
# library built under ASan+UBSan. List them in UNIT_TESTS (tests/build.mk or
# a directory's build.mk).
$(OUT)/tests/%: tests/unit/%.c $(OUT)/libtsdt-san.a
	$(call msg,CC-TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -Itests/unit -o $@ $< $(OUT)/libtsdt-san.a -lcmocka $(LIBS)

# Fuzzers: fuzz/NAME.c -> $(OUT)/fuzz/NAME, libFuzzer + ASan + UBSan, with
# every library source compiled in. `make check` runs each for FUZZ_SMOKE
# seconds (tests/fuzz-smoke.sh), replaying fuzz/crashes/NAME/* first.
FUZZ_SMOKE ?= 5
FUZZERS   += $(patsubst fuzz/%.c,$(OUT)/fuzz/%,$(wildcard fuzz/*.c))
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
$(OUT)/fuzz/%: fuzz/%.c $(LIBTSDT_SRCS) $(BPF_SKELS) $(OUT)/attach/stock-dir.h
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(filter-out -fPIC,$(ALL_CFLAGS)) -Wno-unused-command-line-argument $(FUZZ_FLAGS) -o $@ $< $(LIBTSDT_SRCS) $(LIBS)
CHECK_CMDS += tests/fuzz-smoke.sh

$(OUT)/vmlinux.h:
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(OUT)/%.bpf.o: %.bpf.c $(OUT)/vmlinux.h $(wildcard attach/*.h include/tsdt/*.h)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# libbpf (inside bpftool) notes at info level that it skips .tsdt.sig, the
# section that only keeps handlers' argument types in BTF: expected, so
# filtered; every other message passes.
$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@.tmp 2> $@.err; rc=$$?; \
		grep -v 'skipping unrecognized data section.*\.tsdt\.sig' $@.err >&2; \
		rm -f $@.err; [ $$rc = 0 ] && mv $@.tmp $@

$(OUT)/%.o: %.c $(BPF_SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -fvisibility=hidden -MMD -MP -c $< -o $@

$(OUT)/san/%.o: %.c $(BPF_SKELS)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -MMD -MP -c $< -o $@

$(OUT)/libtsdt.a: $(LIBTSDT_OBJS)
	$(call msg,AR,$@)
	$(Q)mkdir -p $(@D) && rm -f $@ && ar rcs $@ $^

$(OUT)/libtsdt.so: $(LIBTSDT_OBJS) attach/libtsdt.map
	$(call msg,LD,$@)
	$(Q)$(CC) -shared -Wl,--version-script=attach/libtsdt.map \
		-Wl,-soname,libtsdt.so.0 -o $@ $(LIBTSDT_OBJS) $(LIBS)

$(OUT)/libtsdt-san.a: $(LIBTSDT_SAN_OBJS)
	$(call msg,AR,$@)
	$(Q)mkdir -p $(@D) && rm -f $@ && ar rcs $@ $^

# Written on every run, replaced only when it changes: `make install
# PREFIX=/x` after a plain `make` installs a .pc that says /x.
$(OUT)/tsdt.pc: FORCE
	$(Q)mkdir -p $(@D)
	$(Q)printf 'prefix=%s\nincludedir=$${prefix}/include\nlibdir=$${prefix}/lib\n\nName: tsdt\nDescription: typed statically defined tracing\nVersion: %s\nRequires.private: libbpf libdw libelf\nCflags: -I$${includedir}\nLibs: -L$${libdir} -ltsdt\n' \
		'$(PREFIX)' '$(VERSION)' > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
# Where the library looks for stock provider files: installed, else (an
# uninstalled build) the source tree's providers/. Rewritten as tsdt.pc is,
# so that the library says the PREFIX it is installed in.
$(OUT)/attach/stock-dir.h: FORCE
	$(Q)mkdir -p $(@D)
	$(Q)printf '#define TSDT_STOCK_DIR "%s"\n#define TSDT_SRC_STOCK_DIR "%s"\n' \
		'$(PREFIX)/share/tsdt/providers' '$(CURDIR)/providers' > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
FORCE:
.PHONY: FORCE

deps:
	$(Q)scripts/install-deps.sh

check: deps
	$(Q)$(MAKE) --no-print-directory all $(UNIT_TESTS) $(FUZZERS) $(CHECK_BINS)
	$(Q)OUT=$(OUT) FUZZ_SMOKE=$(FUZZ_SMOKE) tests/run-checks.sh $(UNIT_TESTS) -- $(CHECK_CMDS)

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)OUT=$(OUT) scripts/demo-pg.sh

# the first demo: a program instrumented with <sys/tsdt.h>, traced
demo-basic: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)OUT=$(OUT) scripts/demo.sh

fuzz: $(FUZZERS)
	$(Q)OUT=$(OUT) FUZZ_SMOKE=$(FUZZ_TIME) tests/fuzz-smoke.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/include/sys $(DESTDIR)$(PREFIX)/include/tsdt \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 include/sys/tsdt.h $(DESTDIR)$(PREFIX)/include/sys/
	install -m 644 include/tsdt/*.h $(DESTDIR)$(PREFIX)/include/tsdt/
	install -m 644 $(OUT)/libtsdt.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(OUT)/libtsdt.so $(DESTDIR)$(PREFIX)/lib/libtsdt.so.0
	ln -sf libtsdt.so.0 $(DESTDIR)$(PREFIX)/lib/libtsdt.so
	install -m 644 $(OUT)/tsdt.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	$(if $(MAN_PAGES),install -m 644 $(MAN_PAGES) $(DESTDIR)$(PREFIX)/share/man/man1/)
	install -d $(DESTDIR)$(PREFIX)/share/tsdt/providers
	install -m 644 providers/*.d $(DESTDIR)$(PREFIX)/share/tsdt/providers/

clean:
	rm -rf $(OUT)

.DELETE_ON_ERROR:
.SECONDARY:
-include $(shell find $(OUT) -name '*.d' 2>/dev/null)
