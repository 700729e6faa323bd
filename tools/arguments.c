/* SPDX-License-Identifier: MIT */
#include "arguments.h"

#include <stdlib.h>
#include <string.h>

int arguments_normalize(int argc, char **argv, arguments *out) {
    /* each argument becomes at most two */
    out->argv = calloc((size_t)argc * 2 + 1, sizeof *out->argv);
    out->owned = calloc((size_t)argc + 1, sizeof *out->owned);
    out->argc = out->owned_count = 0;
    if (out->argv == NULL || out->owned == NULL) {
        arguments_free(out);
        return 0;
    }
    int options = 1;
    for (int i = 0; i < argc; i++) {
        char *token = argv[i];
        const char *equals = options && strncmp(token, "--", 2) == 0 ? strchr(token, '=') : NULL;
        if (options && strcmp(token, "--") == 0) {
            options = 0;
        } else if (options && strcmp(token, "-h") == 0) {
            token = "--help";
        } else if (equals != NULL && equals > token + 2) {
            size_t length = (size_t)(equals - token);
            char *name = malloc(length + 1);
            if (name == NULL) {
                arguments_free(out);
                return 0;
            }
            memcpy(name, token, length);
            name[length] = '\0';
            out->owned[out->owned_count++] = name;
            out->argv[out->argc++] = name;
            token = (char *)equals + 1; /* the value, empty or not, as its own argument */
        }
        out->argv[out->argc++] = token;
    }
    out->argv[out->argc] = NULL;
    return 1;
}

void arguments_free(arguments *a) {
    for (int i = 0; i < a->owned_count; i++)
        free(a->owned[i]);
    free(a->owned);
    free(a->argv);
    a->owned = NULL;
    a->argv = NULL;
    a->argc = a->owned_count = 0;
}
