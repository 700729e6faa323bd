/* SPDX-License-Identifier: MIT */
/* The command line as getopt_long spells it, brought to the one form the subcommands
 * parse: "--name=value" becomes "--name" "value", "-h" becomes "--help", and everything
 * after "--" (the numbers of eval, which may start with '-') is left as it is. The
 * subcommands keep their own loops because eval's options are the op's parameters and
 * its numbers may look like options (-2), which getopt_long itself would take for
 * flags. */
#ifndef ACTFN_ARGUMENTS_H
#define ACTFN_ARGUMENTS_H

typedef struct arguments {
    int argc;
    char **argv;  /* argc entries and a NULL */
    char **owned; /* the strings made here, freed by arguments_free */
    int owned_count;
} arguments;

/* Fills *out from argc/argv; returns 0 when out of memory. */
int arguments_normalize(int argc, char **argv, arguments *out);
void arguments_free(arguments *a);

#endif
