// SPDX-License-Identifier: GPL-2.0
/* vsheet.c - voucher sheets as CSV and as an A4 PDF of cards, for printing and cutting. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cairo.h>
#include <cairo-pdf.h>

#include "billing/vsheet.h"
#include "lib/text.h"
#include "lib/ttime.h"

#define VS_W 595.0	/* A4 in points */
#define VS_H 842.0
#define VS_M 24.0
#define VS_COLS 3
#define VS_ROWS 8

/* A CSV cell: quoted when it needs to be, and never a formula. */
static void vs_cell(FILE *f, const char *s, const char *end)
{
	bool q = strpbrk(s, ",\"\r\n") || strchr("=+-@", s[0] ? s[0] : 'x');

	if (!q) {
		fprintf(f, "%s%s", s, end);
		return;
	}
	fputc('"', f);
	if (strchr("=+-@", s[0]))
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fprintf(f, "\"%s", end);
}

int vsheet_csv(FILE *f, const struct vsheet *s, const struct vsheet_item *v,
	       unsigned n)
{
	char code[24], t[40];
	unsigned i;

	tt_fmt_time_local(s->created, t, sizeof(t));
	fputs("serial,code,kind,name,price,reseller,created\n", f);
	for (i = 0; i < n; i++) {
		voucher_code_fmt(v[i].code, code, sizeof(code));
		fprintf(f, "%llu,%s,%s,", (unsigned long long)v[i].serial, code,
			s->kind == VOUCHER_PLAN ? "plan" : "pack");
		vs_cell(f, s->name, ",");
		fprintf(f, "%lld,", (long long)s->price);
		vs_cell(f, s->reseller, ",");
		fprintf(f, "%s\n", t);
	}
	return ferror(f) ? -EIO : 0;
}

static cairo_status_t vs_write(void *closure, const unsigned char *data,
			       unsigned int length)
{
	return fwrite(data, 1, length, closure) == length ?
		       CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static void vs_text(cairo_t *cr, double x, double y, const char *face,
		    bool bold, double size, const char *s)
{
	char *r = text_repair(s, SIZE_MAX);	/* cairo wants UTF-8 */

	if (!r)
		return;
	cairo_select_font_face(cr, face, CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD :
				      CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, r);
	free(r);
}

static void vs_card(cairo_t *cr, double x, double y, double w, double h,
		    const struct vsheet *s, const struct vsheet_item *v)
{
	const char *op = s->conf && s->conf->operator_name &&
			 *s->conf->operator_name ? s->conf->operator_name :
			 "Internet";
	char code[24], line[96], price[40];

	cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
	cairo_set_line_width(cr, 0.5);
	cairo_set_dash(cr, (const double[]){ 3, 3 }, 2, 0);
	cairo_rectangle(cr, x, y, w, h);
	cairo_stroke(cr);
	cairo_set_dash(cr, NULL, 0, 0);
	cairo_set_source_rgb(cr, 0, 0, 0);
	vs_text(cr, x + 8, y + 16, "DejaVu Sans", true, 9, op);
	snprintf(line, sizeof(line), "%s %s", s->kind == VOUCHER_PLAN ?
		 "Paket" : "Kuota", s->name);
	vs_text(cr, x + 8, y + 30, "DejaVu Sans", false, 8.5, line);
	snprintf(line, sizeof(line), "%s  %s", s->detail,
		 money_fmt(s->price, price, sizeof(price)));
	vs_text(cr, x + 8, y + 42, "DejaVu Sans", false, 8.5, line);
	voucher_code_fmt(v->code, code, sizeof(code));
	vs_text(cr, x + 8, y + 64, "DejaVu Sans Mono", true, 14, code);
	snprintf(line, sizeof(line), "No. %llu%s%s",
		 (unsigned long long)v->serial, *s->reseller ? " \xc2\xb7 " : "",
		 s->reseller);
	vs_text(cr, x + 8, y + h - 8, "DejaVu Sans", false, 6.5, line);
}

int vsheet_pdf(FILE *f, const struct vsheet *s, const struct vsheet_item *v,
	       unsigned n)
{
	double cw = (VS_W - 2 * VS_M) / VS_COLS, ch = (VS_H - 2 * VS_M) / VS_ROWS;
	cairo_surface_t *surf;
	cairo_t *cr;
	unsigned i;
	int err = 0;

	surf = cairo_pdf_surface_create_for_stream(vs_write, f, VS_W, VS_H);
	if (cairo_surface_status(surf)) {
		cairo_surface_destroy(surf);
		return -EIO;
	}
	cr = cairo_create(surf);
	for (i = 0; i < n; i++) {
		unsigned k = i % (VS_COLS * VS_ROWS);

		if (i && !k)
			cairo_show_page(cr);
		vs_card(cr, VS_M + (k % VS_COLS) * cw, VS_M + (k / VS_COLS) * ch,
			cw, ch, s, &v[i]);
	}
	cairo_show_page(cr);
	if (cairo_status(cr))
		err = -EIO;
	cairo_destroy(cr);
	cairo_surface_finish(surf);
	if (cairo_surface_status(surf))
		err = -EIO;
	cairo_surface_destroy(surf);
	return err;
}
