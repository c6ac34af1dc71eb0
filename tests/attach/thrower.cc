// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// Fixture: throws and catches an exception every 5 ms, so that libstdc++'s
// own libstdcxx:throw probe (in the shared library) fires. Prints
// "ready PID tinfo=ADDR" with the address of the exception's type_info.
#include <cstdio>
#include <typeinfo>
#include <unistd.h>

struct tsdt_test_error {
	int code;
};

int main()
{
	std::printf("ready %d tinfo=%p\n", (int)getpid(),
		    (const void *)&typeid(tsdt_test_error));
	std::fflush(stdout);
	for (;;) {
		try {
			throw tsdt_test_error{ 42 };
		} catch (const tsdt_test_error &) {
		}
		usleep(5000);
	}
}
