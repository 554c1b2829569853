#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# learn_frames.py - scapy frames for test_learn.sh: a PPPoE session (PAP or
# CHAP) or DHCP, sent from one side of the gateway, as a bump in the wire
# sees them.  Usage: learn_frames.py IFACE WHAT [ARGS...]
import sys
from scapy.layers.dhcp6 import (DHCP6_Reply, DHCP6_Release, DHCP6OptIA_PD,
                                DHCP6OptIAPrefix, DHCP6OptIA_NA,
                                DHCP6OptIAAddress)
from scapy.all import (IPv6, Ether, PPPoED, PPPoE, PPP, PPP_LCP, PPP_PAP_Request,
                       PPP_CHAP_ChallengeResponse, PPP_IPCP,
                       PPP_IPCP_Option_IPAddress, IP, UDP, BOOTP, DHCP,
                       Raw, sendp, conf)

conf.verb = 0
iface, what, args = sys.argv[1], sys.argv[2], sys.argv[3:]
AC = "02:ac:00:00:00:01"

def send(f, n=1):
    sendp(f, iface=iface, count=n)

if what == "padi":            # client
    cl, = args
    send(Ether(src=cl, dst="ff:ff:ff:ff:ff:ff") / PPPoED(code=0x09))
elif what == "pado":          # AC
    cl, = args
    send(Ether(src=AC, dst=cl) / PPPoED(code=0x07))
elif what == "padr":          # client
    cl, = args
    send(Ether(src=cl, dst=AC) / PPPoED(code=0x19))
elif what == "pads":          # AC
    cl, sid = args
    send(Ether(src=AC, dst=cl) / PPPoED(code=0x65, sessionid=int(sid, 0)))
elif what == "lcp-req":       # client
    cl, sid = args
    send(Ether(src=cl, dst=AC) / PPPoE(sessionid=int(sid, 0)) / PPP(proto=0xc021) /
         PPP_LCP(code=1, id=1))
elif what == "pap":           # client
    cl, sid, user = args
    send(Ether(src=cl, dst=AC) / PPPoE(sessionid=int(sid, 0)) / PPP(proto=0xc023) /
         PPP_PAP_Request(username=user.encode(), password=b"rahasia"))
elif what == "chap":          # client
    cl, sid, user = args
    send(Ether(src=cl, dst=AC) / PPPoE(sessionid=int(sid, 0)) / PPP(proto=0xc223) /
         PPP_CHAP_ChallengeResponse(code=2, id=1, value=b"\x11" * 16,
                                    optional_name=user.encode()))
elif what == "ipcp-ack":      # AC -> client (the client's address) or back
    src, dst, sid, ip = args
    send(Ether(src=src, dst=dst) / PPPoE(sessionid=int(sid, 0)) / PPP(proto=0x8021) /
         PPP_IPCP(code=2, id=1, options=[PPP_IPCP_Option_IPAddress(data=ip)]))
elif what == "data":          # client: session data, IPv4 inside PPPoE
    cl, sid, ip, dst, n, size = args
    # the PPP protocol as two bytes: scapy's PPP() would compress 0x0021
    # to one (PFC), which RFC 2516 says not to use and the meter refuses
    send(Ether(src=cl, dst=AC) / PPPoE(sessionid=int(sid, 0)) / Raw(b"\x00\x21") /
         IP(src=ip, dst=dst) / UDP(sport=40000, dport=9) / Raw(b"x" * int(size)),
         int(n))
elif what == "padt":          # either side
    src, dst, sid = args
    send(Ether(src=src, dst=dst) / PPPoED(code=0xa7, sessionid=int(sid, 0)))
elif what == "lcp-term":      # client
    cl, sid = args
    send(Ether(src=cl, dst=AC) / PPPoE(sessionid=int(sid, 0)) / PPP(proto=0xc021) /
         PPP_LCP(code=5, id=2))
elif what == "dhcp-ack":      # server -> client, optional option 82 circuit-id
    cl, ip, lease = args[:3]
    opts = [("message-type", "ack"), ("lease_time", int(lease)),
            ("server_id", "10.77.0.2")]
    if len(args) > 3:
        circ = args[3].encode()
        opts.append(("relay_agent_information", b"\x01" + bytes([len(circ)]) + circ))
    opts.append("end")
    send(Ether(src=AC, dst=cl) / IP(src="10.77.0.2", dst="255.255.255.255") /
         UDP(sport=67, dport=68) /
         BOOTP(op=2, yiaddr=ip, chaddr=bytes.fromhex(cl.replace(":", "")) + b"\0" * 10) /
         DHCP(options=opts))
elif what == "dhcp-release":  # client -> server
    cl, ip = args
    send(Ether(src=cl, dst=AC) / IP(src=ip, dst="10.77.0.2") /
         UDP(sport=68, dport=67) /
         BOOTP(op=1, ciaddr=ip, chaddr=bytes.fromhex(cl.replace(":", "")) + b"\0" * 10) /
         DHCP(options=[("message-type", "release"), ("server_id", "10.77.0.2"), "end"]))
elif what == "dhcp6-reply":   # server -> client: IA_NA address + IA_PD prefix
    cl, addr, pfx, plen, valid = args[:5]
    sid = int(args[5], 0) if len(args) > 5 else 0
    l3 = (IPv6(src="fe80::ac", dst="fe80::1") / UDP(sport=547, dport=546) /
          DHCP6_Reply(trid=0x1234))
    if addr != "-":
        l3 = l3 / DHCP6OptIA_NA(iaid=2, ianaopts=[DHCP6OptIAAddress(
            addr=addr, preflft=int(valid), validlft=int(valid))])
    l3 = l3 / DHCP6OptIA_PD(iaid=1, iapdopt=[DHCP6OptIAPrefix(
        preflft=int(valid), validlft=int(valid), plen=int(plen), prefix=pfx)])
    if sid:   # inside the PPPoE session, PPP protocol 0x0057 as two bytes
        send(Ether(src=AC, dst=cl) / PPPoE(sessionid=sid) / Raw(b"\x00\x57") / l3)
    else:
        send(Ether(src=AC, dst=cl) / l3)
elif what == "dhcp6-release": # client -> server
    cl, pfx, plen = args
    send(Ether(src=cl, dst=AC) / IPv6(src="fe80::1", dst="ff02::1:2") /
         UDP(sport=546, dport=547) / DHCP6_Release(trid=0x55) /
         DHCP6OptIA_PD(iaid=1, iapdopt=[DHCP6OptIAPrefix(
             preflft=0, validlft=0, plen=int(plen), prefix=pfx)]))
else:
    sys.exit("unknown frame " + what)
