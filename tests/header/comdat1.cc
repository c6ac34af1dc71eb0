/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#include "comdat.h"

int comdat_a(int x) { return helper(x) + twice(x); }
int main(int argc, char **) { return comdat_a(argc) + comdat_b(argc) == 0; }
