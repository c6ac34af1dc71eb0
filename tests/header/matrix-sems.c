/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The strong semaphore definitions a `dtrace -G`-style object provides,
 * for the TSDT_EXTERN_SEMAPHORES build of header-matrix.sh (built with
 * TSDT_EXTERN_SEMAPHORES too: one file cannot both define a probe's
 * semaphore weakly and strongly). */
#include "matrix.h"

TSDT_SEMAPHORE_DEFINE(mx, shared);
TSDT_SEMAPHORE_DEFINE(mx, lib_used);
TSDT_SEMAPHORE_DEFINE(mx, lib_unused);
TSDT_SEMAPHORE_DEFINE(mx, main);
