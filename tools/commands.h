/* SPDX-License-Identifier: MIT */
/* The subcommands of the actfn command. Each returns the process exit status:
 * 0 success, 1 a runtime failure, 2 a usage error. */
#ifndef ACTFN_COMMANDS_H
#define ACTFN_COMMANDS_H

#define EXIT_RUNTIME_FAILURE 1
#define EXIT_USAGE           2

int command_eval(int argc, char **argv);
int command_list(int argc, char **argv);
int command_info(int argc, char **argv);
int command_plot(int argc, char **argv);
int command_bench(int argc, char **argv);
int command_lab(int argc, char **argv);

#endif
