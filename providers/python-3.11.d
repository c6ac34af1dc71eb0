/*
 * python-3.11.d - types of CPython 3.11's USDT probes ("python" provider),
 * a stock provider file of tsdt (share/tsdt/providers).
 *
 * Source: CPython's Include/pydtrace.d (3.11 branch) and its documentation,
 * Doc/howto/instrumentation.rst ("Instrumenting CPython with DTrace and
 * SystemTap"), which names the arguments:
 *
 *   function__entry(str filename, str funcname, int lineno)
 *   line(str filename, str funcname, int lineno)
 *   gc__start(int generation), gc__done(long collected)
 *   import__find__load__start(str modulename)
 *   import__find__load__done(str modulename, int found)
 *   audit(str event, void *tuple)
 *
 * Debian's python3.11 (3.11.2) is built --with-dtrace; its notes carry all
 * of these but instance__entry/instance__return, which pydtrace.d still
 * declares and CPython no longer fires.
 */

provider python {
	probe function__entry(const char *filename, const char *funcname,
			      int lineno);
	probe function__return(const char *filename, const char *funcname,
			       int lineno);
	probe instance__entry(const char *classname, const char *instancename);
	probe instance__return(const char *classname,
			       const char *instancename);
	probe gc__start(int generation);
	probe gc__done(long collected);
	probe line(const char *filename, const char *funcname, int lineno);
	probe import__find__load__start(const char *modulename);
	probe import__find__load__done(const char *modulename, int found);
	/* the event's arguments: a PyObject * to a tuple */
	probe audit(const char *event, void *args);
};
