#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# gwmock.py - the four gateways' status APIs on loopback, for the webhook tests.
#
#   gwmock.py PORT STATE
#
# STATE is a JSON file, read again on every request, so a test changes
# what the "gateway" knows by rewriting it (atomically: write, then mv):
#
#   {"mode": "ok" | "error" | "slow", error: every answer is HTTP 500;
#                                     slow: each waits "delay" seconds
#    "keys": {"midtrans": SERVER_KEY, "xendit": SECRET_KEY,
#             "tripay": API_KEY, "duitku": [MERCHANT_CODE, API_KEY]},
#    "midtrans": {ORDER_ID: {...the GET /v2/ORDER/status object...}},
#    "xendit":   {INVOICE_ID: {...the invoice object...}},
#    "tripay":   {REFERENCE: {...the transaction detail "data"...}},
#    "duitku":   {MERCHANT_ORDER_ID: {...the transactionStatus answer...}}}
#
# POST .../webapi/api/merchant/v2/inquiry (a Duitku payment link) is
# answered with a paymentUrl and its body kept in STATE.inquiry.
# Requests are checked as each gateway documents them (Basic auth with
# the key, a Bearer token, Duitku's md5 signature): a wrong one is 401.
# Each request is logged to stderr as "GW KEY -> STATUS".
import base64
import hashlib
import json
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def load(path):
    with open(path) as f:
        return json.load(f)


class Mock(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, obj, gw="-", key="-"):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        sys.stderr.write("%s %s -> %d\n" % (gw, key, status))
        sys.stderr.flush()

    def basic_ok(self, key):
        want = "Basic " + base64.b64encode((key + ":").encode()).decode()
        return self.headers.get("Authorization") == want

    def do_GET(self):
        st = load(self.server.state)
        if st.get("mode") == "slow":
            time.sleep(float(st.get("delay", 1)))
        if st.get("mode") == "error":
            return self.answer(500, {"error": "mock error mode"})
        u = urllib.parse.urlsplit(self.path)
        parts = [urllib.parse.unquote(p) for p in u.path.split("/")]
        keys = st.get("keys", {})
        # Midtrans: /v2/ORDER/status
        if len(parts) == 4 and parts[1] == "v2" and parts[3] == "status":
            order = parts[2]
            if not self.basic_ok(keys.get("midtrans", "")):
                return self.answer(401, {"status_code": "401"}, "midtrans", order)
            rec = st.get("midtrans", {}).get(order)
            if rec is None:
                # the Core API answers 200 with its own 404
                return self.answer(200, {"status_code": "404",
                                         "status_message": "Transaction doesn't exist."},
                                   "midtrans", order)
            return self.answer(200, rec, "midtrans", order)
        # Xendit: /v2/invoices/ID
        if len(parts) == 4 and parts[1] == "v2" and parts[2] == "invoices":
            iid = parts[3]
            if not self.basic_ok(keys.get("xendit", "")):
                return self.answer(401, {"error_code": "INVALID_API_KEY"}, "xendit", iid)
            rec = st.get("xendit", {}).get(iid)
            if rec is None:
                return self.answer(404, {"error_code": "INVOICE_NOT_FOUND_ERROR"},
                                   "xendit", iid)
            return self.answer(200, rec, "xendit", iid)
        # Tripay: /transaction/detail?reference=REF
        if u.path.rstrip("/").endswith("/transaction/detail"):
            ref = urllib.parse.parse_qs(u.query).get("reference", [""])[0]
            if self.headers.get("Authorization") != "Bearer " + keys.get("tripay", ""):
                return self.answer(401, {"success": False, "message": "Invalid API Key"},
                                   "tripay", ref)
            rec = st.get("tripay", {}).get(ref)
            if rec is None:
                return self.answer(200, {"success": False,
                                         "message": "Transaksi tidak ditemukan"},
                                   "tripay", ref)
            return self.answer(200, {"success": True, "message": "", "data": rec},
                               "tripay", ref)
        return self.answer(404, {"error": "no such endpoint"})

    def do_POST(self):
        st = load(self.server.state)
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        if st.get("mode") == "slow":
            time.sleep(float(st.get("delay", 1)))
        if st.get("mode") == "error":
            return self.answer(500, {"error": "mock error mode"})
        if self.path.endswith("/webapi/api/merchant/v2/inquiry"):
            # a payment link: kept for the test to read, answered as Duitku
            with open(self.server.state + ".inquiry", "wb") as f:
                f.write(raw)
            req = json.loads(raw)
            return self.answer(200, {"merchantCode": req.get("merchantCode"),
                                     "reference": "DMOCKREF",
                                     "paymentUrl": "https://sandbox.duitku.com/pay/" +
                                     urllib.parse.quote(req.get("merchantOrderId", ""), safe=""),
                                     "statusCode": "00", "statusMessage": "SUCCESS"},
                               "duitku", "inquiry")
        if not self.path.endswith("/webapi/api/merchant/transactionStatus"):
            return self.answer(404, {"error": "no such endpoint"})
        code, key = st.get("keys", {}).get("duitku", ["", ""])
        try:
            req = json.loads(raw)
        except ValueError:
            return self.answer(400, {"Message": "bad json"}, "duitku", "-")
        order = req.get("merchantOrderId", "")
        sig = hashlib.md5((code + order + key).encode()).hexdigest()
        if req.get("merchantCode") != code or req.get("signature") != sig:
            return self.answer(401, {"Message": "Invalid signature"}, "duitku", order)
        rec = st.get("duitku", {}).get(order)
        if rec is None:
            return self.answer(400, {"Message": "Transaction not found"}, "duitku", order)
        return self.answer(200, rec, "duitku", order)


def main():
    port, state = int(sys.argv[1]), sys.argv[2]
    srv = ThreadingHTTPServer(("127.0.0.1", port), Mock)
    srv.daemon_threads = True
    srv.state = state
    srv.serve_forever()


if __name__ == "__main__":
    main()
