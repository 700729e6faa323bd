/* SPDX-License-Identifier: MIT */
#include "common/npy.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

bool npy_has_magic(const unsigned char *bytes, size_t n) {
    return n >= sizeof magic && memcmp(bytes, magic, sizeof magic) == 0;
}

static bool refuse(char *error, size_t size, const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(error, size, format, arguments);
    va_end(arguments);
    return false;
}

/* A cursor over the header's dictionary text. */
typedef struct cursor {
    const char *at, *end;
} cursor;

static void skip_blanks(cursor *c) {
    while (c->at < c->end && (*c->at == ' ' || *c->at == '\t' || *c->at == '\n' || *c->at == '\r'))
        c->at++;
}

static bool take(cursor *c, char wanted) {
    skip_blanks(c);
    if (c->at < c->end && *c->at == wanted) {
        c->at++;
        return true;
    }
    return false;
}

/* A Python string literal in single or double quotes, without escapes. */
static bool take_string(cursor *c, char *out, size_t size) {
    skip_blanks(c);
    if (c->at >= c->end || (*c->at != '\'' && *c->at != '"')) return false;
    char quote = *c->at++;
    size_t length = 0;
    while (c->at < c->end && *c->at != quote) {
        if (length + 1 >= size) return false;
        out[length++] = *c->at++;
    }
    if (c->at >= c->end) return false;
    c->at++;
    out[length] = '\0';
    return true;
}

static bool take_word(cursor *c, const char *word) {
    skip_blanks(c);
    size_t length = strlen(word);
    if ((size_t)(c->end - c->at) < length || memcmp(c->at, word, length) != 0) return false;
    c->at += length;
    return true;
}

static bool take_shape(cursor *c, npy_header *h, char *error, size_t size) {
    if (!take(c, '(')) return refuse(error, size, "the shape is not a tuple");
    h->dims = 0;
    h->count = 1;
    for (;;) {
        if (take(c, ')')) return true;
        skip_blanks(c);
        if (c->at >= c->end || *c->at < '0' || *c->at > '9')
            return refuse(error, size, "the shape holds something other than sizes");
        uint64_t extent = 0;
        while (c->at < c->end && *c->at >= '0' && *c->at <= '9') {
            unsigned digit = (unsigned)(*c->at++ - '0');
            if (extent > (UINT64_MAX - digit) / 10)
                return refuse(error, size, "a dimension of the shape overflows 64 bits");
            extent = extent * 10 + digit;
        }
        if (h->dims == NPY_MAX_DIMS)
            return refuse(error, size, "the shape has more than %d dimensions", NPY_MAX_DIMS);
        if (extent != 0 && h->count > SIZE_MAX / 8 / extent)
            return refuse(error, size, "the shape's element count overflows the address space");
        h->shape[h->dims++] = extent;
        h->count *= extent;
        if (!take(c, ',')) {
            if (take(c, ')')) return true;
            return refuse(error, size, "the shape tuple is malformed");
        }
    }
}

static bool take_descr(cursor *c, npy_header *h, char *error, size_t size) {
    char descr[32];
    if (!take_string(c, descr, sizeof descr))
        return refuse(error, size, "'descr' is not a simple dtype string");
    char order = descr[0];
    const char *type =
        order == '<' || order == '>' || order == '=' || order == '|' ? descr + 1 : descr;
    if (strcmp(type, "O") == 0) return refuse(error, size, "object arrays are not supported");
    actfn_dtype dtype;
    if (strcmp(type, "f2") == 0)
        dtype = ACTFN_F16;
    else if (strcmp(type, "f4") == 0)
        dtype = ACTFN_F32;
    else if (strcmp(type, "f8") == 0)
        dtype = ACTFN_F64;
    else
        return refuse(error, size, "dtype '%s' is not supported (float16, float32, float64)",
                      descr);
    if (order == '>') return refuse(error, size, "big-endian data ('%s') is not supported", descr);
    h->dtype = dtype;
    return true;
}

bool npy_parse_header(const unsigned char *bytes, size_t n, npy_header *h, char *error,
                      size_t size) {
    memset(h, 0, sizeof *h);
    if (n < 10 || !npy_has_magic(bytes, n)) return refuse(error, size, "not a .npy file (magic)");
    unsigned major = bytes[6];
    size_t length, start;
    if (major == 1) {
        length = (size_t)bytes[8] | (size_t)bytes[9] << 8;
        start = 10;
    } else if (major == 2 || major == 3) {
        if (n < 12) return refuse(error, size, "truncated header");
        length = (size_t)bytes[8] | (size_t)bytes[9] << 8 | (size_t)bytes[10] << 16 |
                 (size_t)bytes[11] << 24;
        start = 12;
    } else {
        return refuse(error, size, "unknown .npy version %u.%u", major, bytes[7]);
    }
    if (length > n - start) return refuse(error, size, "truncated header");
    cursor c = {(const char *)bytes + start, (const char *)bytes + start + length};
    bool seen_descr = false, seen_order = false, seen_shape = false;
    if (!take(&c, '{')) return refuse(error, size, "the header is not a dictionary");
    while (!take(&c, '}')) {
        char key[32];
        if (!take_string(&c, key, sizeof key) || !take(&c, ':'))
            return refuse(error, size, "the header dictionary is malformed");
        if (strcmp(key, "descr") == 0) {
            if (!take_descr(&c, h, error, size)) return false;
            seen_descr = true;
        } else if (strcmp(key, "fortran_order") == 0) {
            if (take_word(&c, "True"))
                return refuse(error, size, "Fortran-order arrays are not supported");
            if (!take_word(&c, "False"))
                return refuse(error, size, "'fortran_order' is neither True nor False");
            seen_order = true;
        } else if (strcmp(key, "shape") == 0) {
            if (!take_shape(&c, h, error, size)) return false;
            seen_shape = true;
        } else {
            return refuse(error, size, "unexpected key '%s' in the header", key);
        }
        if (!take(&c, ',')) {
            if (take(&c, '}')) break;
            return refuse(error, size, "the header dictionary is malformed");
        }
    }
    if (!seen_descr || !seen_order || !seen_shape)
        return refuse(error, size, "the header lacks '%s'",
                      !seen_descr   ? "descr"
                      : !seen_order ? "fortran_order"
                                    : "shape");
    h->data_offset = start + length;
    return true;
}

bool npy_read_header(FILE *file, long long file_size, npy_header *h, char *error, size_t size) {
    unsigned char prefix[12];
    size_t got = fread(prefix, 1, sizeof prefix, file);
    if (got < 10 || !npy_has_magic(prefix, got))
        return refuse(error, size, got < 10 ? "truncated header" : "not a .npy file (magic)");
    size_t length = prefix[6] == 1 ? ((size_t)prefix[8] | (size_t)prefix[9] << 8) + 10
                                   : ((size_t)prefix[8] | (size_t)prefix[9] << 8 |
                                      (size_t)prefix[10] << 16 | (size_t)prefix[11] << 24) +
                                         12;
    if (prefix[6] < 1 || prefix[6] > 3)
        return refuse(error, size, "unknown .npy version %u.%u", prefix[6], prefix[7]);
    if (length > ((size_t)1 << 24)) return refuse(error, size, "the header is over 16 MiB");
    unsigned char *bytes = malloc(length);
    if (bytes == NULL) return refuse(error, size, "out of memory for the header");
    memcpy(bytes, prefix, got < length ? got : length);
    bool ok = true;
    if (length > got && fread(bytes + got, 1, length - got, file) != length - got)
        ok = refuse(error, size, "truncated header");
    else if (length < got && fseek(file, (long)length, SEEK_SET) != 0)
        ok = refuse(error, size, "cannot seek past the header");
    if (ok) ok = npy_parse_header(bytes, length, h, error, size);
    free(bytes);
    if (!ok) return false;
    unsigned long long need = (unsigned long long)h->count * (h->dtype == ACTFN_F64   ? 8
                                                              : h->dtype == ACTFN_F32 ? 4
                                                                                      : 2);
    if (file_size >= 0 && (unsigned long long)file_size - h->data_offset != need)
        return refuse(error, size, "the shape needs %llu bytes of data, the file has %lld", need,
                      file_size - (long long)h->data_offset);
    return true;
}

bool npy_write_header(FILE *file, actfn_dtype dtype, size_t dims, const uint64_t *shape) {
    /* NPY_MAX_DIMS numbers of up to 20 digits with their ", ", and the dictionary */
    char text[NPY_MAX_DIMS * 22 + 128];
    const char *descr = dtype == ACTFN_F64 ? "<f8" : dtype == ACTFN_F32 ? "<f4" : "<f2";
    if (dims > NPY_MAX_DIMS) return false;
    int length =
        snprintf(text, sizeof text, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    for (size_t d = 0; d < dims; d++)
        length += snprintf(text + length, sizeof text - (size_t)length,
                           dims == 1 ? "%llu,"
                           : d       ? ", %llu"
                                     : "%llu",
                           (unsigned long long)shape[d]);
    length += snprintf(text + length, sizeof text - (size_t)length, "), }");
    /* NPY_WRITTEN_HEADER bytes while the dictionary fits (so that a header of up to two
     * dimensions can be rewritten in place), else the next multiple of 64 */
    size_t whole = NPY_WRITTEN_HEADER;
    while ((size_t)length + 1 > whole - 10)
        whole += 64;
    size_t body = whole - 10;
    memset(text + length, ' ', body - 1 - (size_t)length);
    text[body - 1] = '\n';
    unsigned char prefix[10] = {0x93,
                                'N',
                                'U',
                                'M',
                                'P',
                                'Y',
                                1,
                                0,
                                (unsigned char)(body & 0xff),
                                (unsigned char)(body >> 8)};
    return fwrite(prefix, 1, sizeof prefix, file) == sizeof prefix &&
           fwrite(text, 1, body, file) == body;
}
