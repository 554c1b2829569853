/* SPDX-License-Identifier: GPL-2.0 */
/* sub.h - the commands of `tagih sub` (table in sub.c, one file per group of them). */
#ifndef TAGIH_TOOLS_SUB_H
#define TAGIH_TOOLS_SUB_H

#include "tools/cli.h"

struct sub_rec;

/* form.c: add, set */
extern const struct cli_opt sub_add_opts[], sub_set_opts[];
int sub_cmd_add(struct cli *c, struct cli_args *a);
int sub_cmd_set(struct cli *c, struct cli_args *a);
/* show.c: list, show */
extern const struct cli_opt sub_show_opts[];
int sub_cmd_list(struct cli *c, struct cli_args *a);
int sub_cmd_show(struct cli *c, struct cli_args *a);
/* ip.c: ip add, ip del */
int sub_cmd_ip_add(struct cli *c, struct cli_args *a);
int sub_cmd_ip_del(struct cli *c, struct cli_args *a);
/* Name the subscriber that holds p (or overlaps it), for error messages. */
struct prefix;
void sub_say_owner(MDB_txn *txn, struct store *st, const struct prefix *p,
		   uint32_t self);
/* bill.c: plan, terminate, addon add|del|list */
extern const struct cli_opt sub_plan_opts[], sub_terminate_opts[],
	sub_addon_add_opts[], sub_addon_del_opts[];
int sub_cmd_plan(struct cli *c, struct cli_args *a);
int sub_cmd_terminate(struct cli *c, struct cli_args *a);
int sub_cmd_addon_add(struct cli *c, struct cli_args *a);
int sub_cmd_addon_del(struct cli *c, struct cli_args *a);
int sub_cmd_addon_list(struct cli *c, struct cli_args *a);
/* In sub add's txn, after sub_add: record the plan from the activation
 * day. 0 or an exit code (message printed; the caller aborts). */
int sub_bill_added(MDB_txn *txn, struct store *st, const struct sub_rec *r);
/* link.c: link, pin */
extern const struct cli_opt sub_link_opts[], sub_pin_opts[];
int sub_cmd_link(struct cli *c, struct cli_args *a);
int sub_cmd_pin(struct cli *c, struct cli_args *a);
/* pdp.c: export, erase (UU PDP) */
extern const struct cli_opt sub_export_opts[], sub_erase_opts[];
int sub_cmd_export(struct cli *c, struct cli_args *a);
int sub_cmd_erase(struct cli *c, struct cli_args *a);
/* isolir.c: suspend, restore, hold */
extern const struct cli_opt sub_suspend_opts[], sub_restore_opts[],
	sub_hold_opts[];
int sub_cmd_suspend(struct cli *c, struct cli_args *a);
int sub_cmd_restore(struct cli *c, struct cli_args *a);
int sub_cmd_hold(struct cli *c, struct cli_args *a);
/* fup.c: fup */
extern const struct cli_opt sub_fup_opts[];
int sub_cmd_fup(struct cli *c, struct cli_args *a);

#endif
