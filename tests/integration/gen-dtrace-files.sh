#!/bin/bash
# Provider files from other projects, as a new user brings them to
# tsdt-gen and tsdt (issue: tsdt-gen as a complete dtrace -h/-G drop-in):
#  - `struct req;` before the provider (or no declaration at all): the
#    header declares the tag and compiles with -Wall -Werror; tsdt list
#    reads the same file with --provider-file;
#  - DTrace's translated arguments `probe p(int a, char *b) : (int a,
#    string b);` are accepted, the native list kept;
#  - an argument type neither known nor declared is refused where it is
#    written, with an exact message (not in the C compiler later);
#  - a 64-character provider and a 100-character probe work end to end;
#  - -G writes the same object on every run (no temporary file name in it);
#  - probe names in DTrace spelling (foo-entry) in list and trace patterns;
#  - an unsigned constant argument is shown as tracing reads it (136);
#  - an unreadable --provider-file: its own error, not "no probe matches".
. "$(dirname "$0")/../trace/lib.sh"
GEN=$(pwd)/$OUT/tsdt-gen
TSDT=$(realpath "$TSDT")
INC=$(pwd)/include
cd "$TMP"

# --- declarations and translated arguments
cat > app.d <<'D'
/* a provider file written for DTrace */
struct req;
typedef unsigned long req_id_t;

provider app {
	probe begin(struct req *r, req_id_t id);
	probe tr(int a, char *b) : (int a, string b);
	probe foo__entry(int x);
};
D
"$GEN" -h -s app.d -o app.h 2> gen.err
check "struct and typedef declarations, translated arguments: accepted" [ $? = 0 -a ! -s gen.err ]
check "the header declares the tag before the probes" grep -qx 'struct req;' app.h
check "the typedef is expanded, the native argument list kept" \
	grep -qF 'TSDT_PROBE_DEFINE(app, begin, (struct req *, r), (unsigned long, id));' app.h
check "... and for the translated probe" grep -qF 'TSDT_PROBE_DEFINE(app, tr, (int, a), (char *, b));' app.h
cat > app.c <<'C'
#include <sys/sdt.h>
#include <unistd.h>
#include "app.h"
struct req { int id; };
int main(int argc, char **argv)
{
	struct req r = { 7 };
	for (int i = 1; i <= 3; i++) {
		APP_BEGIN(&r, 40 + i);
		APP_TR(i, argv[0]);
		APP_FOO_ENTRY(i);
		STAP_PROBE1(app, konst, (unsigned char)136);
		usleep(20000);
	}
	return argc > 5;
}
C
gcc -Wall -Werror -O2 -I"$INC" -o app app.c 2> cc.err
check "the program compiles with -Wall -Werror" [ $? = 0 ]
printf 'provider app {\n\tprobe begin(struct req *r);\n};\n' > nodecl.d
"$GEN" -h -s nodecl.d -o nodecl.h &&
	printf '#include "nodecl.h"\nstruct req { int x; };\nint main(void) { struct req q; APP_BEGIN(&q); return 0; }\n' > nodecl.c &&
	gcc -Wall -Werror -I"$INC" -c nodecl.c -o nodecl.o 2> nodecl.err
check "without a declaration of struct req: the header still compiles" [ $? = 0 ]
"$TSDT" list --provider-file app.d ./app 'app:begin' > list.out 2> list.err
check "tsdt list --provider-file reads the same file" [ $? = 0 -a ! -s list.err ]
check "... the probe typed by its type note" grep -qF '  app:begin(struct req *r, uint64_t id)  1 site' list.out

# --- unknown types
printf 'provider app {\n\tprobe x(no_such_type_t x);\n\tprobe y(int a, struct s *p, my_t *q);\n};\n' > unknown.d
rc=0; "$GEN" -h -s unknown.d -o unknown.h 2> unknown.err || rc=$?
check "an unknown type: exit 1, no header" [ $rc = 1 -a ! -e unknown.h ]
check "an unknown type: the exact message, for each" diff -u - unknown.err <<'E'
unknown.d:2:10: probe app:x argument 0 'x': unknown type 'no_such_type_t' (declare no_such_type_t in the provider file, e.g. 'typedef unsigned int no_such_type_t;' or 'typedef struct NAME no_such_type_t;')
unknown.d:3:30: probe app:y argument 2 'q': unknown type 'my_t *' (declare my_t in the provider file, e.g. 'typedef unsigned int my_t;' or 'typedef struct NAME my_t;')
E

# --- long names (SystemTap's <sys/sdt.h> and the kernel take them)
P=$(printf 'p%.0s' $(seq 64)); N=$(printf 'n%.0s' $(seq 100))
printf 'provider %s {\n\tprobe %s(int x);\n};\n' "$P" "$N" > long.d
"$GEN" -h -s long.d -o long.h 2> long.err
check "a 64-character provider, a 100-character probe: accepted" [ $? = 0 ]
U=$(tr a-z A-Z <<< "$P")_$(tr a-z A-Z <<< "$N")
printf '#include "long.h"\nint main(int argc, char **argv) { %s(argc + 41); return 0; }\n' "$U" > long.c
gcc -O2 -I"$INC" -o long long.c
check "... compiled" [ $? = 0 ]
"$TSDT" list ./long > longl.out
check "... listed, typed" grep -qxF "  $P:$N(int32_t x)  1 site  semaphore $(sed -nE 's/.*semaphore (0x[0-9a-f]+)$/\1/p' longl.out)" longl.out
"$TSDT" trace -c ./long "$P:$N" > longt.out 2> longt.err
check "... traced" [ "$(strip_cols longt.out)" = "$P:$N x=42" ]

# --- -G: reproducible objects
"$GEN" -G -s app.d -o a1.o && sleep 1.1 && "$GEN" -G -s app.d -o a2.o
check "-G twice: the same bytes" cmp -s a1.o a2.o
check "-G: no temporary file name in the object" \
	[ "$(readelf -sW a1.o | awk '$4 == "FILE" { print $8 }')" = "<stdin>" ]
CFLAGS=-g "$GEN" -G -s app.d -o g1.o && CFLAGS=-g "$GEN" -G -s app.d -o g2.o
check "-G with CFLAGS=-g: the same bytes too" cmp -s g1.o g2.o

# --- DTrace spelling in patterns
"$TSDT" list ./app 'app:foo-entry' > dash.out
printf '%s\n' ./app '  app:foo__entry(int32_t x)  1 site  semaphore SEM' '  types: type note (.note.tsdt) (1 probe)' > want
check "list 'app:foo-entry' finds foo__entry" diff -u want <(sed -E 's/semaphore 0x[0-9a-f]+/semaphore SEM/' dash.out)
"$TSDT" trace -c ./app 'app:foo-entry' 'app:konst' > dasht.out 2> dasht.err
strip_cols dasht.out > dasht.lines
printf '%s\n' 'app:foo__entry x=1' 'app:konst arg0=136' 'app:foo__entry x=2' 'app:konst arg0=136' \
	'app:foo__entry x=3' 'app:konst arg0=136' > want
check "trace 'app:foo-entry': its events; the unsigned constant reads 136" diff -u want dasht.lines

# --- an unsigned constant, as list -v shows it
"$TSDT" list -v ./app 'app:konst' > konst.out 2> /dev/null
check "list -v: 'uint8 constant 136' (as tracing reads it), not -120" \
	grep -qxF '      arg0: uint8 constant 136' konst.out

# --- an unreadable provider file
rc=0; "$TSDT" list --provider-file ./nonexistent.d ./app 'app:begin' > /dev/null 2> unr.err || rc=$?
check "an unreadable --provider-file: exit 1 and its own error only" [ $rc = 1 -a "$(cat unr.err)" = "tsdt list: provider: ./nonexistent.d: No such file or directory
tsdt list: catalog: cannot use provider file ./nonexistent.d" ]
finish
