/* SPDX-License-Identifier: MIT */
/* Recording why a call failed, for actfn_last_error(). */
#ifndef ACTFN_ERRORS_H
#define ACTFN_ERRORS_H

#include "actfn.h"

/* Stores the formatted message as this thread's last error and returns status. */
actfn_status fail(actfn_status status, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

#endif
