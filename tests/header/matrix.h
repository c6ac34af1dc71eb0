/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Probes of the build-matrix test (header-matrix.sh), declared once in a
 * header included by several translation units: each defines the weak
 * semaphores, the link keeps one per executable or shared object. */
#include <stdint.h>
#include <sys/tsdt.h>

TSDT_PROBE_DEFINE(mx, shared, (int32_t, n), (const char *, who), (double, ratio));
TSDT_PROBE_DEFINE(mx, lib_used, (uint64_t, v), (int16_t, s));
TSDT_PROBE_DEFINE(mx, lib_unused, (uint8_t, b), (void *, p));
TSDT_PROBE_DEFINE(mx, main, (long, argc), (char **, argv));

int lib_used(int n);
int lib_unused(int n);
