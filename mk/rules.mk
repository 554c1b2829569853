# SPDX-License-Identifier: GPL-2.0
# rules.mk - the build rules every folder shares: flags, BPF pipeline, objects, links.
#
# A folder's build.mk only lists its sources and what links them; this file
# turns the lists into rules.  Objects go to $(BUILD)/obj/<path>.o, with
# dependency files next to them.

CC      ?= gcc
CLANG   ?= clang
BPFTOOL ?= bpftool
ARCH    := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# pkg-config for every library; LMDB ships no .pc file.
pc_cflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pc_libs   = $(shell pkg-config --libs $(1) 2>/dev/null)

CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Wstrict-prototypes -Werror \
	-Wno-unused-parameter -D_GNU_SOURCE -pthread -I. -I$(BUILD) \
	$(call pc_cflags,libbpf libxdp libmicrohttpd jansson libcurl libcrypto cairo) \
	$(SANFLAGS)
override LDFLAGS += -pthread $(SANFLAGS)

# What each layer links (and nothing more: the ledger never links libbpf).
LIBS_LIB     := $(call pc_libs,jansson) -lm
LIBS_BILLING := $(call pc_libs,jansson libcurl libcrypto cairo libqrencode libargon2) -llmdb -lm
LIBS_BPF     := $(call pc_libs,libbpf libxdp)
LIBS_MHD     := $(call pc_libs,libmicrohttpd)
LIBS_CHECK   := $(call pc_libs,check)

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-I/usr/include/$(MULTIARCH) -I.

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

# --- BPF: clang -> bpftool gen object -> bpftool gen skeleton ---------------
$(BUILD)/bpf/%.tmp.o: bpf/%.bpf.c bpf/tagih.h bpf/tagih_parse.h bpf/tagih_learn.h
	@mkdir -p $(@D)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bpf/%.bpf.o: $(BUILD)/bpf/%.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $<

$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf,,$(basename $(notdir $<))) > $@

# --- userspace ----------------------------------------------------------------
# An object that includes a skeleton says so in its folder's build.mk
# ($(call obj,x.c): $(SKEL_METER)); nothing else waits for clang.
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/lib%.a:
	@mkdir -p $(@D)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# link_rule: the command that links $@ from its prerequisites' objects and
# archives, with the libraries given as $(1).
define link_cmd
	@mkdir -p $(@D)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(1)
endef

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
