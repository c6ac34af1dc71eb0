// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The untyped probe of the trace fixture: SystemTap's <sys/sdt.h>, no type
 * note, so tsdt prints integers by the sizes and signs of the note. */
#include <sys/sdt.h>

volatile int u_a = -5;
volatile unsigned int u_b = 4000000000u;
volatile short u_c = -2;

void fire_untyped(int round);
void fire_untyped(int round)
{
	STAP_PROBE4(tt_sdt, untyped, u_a, u_b, u_c, round);
}
