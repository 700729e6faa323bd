/* SPDX-License-Identifier: MIT */
#define _XOPEN_SOURCE 700
#include "common/output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary files alive now, for the signal handler to remove. */
enum { LIVE_MAX = 8 };
static char *volatile live[LIVE_MAX];

static void remove_live_and_die(int signal_number) {
    for (int i = 0; i < LIVE_MAX; i++)
        if (live[i] != NULL) unlink(live[i]); /* async-signal-safe */
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

static void install_handlers_once(void) {
    static bool installed;
    if (installed) return;
    installed = true;
    const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof signals / sizeof *signals; i++) {
        struct sigaction old, action = {0};
        if (sigaction(signals[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
            continue;                            /* nohup and the like: stay ignored */
        if (old.sa_handler != SIG_DFL) continue; /* the program's own handler */
        action.sa_handler = remove_live_and_die;
        sigemptyset(&action.sa_mask);
        sigaction(signals[i], &action, NULL);
    }
}

static void watch(char *temporary) {
    install_handlers_once();
    for (int i = 0; i < LIVE_MAX; i++)
        if (live[i] == NULL) {
            live[i] = temporary;
            return;
        }
}

static void unwatch(const char *temporary) {
    for (int i = 0; i < LIVE_MAX; i++)
        if (live[i] == temporary) live[i] = NULL;
}

static void release(output_file *out) {
    if (out->temporary != NULL) unwatch(out->temporary);
    free(out->path), free(out->temporary);
    out->path = out->temporary = NULL;
    out->file = NULL;
}

static bool failed(output_file *out, const char *path, int code, char *error, size_t size) {
    snprintf(error, size, "%s: %s", path, strerror(code));
    release(out);
    return false;
}

/* What path names: a regular file or nothing yet (*special false, *final the path to
 * rename over, symbolic links followed), or something to write into (*special true). */
static bool resolve(const char *path, char **final, bool *special, char *error, size_t size) {
    struct stat status;
    *special = false;
    if (stat(path, &status) == 0) {
        if (S_ISDIR(status.st_mode)) {
            snprintf(error, size, "%s: %s", path, strerror(EISDIR));
            return false;
        }
        *special = !S_ISREG(status.st_mode);
        /* a link to a regular file: the file is replaced, the link kept */
        *final = *special ? strdup(path) : realpath(path, NULL);
    } else if (errno == ENOENT && lstat(path, &status) == 0) {
        *special = true; /* a dangling link: written through, as a shell's > does */
        *final = strdup(path);
    } else {
        *final = strdup(path);
    }
    if (*final == NULL) {
        snprintf(error, size, "%s: %s", path, strerror(errno));
        return false;
    }
    return true;
}

/* A new temporary file (mode as fopen would give) in directory, name without '%'. */
static char *make_temporary(const char *directory, size_t length, int *descriptor) {
    static const char name[] = ".actfn-output.XXXXXX";
    char *temporary = malloc(length + sizeof name + 1);
    if (temporary == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    snprintf(temporary, length + sizeof name + 1, "%.*s%s", (int)length, directory, name);
    *descriptor = mkstemp(temporary);
    if (*descriptor < 0) {
        int code = errno;
        free(temporary);
        errno = code;
        return NULL;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(*descriptor, 0666 & ~mask);
    return temporary;
}

static bool open_as(output_file *out, const char *path, bool named, char *error, size_t size) {
    out->file = named ? NULL : stdout;
    out->path = out->temporary = NULL;
    out->copy = false;
    if (path == NULL || (!named && strcmp(path, "-") == 0)) return true;
    bool special;
    if (!resolve(path, &out->path, &special, error, size)) return false;
    if (special && !named) { /* written in place: a device, a FIFO, a link to nothing */
        out->file = fopen(out->path, "wb");
        return out->file != NULL || failed(out, path, errno, error, size);
    }
    int descriptor;
    if (special) { /* drawn into a file of TMPDIR, then copied in */
        const char *directory = getenv("TMPDIR");
        if (directory == NULL || *directory == '\0' || strchr(directory, '%') != NULL)
            directory = "/tmp";
        char folder[4096];
        snprintf(folder, sizeof folder, "%s/", directory);
        out->temporary = make_temporary(folder, strlen(folder), &descriptor);
        out->copy = true;
    } else { /* beside the final file, so that the rename stays within one file system */
        const char *slash = strrchr(out->path, '/');
        size_t length = slash != NULL ? (size_t)(slash - out->path) + 1 : 0;
        out->temporary = make_temporary(out->path, length, &descriptor);
    }
    if (out->temporary == NULL) return failed(out, path, errno, error, size);
    watch(out->temporary);
    if (named) {
        close(descriptor);
        return true;
    }
    if ((out->file = fdopen(descriptor, "wb")) == NULL) {
        int code = errno;
        close(descriptor);
        unlink(out->temporary);
        return failed(out, path, code, error, size);
    }
    return true;
}

bool output_open(output_file *out, const char *path, char *error, size_t error_size) {
    return open_as(out, path, false, error, error_size);
}

bool output_open_named(output_file *out, const char *path, char *error, size_t error_size) {
    if (path == NULL) {
        snprintf(error, error_size, "no output file named");
        return false;
    }
    return open_as(out, path, true, error, error_size);
}

/* The temporary file's bytes written into the special file path. */
static bool copy_into(const char *temporary, const char *path) {
    FILE *from = fopen(temporary, "rb"), *to = from != NULL ? fopen(path, "wb") : NULL;
    bool ok = to != NULL;
    char buffer[65536];
    size_t n;
    while (ok && (n = fread(buffer, 1, sizeof buffer, from)) > 0)
        ok = fwrite(buffer, 1, n, to) == n;
    ok = ok && !ferror(from) && fflush(to) == 0;
    int code = errno;
    if (to != NULL) ok = fclose(to) == 0 && ok;
    if (from != NULL) fclose(from);
    if (!ok && errno == 0) errno = code;
    return ok;
}

bool output_commit(output_file *out, char *error, size_t error_size) {
    if (out->path == NULL) {
        if (fflush(stdout) != 0 || ferror(stdout)) {
            snprintf(error, error_size, "stdout: %s", strerror(errno));
            return false;
        }
        return true;
    }
    errno = 0;
    bool ok = true;
    if (out->file != NULL) {
        ok = fflush(out->file) == 0 && !ferror(out->file);
        ok = fclose(out->file) == 0 && ok;
        out->file = NULL;
    }
    if (ok && out->temporary != NULL)
        ok = out->copy ? copy_into(out->temporary, out->path)
                       : rename(out->temporary, out->path) == 0;
    if (!ok) snprintf(error, error_size, "%s: %s", out->path, strerror(errno ? errno : EIO));
    if (out->temporary != NULL && (out->copy || !ok)) unlink(out->temporary);
    release(out);
    return ok;
}

void output_abandon(output_file *out) {
    if (out->path == NULL) return;
    if (out->file != NULL) fclose(out->file);
    if (out->temporary != NULL) unlink(out->temporary);
    release(out);
}
