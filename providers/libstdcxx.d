/*
 * libstdcxx.d - types of libstdc++'s USDT probes ("libstdcxx" provider),
 * a stock provider file of tsdt (share/tsdt/providers).
 *
 * Source: GCC's libstdc++-v3/libsupc++: eh_throw.cc fires
 * PROBE2(throw, obj, tinfo) in __cxa_throw and PROBE2(rethrow, ...) in
 * __cxa_rethrow, eh_catch.cc PROBE2(catch, objectp, exceptionType) in
 * __cxa_begin_catch (unwind-cxx.h defines PROBE2 over <sys/sdt.h>'s
 * STAP_PROBE2). The first argument is the thrown object, the second its
 * std::type_info (whose second word points at the mangled type name,
 * without the "_Z" prefix of a symbol: "St13runtime_error").
 * Every GCC since 4.7 has the same three probes.
 */

provider libstdcxx {
	probe throw(void *obj, void *tinfo);
	probe rethrow(void *obj, void *tinfo);
	probe catch(void *obj, void *tinfo);
};
