# SPDX-License-Identifier: GPL-2.0
# pppoe_gen.py - send PPPoE session (and control) frames with scapy, for
# test_pppoe_wire.sh.  Usage:
#   python3 pppoe_gen.py IFACE DSTMAC SPEC...
# SPEC = kind|tags|src|dst|count|payload   ("|": IPv6 addresses hold ":")
#   kind  ip (PPP 0x0021 / 0x0057 by the address family), padi, lcp, ipcp
#   tags  "" (none), "10" (802.1Q 10) or "100.10" (802.1ad 100 + 802.1Q 10)
# Prints "IPBYTES FRAMES" of the ip specs (the inner IP lengths: what the
# meter must bill) and then "CTRL N" (control frames sent).
import struct
import sys

from scapy.all import Ether, IP, IPv6, UDP, Raw, sendp, get_if_hwaddr

iface, dstmac = sys.argv[1], sys.argv[2]
src_mac = get_if_hwaddr(iface)
SID = 0x1234
ipbytes = frames = ctrl = 0
out = []


def tags_bytes(tags, inner):
    """Ether type and VLAN headers ending in ethertype inner."""
    if not tags:
        return inner, b""
    ids = [int(t) for t in tags.split(".")]
    if len(ids) == 1:
        return 0x8100, struct.pack("!HH", ids[0], inner)
    return 0x88a8, struct.pack("!HHHH", ids[0], 0x8100, ids[1], inner)


for spec in sys.argv[3:]:
    kind, tags, src, dst, count, size = spec.split("|")
    count, size = int(count), int(size)
    for i in range(count):
        if kind == "ip":
            if ":" in dst:
                ip = IPv6(src=src, dst=dst) / UDP(sport=40000, dport=9000 + i) / Raw(b"p" * size)
                proto = 0x0057
            else:
                ip = IP(src=src, dst=dst) / UDP(sport=40000, dport=9000 + i) / Raw(b"p" * size)
                proto = 0x0021
            ipb = bytes(ip)
            body = struct.pack("!BBHH", 0x11, 0, SID, 2 + len(ipb)) + struct.pack("!H", proto) + ipb
            etype, vl = tags_bytes(tags, 0x8864)
            ipbytes += len(ipb)
            frames += 1
        elif kind == "padi":
            tag = struct.pack("!HH", 0x0101, 0)  # Service-Name, empty
            body = struct.pack("!BBHH", 0x11, 0x09, 0, len(tag)) + tag
            etype, vl = tags_bytes(tags, 0x8863)
            ctrl += 1
        else:
            proto, ppp = {
                "lcp": (0xc021, b"\x09\x01\x00\x08\x00\x00\x00\x00"),  # Echo-Request
                "ipcp": (0x8021, b"\x01\x01\x00\x0a\x03\x06\x00\x00\x00\x00"),
            }[kind]
            body = struct.pack("!BBHH", 0x11, 0, SID, 2 + len(ppp)) + struct.pack("!H", proto) + ppp
            etype, vl = tags_bytes(tags, 0x8864)
            ctrl += 1
        out.append(Ether(src=src_mac, dst=dstmac, type=etype) / Raw(vl + body))

sendp(out, iface=iface, verbose=0)
print(ipbytes, frames)
print("CTRL", ctrl)
