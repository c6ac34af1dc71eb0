# Example programs.
#
# examples/demo: a program instrumented from probes/demo.d (tsdt-gen -h) and
# demo-top, a tool on libtsdt with typed handlers (tsdt-gen -B).
DEMO_OUT := $(OUT)/examples/demo
EXAMPLE_BINS := $(DEMO_OUT)/demo $(DEMO_OUT)/demo-top
all: $(EXAMPLE_BINS)

$(DEMO_OUT)/demo_probes.h: probes/demo.d $(OUT)/tsdt-gen
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(OUT)/tsdt-gen -h -s $< -o $@

$(DEMO_OUT)/demo_probes.bpf.h: probes/demo.d $(OUT)/tsdt-gen
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(OUT)/tsdt-gen -B -s $< -o $@

$(DEMO_OUT)/demo: examples/demo/demo.c $(DEMO_OUT)/demo_probes.h include/sys/tsdt.h
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -g -Wall -Wextra -Iinclude -I$(DEMO_OUT) -o $@ $<

$(DEMO_OUT)/demo-top.bpf.o $(DEMO_OUT)/demo-mistyped.bpf.o: BPF_CFLAGS += -I$(DEMO_OUT) -Iexamples/demo
$(DEMO_OUT)/demo-top.bpf.o: $(DEMO_OUT)/demo_probes.bpf.h examples/demo/demo-top.h

$(DEMO_OUT)/demo-top: examples/demo/demo-top.c examples/demo/demo-top.h \
		$(DEMO_OUT)/demo-top.skel.h $(DEMO_OUT)/demo-mistyped.skel.h $(OUT)/libtsdt.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -I$(DEMO_OUT) -Iexamples/demo -o $@ $< $(OUT)/libtsdt.a $(LIBS)
CHECK_CMDS += tests/integration/example-demo.sh
