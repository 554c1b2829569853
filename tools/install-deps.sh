#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# install-deps.sh - install the Debian 12 packages tagih needs, only those missing.
set -eu

PKGS="make gcc clang llvm pkg-config libbpf-dev libxdp-dev xdp-tools bpftool
linux-libc-dev libelf-dev zlib1g-dev liblmdb-dev lmdb-utils libmicrohttpd-dev
libjansson-dev check libcurl4-openssl-dev libssl-dev openssl libcairo2-dev
poppler-utils iproute2 iperf3 curl jq nftables dnsmasq-base dnsutils python3-scapy
python3 python3-aiosmtpd wrk util-linux procps psmisc libcap2-bin iputils-ping faketime
fonts-dejavu-core libclang-rt-14-dev chromium scdoc man-db
libqrencode-dev zbar-tools libargon2-dev python3-selenium chromium-driver \
freeradius-utils udhcpc python3-scapy"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root (or: apt-get install$missing)" >&2
	exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
