# SPDX-License-Identifier: GPL-2.0
# agent/build.mk - tagih-agent: the gateway daemon, the only writer of BPF maps.
AGENT_SRCS := agent/main.c agent/lifecycle.c agent/loop.c agent/meter.c \
	agent/pinown.c agent/loader.c agent/bpflog.c agent/drain.c agent/http.c \
	agent/notice.c tagihd/ratelimit.c \
	agent/notice.c agent/radius.c agent/radius_parse.c agent/learn.c \
	agent/learn_parse.c agent/shape.c agent/qdisc.c agent/tc.c \
	agent/hooks.c agent/nat.c agent/ifinfo.c
# the painters alone (the BPF tests and meter_cost paint the tables too)
PAINT_SRCS := agent/maps/dir16.c agent/maps/v6hash.c agent/maps/v6dm.c \
	agent/maps/wanif.c
MAPS_SRCS := agent/maps/mapsync.c $(PAINT_SRCS)
AGENT := $(BUILD)/tagih-agent
$(AGENT): $(call obj,$(AGENT_SRCS) $(MAPS_SRCS)) $(BILLING_A) $(LIB_A)
	$(call link_cmd,$(LIBS_BPF) $(LIBS_MHD) $(LIBS_BILLING) $(LIBS_LIB))
# only these include the meter's skeleton
$(call obj,agent/meter.c agent/loader.c agent/tc.c): $(SKEL_METER)
$(call obj,agent/shape.c): $(SKEL_SHAPE)
