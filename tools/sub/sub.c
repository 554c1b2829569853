// SPDX-License-Identifier: GPL-2.0
/* sub.c - `tagih sub`: the table of its commands (the code is in this folder, by topic). */
#include "tools/sub/sub.h"
#include "billing/custpin.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static const struct cli_cmd sub_cmds[] = {
	{ "add", "ID", 1, sub_add_opts, sub_cmd_add,
	  "add a subscriber, with its addresses and plan",
	  "ID is 1..32 of A-Z a-z 0-9 . _ -. PREFIX is an address "
	  "(10.0.0.5, 2001:db8::1) or a network (10.0.0.0/29, "
	  "2001:db8:100::/56).\n\n"
	  "Text (name, address, notes, ...) is UTF-8 without control "
	  "characters; each field has a size in bytes (name 95, address 159, "
	  "notes 159, email 95, phone 23).\n\n"
	  "The NIK (16 digits) is personal data: give it as --nik-file FILE "
	  "(one line) or --nik - (read from standard input, not echoed), so "
	  "it stays out of the process list and shell history; --nik N still "
	  "works for scripts.\n\n"
	  "With --plan, the plan is billed from --activated (default today), "
	  "prorated by day.",
	  CLI_CMD_JSON },
	{ "set", "ID", 1, sub_set_opts, sub_cmd_set,
	  "change a subscriber's details",
	  "The options of `sub add` over the stored record; addresses and "
	  "plans change with `sub ip add|del` and `sub plan`. A NIK from "
	  "standard input or a file is read before the store is locked." },
	{ "list", "", 0, NULL, sub_cmd_list,
	  "every subscriber with status, plan and addresses", NULL,
	  CLI_CMD_JSON },
	{ "show", "ID", 1, sub_show_opts, sub_cmd_show,
	  "one subscriber (the NIK masked unless --show-personal)", NULL,
	  CLI_CMD_JSON },
	{ "ip add", "ID PREFIX", 2, NULL, sub_cmd_ip_add,
	  "give the subscriber an address or network",
	  "To move an address to another subscriber: `sub ip del OLD PREFIX` "
	  "then `sub ip add NEW PREFIX`; the history is kept, so usage is "
	  "billed to whoever held the address at the time." },
	{ "ip del", "ID PREFIX", 2, NULL, sub_cmd_ip_del,
	  "take an address or network away from the subscriber", NULL },
	{ "plan", "ID PLAN", 2, sub_plan_opts, sub_cmd_plan,
	  "move the subscriber to another plan from a day",
	  "A plan change splits the billing period by days: the old plan up "
	  "to the day before --from, the new plan from it." },
	{ "fup", "ID", 1, sub_fup_opts, sub_cmd_fup,
	  "the subscriber's FUP this period; --topup-gb adds quota",
	  "Shows the period, the bytes drained into the store so far (the "
	  "agent also counts what its counters hold beyond the last drain), "
	  "the plan's FUP quota and this period's top-ups, and whether FUP "
	  "was reached. --topup-gb G adds G GB to this period's quota: a "
	  "subscriber past FUP gets the plan's normal speed back within a "
	  "second, until it passes the new quota (a new FUP event).",
	  CLI_CMD_JSON },
	{ "terminate", "ID", 1, sub_terminate_opts, sub_cmd_terminate,
	  "end the subscription",
	  "Terminating on DATE bills up to the day before DATE." },
	{ "addon add", "ID PRODUCT", 2, sub_addon_add_opts, sub_cmd_addon_add,
	  "attach a monthly add-on (static IP, TV)",
	  "Add-ons are fixed monthly products, prorated by day like the plan "
	  "fee. PRODUCT is 1..32 of A-Z a-z 0-9 . _ -." },
	{ "addon del", "ID PRODUCT", 2, sub_addon_del_opts, sub_cmd_addon_del,
	  "end an add-on",
	  "Billed up to the day before --until (default today). An add-on "
	  "ended before it started was never billed and is removed." },
	{ "addon list", "ID", 1, NULL, sub_cmd_addon_list,
	  "the subscriber's add-ons", NULL, CLI_CMD_JSON },
	{ "suspend", "ID", 1, sub_suspend_opts, sub_cmd_suspend,
	  "isolir by hand (only lifted by hand)", NULL },
	{ "restore", "ID", 1, sub_restore_opts, sub_cmd_restore,
	  "lift isolir now", NULL },
	{ "hold", "ID", 1, sub_hold_opts, sub_cmd_hold,
	  "exempt from automatic isolir (dunning), or --off", NULL },
	{ "link", "ID", 1, sub_link_opts, sub_cmd_link,
	  "the subscriber's customer page link",
	  "Prints the subscriber's customer page link (public_url + /c/ + "
	  "token), making one if there is none. --new replaces it (the old "
	  "link stops working), --revoke removes it. Anyone holding the link "
	  "sees the subscriber's usage and bills: send it to the subscriber "
	  "only.", CLI_CMD_JSON },
	{ "pin", "ID", 1, sub_pin_opts, sub_cmd_pin,
	  "set or clear the customer page PIN",
	  "Sets the PIN (" STR(CUSTPIN_MIN) " to " STR(CUSTPIN_MAX) " digits) the subscriber signs in with at "
	  "public_url/login, together with the phone number on record. The "
	  "PIN is read from standard input (one line; not echoed on a "
	  "terminal), or from --pin for scripts (visible to other local users "
	  "in the process list). Only a salted PBKDF2-HMAC-SHA256 hash is "
	  "stored. --clear removes it.", CLI_CMD_JSON },
	{ "export", "ID", 1, sub_export_opts, sub_cmd_export,
	  "everything the store holds about the subscriber (UU PDP)",
	  "One JSON document, personal data unmasked (a data-subject access "
	  "request, UU PDP). With --out the file is created mode 0600; keep it "
	  "safe." },
	{ "erase", "ID", 1, sub_erase_opts, sub_cmd_erase,
	  "erase the subscriber's personal data, keep the ledger",
	  "Without --confirm it only says what goes and what stays.",
	  CLI_CMD_JSON },
	{}
};

const struct cli_group cli_sub = {
	"sub", "subscribers: add, list, show, addresses (ip add/del)",
	"ID is 1..32 of A-Z a-z 0-9 . _ -. PREFIX is an address (10.0.0.5, "
	"2001:db8::1) or a network (10.0.0.0/29, 2001:db8:100::/56). To move "
	"an address to another subscriber: `sub ip del OLD PREFIX` then `sub "
	"ip add NEW PREFIX`; history is kept.",
	sub_cmds
};
