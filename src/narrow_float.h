/* IEEE binary16 (f16) and bfloat16 (bf16) to and from double, bit by bit: widening is
 * exact; narrowing rounds to nearest, ties to even, once, with subnormals kept (no
 * flush), overflow to infinity, and NaN kept NaN (quiet, sign and top payload bits
 * kept). Narrowing from double rather than float avoids a double rounding. */
#ifndef ACTFN_NARROW_FLOAT_H
#define ACTFN_NARROW_FLOAT_H

#include <stdint.h>

double f16_to_double(uint16_t h);
uint16_t double_to_f16(double x);
double bf16_to_double(uint16_t b);
uint16_t double_to_bf16(double x);

#endif
