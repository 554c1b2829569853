# SPDX-License-Identifier: GPL-2.0
# bpf/build.mk - the XDP meter (and the empty program the benchmarks compare with).
BPF_OBJS := $(BUILD)/bpf/tagih_meter.bpf.o $(BUILD)/bpf/tagih_empty.bpf.o
SKEL_METER := $(BUILD)/bpf/tagih_meter.skel.h
SKEL_EMPTY := $(BUILD)/bpf/tagih_empty.skel.h
