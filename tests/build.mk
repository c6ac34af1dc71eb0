# Tests: unit tests (cmocka) and integration scripts.

# <sys/tsdt.h> (issue 2): notes against <sys/sdt.h>, consumers, matrix.
CHECK_CMDS += tests/integration/header-notes.sh
CHECK_CMDS += tests/integration/header-consumers.sh
# Fixture of header-consumers.sh, built by the script through
# `make header-test-bins` (not by `make all`).
HEADER_TEST_BINS := $(OUT)/tests/header/usdt-values
.PHONY: header-test-bins
header-test-bins: $(HEADER_TEST_BINS)
$(OUT)/tests/header/usdt-values.bpf.o: tests/header/usdt-values.h
$(OUT)/tests/header/usdt-values: tests/header/usdt-values.c tests/header/usdt-values.h \
		$(OUT)/tests/header/usdt-values.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/header -I$(OUT)/tests/header -o $@ $< $(LIBS)

# tsdt trace / stat (issue 4): the fixture of tests/integration/trace-*.sh.
TRACE_FIXTURE := $(OUT)/tests/trace/fixture
all: $(TRACE_FIXTURE)
$(TRACE_FIXTURE): tests/trace/fixture.c tests/trace/fixture-sdt.c include/sys/tsdt.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Iinclude -o $@ tests/trace/fixture.c tests/trace/fixture-sdt.c
