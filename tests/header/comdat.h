/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* C++ COMDAT case of header-matrix.sh: an inline function and a template,
 * both with a probe, instantiated in two translation units. The linker
 * keeps one copy of each; their notes must follow (no duplicate, no
 * dangling note of the discarded copy). */
#include <sys/tsdt.h>

TSDT_PROBE_DEFINE(cd, inl, (int, x));
inline int helper(int x) { TSDT_PROBE(cd, inl, x); return x * 2; }
template <typename T> T twice(T x) { TSDT_PROBE(cd, inl, static_cast<int>(x)); return x + x; }
int comdat_a(int x);
int comdat_b(int x);
