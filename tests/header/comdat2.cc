/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#include "comdat.h"

int comdat_b(int x) { return helper(x + 1) + twice(x); }
