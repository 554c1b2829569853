# SPDX-License-Identifier: GPL-2.0
# lib/build.mk - libtagih-lib.a: helpers every program shares (no store, no BPF).
LIB_SRCS := lib/log.c lib/conf.c lib/ttime.c lib/money.c lib/prefix.c \
	lib/text.c
LIB_A := $(BUILD)/libtagih-lib.a
$(LIB_A): $(call obj,$(LIB_SRCS))
