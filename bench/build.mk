# SPDX-License-Identifier: GPL-2.0
# bench/build.mk - the benchmark helpers (see docs/BENCHMARKS.md for their commands).
BENCH_BINS := $(BUILD)/bench/bench_invoice $(BUILD)/bench/drain_bench \
	$(BUILD)/bench/meter_cost $(BUILD)/bench/nat_cost $(BUILD)/bench/radius_load \
	$(BUILD)/bench/shape_cost \
	$(BUILD)/bench/history_store

$(BUILD)/bench/history_store: $(BUILD)/obj/bench/history_store.o \
		$(BILLING_A) $(LIB_A)
	$(call link_cmd,$(LIBS_BILLING) $(LIBS_LIB))

$(BUILD)/bench/bench_invoice: $(BUILD)/obj/bench/bench_invoice.o \
		$(BILLING_A) $(LIB_A)
	$(call link_cmd,$(LIBS_BILLING) $(LIBS_LIB))

$(BUILD)/bench/drain_bench: $(BUILD)/obj/bench/drain_bench.o \
		$(BILLING_A) $(LIB_A)
	$(call link_cmd,$(LIBS_BPF) $(LIBS_BILLING) $(LIBS_LIB))

$(BUILD)/bench/meter_cost: $(BUILD)/obj/bench/meter_cost.o \
		$(call obj,$(PAINT_SRCS)) $(BILLING_A) $(LIB_A)
	$(call link_cmd,$(LIBS_BPF) $(LIBS_BILLING) $(LIBS_LIB))

$(call obj,bench/meter_cost.c): $(SKEL_METER) $(SKEL_EMPTY) $(SKEL_FLOOR)

$(BUILD)/bench/nat_cost: $(BUILD)/obj/bench/nat_cost.o \
		$(call obj,$(PAINT_SRCS)) $(BILLING_A) $(LIB_A)
	$(call link_cmd,$(LIBS_BPF) $(LIBS_BILLING) $(LIBS_LIB))

$(call obj,bench/nat_cost.c): $(SKEL_METER) $(SKEL_EMPTY) $(SKEL_CTBENCH)

$(BUILD)/bench/radius_load: $(BUILD)/obj/bench/radius_load.o \
		$(call obj,agent/radius_parse.c) $(BILLING_A) $(LIB_A)
	$(call link_cmd,$(LIBS_BILLING) $(LIBS_LIB))
$(BUILD)/bench/shape_cost: $(BUILD)/obj/bench/shape_cost.o \
		$(call obj,$(PAINT_SRCS)) $(BILLING_A) $(LIB_A)
	$(call link_cmd,$(LIBS_BPF) $(LIBS_BILLING) $(LIBS_LIB))

$(call obj,bench/shape_cost.c): $(SKEL_METER) $(SKEL_EMPTY) $(SKEL_SHAPE)
