// SPDX-License-Identifier: GPL-2.0
/* clitab.c - the command tables at work: dispatch, option parsing and checking, help. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/billcli.h"
#include "tools/cli.h"

#define OPT_BASE 1000	/* getopt values of long options: OPT_BASE + row */
#define HELP_WIDTH 78

static bool is_help(const char *s)
{
	return s && (!strcmp(s, "--help") || !strcmp(s, "-h"));
}

const char *cli_opt_arg(const struct cli_opt *o)
{
	if (o->arg)
		return o->arg;
	switch (o->type) {
	case CLI_FLAG:
		return NULL;
	case CLI_AMOUNT:
		return "RP";
	case CLI_DATE:
		return "YYYY-MM-DD";
	case CLI_PERIOD:
		return "YYYY-MM";
	case CLI_TIME:
		return "TIME";
	case CLI_UINT:
		return "N";
	case CLI_CHOICE:
		return o->choices;
	case CLI_STR:
		break;
	}
	return "TEXT";
}

static int n_opts(const struct cli_opt *opts)
{
	int n = 0;

	while (opts && opts[n].name)
		n++;
	return n;
}

static bool has_opt(const struct cli_opt *opts, const char *name)
{
	int i;

	for (i = 0; opts && opts[i].name; i++)
		if (!strcmp(opts[i].name, name))
			return true;
	return false;
}

/* "a|b|c" as "a, b or c". */
static void say_choices(char *buf, size_t n, const char *choices)
{
	const char *p = choices, *bar;
	size_t len = 0;

	buf[0] = '\0';
	while (*p && len < n) {
		bar = strchr(p, '|');
		len += snprintf(buf + len, n - len, "%s%.*s",
				len ? (bar ? ", " : " or ") : "",
				bar ? (int)(bar - p) : (int)strlen(p), p);
		p = bar ? bar + 1 : p + strlen(p);
	}
}

/* The index of val in "a|b|c", or -1. */
static int choice_index(const char *choices, const char *val)
{
	size_t n = strlen(val);
	const char *p = choices;
	int i = 0;

	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t l = bar ? (size_t)(bar - p) : strlen(p);

		if (l == n && !strncmp(p, val, n))
			return i;
		p = bar ? bar + 1 : NULL;
		i++;
	}
	return -1;
}

/* Check one value by its row's type. Returns 0 or CLI_USAGE (said why). */
static int check_val(const struct cli_opt *o, struct cli_val *v)
{
	char says[160];
	int i;

	switch (o->type) {
	case CLI_FLAG:
	case CLI_STR:
		return 0;
	case CLI_AMOUNT:
		return bill_amount(o->name, v->s, &v->rp);
	case CLI_DATE:
		return bill_date(o->name, v->s, &v->day);
	case CLI_PERIOD:
		return bill_period(o->name, v->s, &v->y, &v->m);
	case CLI_TIME:
		return bill_time(o->name, v->s, &v->t);
	case CLI_UINT:
		return bill_uint_range(o->name, v->s, o->min, o->max, &v->u);
	case CLI_CHOICE:
		i = choice_index(o->choices, v->s);
		if (i < 0) {
			say_choices(says, sizeof(says), o->choices);
			cli_err("--%s '%s': use %s", o->name, v->s, says);
			return CLI_USAGE;
		}
		v->u = (uint64_t)i;
		return 0;
	}
	return CLI_USAGE;
}

void cli_args_free(struct cli_args *a)
{
	free(a->seq);
	a->seq = NULL;
}

int cli_parse(const struct cli_opt *opts, bool stop, int argc, char **argv,
	      const char *name, struct cli_args *a)
{
	struct option lo[CLI_MAX_OPTS + 3];
	char shorts[2 * CLI_MAX_OPTS + 8];
	int n = n_opts(opts), i, k, o, s = 0, ret;
	bool own_json = has_opt(opts, "json");

	memset(a, 0, sizeof(*a));
	if (n > CLI_MAX_OPTS) {
		cli_err("%s: too many options in its table", name);	/* a bug */
		return CLI_FAIL;
	}
	a->seq = calloc(argc > 0 ? (size_t)argc : 1, sizeof(*a->seq));
	if (!a->seq) {
		cli_err("out of memory");
		return CLI_FAIL;
	}
	if (stop)
		shorts[s++] = '+';
	shorts[s++] = ':';
	shorts[s++] = 'h';
	for (i = k = 0; i < n; i++) {
		lo[k].name = opts[i].name;
		lo[k].has_arg = opts[i].type == CLI_FLAG ? no_argument :
							   required_argument;
		lo[k].flag = NULL;
		lo[k].val = OPT_BASE + i;
		k++;
		if (opts[i].short_opt) {
			shorts[s++] = opts[i].short_opt;
			if (opts[i].type != CLI_FLAG)
				shorts[s++] = ':';
		}
	}
	lo[k++] = (struct option){ "help", no_argument, NULL, 'h' };
	if (!own_json) {
		lo[k++] = (struct option){ "json", no_argument, NULL, 'j' };
		shorts[s++] = 'j';
	}
	lo[k] = (struct option){ 0 };
	shorts[s] = '\0';

	optind = 0;	/* GNU: reinitialise (and permute unless "+") */
	opterr = 0;
	while ((o = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if (o == 'h')
			return -1;
		if (o == 'j' && !own_json) {
			a->json = true;
			continue;
		}
		if (o == ':') {
			cli_err("%s needs a value (see %s --help)",
				argv[optind - 1], name);
			return CLI_USAGE;
		}
		if (o == '?') {
			if (optopt && optopt < OPT_BASE)
				cli_err("unknown option '-%c' (see %s --help)",
					optopt, name);
			else
				cli_err("unknown option '%s' (see %s --help)",
					argv[optind - 1], name);
			return CLI_USAGE;
		}
		if (o < OPT_BASE) {	/* a short option: find its row */
			for (i = 0; i < n && opts[i].short_opt != o; i++)
				;
			if (i == n)
				return CLI_USAGE;
			o = OPT_BASE + i;
		}
		i = o - OPT_BASE;
		a->seq[a->nseq].opt = i;
		a->seq[a->nseq].v.s = optarg ? optarg : "";
		a->nseq++;
	}
	a->argc = argc - optind;
	a->argv = argv + optind;
	/* values in command-line order, so the first bad one is named */
	for (k = 0; k < a->nseq; k++) {
		i = a->seq[k].opt;
		ret = check_val(&opts[i], &a->seq[k].v);
		if (ret)
			return ret;
		a->o[i] = a->seq[k].v;
	}
	for (k = 0; k < a->nseq; k++)
		a->o[a->seq[k].opt].n++;
	return 0;
}

/* ---------------------------------------------------------------- help --- */

static void wrap_para(FILE *f, const char *p, size_t len, int indent,
		      int width)
{
	int col = 0;

	while (len) {
		size_t w = 0;

		while (len && *p == ' ') {
			p++;
			len--;
		}
		while (w < len && p[w] != ' ')
			w++;
		if (!w)
			break;
		if (col && col + 1 + (int)w > width) {
			fputc('\n', f);
			col = 0;
		}
		if (!col)
			col = fprintf(f, "%*s", indent, "");
		else
			col += fprintf(f, " ");
		col += fprintf(f, "%.*s", (int)w, p);
		p += w;
		len -= w;
	}
	if (col)
		fputc('\n', f);
}

void cli_wrap(FILE *f, const char *text, int indent, int width)
{
	const char *p = text, *para = NULL, *nl;
	size_t plen = 0;
	char *buf = NULL;

	while (p && *p) {
		nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);

		if (!l || !strncmp(p, "  ", 2)) {
			if (para) {
				wrap_para(f, buf, plen, indent, width);
				para = NULL;
				plen = 0;
			}
			if (!l)
				fputc('\n', f);
			else
				fprintf(f, "%*s%.*s\n", indent, "", (int)l, p);
		} else {
			char *nb = realloc(buf, plen + l + 2);

			if (!nb)
				break;
			buf = nb;
			if (plen)
				buf[plen++] = ' ';
			memcpy(buf + plen, p, l);
			plen += l;
			para = buf;
		}
		p = nl ? nl + 1 : NULL;
	}
	if (para)
		wrap_para(f, buf, plen, indent, width);
	free(buf);
}

/* Words of a synopsis, wrapped under the first one's end. */
struct syn {
	FILE *f;
	int col, indent;
};

static void syn_word(struct syn *s, const char *fmt, const char *a,
		     const char *b)
{
	char w[256];
	int l = snprintf(w, sizeof(w), fmt, a, b);

	if (s->col + 1 + l > HELP_WIDTH && s->col > s->indent) {
		fprintf(s->f, "\n%*s", s->indent, "");
		s->col = s->indent;
	} else {
		fputc(' ', s->f);
		s->col++;
	}
	s->col += fprintf(s->f, "%s", w);
}

void cli_synopsis(FILE *f, const char *lead, const struct cli_group *g,
		  const struct cli_cmd *cmd)
{
	struct syn s = { f, 0, 0 };
	const struct cli_opt *o;

	s.col = fprintf(f, "%stagih %s%s%s", lead, g->name,
			*cmd->verb ? " " : "", cmd->verb);
	s.indent = s.col > 40 ? 8 : s.col + 1;
	if (cmd->args && *cmd->args)
		syn_word(&s, "%s%s", cmd->args, "");
	for (o = cmd->opts; o && o->name; o++) {
		const char *arg = cli_opt_arg(o);
		char w[200];

		snprintf(w, sizeof(w), "--%s%s%s", o->name, arg ? " " : "",
			 arg ? arg : "");
		if (o->flags & CLI_REQ)
			syn_word(&s, "%s%s", w, o->flags & CLI_MULTI ? "..." :
								   "");
		else
			syn_word(&s, "[%s]%s", w, o->flags & CLI_MULTI ? "..." :
								     "");
	}
	if (cmd->flags & CLI_CMD_JSON)
		syn_word(&s, "%s%s", "[--json]", "");
	fputc('\n', f);
}

static void opt_line(FILE *f, const char *left, const char *help)
{
	int l = fprintf(f, "  %s", left);

	if (l > 24) {
		fputc('\n', f);
		l = 0;
	}
	fprintf(f, "%*s", 25 - l, "");
	/* the help of one option: wrapped under its column */
	{
		char *tmp = NULL;
		size_t n = 0;
		FILE *m = open_memstream(&tmp, &n);

		if (!m) {
			fprintf(f, "%s\n", help);
			return;
		}
		cli_wrap(m, help, 25, HELP_WIDTH);
		fclose(m);
		fputs(tmp && n > 25 ? tmp + 25 : "\n", f);
		free(tmp);
	}
}

void cli_help_opts(FILE *f, const struct cli_opt *opts, bool json)
{
	const struct cli_opt *o;
	char left[200], help[600];

	for (o = opts; o && o->name; o++) {
		const char *arg = cli_opt_arg(o);

		snprintf(left, sizeof(left), "%s%c%s--%s%s%s",
			 o->short_opt ? "-" : "", o->short_opt ? o->short_opt : ' ',
			 o->short_opt ? ", " : "   ", o->name, arg ? " " : "",
			 arg ? arg : "");
		snprintf(help, sizeof(help), "%s%s%s", o->help ? o->help : "",
			 o->flags & CLI_REQ ? " (required)" : "",
			 o->flags & CLI_MULTI ? " (repeatable)" : "");
		opt_line(f, left, help);
	}
	if (json)
		opt_line(f, "    --json", "machine-readable output (JSON)");
	opt_line(f, "-h, --help", "this help");
}

void cli_help_cmd(FILE *f, const struct cli_group *g,
		  const struct cli_cmd *cmd)
{
	cli_synopsis(f, "usage: ", g, cmd);
	fputc('\n', f);
	if (cmd->summary)
		cli_wrap(f, cmd->summary, 2, HELP_WIDTH);
	if (cmd->doc) {
		fputc('\n', f);
		cli_wrap(f, cmd->doc, 2, HELP_WIDTH);
	}
	fprintf(f, "\nOptions:\n");
	cli_help_opts(f, cmd->opts, cmd->flags & CLI_CMD_JSON);
	fprintf(f, "\nGlobal options (--db, --config, -v) go before the "
		   "command: see tagih --help.\n");
}

static void cmd_list_line(FILE *f, const struct cli_group *g,
			  const struct cli_cmd *cmd)
{
	char left[160];

	snprintf(left, sizeof(left), "%s%s%s%s%s", g->name,
		 *cmd->verb ? " " : "", cmd->verb,
		 cmd->args && *cmd->args ? " " : "", cmd->args ? cmd->args : "");
	opt_line(f, left, cmd->summary ? cmd->summary : "");
}

void cli_help_group(FILE *f, const struct cli_group *g)
{
	const struct cli_cmd *cmd;
	int n = 0;

	for (cmd = g->cmds; cmd->run; cmd++)
		n++;
	fprintf(f, "usage: tagih %s%s\n\n", g->name,
		n > 1 ? " COMMAND [ARGS] [OPTIONS]" : " [ARGS] [OPTIONS]");
	cli_wrap(f, g->summary, 2, HELP_WIDTH);
	fprintf(f, "\nCommands:\n");
	for (cmd = g->cmds; cmd->run; cmd++)
		if (!(cmd->flags & CLI_CMD_HIDDEN))
			cmd_list_line(f, g, cmd);
	if (g->doc) {
		fputc('\n', f);
		cli_wrap(f, g->doc, 2, HELP_WIDTH);
	}
	fprintf(f, "\n`tagih %s%s --help` shows a command's options.\n",
		g->name, n > 1 ? " COMMAND" : "");
}

void cli_help_groups(FILE *f)
{
	const struct cli_group *const *g;

	for (g = cli_groups; *g; g++)
		opt_line(f, (*g)->name, (*g)->summary);
}

/* ------------------------------------------------------------ dispatch --- */

/* How many words of verb match argv ("" matches 0), or -1. */
static int verb_match(const char *verb, int argc, char **argv)
{
	const char *p = verb;
	int w = 0;

	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t l = sp ? (size_t)(sp - p) : strlen(p);

		if (w >= argc || strlen(argv[w]) != l || strncmp(argv[w], p, l))
			return -1;
		w++;
		p = sp ? sp + 1 : p + l;
	}
	return w;
}

/* Commands of g whose verb starts with the word w ("sub ip" -> ip add/del). */
static bool verb_prefix(const struct cli_group *g, const char *w, FILE *f)
{
	const struct cli_cmd *cmd;
	size_t l = strlen(w);
	bool any = false;

	for (cmd = g->cmds; cmd->run; cmd++) {
		if (strncmp(cmd->verb, w, l) || cmd->verb[l] != ' ')
			continue;
		if (f)
			cli_synopsis(f, any ? "       " : "usage: ", g, cmd);
		any = true;
	}
	return any;
}

static const struct cli_group *find_group(const char *name)
{
	const struct cli_group *const *g;

	for (g = cli_groups; *g; g++)
		if (!strcmp((*g)->name, name))
			return *g;
	return NULL;
}

int cli_dispatch(struct cli *c, int argc, char **argv,
		 int (*load_conf)(struct cli *c))
{
	const struct cli_group *g = find_group(argv[0]);
	const struct cli_cmd *cmd, *best = NULL;
	struct cli_args a;
	char name[96];
	int w, bw = -1, n = 0, i, ret;

	if (!g) {
		cli_err("unknown command '%s' (see tagih --help)", argv[0]);
		return CLI_USAGE;
	}
	for (cmd = g->cmds; cmd->run; cmd++, n++) {
		w = verb_match(cmd->verb, argc - 1, argv + 1);
		if (w > bw) {
			bw = w;
			best = cmd;
		}
	}
	if (!best || (bw == 0 && n > 1 && (argc == 1 || is_help(argv[1])))) {
		if (argc == 1 || is_help(argv[1])) {
			cli_help_group(argc == 1 ? stderr : stdout, g);
			return argc == 1 ? CLI_USAGE : CLI_OK;
		}
		if (verb_prefix(g, argv[1], NULL)) {
			bool help = argc > 2 && is_help(argv[2]);

			verb_prefix(g, argv[1], help ? stdout : stderr);
			return help ? CLI_OK : CLI_USAGE;
		}
		cli_err("unknown '%s' command '%s'", g->name, argv[1]);
		cli_help_group(stderr, g);
		return CLI_USAGE;
	}
	snprintf(name, sizeof(name), "tagih %s%s%s", g->name,
		 *best->verb ? " " : "", best->verb);
	ret = cli_parse(best->opts, false, argc - bw, argv + bw, name, &a);
	if (ret == -1) {
		cli_help_cmd(stdout, g, best);
		ret = CLI_OK;
		goto out;
	}
	if (ret)
		goto out;
	ret = CLI_USAGE;
	if (best->nargs >= 0 && a.argc != best->nargs) {
		cli_synopsis(stderr, "usage: ", g, best);
		fprintf(stderr, "(%s --help for more)\n", name);
		goto out;
	}
	for (i = 0; best->opts && best->opts[i].name; i++) {
		const struct cli_opt *o = &best->opts[i];
		const char *arg = cli_opt_arg(o);

		if ((o->flags & CLI_REQ) && !a.o[i].n) {
			cli_err("--%s%s%s is required", o->name, arg ? " " : "",
				arg ? arg : "");
			goto out;
		}
	}
	if (a.json)
		c->json = true;
	ret = load_conf && !(best->flags & CLI_CMD_NOCONF) ? load_conf(c) : 0;
	if (!ret)
		ret = best->run(c, &a);
out:
	cli_args_free(&a);
	return ret;
}
