typedef struct req req_t;
#pragma tsdt binary libfoo.so* */bin/foo
provider app { probe p(req_t *r, const req_t *q) : (string a, int b); };
