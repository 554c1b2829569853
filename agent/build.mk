# SPDX-License-Identifier: GPL-2.0
# agent/build.mk - tagih-agent: the gateway daemon, the only writer of BPF maps.
AGENT_SRCS := agent/main.c agent/loader.c agent/bpflog.c agent/drain.c \
	agent/http.c agent/notice.c
MAPS_SRCS := agent/maps/mapsync.c agent/maps/dir16.c agent/maps/v6hash.c
AGENT := $(BUILD)/tagih-agent
$(AGENT): $(call obj,$(AGENT_SRCS) $(MAPS_SRCS)) $(BILLING_A) $(LIB_A)
	$(call link_cmd,$(LIBS_BPF) $(LIBS_MHD) $(LIBS_BILLING) $(LIBS_LIB))
