# SPDX-License-Identifier: GPL-2.0
# bpf/build.mk - the meter (XDP and tc programs), the shaper, and the programs the benchmarks compare them with.
BPF_OBJS := $(BUILD)/bpf/tagih_meter.bpf.o $(BUILD)/bpf/tagih_empty.bpf.o \
	$(BUILD)/bpf/tagih_floor.bpf.o $(BUILD)/bpf/tagih_ctbench.bpf.o \
	$(BUILD)/bpf/tagih_shape.bpf.o
SKEL_METER := $(BUILD)/bpf/tagih_meter.skel.h
SKEL_EMPTY := $(BUILD)/bpf/tagih_empty.skel.h
SKEL_FLOOR := $(BUILD)/bpf/tagih_floor.skel.h
SKEL_CTBENCH := $(BUILD)/bpf/tagih_ctbench.skel.h

# The conntrack benchmark includes the meter's source.
$(BUILD)/bpf/tagih_ctbench.tmp.o: bpf/tagih_meter.bpf.c
SKEL_SHAPE := $(BUILD)/bpf/tagih_shape.skel.h

# The shaper includes the meter's source (its lookup) and moves each
# subscriber's departure time with an atomic fetch-and-add (BPF v3).
$(BUILD)/bpf/tagih_shape.tmp.o: bpf/tagih_meter.bpf.c
$(BUILD)/bpf/tagih_shape.tmp.o: BPF_CFLAGS += -mcpu=v3
