# SPDX-License-Identifier: GPL-2.0
# billing/build.mk - libtagih-billing.a: the ledger (the store and everything
# that writes it). It never links libbpf: the maps are tagih-agent's.
BILLING_SRCS := billing/store.c billing/sub.c billing/plan.c \
	billing/usage.c billing/rate.c billing/invoice.c billing/pay.c \
	billing/audit.c billing/outbox.c billing/report.c billing/fsck.c billing/fsck_deep.c billing/storeguard.c \
	billing/pdp.c billing/custlink.c billing/custpin.c billing/export.c \
	billing/dunning.c billing/dunning_policy.c billing/isolir.c billing/pdfdoc.c billing/invdoc.c billing/receipt.c \
	billing/tblscan.c billing/prepaid.c billing/pack.c \
	billing/charge.c billing/voucher.c billing/vsheet.c \
	billing/user.c billing/books.c \
	billing/ident.c billing/addr.c \
	billing/radoct.c billing/fup.c
GATEWAY_SRCS := billing/gateway/wh_common.c billing/gateway/wh_midtrans.c \
	billing/gateway/wh_xendit.c billing/gateway/wh_tripay.c \
	billing/gateway/wh_duitku.c billing/gateway/wh_apply.c \
	billing/gateway/wh_status.c billing/gateway/wh_verify.c \
	billing/gateway/paylink.c billing/gateway/gw_http.c
# the pure webhook parsers alone (their fuzzers link nothing else)
GATEWAY_PARSE_SRCS := $(filter-out %/wh_apply.c %/wh_verify.c %/paylink.c %/gw_http.c,$(GATEWAY_SRCS))
BILLING_A := $(BUILD)/libtagih-billing.a
$(BILLING_A): $(call obj,$(BILLING_SRCS) $(GATEWAY_SRCS))
