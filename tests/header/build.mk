# <sys/tsdt.h> (issue 2): notes against <sys/sdt.h>, consumers, matrix.
CHECK_CMDS += tests/integration/header-notes.sh
CHECK_CMDS += tests/integration/header-consumers.sh
CHECK_CMDS += tests/integration/header-compile-fail.sh
# Fixture of header-consumers.sh: built by `make check` before any test
# runs (CHECK_BINS), not by `make all`.
HEADER_TEST_BINS := $(OUT)/tests/header/usdt-values
CHECK_BINS += $(HEADER_TEST_BINS)
.PHONY: header-test-bins
header-test-bins: $(HEADER_TEST_BINS)
$(OUT)/tests/header/usdt-values.bpf.o: tests/header/usdt-values.h
$(OUT)/tests/header/usdt-values: tests/header/usdt-values.c tests/header/usdt-values.h \
		$(OUT)/tests/header/usdt-values.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/header -I$(OUT)/tests/header -o $@ $< $(LIBS)

CHECK_CMDS += tests/integration/header-matrix.sh
CHECK_CMDS += tests/integration/header-aarch64.sh
UNIT_TESTS += $(OUT)/tests/test_header
CHECK_CMDS += tests/integration/header-cost.sh
