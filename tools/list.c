/* SPDX-License-Identifier: MIT */
#include "actfn.h"
#include "commands.h"
#include "common/number_text.h"

#include <stdio.h>
#include <string.h>

int command_list(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        puts("usage: actfn list\n\nLists every op: name, definition, parameters with their "
             "defaults and valid ranges, and the accuracy of the forward (ULP, f32 / f64).");
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "actfn list: unexpected argument '%s'\n", argv[1]);
        return EXIT_USAGE;
    }
    for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
        const actfn_op_info *info = actfn_op_describe((actfn_kind)kind);
        printf("%-13s %s\n", info->name, info->formula);
        for (size_t i = 0; i < info->param_count; i++) {
            char text[32];
            format_shortest(text, sizeof text, info->params[i].default_value, false);
            char option[40];
            snprintf(option, sizeof option, "--%s", info->params[i].name);
            for (char *c = option; *c != '\0'; c++)
                if (*c == '_') *c = '-';
            printf("%-13s   %-18s default %-5s (%s)\n", "", option, text, info->params[i].range);
        }
        if (kind == ACTFN_GELU)
            printf("%-13s   %-18s default none  (none or tanh: tanh selects gelu_tanh)\n", "",
                   "--approximate");
        printf("%-13s   accuracy: %s; backward from output: %s\n", "",
               info->exact ? "exact (correctly rounded)"
                           : "within the ULP bounds of "
                             "docs/semantics.md",
               info->backward_from_output ? "yes" : "no");
    }
    return 0;
}
