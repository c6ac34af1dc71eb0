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

# examples/pg: pg-top, a PostgreSQL engineer's tool on libtsdt, with typed
# handlers generated from the stock providers/postgresql-15.d (tsdt-gen -B).
PG_OUT := $(OUT)/examples/pg
EXAMPLE_BINS += $(PG_OUT)/pg-top
all: $(PG_OUT)/pg-top

$(PG_OUT)/pg_probes.bpf.h: providers/postgresql-15.d $(OUT)/tsdt-gen
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(OUT)/tsdt-gen -B -s $< -o $@

# -mcpu=v3: the id of a new key comes from an atomic fetch-and-add's result
$(PG_OUT)/pg-top.bpf.o: BPF_CFLAGS += -I$(PG_OUT) -Iexamples/pg -mcpu=v3
$(PG_OUT)/pg-top.bpf.o: $(PG_OUT)/pg_probes.bpf.h examples/pg/pg-top.h examples/pg/pg-lex.h

$(PG_OUT)/pg-top: examples/pg/pg-top.c examples/pg/pg-flows.c examples/pg/pg-flows.h \
		examples/pg/pg-top.h examples/pg/pg-lex.h examples/pg/pg-norm.h \
		$(PG_OUT)/pg-top.skel.h $(OUT)/libtsdt.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -I$(PG_OUT) -Iexamples/pg -o $@ $< examples/pg/pg-flows.c \
		$(OUT)/libtsdt.a $(LIBS)
CHECK_CMDS += tests/integration/example-pg.sh
CHECK_CMDS += tests/integration/example-pg-repl.sh
