/* out.h - records written as CSV, TSV or iCalendar tasks instead of JSON
 * lines: -o FORMAT, --columns, --columns-map for every program that
 * writes records (opflow(7) CONVENTIONS).  MIT licence.
 *
 * A program opts in with one member of its op_cli:
 *     op_cli cli = { .usage = usage, .output = &op_records_out };
 * op_getopt then takes the options and op_emit writes through it. */
#ifndef OP_OUT_H
#define OP_OUT_H
#include "cli.h"

extern const op_output op_records_out;
#endif
