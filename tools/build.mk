# SPDX-License-Identifier: GPL-2.0
# tools/build.mk - the `tagih` command line (no libbpf: it writes only the store).
# One file per command word (tools/cmd_WORD.c; `sub` is the folder tools/sub/).
CLI_SRCS := tools/tagih.c tools/cli.c tools/cliout.c tools/clitab.c tools/clidoc.c \
	tools/billcli.c tools/cmd_audit.c tools/cmd_balance.c \
	tools/cmd_config.c tools/cmd_dunning.c tools/cmd_fsck.c \
	tools/cmd_garden.c tools/cmd_help.c tools/cmd_init.c tools/cmd_invoice.c \
	tools/cmd_notify.c tools/cmd_pay.c tools/cmd_receipt.c tools/cmd_plan.c \
	tools/cmd_report.c tools/cmd_usage.c tools/cmd_user.c \
	tools/cmd_prepaid.c tools/cmd_pack.c tools/cmd_charge.c \
	tools/cmd_voucher.c \
	tools/cmd_address.c tools/cmd_lease.c \
	tools/sub/sub.c tools/sub/form.c tools/sub/show.c tools/sub/ip.c \
	tools/sub/bill.c tools/sub/link.c tools/sub/pdp.c tools/sub/isolir.c
CLI := $(BUILD)/tagih
$(CLI): $(call obj,$(CLI_SRCS)) $(BILLING_A) $(LIB_A)
	$(call link_cmd,$(LIBS_BILLING) $(LIBS_LIB))
# Table rows name their leading fields and leave the rest zero on purpose.
$(call obj,$(CLI_SRCS)): override CFLAGS += -Wno-missing-field-initializers
