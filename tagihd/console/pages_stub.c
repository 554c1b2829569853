// SPDX-License-Identifier: GPL-2.0
#include "tagihd/console/console.h"
enum MHD_Result ui_dashboard(struct con_ctx *c) { return ui_msg(c, 200, "x", "y"); }
enum MHD_Result ui_subs(struct con_ctx *c, const char *path) { (void)path; return ui_msg(c, 200, "x", "y"); }
enum MHD_Result ui_invoices(struct con_ctx *c, const char *path) { (void)path; return ui_msg(c, 200, "x", "y"); }
enum MHD_Result ui_payments(struct con_ctx *c, const char *path) { (void)path; return ui_msg(c, 200, "x", "y"); }
enum MHD_Result ui_cashbook(struct con_ctx *c) { return ui_msg(c, 200, "x", "y"); }
enum MHD_Result ui_reports(struct con_ctx *c, const char *path) { (void)path; return ui_msg(c, 200, "x", "y"); }
