# 0 "probes/demo.d"
# 0 "<built-in>"
# 0 "<command-line>"
# 1 "/usr/include/stdc-predef.h" 1 3 4
# 0 "<command-line>" 2
# 1 "probes/demo.d"
# 9 "probes/demo.d"
provider demo {

 probe request__start(uint64_t id, const char *path, int priority);

 probe request__done(uint64_t id, short status, unsigned int bytes,
       double seconds, bool ok);

 probe ints(int8_t i8, uint8_t u8, int16_t i16, uint16_t u16,
     int32_t i32, uint32_t u32, int64_t i64, uint64_t u64);

 probe buffer(const void *addr, size_t size);

 probe tick();
};
