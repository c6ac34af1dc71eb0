# Tests: unit tests (cmocka) and integration scripts.

# <sys/tsdt.h> (issue 2): notes against <sys/sdt.h>, consumers, matrix.
CHECK_CMDS += tests/integration/header-notes.sh
