/* SPDX-License-Identifier: MIT */
#include "api/errors.h"

#include <stdarg.h>
#include <stdio.h>

#define STRINGIFY_VALUE(x) #x
#define STRINGIFY(x)       STRINGIFY_VALUE(x)

const char *actfn_version(void) {
    return STRINGIFY(ACTFN_VERSION_MAJOR) "." STRINGIFY(ACTFN_VERSION_MINOR) "." STRINGIFY(
        ACTFN_VERSION_PATCH);
}

const char *actfn_strerror(actfn_status status) {
    switch (status) {
    case ACTFN_OK:
        return "success";
    case ACTFN_ERR_NULL_POINTER:
        return "a required pointer is NULL";
    case ACTFN_ERR_UNKNOWN_OP:
        return "unknown op";
    case ACTFN_ERR_UNKNOWN_DTYPE:
        return "unknown dtype";
    case ACTFN_ERR_BAD_PARAMETER:
        return "a parameter is out of range";
    case ACTFN_ERR_UNKNOWN_PARAMETER:
        return "the op has no such parameter";
    case ACTFN_ERR_UNSUPPORTED:
        return "the op cannot do this with these parameters";
    case ACTFN_ERR_OVERLAP:
        return "arrays overlap without being the same array";
    case ACTFN_ERR_OUT_OF_MEMORY:
        return "out of memory";
    }
    return "unknown status code";
}

static _Thread_local char last_error[256];

const char *actfn_last_error(void) {
    return last_error;
}

actfn_status fail(actfn_status status, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(last_error, sizeof last_error, format, args);
    va_end(args);
    return status;
}
