/* SPDX-License-Identifier: GPL-2.0 */
/* clidoc.h - documents generated from the command tables: tagih(8), the bash completion, the command list. */
#ifndef TAGIH_CLIDOC_H
#define TAGIH_CLIDOC_H

#include <stdio.h>
#include "tools/cli.h"

/* tagih(8) as scdoc source; globals: the global option table. */
void doc_man_tagih(FILE *f, const struct cli_opt *globals);
/* The bash completion script for every command word, verb and option. */
void doc_completion(FILE *f, const struct cli_opt *globals);
/* Every command, one per line ("sub add"). */
void doc_list(FILE *f);
/* Help text (paragraphs; lines starting with two spaces kept) as scdoc,
 * indented by tabs; and an option table as an scdoc list. */
void doc_scdoc_text(FILE *f, const char *text, int tabs);
void doc_scdoc_opts(FILE *f, const struct cli_opt *opts, int tabs);

#endif
