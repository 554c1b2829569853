// SPDX-License-Identifier: GPL-2.0
/* notify.c - tagihd's sender: outbox records out by WhatsApp (gateway, Cloud API) and e-mail. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>
#include <jansson.h>

#include "lib/log.h"
#include "lib/mailbox.h"
#include "lib/money.h"
#include "lib/text.h"
#include "lib/ttime.h"
#include "billing/invdoc.h"
#include "billing/outbox.h"
#include "billing/pay.h"
#include "billing/receipt.h"
#include "tagihd/notify.h"

#define NOTIFY_BATCH 32
#define NOTIFY_TICK_MS 500

struct notify {
	struct tagihd *d;
	pthread_t th;
	atomic_bool stop;
	unsigned channels;
};

/* --- templates ------------------------------------------------------------ */

struct tpl {
	const char *subject;
	const char *body;
};

/* Built-in messages; the operator overrides them with
 * notify_templates/LANG/EVENT.txt. */
static const struct tpl tpl_id[OBX__EVENTS] = {
	[OBX_INVOICE_ISSUED] = { "Tagihan {invoice}",
		"Halo {name}, tagihan internet Anda {invoice} sebesar {amount} "
		"sudah terbit, jatuh tempo {due}. Bayar di {link}\n"
		"Terima kasih - {operator}" },
	[OBX_DUE_SOON] = { "Pengingat tagihan {invoice}",
		"Halo {name}, tagihan {invoice} sebesar {amount} jatuh tempo "
		"{due}. Bayar di {link} agar layanan tidak terputus.\n{operator}" },
	[OBX_DUE_TODAY] = { "Tagihan {invoice} jatuh tempo hari ini",
		"Halo {name}, tagihan {invoice} sebesar {amount} jatuh tempo "
		"hari ini ({due}). Bayar di {link}\n{operator}" },
	[OBX_OVERDUE] = { "Tagihan {invoice} terlambat",
		"Halo {name}, tagihan {invoice} sebesar {amount} sudah lewat "
		"jatuh tempo. Segera bayar di {link} untuk menghindari isolir."
		"\n{operator}" },
	[OBX_SUSPENDED] = { "Layanan internet diisolir",
		"Halo {name}, layanan internet Anda diisolir karena tagihan "
		"belum dibayar. Setelah membayar di {link} layanan langsung "
		"aktif kembali.\n{operator}" },
	[OBX_PAYMENT] = { "Pembayaran diterima",
		"Halo {name}, pembayaran sebesar {amount} sudah kami terima. "
		"Terima kasih!\n{operator}" },
	[OBX_RESTORED] = { "Layanan internet aktif kembali",
		"Halo {name}, layanan internet Anda sudah aktif kembali. "
		"Terima kasih!\n{operator}" },
	[OBX_PREPAID_EXPIRING] = { "Masa aktif habis {days} hari lagi",
		"Halo {name}, masa aktif internet Anda habis {days} hari lagi "
		"({due}). Beli lagi ({amount}) di {link}\n{operator}" },
};

static const struct tpl tpl_en[OBX__EVENTS] = {
	[OBX_INVOICE_ISSUED] = { "Invoice {invoice}",
		"Hello {name}, your internet invoice {invoice} of {amount} is "
		"ready, due {due}. Pay at {link}\nThank you - {operator}" },
	[OBX_DUE_SOON] = { "Reminder: invoice {invoice}",
		"Hello {name}, invoice {invoice} of {amount} is due {due}. "
		"Pay at {link} to keep your service running.\n{operator}" },
	[OBX_DUE_TODAY] = { "Invoice {invoice} is due today",
		"Hello {name}, invoice {invoice} of {amount} is due today "
		"({due}). Pay at {link}\n{operator}" },
	[OBX_OVERDUE] = { "Invoice {invoice} is overdue",
		"Hello {name}, invoice {invoice} of {amount} is overdue. "
		"Please pay at {link} to avoid suspension.\n{operator}" },
	[OBX_SUSPENDED] = { "Internet service suspended",
		"Hello {name}, your internet service is suspended for an "
		"unpaid bill. It comes back as soon as you pay at {link}\n"
		"{operator}" },
	[OBX_PAYMENT] = { "Payment received",
		"Hello {name}, we received your payment of {amount}. "
		"Thank you!\n{operator}" },
	[OBX_RESTORED] = { "Internet service restored",
		"Hello {name}, your internet service is active again. "
		"Thank you!\n{operator}" },
	[OBX_PREPAID_EXPIRING] = { "Your plan ends in {days} days",
		"Hello {name}, your prepaid internet ends in {days} days "
		"({due}). Buy again ({amount}) at {link}\n{operator}" },
};

struct vars {
	const char *name, *invoice, *amount, *due, *link, *op;
	const char *days;	/* prepaid: days until {due} */
};

/* Fill {name} {invoice} {amount} {due} {link} {operator} {days}; unknown
 * placeholders are kept as written. Returns a malloc'd string. */
static char *render(const char *t, const struct vars *v)
{
	static const char *const keys[] = { "{name}", "{invoice}", "{amount}",
					    "{due}", "{link}", "{operator}",
					    "{days}" };
	const char *vals[] = { v->name, v->invoice, v->amount, v->due, v->link,
			       v->op, v->days };
	const size_t nkeys = sizeof(keys) / sizeof(keys[0]);
	char *out = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	while (*t) {
		for (i = 0; i < nkeys; i++) {
			size_t kl = strlen(keys[i]);

			if (!strncmp(t, keys[i], kl)) {
				fputs(vals[i] ? vals[i] : "", f);
				t += kl;
				break;
			}
		}
		if (i == nkeys)
			fputc(*t++, f);
	}
	fclose(f);
	return out;
}

/* The operator's template file, if any: "Subject: ...\n" then the body. */
static bool tpl_load(const char *dir, const char *lang, int event,
		     char **subject, char **body)
{
	char path[512], *buf = NULL, *nl;
	size_t n = 0;
	FILE *f;

	if (!dir || !*dir)
		return false;
	snprintf(path, sizeof(path), "%s/%s/%s.txt", dir, lang,
		 outbox_event_str(event));
	f = fopen(path, "re");
	if (!f)
		return false;
	if (getdelim(&buf, &n, '\0', f) < 0) {
		fclose(f);
		free(buf);
		return false;
	}
	fclose(f);
	if (!strncmp(buf, "Subject:", 8) && (nl = strchr(buf, '\n'))) {
		*nl = '\0';
		*subject = strdup(buf + 8 + strspn(buf + 8, " "));
		*body = strdup(nl + 1);
		free(buf);
	} else {
		*subject = strdup(outbox_event_str(event));
		*body = buf;
	}
	return true;
}

/* --- transports ------------------------------------------------------------ */

/* "0812-3456 789" / "+62 812..." -> "62812..." (WhatsApp ids are digits
 * with the country code). Returns 0 or -EINVAL. */
static int phone_norm(const char *in, char *out, size_t n)
{
	size_t j = 0;

	for (; *in; in++) {
		if (*in >= '0' && *in <= '9') {
			if (j + 3 >= n)
				return -EINVAL;
			if (j == 0 && *in == '0') {
				out[j++] = '6';
				out[j++] = '2';
				continue;
			}
			out[j++] = *in;
		} else if (!strchr(" +-().", *in)) {
			return -EINVAL;
		}
	}
	out[j] = '\0';
	return j >= 8 ? 0 : -EINVAL;
}

static size_t curl_sink(void *p, size_t sz, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return sz * n;
}

/* One HTTP POST; err gets a reason without personal data. 0 or -EIO. */
static int http_post(const char *url, struct curl_slist *hdr,
		     const char *body, char *err, size_t errn)
{
	CURL *c = curl_easy_init();
	long code = 0;
	CURLcode rc;

	if (!c) {
		snprintf(err, errn, "curl init failed");
		return -ENOMEM;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, curl_sink);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		snprintf(err, errn, "%s", curl_easy_strerror(rc));
		return -EIO;
	}
	if (code < 200 || code > 299) {
		snprintf(err, errn, "HTTP %ld", code);
		return -EIO;
	}
	return 0;
}

/* Substitute {phone} and {message} into the operator's body template. */
static char *wa_body(const char *tpl, const char *phone, const char *msg,
		     bool json)
{
	char *out = NULL, *m = NULL;
	size_t len = 0;
	FILE *f;
	json_t *js;

	if (json) {
		/* a JSON string without its quotes */
		js = text_json(msg, SIZE_MAX);	/* an old non-UTF-8 name */
		m = js ? json_dumps(js, JSON_ENCODE_ANY) : NULL;
		json_decref(js);
		if (m) {
			size_t l = strlen(m);

			memmove(m, m + 1, l - 2);
			m[l - 2] = '\0';
		}
	} else {
		m = curl_easy_escape(NULL, msg, 0);
	}
	if (!m)
		return NULL;
	f = open_memstream(&out, &len);
	if (!f) {
		json ? free(m) : curl_free(m);
		return NULL;
	}
	while (*tpl) {
		if (!strncmp(tpl, "{phone}", 7)) {
			fputs(phone, f);
			tpl += 7;
		} else if (!strncmp(tpl, "{message}", 9)) {
			fputs(m, f);
			tpl += 9;
		} else {
			fputc(*tpl++, f);
		}
	}
	fclose(f);
	if (json)
		free(m);
	else
		curl_free(m);
	return out;
}

static int send_wa_gateway(const struct tagih_conf *c, const char *phone,
			   const char *msg, char *err, size_t errn)
{
	struct curl_slist *h = NULL;
	char auth[512];
	bool json = c->wa_gateway_body && c->wa_gateway_body[0] == '{';
	char *body;
	int ret;

	body = wa_body(c->wa_gateway_body ? c->wa_gateway_body :
		       "{\"target\":\"{phone}\",\"message\":\"{message}\"}",
		       phone, msg, json);
	if (!body) {
		snprintf(err, errn, "out of memory");
		return -ENOMEM;
	}
	h = curl_slist_append(h, json ? "Content-Type: application/json" :
			      "Content-Type: application/x-www-form-urlencoded");
	if (c->wa_gateway_token && *c->wa_gateway_token) {
		snprintf(auth, sizeof(auth), "Authorization: %s",
			 c->wa_gateway_token);
		h = curl_slist_append(h, auth);
	}
	ret = http_post(c->wa_gateway_url, h, body, err, errn);
	explicit_bzero(auth, sizeof(auth));
	curl_slist_free_all(h);
	free(body);
	return ret;
}

static int send_wa_cloud(const struct tagih_conf *c, const char *phone,
			 const char *msg, char *err, size_t errn)
{
	struct curl_slist *h = NULL;
	char url[512], auth[512];
	char *body;
	json_t *o;
	int ret;

	o = json_pack("{s:s,s:s,s:s,s:{s:b,s:o}}", "messaging_product",
		      "whatsapp", "to", phone, "type", "text", "text",
		      "preview_url", 0, "body", text_json(msg, SIZE_MAX));
	body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!body) {
		snprintf(err, errn, "out of memory");
		return -ENOMEM;
	}
	snprintf(url, sizeof(url), "%s/%s/messages", c->wa_cloud_url,
		 c->wa_cloud_phone_id);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
		 c->wa_cloud_token ? c->wa_cloud_token : "");
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, auth);
	ret = http_post(url, h, body, err, errn);
	explicit_bzero(auth, sizeof(auth));
	curl_slist_free_all(h);
	free(body);
	return ret;
}

/* A header line, with any line break in the values (a subject made from a
 * template, the operator's name) turned into a space: one header stays
 * one header. */
__attribute__((format(printf, 4, 5)))
static struct curl_slist *hdr_add(struct curl_slist *h, char *line, size_t n,
				  const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(line, n, fmt, ap);
	va_end(ap);
	for (p = line; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	return curl_slist_append(h, line);
}

static int send_email(const struct tagih_conf *c, const char *to,
		      const char *subject, const char *body, const char *pdf,
		      char *err, size_t errn)
{
	const char *sender = c->smtp_from ? c->smtp_from : "tagih@localhost";
	struct curl_slist *rcpt = NULL, *hdr = NULL;
	char from[256], line[512];
	curl_mime *mime;
	curl_mimepart *part;
	const char *why;
	CURLcode rc;
	CURL *cu;

	/* checked again here (sub add/set check it too): the address goes
	 * on the RCPT line, where a line break would add a recipient; the
	 * record may predate the check or have been edited by hand */
	if (mailbox_check(to, &why)) {
		snprintf(err, errn, "subscriber e-mail is not a usable address "
			 "(%s): not sent", why);
		return -EINVAL;
	}
	if (mailbox_check(sender, &why)) {
		snprintf(err, errn, "smtp_from is not a usable address (%s): "
			 "not sent", why);
		return -EINVAL;
	}
	cu = curl_easy_init();
	if (!cu) {
		snprintf(err, errn, "curl init failed");
		return -ENOMEM;
	}
	snprintf(from, sizeof(from), "<%s>", sender);
	snprintf(line, sizeof(line), "<%s>", to);
	rcpt = curl_slist_append(rcpt, line);
	hdr = hdr_add(hdr, line, sizeof(line), "Subject: %s", subject);
	hdr = hdr_add(hdr, line, sizeof(line), "From: %s %s",
		      c->operator_name ? c->operator_name : "tagih", from);
	hdr = hdr_add(hdr, line, sizeof(line), "To: <%s>", to);

	mime = curl_mime_init(cu);
	part = curl_mime_addpart(mime);
	curl_mime_data(part, body, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/plain; charset=UTF-8");
	if (pdf) {
		part = curl_mime_addpart(mime);
		curl_mime_filedata(part, pdf);
		curl_mime_type(part, "application/pdf");
		curl_mime_encoder(part, "base64");
	}
	curl_easy_setopt(cu, CURLOPT_URL, c->smtp_url);
	if (c->smtp_user && *c->smtp_user) {
		curl_easy_setopt(cu, CURLOPT_USERNAME, c->smtp_user);
		curl_easy_setopt(cu, CURLOPT_PASSWORD,
				 c->smtp_password ? c->smtp_password : "");
	}
	curl_easy_setopt(cu, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(cu, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(cu, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT, 10L);
	rc = curl_easy_perform(cu);
	curl_easy_cleanup(cu);
	curl_mime_free(mime);
	curl_slist_free_all(rcpt);
	curl_slist_free_all(hdr);
	if (rc != CURLE_OK) {
		snprintf(err, errn, "smtp: %s", curl_easy_strerror(rc));
		return -EIO;
	}
	return 0;
}

/* --- the loop ------------------------------------------------------------------ */

/* What a message needs, read in one read txn. */
struct msg_ctx {
	struct outbox_rec r;
	struct sub_rec sub;
};

/*
 * The receipt (kuitansi) of payment ref in invoice_pdf_dir, as
 * invoice_pdf does for invoices; path gets it or "".
 */
static void receipt_pdf(struct notify *n, const char *ref, char *path,
			size_t size)
{
	const struct tagih_conf *c = &n->d->conf;
	char name[PAY_REF_MAX + 20];
	struct pay_rec p;
	MDB_txn *txn;
	int err;

	path[0] = '\0';
	if (strlen(ref) > PAY_REF_MAX)
		return;
	receipt_filename(ref, name, sizeof(name));
	if ((size_t)snprintf(path, size, "%s/%s", c->invoice_pdf_dir, name) >=
	    size) {
		path[0] = '\0';
		return;
	}
	err = store_begin(n->d->st, false, &txn);
	if (!err) {
		err = pay_get(txn, n->d->st, ref, &p);
		if (!err)
			err = receipt_pdf_file(txn, n->d->st, &p, c,
					       invdoc_lang_en(c), path);
		store_abort(txn);
	}
	if (err)
		pr_warn("notify: cannot write a receipt PDF into "
			"invoice_pdf_dir: %s", strerror(-err));
	if (access(path, R_OK))
		path[0] = '\0';
}

/*
 * The invoice's PDF in invoice_pdf_dir (named by invdoc_filename), made
 * afresh so the attachment shows the status as of now; path gets it, or
 * "" when there is none to attach. One that cannot be written (the
 * directory is not tagihd's) is still attached when an older one is
 * there.
 */
static void invoice_pdf(struct notify *n, const char *number, char *path,
			size_t size)
{
	const struct tagih_conf *c = &n->d->conf;
	char name[INV_NUM_MAX + 8];
	struct inv_rec *inv;
	MDB_txn *txn;
	int err;

	path[0] = '\0';
	if (strlen(number) >= INV_NUM_MAX)
		return;
	invdoc_filename(number, name, sizeof(name));
	if ((size_t)snprintf(path, size, "%s/%s", c->invoice_pdf_dir, name) >=
	    size) {
		path[0] = '\0';
		return;
	}
	inv = malloc(sizeof(*inv));
	if (!inv)
		goto old;
	err = store_begin(n->d->st, false, &txn);
	if (!err) {
		err = invoice_get(txn, n->d->st, number, inv);
		if (!err)
			err = invdoc_pdf_file(txn, n->d->st, inv, c,
					      invdoc_lang_en(c),
					      tt_local_day(tt_now()), path);
		store_abort(txn);
	}
	free(inv);
	if (err)
		pr_warn("notify: cannot write the PDF of %s into "
			"invoice_pdf_dir: %s", number, strerror(-err));
old:
	if (access(path, R_OK))
		path[0] = '\0';
}

static int notify_send(struct notify *n, const struct msg_ctx *m,
		       char *err, size_t errn)
{
	const struct tagih_conf *c = &n->d->conf;
	const char *lang = c->notify_lang && !strcmp(c->notify_lang, "en") ?
			   "en" : "id";
	const struct tpl *t = (lang[0] == 'e' ? tpl_en : tpl_id) + m->r.event;
	char amount[32], due[32] = "-", link[512], phone[32], pdf[512];
	char days[16] = "";
	char *subject = NULL, *tbody = NULL, *s = NULL, *b = NULL;
	struct vars v;
	int ret = -EINVAL;

	money_fmt(m->r.amount, amount, sizeof(amount));
	if (m->r.due)
		tt_fmt_date(m->r.due, due, sizeof(due));
	if (c->public_url && m->sub.link_token[0])
		snprintf(link, sizeof(link), "%s/p/%s", c->public_url,
			 m->sub.link_token);
	else
		snprintf(link, sizeof(link), "%s",
			 c->public_url ? c->public_url : "");
	if (m->r.due) {
		int left = m->r.due - tt_local_day(tt_now());

		snprintf(days, sizeof(days), "%d", left > 0 ? left : 0);
	}
	v = (struct vars){ m->sub.name, m->r.ref, amount, due, link,
			   c->operator_name ? c->operator_name : "", days };
	if (!tpl_load(c->notify_templates, lang, m->r.event, &subject,
		      &tbody)) {
		subject = strdup(t->subject);
		tbody = strdup(t->body);
	}
	if (subject && tbody) {
		s = render(subject, &v);
		b = render(tbody, &v);
	}
	if (!s || !b) {
		snprintf(err, errn, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	switch (m->r.channel) {
	case OBX_WA_GATEWAY:
	case OBX_WA_CLOUD:
		if (phone_norm(m->sub.phone, phone, sizeof(phone))) {
			snprintf(err, errn, "subscriber phone is not valid");
			goto out;
		}
		ret = m->r.channel == OBX_WA_GATEWAY ?
		      send_wa_gateway(c, phone, b, err, errn) :
		      send_wa_cloud(c, phone, b, err, errn);
		break;
	case OBX_EMAIL:
		pdf[0] = '\0';
		if (c->invoice_pdf_dir && *c->invoice_pdf_dir &&
		    m->r.event != OBX_PAYMENT &&
		    m->r.event != OBX_SUSPENDED && m->r.event != OBX_RESTORED &&
		    m->r.event != OBX_PREPAID_EXPIRING)
			invoice_pdf(n, m->r.ref, pdf, sizeof(pdf));
		else if (c->invoice_pdf_dir && *c->invoice_pdf_dir &&
			 m->r.event == OBX_PAYMENT)
			receipt_pdf(n, m->r.ref, pdf, sizeof(pdf));
		ret = send_email(c, m->sub.email, s, b, pdf[0] ? pdf : NULL,
				 err, errn);
		break;
	default:
		snprintf(err, errn, "unknown channel");
	}
out:
	free(subject);
	free(tbody);
	free(s);
	free(b);
	return ret;
}

struct due_ctx {
	uint64_t ids[NOTIFY_BATCH];
	int n;
	int64_t now;
};

static int collect_due(const struct outbox_rec *r, void *ctx)
{
	struct due_ctx *d = ctx;

	if (r->status == OBX_PENDING && r->next_try <= d->now)
		d->ids[d->n++] = r->id;
	return d->n == NOTIFY_BATCH;
}

static int collect_sending(const struct outbox_rec *r, void *ctx)
{
	struct due_ctx *d = ctx;

	if (r->status == OBX_SENDING)
		d->ids[d->n++] = r->id;
	return d->n == NOTIFY_BATCH;
}

/* Claim one record (PENDING and due -> SENDING, committed) and read what
 * the message needs. 0 claimed, 1 not ours any more, -errno. */
static int claim(struct store *st, uint64_t id, int64_t now,
		 struct msg_ctx *m)
{
	MDB_txn *txn;
	int err;

	err = store_begin(st, true, &txn);
	if (err)
		return err;
	err = outbox_get(txn, st, id, &m->r);
	if (err || m->r.status != OBX_PENDING || m->r.next_try > now) {
		store_abort(txn);
		return err ? err : 1;
	}
	m->r.status = OBX_SENDING;
	err = outbox_put(txn, st, &m->r);
	if (!err) {
		err = sub_get(txn, st, m->r.sub, &m->sub);
		if (err == -ENOENT) {
			memset(&m->sub, 0, sizeof(m->sub));
			err = 0;
		}
	}
	if (err) {
		store_abort(txn);
		return err;
	}
	return store_commit(txn);
}

static void record(struct notify *n, uint64_t id, bool ok, const char *why)
{
	const struct tagih_conf *c = &n->d->conf;
	MDB_txn *txn;

	if (store_begin(n->d->st, true, &txn))
		return;
	if (outbox_result(txn, n->d->st, id, ok, why, tt_now(),
			  (uint32_t)c->notify_max_attempts,
			  c->notify_retry_base)) {
		store_abort(txn);
		return;
	}
	store_commit(txn);
}

static void notify_pass(struct notify *n)
{
	struct store *st = n->d->st;
	struct due_ctx due = { .now = tt_now() };
	struct msg_ctx m;
	char err[160];
	MDB_txn *txn;
	int i, r;

	if (!store_begin(st, true, &txn)) {
		r = outbox_feed(txn, st, n->channels, due.now);
		if (r > 0) {
			pr_info("notify: %d message(s) queued", r);
			store_commit(txn);
		} else {
			/* nothing new: cursors may still move */
			if (r == 0) {
				store_commit(txn);
			} else {
				store_abort(txn);
				pr_warn("notify: feeding the outbox: %s",
					strerror(-r));
			}
		}
	}
	if (store_begin(st, false, &txn))
		return;
	outbox_foreach(txn, st, collect_due, &due);
	store_abort(txn);
	for (i = 0; i < due.n && !atomic_load(&n->stop); i++) {
		if (claim(st, due.ids[i], due.now, &m))
			continue;
		err[0] = '\0';
		r = notify_send(n, &m, err, sizeof(err));
		/* no phone, e-mail or name here: ids and reasons only */
		if (r)
			pr_info("notify: #%llu %s %s: %s",
				(unsigned long long)m.r.id,
				outbox_channel_str(m.r.channel),
				outbox_event_str(m.r.event), err);
		else
			pr_debug("notify: #%llu %s %s sent",
				 (unsigned long long)m.r.id,
				 outbox_channel_str(m.r.channel),
				 outbox_event_str(m.r.event));
		record(n, m.r.id, r == 0, err);
	}
}

/* A record left SENDING by a crash may or may not have gone out: never
 * resend it by ourselves. */
static void notify_recover(struct notify *n)
{
	struct due_ctx d = { 0 };
	struct outbox_rec r;
	MDB_txn *txn;
	int i;

	if (store_begin(n->d->st, true, &txn))
		return;
	outbox_foreach(txn, n->d->st, collect_sending, &d);
	for (i = 0; i < d.n; i++) {
		if (outbox_get(txn, n->d->st, d.ids[i], &r))
			continue;
		r.status = OBX_FAILED;
		snprintf(r.last_error, sizeof(r.last_error),
			 "interrupted while sending: delivery unknown");
		outbox_put(txn, n->d->st, &r);
	}
	store_commit(txn);
}

static void *notify_main(void *arg)
{
	struct notify *n = arg;

	notify_recover(n);
	while (!atomic_load(&n->stop)) {
		notify_pass(n);
		usleep(NOTIFY_TICK_MS * 1000);
	}
	return NULL;
}

static bool set(const char *s)
{
	return s && *s;
}

int notify_start(struct tagihd *d, struct notify **np)
{
	const struct tagih_conf *c = &d->conf;
	struct notify *n;
	int err;

	*np = NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->d = d;
	if (set(c->wa_gateway_url))
		n->channels |= 1u << OBX_WA_GATEWAY;
	if (set(c->wa_cloud_phone_id) && set(c->wa_cloud_token))
		n->channels |= 1u << OBX_WA_CLOUD;
	if (set(c->smtp_url))
		n->channels |= 1u << OBX_EMAIL;
	if (!n->channels) {
		pr_info("notify: no channel configured (wa_gateway_url, "
			"wa_cloud_phone_id, smtp_url): not sending");
		free(n);
		return 0;
	}
	err = pthread_create(&n->th, NULL, notify_main, n);
	if (err) {
		free(n);
		return -err;
	}
	*np = n;
	return 0;
}

void notify_stop(struct notify *n)
{
	if (!n)
		return;
	atomic_store(&n->stop, true);
	pthread_join(n->th, NULL);
	free(n);
}
