/* SPDX-License-Identifier: MIT */
/* actfn: apply activation functions from the command line. */
#include "actfn.h"
#include "arguments.h"
#include "commands.h"

#include <stdio.h>
#include <string.h>

static void print_usage(FILE *out) {
    fputs("usage: actfn COMMAND [ARGS]\n"
          "\n"
          "commands:\n"
          "  eval OP [--PARAM VALUE ...] [--dtype f32|f64|f16|bf16] [--grad] [-- X ...]\n"
          "        print OP (or with --grad its derivative) applied to the numbers X,\n"
          "        or to the whitespace-separated numbers on stdin when none are given\n"
          "  plot [OP ...] [--grad] [--range A:B] [-o FILE]\n"
          "        draw ops or their derivatives (default: relu over [-10, 10])\n"
          "  bench [OP] [--grad] [--dtype T] [--threads N]\n"
          "        time OP against memcpy of the same bytes, 1K to 16M elements\n"
          "  lab NAME|all [--epochs N] [--seed S] [--seeds K] [--quick] [--out DIR]\n"
          "        train networks on Fashion-MNIST and report on ReLU's claims\n"
          "  list  list the ops with their parameters and defaults\n"
          "  info  print the version, the instruction set in use and the threads\n"
          "\n"
          "options:\n"
          "  -h, --help     show this help (also after a command: actfn eval --help)\n"
          "  -V, --version  print the version\n"
          "\n"
          "Options take their value as the next argument or after '=' (--range=-3:3);\n"
          "'--' ends the options.\n",
          out);
}

/* -h or --help anywhere before "--" asks for the command's help, whatever else is given:
 * argv becomes {command, "--help"}, the form every command answers with its usage. */
static int asks_for_help(int argc, char **argv) {
    for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0) return 1;
    return 0;
}

static int run_command(int argc, char **argv) {
    const char *command = argv[1];
    char *help[] = {argv[0], argv[1], "--help", NULL};
    if (asks_for_help(argc, argv)) {
        argc = 3;
        argv = help;
    }
    if (strcmp(command, "--help") == 0) {
        print_usage(stdout);
        return 0;
    }
    if (strcmp(command, "--version") == 0 || strcmp(command, "-V") == 0) {
        printf("actfn %s\n", actfn_version());
        return 0;
    }
    if (strcmp(command, "eval") == 0) return command_eval(argc - 1, argv + 1);
    if (strcmp(command, "list") == 0) return command_list(argc - 1, argv + 1);
    if (strcmp(command, "info") == 0) return command_info(argc - 1, argv + 1);
    if (strcmp(command, "plot") == 0) return command_plot(argc - 1, argv + 1);
    if (strcmp(command, "bench") == 0) return command_bench(argc - 1, argv + 1);
    if (strcmp(command, "lab") == 0) return command_lab(argc - 1, argv + 1);
    fprintf(stderr, "actfn: unknown %s '%s'\n", command[0] == '-' ? "option" : "command", command);
    print_usage(stderr);
    return EXIT_USAGE;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        print_usage(stderr);
        return EXIT_USAGE;
    }
    arguments normalized;
    if (!arguments_normalize(argc, argv, &normalized)) {
        fputs("actfn: out of memory\n", stderr);
        return EXIT_RUNTIME_FAILURE;
    }
    int status = run_command(normalized.argc, normalized.argv);
    arguments_free(&normalized);
    return status;
}
