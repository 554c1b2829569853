# SPDX-License-Identifier: GPL-2.0
# bpf/build.mk - the meter (XDP and tc programs) and the programs the benchmarks compare it with.
BPF_OBJS := $(BUILD)/bpf/tagih_meter.bpf.o $(BUILD)/bpf/tagih_empty.bpf.o \
	$(BUILD)/bpf/tagih_floor.bpf.o $(BUILD)/bpf/tagih_ctbench.bpf.o
SKEL_METER := $(BUILD)/bpf/tagih_meter.skel.h
SKEL_EMPTY := $(BUILD)/bpf/tagih_empty.skel.h
SKEL_FLOOR := $(BUILD)/bpf/tagih_floor.skel.h
SKEL_CTBENCH := $(BUILD)/bpf/tagih_ctbench.skel.h

# The conntrack benchmark includes the meter's source.
$(BUILD)/bpf/tagih_ctbench.tmp.o: bpf/tagih_meter.bpf.c
