# SPDX-License-Identifier: GPL-2.0
# tests/build.mk - unit suites (check), BPF_PROG_TEST_RUN suites, fuzzers.
UNIT_LIB_TESTS := test_conf test_money test_prefix test_ttime test_net \
	test_html test_mailbox test_text test_terbilang
UNIT_BILLING_TESTS := test_store test_sub test_usage test_rate test_invoice \
	test_pay test_dunning test_pdp test_custpin test_webhooks test_wh_verify \
	test_prepaid test_charge \
	test_user test_books \
	test_addr test_fup
UNIT_AGENT_TESTS := test_dir16 test_v6hash test_drain
UNIT_TAGIHD_TESTS := test_ratelimit test_workers test_session
# the agent's pure parsers alone (RADIUS; fuzzed too)
UNIT_PARSE_TESTS := test_radius test_learn
PARSE_SRCS := agent/radius_parse.c agent/learn_parse.c
# lib/mhd and lib/mhd_deadline against a real libmicrohttpd daemon
UNIT_MHD_TESTS := test_mhd
# download_hook auto's masquerade detection (agent/nat.c)
UNIT_AGENT_TESTS += test_nat
BPF_TESTS := test_bpf_meter test_bpf_v6 test_bpf_pppoe test_bpf_tc \
	test_bpf_learn test_bpf_shape

UNIT_BINS := $(addprefix $(BUILD)/tests/,$(UNIT_LIB_TESTS) \
	$(UNIT_BILLING_TESTS) $(UNIT_AGENT_TESTS) $(UNIT_TAGIHD_TESTS) \
	$(UNIT_MHD_TESTS) $(UNIT_PARSE_TESTS))
BPFT_BINS := $(addprefix $(BUILD)/tests/,$(BPF_TESTS))
TEST_BINS := $(UNIT_BINS) $(BPFT_BINS)

$(addprefix $(BUILD)/tests/,$(UNIT_LIB_TESTS) $(UNIT_BILLING_TESTS) \
		$(UNIT_TAGIHD_TESTS)): \
		$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BILLING_A) $(LIB_A)
	$(call link_cmd,$(LIBS_BILLING) $(LIBS_LIB) $(LIBS_CHECK))

$(addprefix $(BUILD)/tests/,$(UNIT_PARSE_TESTS)): \
		$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o \
		$(call obj,$(PARSE_SRCS)) $(LIB_A)
	$(call link_cmd,$(call pc_libs,libcrypto) $(LIBS_LIB) $(LIBS_CHECK))

$(addprefix $(BUILD)/tests/,$(UNIT_MHD_TESTS)): \
		$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIB_A)
	$(call link_cmd,$(LIBS_MHD) $(LIBS_LIB) $(LIBS_CHECK))

$(addprefix $(BUILD)/tests/,$(UNIT_AGENT_TESTS)): \
		$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o \
		$(call obj,$(PAINT_SRCS) agent/nat.c) $(BILLING_A) $(LIB_A)
	$(call link_cmd,$(LIBS_BPF) $(LIBS_BILLING) $(LIBS_LIB) $(LIBS_CHECK))

$(BPFT_BINS): $(BUILD)/tests/%: $(BUILD)/obj/tests/bpf/%.o \
		$(call obj,$(PAINT_SRCS)) $(BILLING_A) $(LIB_A)
	$(call link_cmd,$(LIBS_BPF) $(LIBS_BILLING) $(LIBS_LIB) $(LIBS_CHECK))

$(call obj,$(addprefix tests/bpf/,$(addsuffix .c,$(BPF_TESTS)))): $(SKEL_METER)

# libFuzzer targets on the pure webhook parsers (clang; only what they need).
FUZZ_TARGETS := fuzz_midtrans fuzz_xendit fuzz_tripay fuzz_duitku fuzz_status \
	fuzz_radius fuzz_learn
FUZZ_BINS := $(addprefix $(BUILD)/fuzz/,$(FUZZ_TARGETS))
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -I. \
	$(call pc_cflags,jansson libcrypto)
FUZZ_LIBS := $(call pc_libs,jansson libcrypto)

# the agent's wire parsers: their own sources only
$(BUILD)/fuzz/fuzz_learn: tests/fuzz/fuzz_learn.c agent/learn_parse.c \
		agent/learn_parse.h
	@mkdir -p $(@D)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -o $@ $< agent/learn_parse.c

$(BUILD)/fuzz/fuzz_radius: tests/fuzz/fuzz_radius.c $(PARSE_SRCS) \
		agent/radius_parse.h lib/prefix.c
	@mkdir -p $(@D)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(PARSE_SRCS) lib/prefix.c $(FUZZ_LIBS)

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz_common.h \
		$(GATEWAY_PARSE_SRCS) billing/gateway/webhook.h
	@mkdir -p $(@D)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(GATEWAY_PARSE_SRCS) $(FUZZ_LIBS)
$(call obj,tests/bpf/test_bpf_shape.c): $(SKEL_SHAPE)
