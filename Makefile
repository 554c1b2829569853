# SPDX-License-Identifier: GPL-2.0
# Makefile - builds the XDP meter, libtagih, tagih-agent, tagihd, tagih and the tests.
#
#   make              build everything into build/
#   make check        install missing packages, then every test (unit, BPF,
#                     integration, and the unit tests again under ASan+UBSan)
#   make demo         install missing packages, build, run the end-to-end demo
#   make SANITIZE=1   ASan+UBSan build (into build-san/ unless BUILD= is given)
#   make V=1          show the commands
#   make install      PREFIX=/usr/local DESTDIR=

PREFIX  ?= /usr/local
DESTDIR ?=
SANITIZE ?=

ifeq ($(SANITIZE),1)
BUILD ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=undefined
else
BUILD ?= build
SANFLAGS :=
endif

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

CC      ?= gcc
CLANG   ?= clang
BPFTOOL ?= bpftool
ARCH    := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

PKGS := libbpf libxdp libmicrohttpd jansson libcurl libcrypto cairo
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# LMDB ships no .pc file.
LMDB_LIBS  := -llmdb
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Wstrict-prototypes -Werror \
	-Wno-unused-parameter -D_GNU_SOURCE -pthread \
	-Ibilling -Ibpf -I$(BUILD)/bpf $(PKG_CFLAGS) $(SANFLAGS)
override LDFLAGS += -pthread $(SANFLAGS)
LDLIBS := $(PKG_LIBS) $(LMDB_LIBS) -lm

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-I/usr/include/$(MULTIARCH) -Ibpf

# Sources are found by folder: one concept per file, no list to keep.
LIB_SRCS   := $(wildcard billing/*.c)
AGENT_SRCS := $(wildcard agent/*.c)
D_SRCS     := $(wildcard agent/tagihd/*.c)
CLI_SRCS   := $(wildcard tools/*.c)
BPF_SRCS   := $(wildcard bpf/*.bpf.c)
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
BPFT_SRCS  := $(wildcard tests/bpf/test_*.c)
FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)
BENCH_CSRCS := $(wildcard bench/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIB      := $(BUILD)/libtagih.a
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS    := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.skel.h,$(BPF_SRCS))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
BPFT_BINS := $(patsubst tests/bpf/%.c,$(BUILD)/tests/%,$(BPFT_SRCS))
BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_CSRCS))
BINS := $(BUILD)/tagih $(if $(AGENT_SRCS),$(BUILD)/tagih-agent) \
	$(if $(D_SRCS),$(BUILD)/tagihd)

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps check check-unit check-bpf check-integration check-san \
	demo install clean format fuzz bench tests

all: $(BPF_OBJS) $(SKELS) $(LIB) $(BINS)

tests: all $(UNIT_BINS) $(BPFT_BINS) $(BENCH_BINS)

deps:
	$(Q)sh tools/install-deps.sh

# --- BPF: clang -> bpftool gen object -> bpftool gen skeleton ---------------
$(BUILD)/bpf/%.tmp.o: bpf/%.bpf.c bpf/tagih.h
	@mkdir -p $(@D)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bpf/%.bpf.o: $(BUILD)/bpf/%.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $<

$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf,,$(basename $(notdir $<))) > $@

# --- userspace ----------------------------------------------------------------
$(BUILD)/obj/%.o: %.c $(SKELS)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(call obj,$(LIB_SRCS))
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/tagih-agent: $(call obj,$(AGENT_SRCS)) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tagihd: $(call obj,$(D_SRCS)) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tagih: $(call obj,$(CLI_SRCS)) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIB)
	@mkdir -p $(@D)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

$(BUILD)/tests/test_bpf%: $(BUILD)/obj/tests/bpf/test_bpf%.o $(LIB)
	@mkdir -p $(@D)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(LIB)
	@mkdir -p $(@D)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# tagihd's pure webhook parsers: linked into their unit test and the fuzzers.
WH_PARSE_SRCS := $(filter-out agent/tagihd/wh_apply.c,$(wildcard agent/tagihd/wh_*.c))
$(BUILD)/tests/test_webhooks: $(BUILD)/obj/tests/unit/test_webhooks.o \
		$(call obj,$(WH_PARSE_SRCS) agent/tagihd/wh_apply.c) $(LIB)
	@mkdir -p $(@D)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

# libFuzzer targets on the pure parsers (clang; only what the parsers need).
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
	-Iagent/tagihd $(shell pkg-config --cflags jansson libcrypto 2>/dev/null)
FUZZ_LIBS := $(shell pkg-config --libs jansson libcrypto 2>/dev/null)

fuzz: $(FUZZ_BINS)

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz_common.h $(WH_PARSE_SRCS) \
		agent/tagihd/webhook.h
	@mkdir -p $(@D)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(WH_PARSE_SRCS) $(FUZZ_LIBS)

# --- tests ----------------------------------------------------------------------
check: deps
	$(Q)$(MAKE) --no-print-directory tests
	$(Q)sh tests/run.sh all

check-unit: tests
	$(Q)sh tests/run.sh unit

check-bpf: tests
	$(Q)sh tests/run.sh bpf

check-integration: tests
	$(Q)sh tests/run.sh integration

check-san:
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 tests
	$(Q)BUILD=build-san sh tests/run.sh unit

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh tests/integration/demo.sh

bench: tests
	@echo "see docs/BENCHMARKS.md for each benchmark's command"

# --- install ------------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/tagih \
		$(DESTDIR)/etc/tagih $(DESTDIR)/lib/systemd/system
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 $(BUILD)/bpf/tagih_meter.bpf.o $(DESTDIR)$(PREFIX)/lib/tagih/
	install -m 0600 docs/tagih.conf.example $(DESTDIR)/etc/tagih/tagih.conf.example
	for u in docs/systemd/*.service; do \
		sed 's|@PREFIX@|$(PREFIX)|g' $$u > $(DESTDIR)/lib/systemd/system/$$(basename $$u); \
	done

clean:
	rm -rf build build-san

format:
	clang-format -i $$(git ls-files '*.c' '*.h')
