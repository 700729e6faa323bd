/* Includes ROWS_FILE twice: with T = float and NAME(x) = x##_f32, then with T = double
 * and NAME(x) = x##_f64, so that a layer op's scalar loops are written once. */
#define T       float
#define NAME(x) x##_f32
#include ROWS_FILE
#undef T
#undef NAME
#define T       double
#define NAME(x) x##_f64
#include ROWS_FILE
#undef T
#undef NAME
