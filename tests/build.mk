# Tests: unit tests (cmocka) and integration scripts.
