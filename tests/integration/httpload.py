#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# httpload.py - load for the public daemons' tests: slowloris trickles, timed probes, login floods.
#
# Every client binds its source address (--src), so one test can be "one
# hostile address" and "everyone else" on loopback (127.0.0.0/8 is all
# local). Results are one JSON object on stdout (or --out FILE).
#
#   trickle  --port P --src A --conns N --every S --for T [--reconnect]
#            N connections that send a request header one byte every S
#            seconds and never finish it; reports how many the server
#            held (sampled every second) and how long each one it cut
#            had lived.
#   probe    --port P --src A --rate R --for T [--path P | --post P --body F
#            --header "K: V" ...] : one request at a time on a new
#            connection, R per second; latency of each (--timeout, 2 s,
#            or a broken connection counts as a failure), p50/p99/max.
#   logins   --port P --srcs A-B --per N --conc C --phones K
#            from each address N wrong logins (POST /login) over K phones
#            per address, C at a time; counts by status, logins/second.
#   timing   --port P --src A --case NAME:PHONE,PHONE --case ... --rounds R
#            --pin X : wrong logins, round robin over the cases (case k
#            from address A + k); lower quartile and median per case.
#   burst    --port P --src A | --srcs A-B --n N --phone X --pin Y
#            N logins started at the same instant (spread over the
#            addresses); counts by status.
#
# Bounded: every wait has a timeout; nothing runs past --for + 10 s.
import argparse
import asyncio
import json
import sys
import time
import urllib.parse

HOST = "127.0.0.1"


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, int(round(p / 100.0 * len(xs) + 0.5)) - 1))
    return xs[k]


async def connect(args, src):
    return await asyncio.wait_for(
        asyncio.open_connection(args.host, args.port, local_addr=(src, 0)),
        timeout=args.timeout)


async def request(args, src, raw):
    """One request on a new connection: (status, seconds) or (None, s)."""
    t0 = time.monotonic()
    try:
        r, w = await connect(args, src)
        w.write(raw)
        await w.drain()
        data = await asyncio.wait_for(r.read(65536 * 4),
                                      timeout=args.timeout)
        w.close()
    except (OSError, asyncio.TimeoutError):
        return None, time.monotonic() - t0
    dt = time.monotonic() - t0
    try:
        return int(data.split(b" ", 2)[1]), dt
    except (IndexError, ValueError):
        return None, dt


def http_raw(method, path, body=b"", headers=()):
    h = ["%s %s HTTP/1.1" % (method, path), "Host: tagih.test",
         "Connection: close"]
    h += list(headers)
    if body or method == "POST":
        h.append("Content-Length: %d" % len(body))
    return ("\r\n".join(h) + "\r\n\r\n").encode() + body


# --- trickle ---------------------------------------------------------------

async def trickle(args):
    # held: open for more than 1 s (a refused one is closed within ms,
    # but looks open to us until its end of stream arrives)
    st = {"open": 0, "connects": 0, "refused": 0, "cut_after": [],
          "closed_at_once": 0, "held": [], "since": {}}
    end = time.monotonic() + args.for_

    async def one(i):
        await asyncio.sleep(i * 0.002)  # ~1 s to open 512
        while time.monotonic() < end:
            try:
                r, w = await connect(args, args.src)
            except (OSError, asyncio.TimeoutError):
                st["refused"] += 1
                if not args.reconnect:
                    return
                await asyncio.sleep(1)
                continue
            st["connects"] += 1
            st["open"] += 1
            t0 = time.monotonic()
            st["since"][i] = t0
            try:
                w.write(b"GET / HTTP/1.1\r\nHost: tagih.test\r\nX-Slow: ")
                while time.monotonic() < end:
                    try:
                        d = await asyncio.wait_for(r.read(1024),
                                                   timeout=args.every)
                        if not d:
                            break  # the server closed it
                        continue   # an answer: it is being closed
                    except asyncio.TimeoutError:
                        pass
                    w.write(b"a")
                    await w.drain()
            except OSError:
                pass
            life = time.monotonic() - t0
            st["open"] -= 1
            del st["since"][i]
            w.close()
            if time.monotonic() >= end:
                return
            if life < 1.0:
                st["closed_at_once"] += 1
            else:
                st["cut_after"].append(round(life, 2))
            if not args.reconnect:
                return
            await asyncio.sleep(1)

    async def sample():
        t0 = time.monotonic()
        while time.monotonic() < end:
            await asyncio.sleep(1)
            now = time.monotonic()
            old = sum(1 for t in st["since"].values() if now - t > 1)
            st["held"].append([round(now - t0), old])
            if args.ready and len(st["held"]) == 3:
                open(args.ready, "w").write("%d\n" % st["open"])

    await asyncio.gather(sample(), *(one(i) for i in range(args.conns)))
    later = [n for t, n in st["held"] if t >= 3]
    cut = st["cut_after"]
    return {"conns": args.conns, "connects": st["connects"],
            "refused": st["refused"], "closed_at_once": st["closed_at_once"],
            "held_max": max(later) if later else None,
            "held_min": min(later) if later else None,
            "held": st["held"], "cut": len(cut),
            "cut_min_s": min(cut) if cut else None,
            "cut_max_s": max(cut) if cut else None}


# --- probe -----------------------------------------------------------------

async def probe(args):
    if args.post:
        body = open(args.body, "rb").read() if args.body else b""
        raw = http_raw("POST", args.post, body, args.header or [])
    else:
        raw = http_raw("GET", args.path, b"", args.header or [])
    lat, statuses, fails = [], {}, 0
    end = time.monotonic() + args.for_
    gap = 1.0 / args.rate
    nxt = time.monotonic()
    while time.monotonic() < end:
        status, dt = await request(args, args.src, raw)
        lat.append(dt * 1000)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        if status is None:
            fails += 1
        nxt += gap
        await asyncio.sleep(max(0, nxt - time.monotonic()))
    return {"n": len(lat), "fail": fails, "status": statuses,
            "p50_ms": round(pct(lat, 50), 1), "p99_ms": round(pct(lat, 99), 1),
            "max_ms": round(max(lat), 1)}


# --- logins ----------------------------------------------------------------

def login_raw(phone, pin):
    body = urllib.parse.urlencode({"phone": phone, "pin": pin}).encode()
    return http_raw("POST", "/login", body,
                    ["Content-Type: application/x-www-form-urlencoded"])


def addr_range(spec):
    a, b = spec.split("-")
    pre, lo = a.rsplit(".", 1)
    return ["%s.%d" % (pre, i) for i in range(int(lo), int(b) + 1)]


async def logins(args):
    statuses, lat = {}, []
    srcs = addr_range(args.srcs)

    async def from_src(k, src):
        sem = asyncio.Semaphore(args.conc)

        async def one(j):
            # phones 0899 KKK PPPP: none registered, each tried per/phones
            phone = "0899%03d%04d" % (k, j % args.phones)
            async with sem:
                s, dt = await request(args, src, login_raw(phone, "%04d" % j))
            statuses[str(s)] = statuses.get(str(s), 0) + 1
            lat.append(dt * 1000)
        await asyncio.gather(*(one(j) for j in range(args.per)))

    t0 = time.monotonic()
    await asyncio.gather(*(from_src(k, s) for k, s in enumerate(srcs)))
    el = time.monotonic() - t0
    checked = statuses.get("401", 0)
    return {"addresses": len(srcs), "logins": len(lat), "status": statuses,
            "seconds": round(el, 2), "checked_per_s": round(checked / el, 1),
            "p50_ms": round(pct(lat, 50), 1), "max_ms": round(max(lat), 1)}


async def burst(args):
    raw = login_raw(args.phone, args.pin)
    srcs = addr_range(args.srcs) if args.srcs else [args.src]
    res = await asyncio.gather(*(request(args, srcs[i % len(srcs)], raw)
                                 for i in range(args.n)))
    statuses = {}
    for s, _ in res:
        statuses[str(s)] = statuses.get(str(s), 0) + 1
    return {"n": args.n, "status": statuses}


async def timing(args):
    """--case NAME:PHONE,PHONE...: each case from its own address (from
    --src up), rounds interleaved so drift hits every case alike."""
    pre, lo = args.src.rsplit(".", 1)
    cases = []
    for i, c in enumerate(args.case):
        name, phones = c.split(":")
        cases.append((name, "%s.%d" % (pre, int(lo) + i), phones.split(",")))
    lat = {name: [] for name, _, _ in cases}
    statuses = {}
    for r in range(args.rounds):
        for name, src, phones in cases:
            for ph in phones:
                s, dt = await request(args, src, login_raw(ph, args.pin))
                statuses[str(s)] = statuses.get(str(s), 0) + 1
                lat[name].append(dt * 1000)
    # the lower quartile: the cost itself, least disturbed by whatever
    # else the machine runs (the PIN workers run at a low priority)
    return {"status": statuses,
            "p25_ms": {k: round(pct(v, 25), 1) for k, v in lat.items()},
            "p50_ms": {k: round(pct(v, 50), 1) for k, v in lat.items()},
            "n": {k: len(v) for k, v in lat.items()}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["trickle", "probe", "logins", "burst", "timing"])
    ap.add_argument("--host", default=HOST)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--src", default="127.0.0.1")
    ap.add_argument("--srcs")
    ap.add_argument("--conns", type=int, default=512)
    ap.add_argument("--every", type=float, default=3)
    ap.add_argument("--for", dest="for_", type=float, default=20)
    ap.add_argument("--reconnect", action="store_true")
    ap.add_argument("--ready", help="file written once the attack is on")
    ap.add_argument("--rate", type=float, default=10)
    ap.add_argument("--path", default="/healthz")
    ap.add_argument("--post")
    ap.add_argument("--body")
    ap.add_argument("--header", action="append")
    ap.add_argument("--per", type=int, default=20)
    ap.add_argument("--conc", type=int, default=4)
    ap.add_argument("--phones", type=int, default=4)
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--phone")
    ap.add_argument("--pin")
    ap.add_argument("--case", action="append")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=2,
                    help="seconds a request may take before it counts "
                    "as failed")
    ap.add_argument("--out")
    args = ap.parse_args()
    res = asyncio.run(asyncio.wait_for(globals()[args.mode](args),
                                       timeout=args.for_ + 60))
    out = json.dumps(res)
    if args.out:
        open(args.out, "w").write(out + "\n")
    else:
        print(out)


if __name__ == "__main__":
    main()
