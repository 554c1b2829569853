# SPDX-License-Identifier: GPL-2.0
# tagihd/build.mk - tagihd: the public daemon (no capabilities, no libbpf).
TAGIHD_SRCS := tagihd/main.c tagihd/http.c tagihd/caps.c tagihd/notify.c \
	tagihd/ratelimit.c tagihd/workers.c \
	tagihd/page/words.c tagihd/page/render.c tagihd/page/chart.c \
	tagihd/page/bill.c tagihd/page/show.c tagihd/page/login.c \
	tagihd/page/prepaid.c \
	tagihd/console/console.c tagihd/console/session.c \
	tagihd/console/auth.c tagihd/console/api.c tagihd/console/data.c \
	tagihd/console/ui.c tagihd/console/dash.c tagihd/console/subs.c \
	tagihd/console/money.c tagihd/console/reports.c \
	tagihd/console/run.c tagihd/console/users.c
TAGIHD := $(BUILD)/tagihd
$(TAGIHD): $(call obj,$(TAGIHD_SRCS)) $(BILLING_A) $(LIB_A)
	$(call link_cmd,$(LIBS_MHD) $(LIBS_BILLING) $(LIBS_LIB))
