# Tests: unit tests (cmocka) and integration scripts.

# <sys/tsdt.h> (issue 2): its tests and fixtures.
include tests/header/build.mk

# tsdt trace / stat (issue 4): the fixture of tests/integration/trace-*.sh.
TRACE_FIXTURE := $(OUT)/tests/trace/fixture
all: $(TRACE_FIXTURE)
$(TRACE_FIXTURE): tests/trace/fixture.c tests/trace/fixture-sdt.c include/sys/tsdt.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Iinclude -o $@ tests/trace/fixture.c tests/trace/fixture-sdt.c
TRACE_THROW := $(OUT)/tests/trace/throw
all: $(TRACE_THROW)
$(TRACE_THROW): tests/trace/throw.cc
	$(call msg,CXX,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) -O2 -g -Wall -o $@ $<
CHECK_CMDS += tests/integration/trace-args.sh tests/integration/trace-pid.sh \
	      tests/integration/trace-json.sh tests/integration/trace-lost.sh \
	      tests/integration/trace-exit.sh tests/integration/trace-lib.sh
CHECK_CMDS += tests/integration/pg-checkpoint.sh tests/integration/pg-transaction.sh
UNIT_TESTS += $(OUT)/tests/test_cli_util
CHECK_CMDS += tests/integration/headers-standalone.sh
CHECK_CMDS += tests/integration/stat-basic.sh
