// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Fixture for probes in a shared library: libstdc++'s libstdcxx:throw and
 * libstdcxx:catch fire for each C++ exception.
 * Usage: throw [N [SLEEP_MS]]   throw and catch N exceptions (0: forever) */
#include <cstdlib>
#include <ctime>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1, ms = argc > 2 ? atol(argv[2]) : 0;

	for (long i = 0; n == 0 || i < n; i++) {
		try {
			throw (int)i;
		} catch (int) {
		}
		if (ms) {
			struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };
			nanosleep(&ts, nullptr);
		}
	}
	return 0;
}
