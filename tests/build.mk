# Tests: unit tests (cmocka) and integration scripts.

# <sys/tsdt.h>: its tests and fixtures.
include tests/header/build.mk

# Leaf functions with live data in the red zone, traced.
include tests/redzone/build.mk

# tsdt trace / stat: the fixture of tests/integration/trace-*.sh.
TRACE_FIXTURE := $(OUT)/tests/trace/fixture
all: $(TRACE_FIXTURE)
$(TRACE_FIXTURE): tests/trace/fixture.c tests/trace/fixture-sdt.c include/sys/tsdt.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Iinclude -o $@ tests/trace/fixture.c tests/trace/fixture-sdt.c -lpthread
# A <sys/sdt.h> program with a rip-relative argument, built and stripped
# (tests/integration/trace-ripstrip.sh).
TRACE_RIPSTRIP := $(OUT)/tests/trace/ripstrip
all: $(TRACE_RIPSTRIP)
$(TRACE_RIPSTRIP): tests/trace/ripstrip.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -o $@.full $<
	$(Q)strip -o $@ $@.full
TRACE_THROW := $(OUT)/tests/trace/throw
all: $(TRACE_THROW)
$(TRACE_THROW): tests/trace/throw.cc
	$(call msg,CXX,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) -O2 -g -Wall -o $@ $<
CHECK_CMDS += tests/integration/trace-args.sh tests/integration/trace-pid.sh \
	      tests/integration/trace-json.sh tests/integration/trace-lost.sh \
	      tests/integration/trace-exit.sh tests/integration/trace-lib.sh
CHECK_CMDS += tests/integration/pg-checkpoint.sh tests/integration/pg-transaction.sh \
	      tests/integration/pg-roles.sh
UNIT_TESTS += $(OUT)/tests/test_cli_util
CHECK_CMDS += tests/integration/headers-standalone.sh
# what TSDT_HANDLER() compiles to: no fetch of an argument the body never reads
CHECK_CMDS += tests/integration/handler-fetch.sh
CHECK_CMDS += tests/integration/stat-basic.sh tests/integration/install.sh

# Probes in the libraries a -c command needs (tests/integration/trace-deps.sh):
# libprov.so twice (lib/ and ldpath/, PROV_VARIANT 1 and 2), each needing
# libinner.so through its $ORIGIN RUNPATH; programs linking libprov through
# DT_RUNPATH, DT_RPATH or nothing; libgone.so in no searched directory.
DEPS_DIR := $(OUT)/tests/deps
DEPS_BINS := $(DEPS_DIR)/app-runpath $(DEPS_DIR)/app-rpath \
	     $(DEPS_DIR)/app-plain $(DEPS_DIR)/app-gone \
	     $(DEPS_DIR)/ldpath/libprov.so $(DEPS_DIR)/needed
all: $(DEPS_BINS)
$(DEPS_DIR)/lib/inner/libinner.so $(DEPS_DIR)/ldpath/inner/libinner.so: \
		tests/deps/inner.c include/sys/tsdt.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Iinclude -shared -fPIC -o $@ $<
$(DEPS_DIR)/gone/libgone.so: tests/deps/gone.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -shared -fPIC -Wl,-soname,libgone.so -o $@ $<
$(DEPS_DIR)/lib/libprov.so: DEPS_VARIANT := 1
$(DEPS_DIR)/ldpath/libprov.so: DEPS_VARIANT := 2
$(DEPS_DIR)/%/libprov.so: tests/deps/prov.c include/sys/tsdt.h \
		$(DEPS_DIR)/%/inner/libinner.so
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -g -Wall -Iinclude -shared -fPIC \
		-DPROV_VARIANT=$(DEPS_VARIANT) -o $@ $< -L$(@D)/inner -linner \
		-Wl,--enable-new-dtags,-rpath,'$$ORIGIN/inner'
DEPS_APP_LINK = $(CC) -O2 -g -Wall -Iinclude -o $@ tests/deps/app.c \
		-L$(DEPS_DIR)/lib -lprov -Wl,-rpath-link,$(DEPS_DIR)/lib/inner
$(DEPS_DIR)/app-runpath: tests/deps/app.c $(DEPS_DIR)/lib/libprov.so
	$(call msg,CC,$@)
	$(Q)$(DEPS_APP_LINK) -Wl,--enable-new-dtags,-rpath,'$$ORIGIN/lib'
$(DEPS_DIR)/app-rpath: tests/deps/app.c $(DEPS_DIR)/lib/libprov.so
	$(call msg,CC,$@)
	$(Q)$(DEPS_APP_LINK) -Wl,--disable-new-dtags,-rpath,'$$ORIGIN/lib'
$(DEPS_DIR)/app-plain: tests/deps/app.c $(DEPS_DIR)/lib/libprov.so
	$(call msg,CC,$@)
	$(Q)$(DEPS_APP_LINK)
$(DEPS_DIR)/app-gone: tests/deps/app.c $(DEPS_DIR)/lib/libprov.so \
		$(DEPS_DIR)/gone/libgone.so
	$(call msg,CC,$@)
	$(Q)$(DEPS_APP_LINK) -Wl,--enable-new-dtags,-rpath,'$$ORIGIN/lib' \
		-Wl,--no-as-needed -L$(DEPS_DIR)/gone -lgone
$(DEPS_DIR)/needed: tests/deps/needed.c $(OUT)/libtsdt.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(OUT)/libtsdt.a $(LIBS)
CHECK_CMDS += tests/integration/trace-deps.sh tests/integration/select-same.sh \
	      tests/integration/trace-add.sh tests/integration/trace-lines.sh \
	      tests/integration/trace-ripstrip.sh

# Process families (tests/integration/follow-*.sh): the family program, a
# copy under another name (a program no session has seen before it is
# exec'd), and libfam.so, only ever dlopen'ed.
FOLLOW_DIR := $(OUT)/tests/follow
FOLLOW_BINS := $(FOLLOW_DIR)/family $(FOLLOW_DIR)/family-new $(FOLLOW_DIR)/libfam.so \
	       $(FOLLOW_DIR)/family-nopie $(FOLLOW_DIR)/roles $(FOLLOW_DIR)/roles-global \
	       $(FOLLOW_DIR)/statics
CHECK_CMDS += tests/integration/follow-fork.sh tests/integration/follow-exec.sh \
	      tests/integration/follow-cgroup.sh tests/integration/trace-globals.sh \
	      tests/integration/follow-roles.sh tests/integration/trace-functions.sh \
	      tests/integration/trace-debuginfo.sh
all: $(FOLLOW_BINS)
$(FOLLOW_DIR)/family $(FOLLOW_DIR)/family-new: tests/follow/family.c include/sys/tsdt.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Iinclude -o $@ $< -ldl -lpthread
# with debug information; tests/integration/trace-debuginfo.sh splits it
$(FOLLOW_DIR)/statics: tests/follow/statics.c include/sys/tsdt.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Iinclude -Wl,--build-id -o $@ $<
$(FOLLOW_DIR)/roles: tests/follow/roles.c include/sys/tsdt.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Iinclude -o $@ $<
$(FOLLOW_DIR)/roles-global: tests/follow/roles.c include/sys/tsdt.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Iinclude -DNO_ROLE_MACRO -o $@ $<
# the same, not position-independent (globals at their link-time address)
$(FOLLOW_DIR)/family-nopie: tests/follow/family.c include/sys/tsdt.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Iinclude -fno-pie -no-pie -o $@ $< -ldl -lpthread
$(FOLLOW_DIR)/libfam.so: tests/follow/libfam.c include/sys/tsdt.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Iinclude -shared -fPIC -o $@ $<

# Spans (tests/integration/span-*.sh): a client and a server, a pipe at
# full speed, a pre-fork server with roles (tests/span/reqsrv.c).
SPAN_DIR := $(OUT)/tests/span
SPAN_BINS := $(SPAN_DIR)/reqsrv
CHECK_CMDS += tests/integration/span-pair.sh tests/integration/span-perfetto.sh
# Stock types (providers/): CPython, libstdc++, PostgreSQL typed with no flag.
CHECK_CMDS += tests/integration/stock-types.sh
# Provider files from other projects: declarations, translated arguments,
# unknown types, long names, reproducible -G, DTrace spelling.
CHECK_CMDS += tests/integration/gen-dtrace-files.sh
# PostgreSQL 15 built with tsdt-gen as its dtrace, beside SystemTap's
# (source: scripts/install-deps.sh; ~3 min cold, ~35 s with ccache warm).
CHECK_CMDS += tests/integration/pg-build-gen.sh
all: $(SPAN_BINS)
$(SPAN_DIR)/reqsrv: tests/span/reqsrv.c include/sys/tsdt.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Iinclude -o $@ $<
UNIT_TESTS += $(OUT)/tests/test_pg_norm
# pg-top's replication flows, fed events of its own (no server)
UNIT_TESTS += $(OUT)/tests/test_pg_flows
$(OUT)/tests/test_pg_flows: tests/unit/test_pg_flows.c examples/pg/pg-flows.c \
		examples/pg/pg-flows.h examples/pg/pg-top.h
	$(call msg,CC-TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -Itests/unit -o $@ $< examples/pg/pg-flows.c -lcmocka
