// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libgone.so of tests/integration/trace-deps.sh: needed by app-gone, in no
 * directory tsdt searches (the test provides it through LD_PRELOAD, or not
 * at all). */
int gone_value(void)
{
	return 42;
}
