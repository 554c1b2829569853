# SPDX-License-Identifier: GPL-2.0
# tools/build.mk - the `tagih` command line (no libbpf: it writes only the store).
CLI_SRCS := tools/tagih.c tools/cli.c tools/billcli.c tools/cmd_audit.c \
	tools/cmd_dunning.c tools/cmd_fsck.c tools/cmd_garden.c \
	tools/cmd_invoice.c tools/cmd_link.c tools/cmd_notify.c \
	tools/cmd_pay.c tools/cmd_pdp.c tools/cmd_plan.c tools/cmd_report.c \
	tools/cmd_sub.c tools/cmd_subbill.c tools/cmd_usage.c
CLI := $(BUILD)/tagih
$(CLI): $(call obj,$(CLI_SRCS)) $(BILLING_A) $(LIB_A)
	$(call link_cmd,$(LIBS_BILLING) $(LIBS_LIB))
