#define _POSIX_C_SOURCE 200809L
#include "common/output_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool output_open(output_file *out, const char *path, char *error, size_t error_size) {
    out->file = stdout;
    out->path = out->temporary = NULL;
    if (path == NULL || strcmp(path, "-") == 0) return true;
    size_t length = strlen(path);
    out->path = strdup(path);
    out->temporary = malloc(length + 16);
    if (out->path == NULL || out->temporary == NULL) {
        free(out->path), free(out->temporary);
        snprintf(error, error_size, "%s: out of memory", path);
        return false;
    }
    /* beside the final file, so that the rename stays within one file system */
    const char *slash = strrchr(path, '/');
    size_t directory = slash != NULL ? (size_t)(slash - path) + 1 : 0;
    snprintf(out->temporary, length + 16, "%.*s.%s.XXXXXX", (int)directory, path, path + directory);
    int descriptor = mkstemp(out->temporary);
    if (descriptor < 0 || (out->file = fdopen(descriptor, "wb")) == NULL) {
        snprintf(error, error_size, "%s: %s", path, strerror(errno));
        if (descriptor >= 0) close(descriptor), unlink(out->temporary);
        free(out->path), free(out->temporary);
        out->path = out->temporary = NULL;
        return false;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(descriptor, 0666 & ~mask); /* as a plain fopen would have made it */
    return true;
}

bool output_commit(output_file *out, char *error, size_t error_size) {
    if (out->temporary == NULL) {
        if (fflush(stdout) != 0 || ferror(stdout)) {
            snprintf(error, error_size, "stdout: %s", strerror(errno));
            return false;
        }
        return true;
    }
    bool ok = fflush(out->file) == 0 && !ferror(out->file);
    ok = fclose(out->file) == 0 && ok;
    ok = ok && rename(out->temporary, out->path) == 0;
    if (!ok) {
        snprintf(error, error_size, "%s: %s", out->path, strerror(errno));
        unlink(out->temporary);
    }
    free(out->path), free(out->temporary);
    out->path = out->temporary = NULL;
    return ok;
}

void output_abandon(output_file *out) {
    if (out->temporary == NULL) return;
    fclose(out->file);
    unlink(out->temporary);
    free(out->path), free(out->temporary);
    out->path = out->temporary = NULL;
}
