/* SPDX-License-Identifier: MIT */
/* actfn's ops as NumPy ufuncs: for every op, `name(x, *params)` (the forward) and
 * `name_backward(x, dy, *params)` (dx = dy * f'(x)), and the same at the fast accuracy
 * tier, `name_fast` and `name_backward_fast`, each with loops for float16,
 * float32 and float64 arrays and float64 parameters, broadcasting as any ufunc. The
 * inner loop hands contiguous runs to the library as they are and gathers strided
 * ones through a small buffer; NumPy releases the GIL around it. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#include <numpy/ufuncobject.h>

#include "actfn.h"

#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_PARAMS = 4, BLOCK = 1024 };

/* What one ufunc computes: the op, forward or backward, its accuracy tier, and the op's
 * parameters in the order of the ufunc's inputs. */
typedef struct ufunc_spec {
    actfn_kind kind;
    int backward;
    actfn_accuracy accuracy;
    int param_count;
    const char *params[MAX_PARAMS];
} ufunc_spec;

enum { UFUNCS = 4 * ACTFN_KIND_COUNT }; /* forward, backward; each at both tiers */
static ufunc_spec specs[UFUNCS];

/* 1 for ACTFN_OK; else 0 with a ValueError carrying the library's message. */
static int library_ok(actfn_status status) {
    if (status == ACTFN_OK) return 1;
    PyErr_SetString(PyExc_ValueError, actfn_last_error());
    return 0;
}

/* The op with the parameters of element i; false if they are invalid (the loop then
 * writes NaN and raises ValueError: see loop). */
static int op_at(const ufunc_spec *spec, char **args, const npy_intp *steps, int first_param,
                 npy_intp i, actfn_dtype dtype, actfn_op *op) {
    *op = actfn_op_init(spec->kind);
    op->accuracy = spec->accuracy;
    for (int p = 0; p < spec->param_count; p++) {
        double value = *(const double *)(args[first_param + p] + i * steps[first_param + p]);
        if (actfn_op_set(op, spec->params[p], value) != ACTFN_OK) return 0;
    }
    /* valid as the dtype holds them too (an empty call checks): 1e300 is inf in float32 */
    return spec->param_count == 0 || actfn_forward(op, dtype, NULL, NULL, 0) == ACTFN_OK;
}

static int params_vary(const ufunc_spec *spec, const npy_intp *steps, int first_param) {
    for (int p = 0; p < spec->param_count; p++)
        if (steps[first_param + p] != 0) return 1;
    return 0;
}

static void fill_nan(actfn_dtype dtype, char *out, npy_intp step, npy_intp n) {
    const double nan = NAN;
    for (npy_intp i = 0; i < n; i++)
        actfn_convert(&nan, ACTFN_F64, out + i * step, dtype, 1);
}

static void gather(const char *in, npy_intp step, size_t size, npy_intp n, char *buffer) {
    for (npy_intp i = 0; i < n; i++)
        memcpy(buffer + (size_t)i * size, in + i * step, size);
}

static void scatter(const char *buffer, size_t size, npy_intp n, char *out, npy_intp step) {
    for (npy_intp i = 0; i < n; i++)
        memcpy(out + i * step, buffer + (size_t)i * size, size);
}

/* The bytes an array of n elements with this step touches. */
static void extent(const char *p, npy_intp step, size_t size, npy_intp n, uintptr_t *low,
                   uintptr_t *high) {
    uintptr_t first = (uintptr_t)p, last = (uintptr_t)(p + (n - 1) * step);
    *low = first < last ? first : last;
    *high = (first < last ? last : first) + size;
}

/* How an input and the output share memory: not at all (or the output is the input,
 * element for element: in place), or partly, with the output before (-1) or after (+1)
 * the input. actfn refuses partial overlap (its kernels read ahead); NumPy passes it
 * when an element-by-element loop in order would be right (a[:-1] = f(a[1:])). */
static int overlap_side(const char *in, npy_intp in_step, const char *out, npy_intp out_step,
                        size_t size, npy_intp n) {
    if (in == NULL || (in == out && in_step == out_step)) return 0;
    uintptr_t in_low, in_high, out_low, out_high;
    extent(in, in_step, size, n, &in_low, &in_high);
    extent(out, out_step, size, n, &out_low, &out_high);
    if (out_low >= in_high || in_low >= out_high) return 0;
    return out < in ? -1 : 1;
}

/* Runs elements [0, n) whose parameters are those of element 0's op: contiguous runs
 * straight through the library, the rest in blocks through a buffer, in the order that
 * reads every block of the inputs before the output overwrites it. */
static void run(const ufunc_spec *spec, const actfn_op *op, actfn_dtype dtype, char **data,
                const npy_intp *steps, int inputs, npy_intp n) {
    size_t size = actfn_dtype_size(dtype);
    char *x = data[0], *dy = inputs == 2 ? data[1] : NULL, *out = data[inputs + spec->param_count];
    npy_intp x_step = steps[0], dy_step = inputs == 2 ? steps[1] : 0;
    npy_intp out_step = steps[inputs + spec->param_count];
    int x_side = overlap_side(x, x_step, out, out_step, size, n);
    int dy_side = overlap_side(dy, dy_step, out, out_step, size, n);
    int contiguous = x_step == (npy_intp)size && out_step == (npy_intp)size &&
                     (dy == NULL || dy_step == (npy_intp)size);
    if (contiguous && x_side == 0 && dy_side == 0) {
        if (spec->backward)
            actfn_backward(op, dtype, x, dy, out, (size_t)n);
        else
            actfn_forward(op, dtype, x, out, (size_t)n);
        return;
    }
    char *copy = NULL;
    if (x_side * dy_side < 0) { /* the output between x and dy: dy copied whole first */
        copy = malloc((size_t)n * size);
        if (copy == NULL) {
            fill_nan(dtype, out, out_step, n); /* no memory: NaN, never stale values */
            return;
        }
        gather(dy, dy_step, size, n, copy);
        dy = copy, dy_step = (npy_intp)size, dy_side = 0;
    }
    int backwards = x_side > 0 || dy_side > 0; /* the output after an input: last block first */
    _Alignas(64) char xs[BLOCK * 8], gs[BLOCK * 8];
    npy_intp blocks = (n + BLOCK - 1) / BLOCK;
    for (npy_intp b = 0; b < blocks; b++) {
        npy_intp start = (backwards ? blocks - 1 - b : b) * BLOCK;
        npy_intp m = n - start < BLOCK ? n - start : BLOCK;
        gather(x + start * x_step, x_step, size, m, xs);
        if (spec->backward) {
            gather(dy + start * dy_step, dy_step, size, m, gs);
            actfn_backward(op, dtype, xs, gs, xs, (size_t)m);
        } else {
            actfn_forward(op, dtype, xs, xs, (size_t)m);
        }
        scatter(xs, size, m, out + start * out_step, out_step);
    }
    free(copy);
}

static int loop_body(char **args, const npy_intp *dimensions, const npy_intp *steps, void *extra,
                     actfn_dtype dtype, char *message, size_t size);

/* NumPy turns the FP exception flags a loop leaves into RuntimeWarnings; the kernels'
 * intermediate overflows and invalid operations (a wide form's inf, a far lane's garbage
 * that a select discards) say nothing about the results, which docs/semantics.md defines:
 * the flags are left as the loop found them. Invalid parameters (which only a raw ufunc
 * call with parameter arrays or unchecked scalars reaches: the Python functions validate
 * first) raise ValueError with the library's message: the loop takes the GIL to set it,
 * and NumPy raises it when the loop returns (the elements concerned hold NaN meanwhile). */
static void loop(char **args, const npy_intp *dimensions, const npy_intp *steps, void *extra,
                 actfn_dtype dtype) {
    fexcept_t flags;
    char message[512] = "";
    fegetexceptflag(&flags, FE_ALL_EXCEPT);
    int invalid = loop_body(args, dimensions, steps, extra, dtype, message, sizeof message);
    fesetexceptflag(&flags, FE_ALL_EXCEPT);
    if (invalid) {
        PyGILState_STATE gil = PyGILState_Ensure();
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, message);
        PyGILState_Release(gil);
    }
}

/* Returns whether any element had invalid parameters; the first one's message into
 * message. */
static int loop_body(char **args, const npy_intp *dimensions, const npy_intp *steps, void *extra,
                     actfn_dtype dtype, char *message, size_t size) {
    const ufunc_spec *spec = extra;
    int inputs = spec->backward ? 2 : 1;
    npy_intp n = dimensions[0];
    actfn_op op;
    if (!params_vary(spec, steps, inputs)) {
        if (op_at(spec, args, steps, inputs, 0, dtype, &op)) {
            run(spec, &op, dtype, args, steps, inputs, n);
            return 0;
        }
        fill_nan(dtype, args[inputs + spec->param_count], steps[inputs + spec->param_count], n);
        snprintf(message, size, "%s", actfn_last_error());
        return n > 0;
    }
    /* parameters that vary: one element at a time */
    int total = inputs + spec->param_count + 1, invalid = 0;
    for (npy_intp i = 0; i < n; i++) {
        char *element[2 + MAX_PARAMS + 1];
        for (int a = 0; a < total; a++)
            element[a] = args[a] + i * steps[a];
        if (op_at(spec, args, steps, inputs, i, dtype, &op)) {
            run(spec, &op, dtype, element, steps, inputs, 1);
        } else {
            fill_nan(dtype, element[total - 1], 0, 1);
            if (!invalid) snprintf(message, size, "%s", actfn_last_error());
            invalid = 1;
        }
    }
    return invalid;
}

static void loop_f16(char **args, const npy_intp *dimensions, const npy_intp *steps, void *extra) {
    loop(args, dimensions, steps, extra, ACTFN_F16);
}
static void loop_f32(char **args, const npy_intp *dimensions, const npy_intp *steps, void *extra) {
    loop(args, dimensions, steps, extra, ACTFN_F32);
}
static void loop_f64(char **args, const npy_intp *dimensions, const npy_intp *steps, void *extra) {
    loop(args, dimensions, steps, extra, ACTFN_F64);
}

/* NumPy would cast an integer array to float64 and run the float64 loop; actfn's ops
 * take floating-point arrays only, so the array inputs (x, and dy) are checked before
 * NumPy's own resolution. Parameters may be any number. */
static int float_arrays_only(PyUFuncObject *ufunc, NPY_CASTING casting, PyArrayObject **operands,
                             PyObject *type_tuple, PyArray_Descr **out_dtypes) {
    const ufunc_spec *spec = ((void **)ufunc->data)[0];
    int arrays = spec->backward ? 2 : 1;
    for (int i = 0; i < arrays; i++) {
        int type = PyArray_DESCR(operands[i])->type_num;
        if (type != NPY_HALF && type != NPY_FLOAT && type != NPY_DOUBLE) {
            PyErr_Format(PyExc_TypeError,
                         "actfn.%s: %s must hold float16, float32 or float64 values, not %s",
                         ufunc->name, i == 0 ? "x" : "dy",
                         PyArray_DESCR(operands[i])->typeobj->tp_name);
            return -1;
        }
    }
    return PyUFunc_DefaultTypeResolver(ufunc, casting, operands, type_tuple, out_dtypes);
}

static PyUFuncGenericFunction loops[3] = {loop_f16, loop_f32, loop_f64};
static void *loop_data[UFUNCS][3];
static char loop_types[UFUNCS][3 * (2 + MAX_PARAMS + 1)];

/* check(name, dtype_name, **params): raises ValueError (actfn's message) for a parameter
 * the op does not have or a value out of its range. */
static PyObject *check(PyObject *self, PyObject *args, PyObject *keywords) {
    (void)self;
    const char *name, *dtype_name = "float64";
    if (!PyArg_ParseTuple(args, "s|s", &name, &dtype_name)) return NULL;
    actfn_dtype dtype = strcmp(dtype_name, "float32") == 0   ? ACTFN_F32
                        : strcmp(dtype_name, "float16") == 0 ? ACTFN_F16
                                                             : ACTFN_F64;
    actfn_op op;
    if (actfn_op_from_name(name, &op) != ACTFN_OK) {
        PyErr_Format(PyExc_ValueError, "unknown op '%s'", name);
        return NULL;
    }
    PyObject *key, *value;
    Py_ssize_t position = 0;
    while (keywords != NULL && PyDict_Next(keywords, &position, &key, &value)) {
        double number = PyFloat_AsDouble(value);
        if (number == -1.0 && PyErr_Occurred()) return NULL;
        if (!library_ok(actfn_op_set(&op, PyUnicode_AsUTF8(key), number))) return NULL;
    }
    /* as the dtype holds them */
    if (!library_ok(actfn_forward(&op, dtype, NULL, NULL, 0))) return NULL;
    Py_RETURN_NONE;
}

static PyObject *version(PyObject *self, PyObject *unused) {
    (void)self, (void)unused;
    return PyUnicode_FromString(actfn_version());
}

static PyObject *isa(PyObject *self, PyObject *unused) {
    (void)self, (void)unused;
    return PyUnicode_FromString(actfn_isa());
}

/* ops(): [(name, [(parameter, default), ...]), ...] for every op, in actfn_kind order,
 * from actfn_op_describe: the Python face builds its functions from this list. */
static PyObject *ops(PyObject *self, PyObject *unused) {
    (void)self, (void)unused;
    PyObject *list = PyList_New(0);
    for (int kind = 0; list != NULL && kind < ACTFN_KIND_COUNT; kind++) {
        const actfn_op_info *info = actfn_op_describe((actfn_kind)kind);
        PyObject *params = PyList_New(0);
        for (size_t p = 0; params != NULL && p < info->param_count; p++) {
            PyObject *pair =
                Py_BuildValue("(sd)", info->params[p].name, info->params[p].default_value);
            if (pair == NULL || PyList_Append(params, pair) < 0) Py_CLEAR(params);
            Py_XDECREF(pair);
        }
        PyObject *entry = params != NULL ? Py_BuildValue("(sN)", info->name, params) : NULL;
        if (entry == NULL || PyList_Append(list, entry) < 0) Py_CLEAR(list);
        Py_XDECREF(entry);
    }
    return list;
}

static int dtype_of(PyArrayObject *array, actfn_dtype *dtype) {
    switch (PyArray_TYPE(array)) {
    case NPY_HALF:
        *dtype = ACTFN_F16;
        return 1;
    case NPY_FLOAT:
        *dtype = ACTFN_F32;
        return 1;
    case NPY_DOUBLE:
        *dtype = ACTFN_F64;
        return 1;
    }
    PyErr_SetString(PyExc_TypeError, "actfn: GLU halves must hold float16, float32 or float64");
    return 0;
}

/* object as a C-contiguous, aligned array of float16/32/64 (a new reference) and its
 * dtype; NULL with the error set otherwise. */
static PyArrayObject *contiguous_floats(PyObject *object, actfn_dtype *dtype) {
    PyArrayObject *array =
        (PyArrayObject *)PyArray_FROM_OF(object, NPY_ARRAY_C_CONTIGUOUS | NPY_ARRAY_ALIGNED);
    if (array != NULL && !dtype_of(array, dtype)) Py_CLEAR(array);
    return array;
}

/* The gate op of glu_forward / glu_backward: an op name (or a GLU variant's) and its
 * parameters from keywords. */
static int gate_of(const char *name, PyObject *keywords, actfn_op *gate) {
    if (actfn_op_from_name(name, gate) != ACTFN_OK &&
        actfn_glu_gate_from_name(name, gate) != ACTFN_OK) {
        PyErr_Format(PyExc_ValueError, "actfn: unknown gate '%s'", name);
        return 0;
    }
    PyObject *key, *value;
    Py_ssize_t position = 0;
    while (keywords != NULL && PyDict_Next(keywords, &position, &key, &value)) {
        const char *parameter = PyUnicode_AsUTF8(key);
        actfn_status status;
        if (PyUnicode_Check(value)) { /* accuracy='fast', approximate='tanh' */
            status = actfn_op_set_word(gate, parameter, PyUnicode_AsUTF8(value));
        } else {
            double number = PyFloat_AsDouble(value);
            if (number == -1.0 && PyErr_Occurred()) return 0;
            status = actfn_op_set(gate, parameter, number);
        }
        if (!library_ok(status)) return 0;
    }
    return 1;
}

/* glu_rows(gate, x, [dy,] **params): x C-contiguous with an even last axis of 2c, its rows
 * [a | b] (torch's glu at dim=-1, no copies): the forward returns y (last axis c), the
 * backward dx (x's shape). */
static PyObject *glu_rows_call(PyObject *args, PyObject *keywords, int backward) {
    const char *name;
    PyObject *objects[2] = {NULL, NULL};
    if (backward ? !PyArg_ParseTuple(args, "sOO", &name, &objects[0], &objects[1])
                 : !PyArg_ParseTuple(args, "sO", &name, &objects[0]))
        return NULL;
    actfn_op gate;
    if (!gate_of(name, keywords, &gate)) return NULL;
    PyArrayObject *x = NULL, *dy = NULL, *out = NULL;
    actfn_dtype dtype;
    x = contiguous_floats(objects[0], &dtype);
    if (x == NULL) goto done;
    int ndim = PyArray_NDIM(x);
    if (ndim == 0 || PyArray_DIM(x, ndim - 1) % 2 != 0) {
        PyErr_SetString(PyExc_ValueError, "actfn.glu: the last axis of x must have an even length");
        goto done;
    }
    size_t width = (size_t)PyArray_DIM(x, ndim - 1), cols = width / 2;
    size_t rows = width == 0 ? 0 : (size_t)PyArray_SIZE(x) / width;
    npy_intp shape[NPY_MAXDIMS];
    for (int i = 0; i < ndim; i++)
        shape[i] = PyArray_DIM(x, i);
    if (backward) {
        actfn_dtype own;
        dy = contiguous_floats(objects[1], &own);
        if (dy == NULL) goto done;
        shape[ndim - 1] = (npy_intp)cols;
        if (own != dtype || PyArray_NDIM(dy) != ndim ||
            !PyArray_CompareLists(PyArray_DIMS(dy), shape, ndim)) {
            PyErr_SetString(PyExc_ValueError, "actfn.glu_backward: dy must have y's shape and "
                                              "x's dtype");
            goto done;
        }
        shape[ndim - 1] = (npy_intp)width;
    } else {
        shape[ndim - 1] = (npy_intp)cols;
    }
    out = (PyArrayObject *)PyArray_SimpleNew(ndim, shape, PyArray_TYPE(x));
    if (out == NULL) goto done;
    actfn_status status;
    Py_BEGIN_ALLOW_THREADS;
    status = backward ? actfn_glu_backward_rows(&gate, dtype, ACTFN_GLU_VALUE_FIRST, rows, cols,
                                                PyArray_DATA(x), width, PyArray_DATA(dy), cols,
                                                PyArray_DATA(out), width)
                      : actfn_glu_forward_rows(&gate, dtype, ACTFN_GLU_VALUE_FIRST, rows, cols,
                                               PyArray_DATA(x), width, PyArray_DATA(out), cols);
    Py_END_ALLOW_THREADS;
    if (!library_ok(status)) Py_CLEAR(out);
done:
    Py_XDECREF(x);
    Py_XDECREF(dy);
    return (PyObject *)out;
}

static PyObject *glu_rows_forward(PyObject *self, PyObject *args, PyObject *keywords) {
    (void)self;
    return glu_rows_call(args, keywords, 0);
}

static PyObject *glu_rows_backward(PyObject *self, PyObject *args, PyObject *keywords) {
    (void)self;
    return glu_rows_call(args, keywords, 1);
}

/* glu(gate, a, b, [dy,] **params): C-contiguous arrays of one float dtype and shape; the
 * forward returns y = a * gate(b), the backward (da, db). */
static PyObject *glu_call(PyObject *args, PyObject *keywords, int backward) {
    const char *name;
    PyObject *objects[3] = {NULL, NULL, NULL};
    if (backward ? !PyArg_ParseTuple(args, "sOOO", &name, &objects[0], &objects[1], &objects[2])
                 : !PyArg_ParseTuple(args, "sOO", &name, &objects[0], &objects[1]))
        return NULL;
    actfn_op gate;
    if (!gate_of(name, keywords, &gate)) return NULL;
    int count = backward ? 3 : 2;
    PyArrayObject *arrays[3] = {NULL, NULL, NULL}, *outputs[2] = {NULL, NULL};
    PyObject *result = NULL;
    actfn_dtype dtype = ACTFN_F64;
    for (int i = 0; i < count; i++) {
        actfn_dtype own;
        arrays[i] = contiguous_floats(objects[i], &own);
        if (arrays[i] == NULL) goto done;
        if (i == 0) dtype = own;
        if (own != dtype || !PyArray_SAMESHAPE(arrays[i], arrays[0])) {
            PyErr_SetString(PyExc_ValueError, "actfn: GLU arrays differ in dtype or shape");
            goto done;
        }
    }
    for (int o = 0; o < (backward ? 2 : 1); o++) {
        outputs[o] = (PyArrayObject *)PyArray_NewLikeArray(arrays[0], NPY_CORDER, NULL, 0);
        if (outputs[o] == NULL) goto done;
    }
    size_t n = (size_t)PyArray_SIZE(arrays[0]);
    actfn_status status;
    Py_BEGIN_ALLOW_THREADS;
    status = backward ? actfn_glu_backward(&gate, dtype, PyArray_DATA(arrays[0]),
                                           PyArray_DATA(arrays[1]), PyArray_DATA(arrays[2]),
                                           PyArray_DATA(outputs[0]), PyArray_DATA(outputs[1]), n)
                      : actfn_glu_forward(&gate, dtype, PyArray_DATA(arrays[0]),
                                          PyArray_DATA(arrays[1]), PyArray_DATA(outputs[0]), n);
    Py_END_ALLOW_THREADS;
    if (!library_ok(status)) goto done;
    result = backward ? Py_BuildValue("(OO)", outputs[0], outputs[1]) : (PyObject *)outputs[0];
    if (!backward) outputs[0] = NULL; /* returned: its reference moves to the caller */
done:
    for (int i = 0; i < 3; i++)
        Py_XDECREF(arrays[i]);
    Py_XDECREF(outputs[0]);
    Py_XDECREF(outputs[1]);
    return result;
}

/* rrelu_train(x, [dy,] seed, offset, lower, upper): rrelu's training mode on a
 * C-contiguous float array; a new array (the forward's y, or the backward's dx). */
static PyObject *rrelu_call(PyObject *args, int backward) {
    PyObject *objects[2] = {NULL, NULL};
    unsigned long long seed, offset;
    double lower, upper;
    if (backward ? !PyArg_ParseTuple(args, "OOKKdd", &objects[0], &objects[1], &seed, &offset,
                                     &lower, &upper)
                 : !PyArg_ParseTuple(args, "OKKdd", &objects[0], &seed, &offset, &lower, &upper))
        return NULL;
    actfn_op op = actfn_op_init(ACTFN_RRELU);
    if (!library_ok(actfn_op_set(&op, "lower", lower)) ||
        !library_ok(actfn_op_set(&op, "upper", upper)))
        return NULL;
    PyArrayObject *arrays[2] = {NULL, NULL}, *out = NULL;
    actfn_dtype dtype = ACTFN_F64;
    for (int i = 0; i < (backward ? 2 : 1); i++) {
        actfn_dtype own;
        arrays[i] = contiguous_floats(objects[i], &own);
        if (arrays[i] == NULL) goto done;
        if (i == 0) dtype = own;
        if (own != dtype || !PyArray_SAMESHAPE(arrays[i], arrays[0])) {
            PyErr_SetString(PyExc_ValueError, "actfn.rrelu: x and dy differ in dtype or shape");
            goto done;
        }
    }
    out = (PyArrayObject *)PyArray_NewLikeArray(arrays[0], NPY_CORDER, NULL, 0);
    if (out == NULL) goto done;
    size_t n = (size_t)PyArray_SIZE(arrays[0]);
    actfn_status status;
    Py_BEGIN_ALLOW_THREADS;
    status = backward
                 ? actfn_rrelu_train_backward(&op, dtype, seed, offset, PyArray_DATA(arrays[0]),
                                              PyArray_DATA(arrays[1]), PyArray_DATA(out), n)
                 : actfn_rrelu_train_forward(&op, dtype, seed, offset, PyArray_DATA(arrays[0]),
                                             PyArray_DATA(out), n);
    Py_END_ALLOW_THREADS;
    if (!library_ok(status)) Py_CLEAR(out);
done:
    Py_XDECREF(arrays[0]);
    Py_XDECREF(arrays[1]);
    return (PyObject *)out;
}

static PyObject *rrelu_train_forward(PyObject *self, PyObject *args) {
    (void)self;
    return rrelu_call(args, 0);
}

static PyObject *rrelu_train_backward(PyObject *self, PyObject *args) {
    (void)self;
    return rrelu_call(args, 1);
}

static PyObject *glu_forward(PyObject *self, PyObject *args, PyObject *keywords) {
    (void)self;
    return glu_call(args, keywords, 0);
}

static PyObject *glu_backward(PyObject *self, PyObject *args, PyObject *keywords) {
    (void)self;
    return glu_call(args, keywords, 1);
}

/* ---- memory by address, for actfn.torch (tensors of any float dtype, on the CPU or a GPU) ---- */

static int dtype_named(const char *name, actfn_dtype *dtype) {
    static const struct {
        const char *name;
        actfn_dtype dtype;
    } names[] = {{"float32", ACTFN_F32},
                 {"float64", ACTFN_F64},
                 {"float16", ACTFN_F16},
                 {"bfloat16", ACTFN_BF16}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i].name) == 0) return *dtype = names[i].dtype, 1;
    PyErr_Format(PyExc_TypeError, "actfn: %s is not float32, float64, float16 or bfloat16", name);
    return 0;
}

/* pointer_call(call, op, dtype, cuda, stream, rows, cols, x, a, out, **params) runs one
 * call of the C library on memory given by address (a tensor's data_ptr()), C-contiguous
 * rows x cols elements of dtype ('float32', 'float64', 'float16', 'bfloat16'):
 *   'forward'              out = f(x)                    (a: 0)
 *   'backward'             out = a f'(x), a = dy
 *   'backward_from_output' out = a f'(.) from x = y
 *   'mask_forward'         out = f(x), and the 1-bit mask at a (rows x mask_row_bytes(cols))
 *   'mask_backward'        out = a where x's mask bit is set (x: the mask, a: dy)
 *   'prelu_forward'        out = PReLU(x) with a slope per column (a: cols slopes)
 *   'prelu_backward'       out = dx, and c the cols dslopes (a: slopes, b: dy; CPU only)
 * on the GPU (cuda true, stream a cudaStream_t as an integer, 0 the default) or the CPU
 * (the GIL released). The op is named with its parameters by keyword (words too:
 * accuracy='fast', approximate='tanh'). Raises ValueError with actfn's message. */
static PyObject *pointer_call(PyObject *self, PyObject *args, PyObject *keywords) {
    (void)self;
    const char *call, *name, *dtype_name;
    int cuda;
    unsigned long long stream, x, a, out, b = 0, c = 0;
    Py_ssize_t rows, cols;
    if (!PyArg_ParseTuple(args, "sssiKnnKKK|KK", &call, &name, &dtype_name, &cuda, &stream, &rows,
                          &cols, &x, &a, &out, &b, &c))
        return NULL;
    actfn_dtype dtype;
    actfn_op op;
    if (!dtype_named(dtype_name, &dtype) || !gate_of(name, keywords, &op)) return NULL;
    const void *bp = (const void *)(uintptr_t)b;
    void *cp = (void *)(uintptr_t)c;
    if (rows < 0 || cols < 0) {
        PyErr_SetString(PyExc_ValueError, "actfn: negative shape");
        return NULL;
    }
    const void *xp = (const void *)(uintptr_t)x, *ap = (const void *)(uintptr_t)a;
    void *outp = (void *)(uintptr_t)out, *s = (void *)(uintptr_t)stream;
    size_t n = (size_t)rows * (size_t)cols;
    actfn_batch batch = {(size_t)rows, (size_t)cols, (size_t)cols};
    actfn_status status = ACTFN_ERR_BAD_PARAMETER;
    int known = 1;
    Py_BEGIN_ALLOW_THREADS;
    if (strcmp(call, "forward") == 0)
        status = cuda ? actfn_cuda_forward(&op, dtype, xp, outp, n, s)
                      : actfn_forward(&op, dtype, xp, outp, n);
    else if (strcmp(call, "backward") == 0)
        status = cuda ? actfn_cuda_backward(&op, dtype, xp, ap, outp, n, s)
                      : actfn_backward(&op, dtype, xp, ap, outp, n);
    else if (strcmp(call, "backward_from_output") == 0)
        status = cuda ? actfn_cuda_backward_from_output(&op, dtype, xp, ap, outp, n, s)
                      : actfn_backward_from_output(&op, dtype, xp, ap, outp, n);
    else if (strcmp(call, "mask_forward") == 0)
        status = cuda
                     ? actfn_cuda_mask_forward(&op, dtype, &batch, xp, outp, (uint8_t *)ap, NULL, s)
                     : actfn_mask_forward(&op, dtype, &batch, xp, outp, (uint8_t *)ap, NULL);
    else if (strcmp(call, "mask_backward") == 0)
        status = cuda ? actfn_cuda_mask_backward(&op, dtype, &batch, xp, ap, outp, s)
                      : actfn_mask_backward(&op, dtype, &batch, xp, ap, outp);
    else if (strcmp(call, "prelu_forward") == 0)
        status = cuda ? actfn_cuda_prelu_forward(dtype, &batch, xp, ap, outp, s)
                      : actfn_prelu_forward(dtype, &batch, xp, ap, outp);
    else if (strcmp(call, "prelu_backward") == 0 && !cuda)
        status = actfn_prelu_backward(dtype, &batch, xp, ap, bp, outp, cp);
    else if (strcmp(call, "prelu_backward") == 0)
        known = -1; /* no GPU kernel yet (its per-feature sums) */
    else
        known = 0;
    Py_END_ALLOW_THREADS;
    if (known < 0) {
        PyErr_Format(PyExc_NotImplementedError, "actfn: %s has no GPU kernel", call);
        return NULL;
    }
    if (!known) {
        PyErr_Format(PyExc_ValueError, "actfn: unknown call '%s'", call);
        return NULL;
    }
    if (!library_ok(status)) return NULL;
    Py_RETURN_NONE;
}

/* ---- the parameterised functions' fast path ----
 * direct_function(op, backward, fallback) returns a builtin that takes what the Python
 * function (fallback) takes, and serves the usual call itself: x (and dy) plain NumPy
 * arrays of one float dtype, C-contiguous, parameters as Python numbers, no out=, accuracy
 * 'accurate' or 'fast' by keyword. The C library validates the parameters (a bad one is
 * a ValueError with its message) and writes a new array. Anything else goes to fallback
 * as it is, which handles and checks every other form. */
typedef struct direct_spec {
    int index[2]; /* the ufunc specs of the accurate and the fast tier */
    PyObject *fallback;
} direct_spec;

static direct_spec directs[UFUNCS];
static PyMethodDef direct_defs[UFUNCS];

static int plain_float_array(PyObject *o, actfn_dtype *dtype) {
    if (!PyArray_CheckExact(o)) return 0;
    PyArrayObject *a = (PyArrayObject *)o;
    if (!PyArray_IS_C_CONTIGUOUS(a) || !PyArray_ISALIGNED(a) || PyArray_ISBYTESWAPPED(a)) return 0;
    switch (PyArray_TYPE(a)) { /* no exception set: an other dtype goes to the fallback */
    case NPY_HALF:
        *dtype = ACTFN_F16;
        return 1;
    case NPY_FLOAT:
        *dtype = ACTFN_F32;
        return 1;
    case NPY_DOUBLE:
        *dtype = ACTFN_F64;
        return 1;
    default:
        return 0;
    }
}

static PyObject *direct_call(PyObject *self, PyObject *const *args, Py_ssize_t nargsf,
                             PyObject *kwnames) {
    direct_spec *d = &directs[PyLong_AsLong(self)];
    const ufunc_spec *spec = &specs[d->index[0]];
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    int inputs = spec->backward ? 2 : 1;
    Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    actfn_dtype dtype, dy_dtype;
    if (nargs < inputs || nargs > inputs + spec->param_count ||
        !plain_float_array(args[0], &dtype) || PyArray_NDIM((PyArrayObject *)args[0]) == 0 ||
        (inputs == 2 && (!plain_float_array(args[1], &dy_dtype) || dy_dtype != dtype ||
                         !PyArray_SAMESHAPE((PyArrayObject *)args[0], (PyArrayObject *)args[1]))))
        goto fallback;
    actfn_op op = actfn_op_init(spec->kind);
    for (Py_ssize_t i = inputs; i < nargs + nkw; i++) {
        PyObject *value = args[i];
        const char *name;
        if (i < nargs) {
            name = spec->params[i - inputs];
        } else {
            PyObject *key = PyTuple_GET_ITEM(kwnames, i - nargs);
            if (PyUnicode_CompareWithASCIIString(key, "accuracy") == 0) {
                if (!PyUnicode_Check(value)) goto fallback;
                if (PyUnicode_CompareWithASCIIString(value, "fast") == 0)
                    op.accuracy = ACTFN_FAST;
                else if (PyUnicode_CompareWithASCIIString(value, "accurate") != 0)
                    goto fallback;
                continue;
            }
            name = NULL;
            for (int p = 0; p < spec->param_count; p++)
                if (PyUnicode_CompareWithASCIIString(key, spec->params[p]) == 0)
                    name = spec->params[p];
            if (name == NULL) goto fallback; /* out=, or a name it does not have */
        }
        if (!(PyFloat_CheckExact(value) || PyLong_CheckExact(value))) goto fallback;
        double number = PyFloat_AsDouble(value);
        if (number == -1.0 && PyErr_Occurred()) {
            PyErr_Clear();
            goto fallback;
        }
        if (actfn_op_set(&op, name, number) != ACTFN_OK) goto fallback; /* its message */
    }
    PyArrayObject *x = (PyArrayObject *)args[0];
    PyArrayObject *out = (PyArrayObject *)PyArray_NewLikeArray(x, NPY_CORDER, NULL, 0);
    if (out == NULL) return NULL;
    size_t n = (size_t)PyArray_SIZE(x);
    const void *xp = PyArray_DATA(x),
               *dyp = inputs == 2 ? PyArray_DATA((PyArrayObject *)args[1]) : NULL;
    void *yp = PyArray_DATA(out);
    actfn_status status;
    if (n >= 16384) { /* long enough to give the GIL back */
        Py_BEGIN_ALLOW_THREADS;
        status = inputs == 2 ? actfn_backward(&op, dtype, xp, dyp, yp, n)
                             : actfn_forward(&op, dtype, xp, yp, n);
        Py_END_ALLOW_THREADS;
    } else {
        status = inputs == 2 ? actfn_backward(&op, dtype, xp, dyp, yp, n)
                             : actfn_forward(&op, dtype, xp, yp, n);
    }
    if (status != ACTFN_OK) {
        Py_DECREF(out);
        goto fallback; /* the Python function raises with the parameter's message */
    }
    return (PyObject *)out;
fallback:
    return PyObject_Vectorcall(d->fallback, args, nargsf, kwnames);
}

/* direct_function(op, backward, fallback, doc): the builtin above for op's forward (or
 * backward), named as the Python function, with its docstring. */
static PyObject *direct_function(PyObject *self, PyObject *args) {
    (void)self;
    const char *name;
    int backward;
    PyObject *fallback, *doc;
    if (!PyArg_ParseTuple(args, "spOU", &name, &backward, &fallback, &doc)) return NULL;
    actfn_op op;
    if (actfn_op_from_name(name, &op) != ACTFN_OK) {
        PyErr_Format(PyExc_ValueError, "unknown op '%s'", name);
        return NULL;
    }
    int slot = (int)op.kind * 4 + backward;
    directs[slot].index[0] = slot;
    directs[slot].index[1] = slot + 2;
    Py_XDECREF(directs[slot].fallback);
    Py_INCREF(fallback);
    directs[slot].fallback = fallback;
    static char names[UFUNCS][64];
    snprintf(names[slot], sizeof names[slot], "%s%s", name, backward ? "_backward" : "");
    direct_defs[slot].ml_name = names[slot];
    direct_defs[slot].ml_meth = (PyCFunction)(void (*)(void))direct_call;
    direct_defs[slot].ml_flags = METH_FASTCALL | METH_KEYWORDS;
    direct_defs[slot].ml_doc = PyUnicode_AsUTF8(doc); /* doc is kept alive below */
    Py_INCREF(doc);
    PyObject *index = PyLong_FromLong(slot);
    if (index == NULL) return NULL;
    PyObject *function = PyCFunction_NewEx(&direct_defs[slot], index, NULL);
    Py_DECREF(index);
    return function;
}

/* maxout(x, k) -> y and maxout_backward(x, dy, k) -> dx on C-contiguous arrays of one
 * float dtype, x's last axis holding the groups of k features (actfn_maxout_*). */
static PyObject *maxout_call(PyObject *args, int backward) {
    PyObject *objects[2] = {NULL, NULL};
    Py_ssize_t k;
    if (backward ? !PyArg_ParseTuple(args, "OOn", &objects[0], &objects[1], &k)
                 : !PyArg_ParseTuple(args, "On", &objects[0], &k))
        return NULL;
    actfn_dtype dtype, dy_dtype;
    PyArrayObject *x = contiguous_floats(objects[0], &dtype), *dy = NULL, *out = NULL;
    if (x == NULL) return NULL;
    int ndim = PyArray_NDIM(x);
    npy_intp cols = ndim > 0 ? PyArray_DIM(x, ndim - 1) : 1;
    size_t rows = cols > 0 ? (size_t)(PyArray_SIZE(x) / cols) : 0;
    if (k <= 0 || cols % k != 0) {
        PyErr_Format(PyExc_ValueError, "actfn.maxout: k = %zd must divide the last axis (%zd)", k,
                     (Py_ssize_t)cols);
        goto done;
    }
    npy_intp shape[NPY_MAXDIMS];
    for (int i = 0; i < ndim; i++)
        shape[i] = PyArray_DIM(x, i);
    if (ndim > 0) shape[ndim - 1] = cols / k;
    actfn_batch batch = {rows, (size_t)cols, (size_t)cols};
    actfn_status status;
    if (backward) {
        dy = contiguous_floats(objects[1], &dy_dtype);
        if (dy == NULL) goto done;
        if (dy_dtype != dtype || PyArray_SIZE(dy) != (npy_intp)rows * (cols / k)) {
            PyErr_SetString(PyExc_ValueError, "actfn.maxout_backward: dy must be maxout(x)'s "
                                              "shape and dtype");
            goto done;
        }
        out = (PyArrayObject *)PyArray_NewLikeArray(x, NPY_CORDER, NULL, 0);
        if (out == NULL) goto done;
        Py_BEGIN_ALLOW_THREADS;
        status = actfn_maxout_backward(dtype, &batch, (size_t)k, PyArray_DATA(x), PyArray_DATA(dy),
                                       (size_t)(cols / k), PyArray_DATA(out));
        Py_END_ALLOW_THREADS;
    } else {
        out = (PyArrayObject *)PyArray_SimpleNew(ndim, shape, PyArray_TYPE(x));
        if (out == NULL) goto done;
        Py_BEGIN_ALLOW_THREADS;
        status = actfn_maxout_forward(dtype, &batch, (size_t)k, PyArray_DATA(x), PyArray_DATA(out),
                                      (size_t)(cols / k));
        Py_END_ALLOW_THREADS;
    }
    if (!library_ok(status)) Py_CLEAR(out);
done:
    Py_XDECREF(x);
    Py_XDECREF(dy);
    return (PyObject *)out;
}

static PyObject *maxout(PyObject *self, PyObject *args) {
    (void)self;
    return maxout_call(args, 0);
}

static PyObject *maxout_backward(PyObject *self, PyObject *args) {
    (void)self;
    return maxout_call(args, 1);
}

/* set_num_threads(count), get_num_threads(): actfn_set_num_threads's threads per call. */
static PyObject *set_num_threads(PyObject *self, PyObject *args) {
    (void)self;
    int count;
    if (!PyArg_ParseTuple(args, "i", &count)) return NULL;
    if (!library_ok(actfn_set_num_threads(count))) return NULL;
    Py_RETURN_NONE;
}

static PyObject *get_num_threads(PyObject *self, PyObject *unused) {
    (void)self, (void)unused;
    return PyLong_FromLong(actfn_get_num_threads());
}

/* mask_row_bytes(cols): the bytes of one row of the 1-bit mask. */
static PyObject *mask_row_bytes(PyObject *self, PyObject *args) {
    (void)self;
    Py_ssize_t cols;
    if (!PyArg_ParseTuple(args, "n", &cols)) return NULL;
    return PyLong_FromSize_t(actfn_mask_row_bytes(cols < 0 ? 0 : (size_t)cols));
}

static PyMethodDef methods[] = {
    {"ops", ops, METH_NOARGS, "every op's name and parameters with their defaults"},
    {"check", (PyCFunction)(void (*)(void))check, METH_VARARGS | METH_KEYWORDS,
     "check(op_name, dtype_name='float64', **params): ValueError if a parameter is "
     "unknown or out of range, or out of range once rounded to the dtype"},
    {"isa", isa, METH_NOARGS, "the instruction set actfn's kernels run on"},
    {"version", version, METH_NOARGS, "the C library's version, MAJOR.MINOR.PATCH"},
    {"glu_forward", (PyCFunction)(void (*)(void))glu_forward, METH_VARARGS | METH_KEYWORDS,
     "glu_forward(gate, a, b, **params): a * gate(b), for C-contiguous arrays of one float "
     "dtype and shape (the Python face: actfn.glu)"},
    {"rrelu_train_forward", rrelu_train_forward, METH_VARARGS,
     "rrelu_train_forward(x, seed, offset, lower, upper): rrelu's training mode (the slope of "
     "element i from (seed, offset + i))"},
    {"rrelu_train_backward", rrelu_train_backward, METH_VARARGS,
     "rrelu_train_backward(x, dy, seed, offset, lower, upper): its backward, the same slopes"},
    {"glu_rows_forward", (PyCFunction)(void (*)(void))glu_rows_forward,
     METH_VARARGS | METH_KEYWORDS,
     "glu_rows_forward(gate, x, **params): a * gate(b) for rows [a | b] along x's last axis"},
    {"glu_rows_backward", (PyCFunction)(void (*)(void))glu_rows_backward,
     METH_VARARGS | METH_KEYWORDS, "glu_rows_backward(gate, x, dy, **params): dx, x's shape"},
    {"glu_backward", (PyCFunction)(void (*)(void))glu_backward, METH_VARARGS | METH_KEYWORDS,
     "glu_backward(gate, a, b, dy, **params): (dy * gate(b), dy * a * gate'(b))"},
    {"pointer_call", (PyCFunction)(void (*)(void))pointer_call, METH_VARARGS | METH_KEYWORDS,
     "pointer_call(call, op, dtype, cuda, stream, rows, cols, x, a, out, **params): one call "
     "of the C library on memory by address (actfn.torch)"},
    {"mask_row_bytes", mask_row_bytes, METH_VARARGS, "mask_row_bytes(cols): bytes per mask row"},
    {"set_num_threads", set_num_threads, METH_VARARGS,
     "set_num_threads(count): at most count threads per call (0: the default)"},
    {"get_num_threads", get_num_threads, METH_NOARGS, "the threads a call may use now"},
    {"maxout", maxout, METH_VARARGS,
     "maxout(x, k): the maximum of each group of k features along x's last axis"},
    {"maxout_backward", maxout_backward, METH_VARARGS,
     "maxout_backward(x, dy, k): dy to each group's arg-max (the lowest index), +0 elsewhere"},
    {"direct_function", direct_function, METH_VARARGS,
     "direct_function(op, backward, fallback, doc): a C fast path in front of fallback"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_actfn",
    .m_doc = "actfn's activation functions as NumPy ufuncs",
    .m_size = -1,
    .m_methods = methods,
};

static int add_ufunc(PyObject *m, int index, actfn_kind kind, int backward,
                     actfn_accuracy accuracy) {
    const actfn_op_info *info = actfn_op_describe(kind);
    ufunc_spec *spec = &specs[index];
    spec->kind = kind;
    spec->backward = backward;
    spec->accuracy = accuracy;
    spec->param_count = 0;
    for (size_t p = 0; p < info->param_count; p++) {
        const char *name = info->params[p].name;
        if (strcmp(name, "approximate") == 0) continue; /* a separate op: gelu_tanh */
        if (!backward && strcmp(name, "grad_at_zero") == 0) continue;
        spec->params[spec->param_count++] = name;
    }
    int inputs = (backward ? 2 : 1) + spec->param_count, args = inputs + 1;
    static const char array_types[3] = {NPY_HALF, NPY_FLOAT, NPY_DOUBLE};
    for (int t = 0; t < 3; t++) {
        char *types = loop_types[index] + t * args;
        types[0] = array_types[t];
        if (backward) types[1] = array_types[t];
        for (int p = 0; p < spec->param_count; p++)
            types[(backward ? 2 : 1) + p] = NPY_DOUBLE;
        types[inputs] = array_types[t];
        loop_data[index][t] = spec;
    }
    static char names[UFUNCS][64], docs[UFUNCS][640];
    int fast = accuracy == ACTFN_FAST;
    snprintf(names[index], sizeof names[index], "%s%s%s", info->name, backward ? "_backward" : "",
             fast ? "_fast" : "");
    int length =
        snprintf(docs[index], sizeof docs[index], "%s(x%s", names[index], backward ? ", dy" : "");
    for (int p = 0; p < spec->param_count; p++)
        length += snprintf(docs[index] + length, sizeof docs[index] - (size_t)length, ", %s",
                           spec->params[p]);
    snprintf(docs[index] + length, sizeof docs[index] - (size_t)length,
             ")\n\n%s of actfn's %s: %s. A NumPy ufunc (float16, float32, float64)%s.",
             backward ? "dx = dy * f'(x), the backward" : "The forward", info->name, info->formula,
             fast ? ", at the fast accuracy tier (float32; docs/accuracy.md)" : "");
    PyObject *ufunc = PyUFunc_FromFuncAndData(loops, loop_data[index], loop_types[index], 3, inputs,
                                              1, PyUFunc_None, names[index], docs[index], 0);
    if (ufunc == NULL) return -1;
    ((PyUFuncObject *)ufunc)->type_resolver = float_arrays_only;
    return PyModule_AddObject(m, names[index], ufunc);
}

PyMODINIT_FUNC PyInit__actfn(void) {
    import_array();
    import_umath();
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    for (int index = 0; index < UFUNCS; index++) {
        actfn_kind kind = (actfn_kind)(index / 4);
        actfn_accuracy accuracy = index % 4 < 2 ? ACTFN_ACCURATE : ACTFN_FAST;
        if (add_ufunc(m, index, kind, index % 2, accuracy) < 0) {
            Py_DECREF(m);
            return NULL;
        }
    }
    return m;
}
