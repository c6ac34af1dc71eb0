# The red-zone test (tests/integration/redzone.sh): leaf.c built as C and
# C++, by gcc and clang, at -O0 and -O2 (leaf-mem.c, whose memory-operand
# probe needs an lvalue, always as C by the same compiler family), and its
# libbpf peer rz-libbpf.
RZ_DIR := $(OUT)/tests/redzone
RZ_VARIANTS := gcc-c-O0 gcc-c-O2 gcc-cxx-O0 gcc-cxx-O2 \
	       clang-c-O0 clang-c-O2 clang-cxx-O0 clang-cxx-O2
RZ_LEAVES := $(addprefix $(RZ_DIR)/leaf-,$(RZ_VARIANTS))
BPF_SRCS += tests/redzone/rz-libbpf.bpf.c
all: $(RZ_LEAVES) $(RZ_DIR)/rz-libbpf

rz_cc = $(if $(filter clang-%,$(1)),clang,gcc)
rz_main_cc = $(if $(filter %-cxx-O0 %-cxx-O2,$(1)),$(if $(filter clang-%,$(1)),clang++ -x c++,g++ -x c++),$(call rz_cc,$(1)))
rz_opt = $(lastword $(subst -, ,$(1)))

$(RZ_DIR)/leaf-%: tests/redzone/leaf.c tests/redzone/leaf-mem.c include/sys/tsdt.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(call rz_cc,$*) -$(call rz_opt,$*) -g -Wall -Iinclude -c -o $@-mem.o tests/redzone/leaf-mem.c
	$(Q)$(call rz_main_cc,$*) -$(call rz_opt,$*) -g -Wall -Iinclude -c -o $@-main.o tests/redzone/leaf.c
	$(Q)$(call rz_cc,$*) -o $@ $@-main.o $@-mem.o
	$(Q)rm -f $@-main.o $@-mem.o

$(RZ_DIR)/rz-libbpf: tests/redzone/rz-libbpf.c $(OUT)/tests/redzone/rz-libbpf.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBS)

CHECK_CMDS += tests/integration/redzone.sh
