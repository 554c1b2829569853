#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_console_browser.sh - the operator's console in real Chromium driven by
# Selenium (python3-selenium, chromium-driver): every role signs in through
# the form; a kasir records a cash payment and sees it in the dashboard's
# today total and in the cash book; a teknisi can neither see nor post
# payments (403 in the UI and in the API); a form post without its CSRF
# token is 403 with data.mdb byte-identical; the session cookie after
# logout is 401; repeated wrong passwords are 429; no page carries script.
# Screenshots of every page at 390x844 and 1366x768 are kept in
# $BUILD/artifacts/console/. Exits 77 when Chromium or Selenium is missing.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
TOP=$PWD
TAGIH=$TOP/$BUILD/tagih
TAGIHD=$TOP/$BUILD/tagihd
ART=$TOP/$BUILD/artifacts/console
tmp=$(mktemp -d /tmp/tagih-cbr-XXXXXX)
pids=()

cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() { echo "FAIL: $*" >&2; exit 1; }

[ -x "$TAGIHD" ] || die "$TAGIHD not built"
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "SKIP: /usr/bin/python3 missing"; exit 77; }
"$PY" -c 'import selenium' 2>/dev/null || { echo "SKIP: python3-selenium missing"; exit 77; }
for t in chromium chromedriver curl; do
	command -v $t >/dev/null || { echo "SKIP: $t missing"; exit 77; }
done

DB=$tmp/db
"$TAGIH" init --db "$DB" >/dev/null || { echo "FAIL: tagih init"; exit 1; }
CONF=$tmp/tagih.conf
PORT=$((10000 + $$ % 20000))
APORT=$((PORT + 1))
export TAGIH_NOW=2026-11-20T10:00+07:00

umask 077
cat >"$CONF" <<EOF
db = $DB
timezone = Asia/Jakarta
tax_mode = none
operator_name = RT/RW Net Sukamaju
operator_address = Jl. Melati 7, Bandung
EOF
tg() { "$TAGIH" --config "$CONF" "$@"; }
tg plan add home --type flat --price 150000 >/dev/null || die "plan add"
tg sub add budi --name "Budi Santoso" --plan home --phone 081234567890 \
	--ip 10.0.0.5 --activated 2026-10-01 >/dev/null || die "sub add budi"
tg sub add sari --name "Sari Wulandari" --plan home --ip 10.0.0.6 \
	--activated 2026-10-01 >/dev/null || die "sub add sari"
tg sub suspend sari --reason "test isolir" >/dev/null 2>&1 || true
{
	echo "subscriber,start,up_bytes,down_bytes"
	for d in 03 07 12 19; do
		echo "budi,2026-11-${d}T20:00+07:00,250000000,1500000000"
	done
} >"$tmp/usage.csv"
tg usage import "$tmp/usage.csv" >/dev/null || die "usage import"
TAGIH_NOW=2026-11-01T08:00+07:00 tg invoice run --period 2026-10 >/dev/null ||
	die "invoice run"
for u in own:owner adm:admin kas:kasir tek:teknisi; do
	n=${u%%:*}
	echo "sandi-$n-$$" >"$tmp/pw.$n"
	tg user add "$n" --role "${u##*:}" --password-file "$tmp/pw.$n" \
		>/dev/null || die "user add $n"
done
INV=$(tg --json invoice list | "$PY" -c 'import json,sys; print(json.load(sys.stdin)[0]["number"])')

"$TAGIHD" --config "$CONF" --listen 127.0.0.1:$PORT \
	--admin-listen 127.0.0.1:$APORT >"$tmp/tagihd.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
	curl -s -o /dev/null "http://127.0.0.1:$APORT/console.css" && break
	sleep 0.1
done
curl -sf -o /dev/null "http://127.0.0.1:$APORT/console.css" ||
	die "console did not start: $(cat "$tmp/tagihd.log")"

rm -rf "$ART"
mkdir -p "$ART"
cat >"$tmp/browser.py" <<'EOF'
import hashlib, json, os, sys, time, urllib.error, urllib.parse, urllib.request
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

U, ART, DB, TMP, INV = sys.argv[1:6]
fails = 0

def ok(m): print("ok   " + m, flush=True)
def bad(m):
    global fails
    fails += 1
    print("FAIL " + m, flush=True)
def check(cond, m, why=""):
    ok(m) if cond else bad(m + (": " + why if why else ""))

def mdb():
    with open(os.path.join(DB, "data.mdb"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()

def pw(u):
    return open(os.path.join(TMP, "pw." + u)).read().strip()

o = Options()
for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
          "--disable-dev-shm-usage", "--lang=id"):
    o.add_argument(a)
try:
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
except WebDriverException as e:
    print("SKIP: chromium does not start: %s" % str(e).splitlines()[0])
    sys.exit(77)
d.set_page_load_timeout(20)
wait = WebDriverWait(d, 10)

def click(id_, timeout=10):
    """click a submit button and wait for the next page to replace this one"""
    old = d.find_element(By.TAG_NAME, "html")
    d.find_element(By.ID, id_).click()

    def gone(_):
        try:
            old.is_enabled()
            return False
        except Exception:	# stale, or the page is between documents
            return True
    WebDriverWait(d, timeout).until(gone)

def text(id_):
    return d.find_element(By.ID, id_).text

def noscript(name):
    src = d.page_source.lower()
    if "<script" in src or " onclick=" in src or "javascript:" in src:
        bad(name + ": the page carries script")

SIZES = ((390, 844), (1366, 768))
def shots(who, pages):
    for w, h in SIZES:
        d.set_window_size(w, h)
        for name, path in pages:
            d.get(U + path)
            noscript(name)
            d.save_screenshot(os.path.join(ART, "%s-%s-%dx%d.png" %
                                           (who, name, w, h)))
    d.set_window_size(1366, 768)

def login(user, password=None):
    d.delete_all_cookies()
    d.get(U + "/login")
    d.find_element(By.ID, "user").send_keys(user)
    d.find_element(By.ID, "password").send_keys(password or pw(user))
    click("login")
    wait.until(lambda d: d.find_elements(By.ID, "whoami") or
               d.find_elements(By.ID, "error") or
               d.find_elements(By.ID, "locked"))

def cookie():
    for c in d.get_cookies():
        if c["name"] == "tagih_sid":
            return c["value"]
    return None

def http(method, path, sid=None, body=None, ctype=None):
    """status, body of a request outside the browser with its cookie"""
    r = urllib.request.Request(U + path, method=method, data=body)
    if sid:
        r.add_header("Cookie", "tagih_sid=" + sid)
    if ctype:
        r.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(r, timeout=10) as f:
            return f.status, f.read().decode("latin-1")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()

# --- the sign-in page, both languages ------------------------------------
shots("anon", [("login", "/login")])
d.get(U + "/login?lang=en")
check("Sign in" in d.page_source and d.current_url.endswith("/login"),
      "the English switch (a cookie, then back to the page)")
shots("anon", [("login-en", "/login")])
d.get(U + "/login?lang=id")

# --- every role signs in -----------------------------------------------------
for user, role in (("own", "owner"), ("adm", "admin"), ("kas", "kasir"),
                   ("tek", "teknisi")):
    login(user)
    who = d.find_elements(By.ID, "whoami")
    check(who and role in who[0].text, "%s signs in as %s" % (user, role),
          d.page_source[:300])
    sid = cookie()
    flags = [c for c in d.get_cookies() if c["name"] == "tagih_sid"]
    check(flags and flags[0]["httpOnly"] and flags[0]["sameSite"] == "Strict",
          "%s: the session cookie is HttpOnly, SameSite=Strict" % user)

# --- the owner: every page, both sizes ----------------------------------------
login("own")
inv = urllib.parse.quote(INV)
pages = [("dashboard", "/"), ("subscribers", "/subscribers"),
         ("search", "/subscribers?q=10.0.0.5"),
         ("subscriber", "/subscribers/budi"),
         ("subscriber-isolated", "/subscribers/sari"),
         ("invoices", "/invoices"), ("invoices-overdue", "/invoices?status=overdue"),
         ("invoice", "/invoices/" + inv), ("payments", "/payments"),
         ("cashbook", "/cashbook"), ("reports", "/reports")]
shots("owner", pages)
d.get(U + "/?lang=en")
check("Dashboard" in d.page_source and "Collected today" in d.page_source,
      "the dashboard in English")
shots("owner", [("dashboard-en", "/"), ("reports-en", "/reports")])
d.get(U + "/?lang=id")
d.get(U + "/")
check(d.find_elements(By.ID, "trend") and
      d.find_element(By.ID, "trend").tag_name == "svg",
      "the dashboard has the 12-month trend as inline SVG")
check("sari" in text("isolated"), "the dashboard lists the isolated subscriber")
d.get(U + "/subscribers/budi")
check(d.find_elements(By.ID, "chart"), "the subscriber page has the usage chart")
check("10.0.0.5/32" in text("ips"), "the subscriber page lists the address")
check("10.0.0.5/32" in text("addr-history"), "... and its address history")
d.get(U + "/reports")
for t in ("revenue", "plans", "aging", "collections", "usage"):
    link = d.find_elements(By.ID, "csv-" + t)
    if not link:
        bad("reports: no CSV link for " + t)
        continue
    st, body = http("GET", urllib.parse.urlparse(link[0].get_attribute("href")).path +
                    "?" + urllib.parse.urlparse(link[0].get_attribute("href")).query,
                    sid=cookie())
    check(st == 200 and body.count("\n") >= 1 and "," in body.splitlines()[0],
          "reports: %s.csv downloads (%d lines)" % (t, body.count("\n")))

# --- the owner adds a subscriber, links it, sets a PIN, exports and erases it
def flash():
    f = d.find_elements(By.ID, "flash")
    return f[0].text if f else ""
d.get(U + "/subscribers/new")
shots("owner", [("subscriber-new", "/subscribers/new")])
d.get(U + "/subscribers/new")
for k, v in (("n-id", "dewi"), ("n-name", "Dewi Lestari"),
             ("n-phone", "081377778888"), ("n-ip", "10.0.0.9")):
    d.find_element(By.ID, k).send_keys(v)
click("add")
wait.until(lambda d: d.find_elements(By.ID, "flash") or d.find_elements(By.ID, "error"))
check("ditambahkan" in flash() and "10.0.0.9/32" in text("ips"),
      "the owner adds a subscriber through the form", d.page_source[:300])
click("do-link")
wait.until(lambda d: d.find_elements(By.ID, "flash"))
check(len(flash().split("/c/")[1]) == 43, "the customer link is shown")
d.find_element(By.ID, "pin").send_keys("246810")
click("do-pin")
wait.until(lambda d: flash())
check("PIN" in flash(), "the PIN is set", flash())
d.find_element(By.ID, "h-reason").send_keys("janji bayar")
click("do-hold")
wait.until(lambda d: flash())
check("Ditahan" in flash(), "the hold is set", flash())
st, body = http("GET", "/subscribers/dewi/export.json", cookie())
check(st == 200 and json.loads(body).get("subscriber", {}).get("name") == "Dewi Lestari"
      or (st == 200 and "Dewi Lestari" in body), "UU PDP export (owner)", str(st))
d.get(U + "/subscribers/dewi")
d.find_element(By.ID, "erase-confirm").click()
click("erase")
wait.until(lambda d: flash())
check("dihapus" in flash() and "Dewi" not in d.page_source, "UU PDP erase (owner)")
st, body = http("GET", "/invoices/" + inv + ".pdf", cookie())
check(st == 200 and body.startswith("%PDF"), "the invoice PDF downloads", str(st))

# --- the owner manages users: add (hashed on a worker), token, disable ---------
d.get(U + "/users")
d.find_element(By.ID, "u-name").send_keys("kas3")
Select(d.find_element(By.ID, "u-role")).select_by_value("kasir")
d.find_element(By.ID, "u-pw").send_keys("sandi-kas3-xyz")
click("u-add")
check("ditambahkan" in flash() and d.find_elements(By.ID, "user-kas3"),
      "the owner adds a kasir on the users page", flash())
check(not d.find_elements(By.ID, "disable-own"),
      "the owner cannot disable their own account")
click("token-kas3")
tok = flash().split(": ")[-1]
check(tok.startswith("tgh_") and len(tok) == 68, "a new API token is shown once")
req = urllib.request.Request(U + "/api/v1/subscribers")
req.add_header("Authorization", "Bearer " + tok)
with urllib.request.urlopen(req, timeout=10) as f:
    check(f.status == 200, "... and it works on the API")
shots("owner", [("users", "/users")])
d.get(U + "/users")
click("disable-kas3")
check("nonaktif" in text("user-kas3"), "the owner disables kas3")
owner_sid = cookie()
login("kas3", "sandi-kas3-xyz")
check(d.find_elements(By.ID, "error"), "a disabled user cannot sign in")
st, _ = http("GET", "/users", owner_sid)
check(st == 200, "the owner's users page", str(st))

# --- a kasir records cash ---------------------------------------------------------
login("kas")
d.get(U + "/")
check(text("today-total") == "Rp 0", "kasir's dashboard: nothing today yet",
      text("today-total"))
shots("kasir", [("dashboard", "/"), ("payments", "/payments?sub=budi"),
                ("cashbook", "/cashbook")])
d.get(U + "/payments?sub=budi")
d.find_element(By.ID, "amount").send_keys("75.000")
Select(d.find_element(By.ID, "method")).select_by_value("cash")
ref = d.find_element(By.ID, "ref")
ref.clear()
ref.send_keys("KW-T1")
click("record")
wait.until(lambda d: d.find_elements(By.ID, "receipt") or
           d.find_elements(By.ID, "error"))
check(d.find_elements(By.ID, "receipt") and
      text("receipt-amount") == "Rp 75.000" and "KW-T1" in text("receipt") and
      "20 November 2026" in text("receipt"),
      "the payment gives the kuitansi (Rp 75.000, KW-T1, Indonesian date)",
      d.page_source[:400])
shots("kasir", [("receipt", "/payments/receipt?ref=KW-T1")])
st, body = http("GET", "/payments/receipt.pdf?ref=KW-T1", cookie())
check(st == 200 and body.startswith("%PDF"), "the kuitansi as a PDF (billing/receipt.c)", str(st))
st, body = http("GET", "/payments/receipt.txt?ref=KW-T1", cookie())
body = body.encode("latin-1").decode("utf-8")
check(st == 200 and "KUITANSI" in body and "75.000" in body and
      all(len(l) <= 32 for l in body.splitlines()),
      "the kuitansi as thermal text, 32 columns at most", body[:200])
# the kuitansi printed on a 58 mm roll: what the print style keeps
import base64, subprocess
from selenium.webdriver.common.print_page_options import PrintOptions
po = PrintOptions()
po.page_width = 5.8
po.page_height = 12
po.margin_left = po.margin_right = po.margin_top = po.margin_bottom = 0
d.get(U + "/payments/receipt?ref=KW-T1")
pdfp = os.path.join(ART, "kuitansi-58mm.pdf")
with open(pdfp, "wb") as f:
    f.write(base64.b64decode(d.print_page(po)))
try:
    txt = subprocess.run(["pdftotext", "-layout", pdfp, "-"], capture_output=True,
                         text=True, timeout=20).stdout
    info = subprocess.run(["pdfinfo", pdfp], capture_output=True, text=True,
                          timeout=20).stdout
    width = [l for l in info.splitlines() if l.startswith("Page size")]
    check("Rp 75.000" in txt and "KW-T1" in txt and "KUITANSI" in txt and
          "Keluar" not in txt and "Ringkasan" not in txt,
          "the kuitansi prints on 58 mm without the navigation (%s)" %
          (width[0].split(":", 1)[1].strip() if width else "?"), txt[:300])
except FileNotFoundError:
    print("SKIP part: pdftotext missing")
d.get(U + "/")
check(text("today-total") == "Rp 75.000" and text("today-cash") == "Rp 75.000",
      "the dashboard's today total shows the cash", text("today-total"))
d.get(U + "/cashbook")
check(text("cash-total") == "Rp 75.000" and text("cash-setoran") == "Rp 75.000"
      and "KW-T1" in text("cashbook"),
      "the cash book has the payment and the setoran total")
d.get(U + "/reports")
check("Tidak diizinkan" in d.title, "a kasir may not open the reports")
d.get(U + "/users")
check("Tidak diizinkan" in d.title, "a kasir may not open the users page")

# --- CSRF: a form post without its token -------------------------------------------
sid = cookie()
before = mdb()
form = urllib.parse.urlencode({"sub": "budi", "amount": "1000",
                               "method": "cash", "ref": "CSRF-1"}).encode()
st, _ = http("POST", "/payments", sid, form, "application/x-www-form-urlencoded")
st2, _ = http("POST", "/payments", sid, form + b"&csrf=" + b"0" * 64,
              "application/x-www-form-urlencoded")
st3, _ = http("POST", "/subscribers/budi/suspend", sid, b"reason=x",
              "application/x-www-form-urlencoded")
check(st == 403 and st2 == 403 and st3 == 403,
      "form posts without or with a wrong CSRF token -> 403",
      "%d %d %d" % (st, st2, st3))
check(mdb() == before, "... and data.mdb is byte-identical")

# --- logout: the old cookie is 401 ---------------------------------------------
d.get(U + "/")
click("logout")
wait.until(lambda d: d.find_elements(By.ID, "login"))
st, _ = http("GET", "/", sid)
st2, body = http("GET", "/api/v1/payments", sid)
check(st == 401 and st2 == 401 and '"error"' in body,
      "the session cookie after logout -> 401 (page and API)",
      "%d %d" % (st, st2))

# --- a teknisi: no money -----------------------------------------------------------
login("tek")
check(not d.find_elements(By.ID, "nav-pay") and
      not d.find_elements(By.ID, "nav-cash") and
      not d.find_elements(By.ID, "today-total"),
      "teknisi: no payments, cash book or money on the dashboard")
shots("teknisi", [("dashboard", "/"), ("subscriber", "/subscribers/budi"),
                  ("payments-403", "/payments")])
for p in ("/payments", "/cashbook", "/invoices", "/payments/receipt?ref=KW-T1"):
    d.get(U + p)
    check("Tidak diizinkan" in d.title, "teknisi: %s -> the 403 page" % p)
sid = cookie()
st, _ = http("GET", "/payments", sid)
st2, _ = http("GET", "/api/v1/payments", sid)
before = mdb()
st3, body = http("POST", "/api/v1/payments", sid,
                 json.dumps({"subscriber": "budi", "amount": 1000,
                             "method": "cash", "ref": "TEK-1"}).encode(),
                 "application/json")
check(st == 403 and st2 == 403 and st3 == 403 and '"forbidden"' in body,
      "teknisi: 403 for the payments page, GET and POST /api/v1/payments",
      "%d %d %d" % (st, st2, st3))
check(mdb() == before, "... nothing written")
d.get(U + "/subscribers/budi")
check(d.find_elements(By.ID, "do-suspend") and not d.find_elements(By.ID, "owes"),
      "teknisi: the subscriber page offers suspend but shows no money")

# --- an admin, then the lockout -----------------------------------------------------
login("adm")
shots("admin", [("dashboard", "/"), ("invoice", "/invoices/" + inv)])
check(d.find_elements(By.ID, "void"), "admin: the invoice page offers a void")
d.find_element(By.ID, "reason").send_keys("salah tagih")
click("void")
wait.until(lambda d: d.find_elements(By.ID, "flash"))
check(d.find_element(By.ID, "inv-status").text in ("Batal", "Dibatalkan", "Void") or
      "void" in d.find_element(By.ID, "inv-status").get_attribute("class"),
      "admin voids the invoice", d.find_element(By.ID, "inv-status").text)
st, _ = http("GET", "/subscribers/budi/export.json", cookie())
check(st == 403, "admin: UU PDP export is the owner's (403)", str(st))
d.get(U + "/invoices")
d.find_element(By.ID, "run-period").send_keys("2026-10")
click("run")
WebDriverWait(d, 30).until(lambda d: d.find_elements(By.ID, "run-done"))
check("2 sudah ada" in text("run-done") and "0 baru" in text("run-done"),
      "admin: an invoice run for 2026-10 again makes nothing new (idempotent)",
      text("run-done"))
shots("admin", [("invoice-run", "/invoices/run")])
for i in range(5):
    login("adm", "salah-salah-%d" % i)
    if not d.find_elements(By.ID, "error"):
        bad("wrong password %d: no error shown" % i)
login("adm")
check(d.find_elements(By.ID, "locked"), "the 6th sign-in after 5 wrong ones is locked")
shots("anon", [("locked", "/login")])
st, _ = http("POST", "/api/v1/session", None,
             json.dumps({"user": "adm", "password": pw("adm")}).encode(),
             "application/json")
check(st == 429, "... and the API answers 429", str(st))

d.quit()
n = len([f for f in os.listdir(ART) if f.endswith(".png")])
check(n >= 40, "%d screenshots in %s" % (n, ART))
sys.exit(1 if fails else 0)
EOF
"$PY" "$tmp/browser.py" "http://127.0.0.1:$APORT" "$ART" "$DB" "$tmp" "$INV"
rc=$?
[ $rc = 77 ] && exit 77
for s in "Budi" "Santoso" "Wulandari" "081234567890" "sandi-"; do
	grep -qF -- "$s" "$tmp/tagihd.log" && { echo "FAIL the log holds '$s'"; rc=1; }
done
[ $rc = 0 ] && echo "all console browser checks passed"
exit $rc
