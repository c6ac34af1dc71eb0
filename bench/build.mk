# Benchmarks (make bench).

# Hit cost, attach/detach and event rate of `tsdt trace`: programs
# built only by `make bench`.
BENCH_TRACE_BINS := $(OUT)/bench/hitloop $(OUT)/bench/hit-libbpf \
		    $(OUT)/bench/hit-tsdt

$(OUT)/bench/hitloop: bench/hitloop.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -O2 -o $@ $<

$(OUT)/bench/hit-libbpf: bench/hit-libbpf.c $(OUT)/bench/hit-libbpf.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBS)

$(OUT)/bench/hit-tsdt: bench/hit-tsdt.c $(OUT)/bench/hit-tsdt.skel.h $(OUT)/libtsdt.a
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(OUT)/libtsdt.a $(LIBS)

bench-trace: all $(BENCH_TRACE_BINS)
	$(Q)for b in bench/hitcost.sh bench/attach.sh bench/events.sh; do \
		echo; OUT=$(OUT) $$b || exit 1; done
bench: bench-trace
.PHONY: bench-trace

# Cost of an unattached probe in a hot loop: no probe, <sys/sdt.h>,
# <sys/tsdt.h>, <sys/tsdt.h> behind its is-enabled check.
$(OUT)/bench/probe-cost: bench/probe-cost.c include/sys/tsdt.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Wextra -Iinclude -o $@ $<
bench-probe-cost: $(OUT)/bench/probe-cost
	$(Q)$(OUT)/bench/probe-cost
bench: bench-probe-cost
.PHONY: bench-probe-cost

# tsdt list against readelf -n on the largest binary with probes.
bench-list: all
	$(Q)OUT=$(OUT) bench/list.sh
bench: bench-list
.PHONY: bench-list

# Kernel cost of one uprobe_multi link by site count (a measurement tool,
# not run by `make bench`): see bench/RESULTS.md (b2) for how it is run.
$(OUT)/bench/linkcost: bench/linkcost.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBS)
bench-trace: $(OUT)/bench/linkcost

# What loading the generic tracer's two programs costs (verifier statistics
# and load time, medians; a measurement tool, not run by `make bench`):
# `$(OUT)/bench/loadcost -n 11 /usr/lib/postgresql/15/bin/postgres`.
$(OUT)/bench/loadcost: bench/loadcost.c attach/trace.h $(OUT)/libtsdt.a
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(OUT)/libtsdt.a $(LIBS) -lpthread
bench-trace: $(OUT)/bench/loadcost

# Events per second of the reader's CPU time through each output writer
# (the reader's target: at least 4 M events/s): `make bench-writer`.
$(OUT)/bench/writer-rate: bench/writer-rate.c $(OUT)/libtsdt.a
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(OUT)/libtsdt.a $(LIBS)
bench-writer: all $(OUT)/bench/writer-rate
	$(Q)$(OUT)/bench/writer-rate $(OUT)/tests/trace/fixture 1000000 5
bench: bench-writer
.PHONY: bench-writer

# Cost of following process families (bench/follow.sh): `make bench-follow`.
$(OUT)/bench/forkloop: bench/forkloop.c include/sys/tsdt.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Iinclude -o $@ $<
bench-follow: all $(OUT)/bench/forkloop
	$(Q)OUT=$(OUT) bench/follow.sh
bench: bench-follow
.PHONY: bench-follow

# Cost of reading globals and member paths per event (bench/globals.sh):
# `make bench-globals`.
bench-globals: all $(OUT)/bench/forkloop
	$(Q)OUT=$(OUT) bench/globals.sh
bench: bench-globals
.PHONY: bench-globals

# Spans matched in the kernel vs in user space vs bpftrace (bench/spans.sh).
$(OUT)/bench/span-user: bench/span-user.c $(OUT)/libtsdt.a
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(OUT)/libtsdt.a $(LIBS)
bench-spans: all $(OUT)/bench/span-user
	$(Q)OUT=$(OUT) bench/spans.sh
bench: bench-spans
.PHONY: bench-spans

# pgbench TPS under examples/pg/pg-top vs untraced vs bpftrace vs the
# traps alone; then the BPF programs' own time per hit, pg-top's and
# bpftrace's; then the kernel memory of their maps.
bench-pg: all
	$(Q)OUT=$(OUT) bench/pg-top.sh
	$(Q)OUT=$(OUT) bench/pg-top-perhit.sh
	$(Q)OUT=$(OUT) bench/pg-top-mem.sh
bench: bench-pg
.PHONY: bench-pg
