/* SPDX-License-Identifier: GPL-2.0 */
/* words.h - the customer page's words in Bahasa Indonesia and English, and how it writes days, GB and periods. */
#ifndef TAGIHD_PAGE_WORDS_H
#define TAGIHD_PAGE_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <microhttpd.h>

enum lang { LANG_ID = 0, LANG_EN = 1 };

struct words {
	const char *html_lang, *title, *switch_to, *switch_q, *hello,
		*suspended, *bill_now, *due, *invoice, *outstanding, *pay,
		*nothing_due, *usage, *down, *up, *total, *no_usage,
		*history, *no_invoices, *pdf, *chart, *legend_down,
		*legend_up, *not_found, *not_found_text, *pay_failed,
		*pay_failed_text, *back, *nothing_to_pay, *period,
		*login_title, *login_intro, *phone, *pin, *login_btn,
		*login_failed, *login_locked, *login_locked_text,
		*login_busy, *login_busy_text, *transfer, *transfer_ref,
		*quote_ref, *lift, *lift_n, *quota_left, *quota_of,
		*quota_over, *billed, *this_period, *pay_offline,
		*pay_offline_text;
	const char *status[5];	/* by enum inv_status */
	bool en;		/* English: lib/datefmt's month names */
	char dec;		/* decimal separator */
};

/* Bahasa Indonesia unless the query says ?lang=en. */
enum lang page_lang(struct MHD_Connection *conn);
const struct words *page_words(enum lang lang);

/* "20 November 2026" */
char *fmt_day(const struct words *w, int32_t day, char *buf, size_t n);
/* "1,25 GB" (id) / "1.25 GB" (en), rounded to hundredths */
char *fmt_gb(const struct words *w, uint64_t b, char *buf, size_t n);
/* "Oktober 2026" from "2026-10" (the text itself if it is not one) */
char *fmt_period(const struct words *w, const char *period, char *buf,
		 size_t n);

#endif
