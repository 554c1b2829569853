// SPDX-License-Identifier: GPL-2.0
/* pdfdoc.c - text, wrapping and QR codes on cairo, and one PDF into memory or a private file. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <qrencode.h>

#include "billing/pdfdoc.h"
#include "lib/outfile.h"
#include "lib/text.h"

void pdfdoc_font(cairo_t *cr, bool bold, double size)
{
	cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD :
				      CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

/* align: 0 left, 1 right, 2 centre */
static void pdfdoc_put(cairo_t *cr, double x, double y, const char *s,
		       int align)
{
	cairo_text_extents_t e;
	char *r = text_repair(s, SIZE_MAX);

	if (!r)
		return;		/* ENOMEM: the page lacks a string */
	if (align) {
		cairo_text_extents(cr, r, &e);
		x -= align == 1 ? e.x_advance : e.x_advance / 2;
	}
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, r);
	free(r);
}

void pdfdoc_text(cairo_t *cr, double x, double y, const char *s)
{
	pdfdoc_put(cr, x, y, s, 0);
}

void pdfdoc_rtext(cairo_t *cr, double x, double y, const char *s)
{
	pdfdoc_put(cr, x, y, s, 1);
}

void pdfdoc_ctext(cairo_t *cr, double x, double y, const char *s)
{
	pdfdoc_put(cr, x, y, s, 2);
}

double pdfdoc_width(cairo_t *cr, const char *s)
{
	cairo_text_extents_t e;
	char *r = text_repair(s, SIZE_MAX);

	if (!r)
		return 0;
	cairo_text_extents(cr, r, &e);
	free(r);
	return e.x_advance;
}

double pdfdoc_wrap(cairo_t *cr, double x, double y, double width, double lead,
		   const char *s)
{
	char *r = text_repair(s, SIZE_MAX), *line, *p, *sp;
	bool first = true;

	if (!r)
		return y;
	line = r;
	while (*line == ' ')
		line++;
	while (*line) {
		/* the longest run of words from line that fits */
		char *end = NULL;

		for (p = line;; p = sp + 1) {
			char save;

			sp = strchr(p, ' ');
			if (!sp)
				sp = p + strlen(p);
			save = *sp;
			*sp = '\0';
			if (end && pdfdoc_width(cr, line) > width) {
				*sp = save;
				break;
			}
			*sp = save;
			end = sp;
			if (!*sp)
				break;
		}
		if (!first)
			y += lead;
		first = false;
		{
			char save = *end;

			*end = '\0';
			pdfdoc_text(cr, x, y, line);
			*end = save;
		}
		line = end;
		while (*line == ' ')
			line++;
	}
	free(r);
	return y;
}

/* image pixels per module: a renderer that smooths images when it scales
 * them (poppler below ~150 dpi) still gets sharp module edges */
#define QR_PX 4

int pdfdoc_qr(cairo_t *cr, double x, double y, double size, const char *text)
{
	cairo_surface_t *img;
	cairo_pattern_t *pat;
	unsigned char *px;
	QRcode *q;
	int i, j, w, stride, err = 0;

	if (!text || !*text)
		return -EINVAL;
	q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	/*
	 * One pixel per module (quiet zone of 4 included) drawn scaled with
	 * the nearest filter: a tiny image in the PDF instead of hundreds of
	 * rectangles, whose coordinates cost cairo more to print than the
	 * rest of the page, and sharp edges at any zoom (/Interpolate false).
	 */
	w = (q->width + 8) * QR_PX;
	img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, w);
	if (cairo_surface_status(img)) {
		err = -ENOMEM;
		goto out;
	}
	cairo_surface_flush(img);
	px = cairo_image_surface_get_data(img);
	stride = cairo_image_surface_get_stride(img);
	for (i = 0; i < w; i++) {
		uint32_t *row = (uint32_t *)(px + (size_t)i * stride);

		for (j = 0; j < w; j++) {
			int mi = i / QR_PX - 4, mj = j / QR_PX - 4;
			bool dark = mi >= 0 && mj >= 0 && mi < q->width &&
				    mj < q->width &&
				    (q->data[mi * q->width + mj] & 1);

			row[j] = dark ? 0x000000 : 0xffffff;
		}
	}
	cairo_surface_mark_dirty(img);
	cairo_save(cr);
	cairo_translate(cr, x, y);
	cairo_scale(cr, size / w, size / w);
	pat = cairo_pattern_create_for_surface(img);
	cairo_pattern_set_filter(pat, CAIRO_FILTER_NEAREST);
	cairo_set_source(cr, pat);
	cairo_rectangle(cr, 0, 0, w, w);
	cairo_fill(cr);
	cairo_pattern_destroy(pat);
	cairo_restore(cr);
out:
	cairo_surface_destroy(img);
	QRcode_free(q);
	return err;
}

/* --- one document ------------------------------------------------------------ */

struct pdf_mem {
	unsigned char *p;
	size_t len, cap;
};

static cairo_status_t pdf_mem_write(void *closure, const unsigned char *data,
				    unsigned int length)
{
	struct pdf_mem *m = closure;

	if (m->len + length > m->cap) {
		size_t cap = m->cap ? m->cap : 16384;
		unsigned char *np;

		while (cap < m->len + length)
			cap *= 2;
		np = realloc(m->p, cap);
		if (!np)
			return CAIRO_STATUS_NO_MEMORY;
		m->p = np;
		m->cap = cap;
	}
	memcpy(m->p + m->len, data, length);
	m->len += length;
	return CAIRO_STATUS_SUCCESS;
}

int pdfdoc_mem(double w, double h, pdfdoc_draw_fn draw, void *ctx,
	       unsigned char **buf, size_t *len)
{
	struct pdf_mem m = { 0 };
	cairo_surface_t *surf;
	cairo_t *cr;
	int err;

	*buf = NULL;
	*len = 0;
	surf = cairo_pdf_surface_create_for_stream(pdf_mem_write, &m, w, h);
	if (cairo_surface_status(surf)) {
		cairo_surface_destroy(surf);
		return -EIO;
	}
	cr = cairo_create(surf);
	err = draw(cr, ctx);
	if (!err && cairo_status(cr))
		err = -EIO;
	cairo_destroy(cr);
	cairo_surface_finish(surf);
	if (!err && cairo_surface_status(surf))
		err = -EIO;
	/* no cairo_debug_reset_static_data() here: other threads may draw */
	cairo_surface_destroy(surf);
	if (err || !m.len) {
		free(m.p);
		return err ? err : -EIO;
	}
	*buf = m.p;
	*len = m.len;
	return 0;
}

int pdfdoc_file(const char *path, double w, double h, pdfdoc_draw_fn draw,
		void *ctx)
{
	unsigned char *buf;
	struct outfile out;
	size_t len;
	int err;

	err = pdfdoc_mem(w, h, draw, ctx, &buf, &len);
	if (err)
		return err;
	err = outfile_open(&out, path);
	if (err)
		goto out;
	if (fwrite(buf, 1, len, out.f) != len) {
		err = -EIO;
		outfile_abort(&out);
		goto out;
	}
	err = outfile_commit(&out);
out:
	free(buf);
	return err;
}
