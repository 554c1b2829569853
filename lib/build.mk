# SPDX-License-Identifier: GPL-2.0
# lib/build.mk - libtagih-lib.a: helpers every program shares (no store, no BPF).
# net, html, mailbox: plain C; mhd, mhd_deadline: for the two programs that
# serve HTTP (they link libmicrohttpd; an archive member nobody calls is
# never linked, so the CLI does not need it).
LIB_SRCS := lib/crc32c.c lib/log.c lib/conf.c lib/ttime.c lib/money.c lib/prefix.c \
	lib/outfile.c lib/net.c lib/html.c lib/mailbox.c lib/mhd.c \
	lib/mhd_deadline.c lib/text.c lib/terbilang.c lib/datefmt.c lib/form.c
LIB_A := $(BUILD)/libtagih-lib.a
$(LIB_A): $(call obj,$(LIB_SRCS))
