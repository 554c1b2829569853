/* SPDX-License-Identifier: GPL-2.0 */
/* pdfdoc.h - what the invoice and receipt PDFs share (cairo): text, wrapping, the QR code, one document into a file or memory. */
#ifndef TAGIH_PDFDOC_H
#define TAGIH_PDFDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <cairo.h>

#define PDFDOC_MM (72.0 / 25.4)	/* points per millimetre */

/* DejaVu Sans (fonts-dejavu-core), bold or not, size in points. */
void pdfdoc_font(cairo_t *cr, bool bold, double size);
/*
 * Text at x, y (baseline); rtext ends at x, ctext is centred on x. Every
 * string goes through text_repair first: cairo refuses text that is not
 * UTF-8 and then fails the whole document, so one old name with a
 * Latin-1 byte would lose every invoice of an export.
 */
void pdfdoc_text(cairo_t *cr, double x, double y, const char *s);
void pdfdoc_rtext(cairo_t *cr, double x, double y, const char *s);
void pdfdoc_ctext(cairo_t *cr, double x, double y, const char *s);
/* Advance width of s in the current font. */
double pdfdoc_width(cairo_t *cr, const char *s);
/*
 * s broken at spaces into lines of at most width points (a word longer
 * than that has a line of its own), the first at baseline y, each next
 * one lead points lower. Returns the baseline of the last line.
 */
double pdfdoc_wrap(cairo_t *cr, double x, double y, double width, double lead,
		   const char *s);
/*
 * text as a QR code (libqrencode, error correction M, 8-bit mode) in a
 * square of size points at x, y (top left), quiet zone of 4 modules
 * included, black on white. Returns 0, -EINVAL (empty or too long for a
 * QR code) or -ENOMEM.
 */
int pdfdoc_qr(cairo_t *cr, double x, double y, double size, const char *text);

/* Draws the pages of one document on cr; 0 or -errno. */
typedef int (*pdfdoc_draw_fn)(cairo_t *cr, void *ctx);

/* One document of w x h points into *buf (malloc'd; the caller frees)
 * and *len. Safe from several threads. Returns 0, -ENOMEM, -EIO or what
 * draw returned. */
int pdfdoc_mem(double w, double h, pdfdoc_draw_fn draw, void *ctx,
	       unsigned char **buf, size_t *len);
/* The same into path through lib/outfile (mode 0600, mkstemp beside it,
 * renamed into place when complete). Returns 0 or -errno; a failure
 * leaves no file and the old one intact. */
int pdfdoc_file(const char *path, double w, double h, pdfdoc_draw_fn draw,
		void *ctx);

#endif
