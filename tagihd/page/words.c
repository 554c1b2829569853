// SPDX-License-Identifier: GPL-2.0
/* words.c - the customer page's translation table and its formats for days, GB and billing periods. */
#include <stdio.h>
#include <string.h>

#include "lib/datefmt.h"
#include "tagihd/page/words.h"

static const struct words words[2] = {
	[LANG_ID] = {
		.html_lang = "id", .title = "Tagihan & pemakaian",
		.switch_to = "English", .switch_q = "en",
		.hello = "Halo",
		.suspended = "Layanan Anda sedang diisolir. Setelah tagihan "
			     "dibayar, internet langsung aktif kembali.",
		.bill_now = "Tagihan saat ini", .due = "Jatuh tempo",
		.invoice = "Tagihan", .outstanding = "Total belum dibayar",
		.pay = "Bayar sekarang",
		.nothing_due = "Tidak ada tagihan. Terima kasih!",
		.usage = "Pemakaian periode ini", .down = "Unduh",
		.up = "Unggah", .total = "Total",
		.no_usage = "Belum ada pemakaian",
		.history = "Riwayat tagihan",
		.no_invoices = "Belum ada tagihan.", .pdf = "Unduh PDF",
		.chart = "Pemakaian harian", .legend_down = "unduh",
		.legend_up = "unggah",
		.not_found = "Halaman tidak ditemukan",
		.not_found_text = "Tautan ini tidak berlaku. Minta tautan baru "
				  "kepada penyedia internet Anda.",
		.pay_failed = "Pembayaran belum bisa dibuat",
		.pay_failed_text = "Layanan pembayaran sedang tidak bisa "
				   "dihubungi. Silakan coba lagi sebentar "
				   "lagi.",
		.back = "Kembali",
		.nothing_to_pay = "Tidak ada tagihan yang perlu dibayar.",
		.period = "Periode",
		.login_title = "Masuk pelanggan",
		.login_intro = "Masukkan nomor HP yang terdaftar dan PIN "
			       "dari penyedia internet Anda.",
		.phone = "Nomor HP", .pin = "PIN", .login_btn = "Masuk",
		.login_failed = "Nomor HP atau PIN salah.",
		.login_locked = "Terlalu banyak percobaan",
		.login_locked_text = "Silakan coba lagi dalam 15 menit.",
		.login_busy = "Sedang sibuk",
		.login_busy_text = "Silakan coba lagi sebentar lagi.",
		.transfer = "Transfer bank",
		.transfer_ref = "Cantumkan nomor tagihan sebagai berita / "
				"referensi transfer:",
		.quote_ref = "Sebutkan nomor tagihan ini saat membayar:",
		.lift = "Bayar jumlah ini agar internet aktif kembali",
		.lift_n = "tagihan lewat masa tenggang",
		.quota_left = "Sisa kuota", .quota_of = "dari",
		.quota_over = "Kuota habis; kelebihan pemakaian",
		.billed = "tertagih", .this_period = "Periode ini",
		.pay_offline = "Pembayaran online belum tersedia",
		.pay_offline_text = "Silakan bayar dengan transfer bank atau "
				    "tunai; lihat halaman tagihan Anda.",
		.status = { "Belum dibayar", "Dibayar sebagian", "Lunas",
			    "Dibatalkan", "Terlambat" },
		.dec = ',',
	},
	[LANG_EN] = {
		.html_lang = "en", .title = "Bills & usage",
		.switch_to = "Bahasa Indonesia", .switch_q = "id",
		.hello = "Hello",
		.suspended = "Your service is suspended. It comes back as "
			     "soon as the bill is paid.",
		.bill_now = "Current bill", .due = "Due",
		.invoice = "Invoice", .outstanding = "Total unpaid",
		.pay = "Pay now",
		.nothing_due = "Nothing to pay. Thank you!",
		.usage = "Usage this period", .down = "Download",
		.up = "Upload", .total = "Total",
		.no_usage = "No usage yet",
		.history = "Past invoices",
		.no_invoices = "No invoices yet.", .pdf = "Download PDF",
		.chart = "Daily usage", .legend_down = "download",
		.legend_up = "upload",
		.not_found = "Page not found",
		.not_found_text = "This link is not valid. Ask your internet "
				  "provider for a new one.",
		.pay_failed = "Could not start the payment",
		.pay_failed_text = "The payment service cannot be reached "
				   "right now. Please try again shortly.",
		.back = "Back",
		.nothing_to_pay = "There is nothing to pay.",
		.period = "Period",
		.login_title = "Customer sign-in",
		.login_intro = "Enter the phone number you registered and the "
			       "PIN from your internet provider.",
		.phone = "Phone number", .pin = "PIN", .login_btn = "Sign in",
		.login_failed = "Wrong phone number or PIN.",
		.login_locked = "Too many attempts",
		.login_locked_text = "Please try again in 15 minutes.",
		.login_busy = "Busy right now",
		.login_busy_text = "Please try again in a moment.",
		.transfer = "Bank transfer",
		.transfer_ref = "Quote the invoice number as the transfer "
				"reference:",
		.quote_ref = "Quote this invoice number when you pay:",
		.lift = "Pay this to get your internet back",
		.lift_n = "invoices past the grace period",
		.quota_left = "Quota left", .quota_of = "of",
		.quota_over = "Quota used up; over by",
		.billed = "billed", .this_period = "This period",
		.pay_offline = "Online payment is not available",
		.pay_offline_text = "Please pay by bank transfer or in cash; "
				    "see your bill page.",
		.status = { "Unpaid", "Partly paid", "Paid", "Void",
			    "Overdue" },
		.dec = '.', .en = true,
	},
};

enum lang page_lang(struct MHD_Connection *conn)
{
	const char *q;

	q = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "lang");
	return q && !strcmp(q, "en") ? LANG_EN : LANG_ID;
}

const struct words *page_words(enum lang lang)
{
	return &words[lang == LANG_EN ? LANG_EN : LANG_ID];
}

char *fmt_day(const struct words *w, int32_t day, char *buf, size_t n)
{
	return datefmt_day(day, w->en, buf, n);
}

char *fmt_gb(const struct words *w, uint64_t b, char *buf, size_t n)
{
	uint64_t c = (b + 5000000) / 10000000;

	snprintf(buf, n, "%llu%c%02llu GB", (unsigned long long)(c / 100),
		 w->dec, (unsigned long long)(c % 100));
	return buf;
}

char *fmt_period(const struct words *w, const char *period, char *buf,
		 size_t n)
{
	return datefmt_period(period, w->en, buf, n);
}
