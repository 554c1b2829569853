# SPDX-License-Identifier: GPL-2.0
# Makefile - builds the XDP meter, tagih-agent, tagihd, tagih and the tests (lists in each folder's build.mk).
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

VERSION := $(shell cat VERSION 2>/dev/null || git describe --tags --always --dirty 2>/dev/null || echo unknown)

include mk/rules.mk
include bpf/build.mk
include lib/build.mk
include billing/build.mk
include agent/build.mk
include tagihd/build.mk
include tools/build.mk
include tests/build.mk
include bench/build.mk

BINS := $(CLI) $(AGENT) $(TAGIHD)

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps check check-unit check-bpf check-integration check-san \
	demo install clean format fuzz bench tests

all: $(BPF_OBJS) $(BINS)

tests: all $(TEST_BINS) $(BENCH_BINS)

fuzz: $(FUZZ_BINS)

deps:
	$(Q)sh tools/install-deps.sh

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
