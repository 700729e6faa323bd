#include "actfn.h"
#include "commands.h"

#include <stdio.h>
#include <string.h>

int command_info(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        puts("usage: actfn info [--isa]\n\nPrints the version, the instruction set the kernels "
             "run on (capped by ACTFN_ISA) and the number of threads a call may use "
             "(ACTFN_NUM_THREADS). --isa prints the instruction set alone.");
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--isa") == 0) {
        puts(actfn_isa());
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "actfn info: unexpected argument '%s'\n", argv[1]);
        return EXIT_USAGE;
    }
    printf("actfn %s\nisa: %s\nthreads: %d\nops: %d\n", actfn_version(), actfn_isa(),
           actfn_get_num_threads(), (int)ACTFN_KIND_COUNT);
    return 0;
}
