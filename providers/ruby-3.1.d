/*
 * ruby-3.1.d - types of Ruby 3.1's USDT probes ("ruby" provider), a stock
 * provider file of tsdt (share/tsdt/providers).
 *
 * Source: Ruby's probes.d (repository root, tag v3_1_2, as in Debian's
 * ruby3.1 3.1.2 source) and doc/dtrace_probes.rdoc, which name and explain
 * each argument. Debian's libruby-3.1.so carries 22 of them, all with
 * semaphores (insn and insn__operand exist only in VM_COLLECT_USAGE_DETAILS
 * builds; they are kept so the file matches such builds too). Some sites
 * pass a length as a 4-byte constant where a long is declared: each site is
 * read as it passes it.
 */

provider ruby {
	probe method__entry(const char *classname, const char *methodname,
			    const char *filename, int lineno);
	probe method__return(const char *classname, const char *methodname,
			     const char *filename, int lineno);
	probe cmethod__entry(const char *classname, const char *methodname,
			     const char *filename, int lineno);
	probe cmethod__return(const char *classname, const char *methodname,
			      const char *filename, int lineno);
	probe require__entry(const char *requiredfile, const char *filename,
			     int lineno);
	probe require__return(const char *requiredfile, const char *filename,
			      int lineno);
	probe find__require__entry(const char *requiredfile,
				   const char *filename, int lineno);
	probe find__require__return(const char *requiredfile,
				    const char *filename, int lineno);
	probe load__entry(const char *loadedfile, const char *filename,
			  int lineno);
	probe load__return(const char *loadedfile, const char *filename,
			   int lineno);
	probe raise(const char *classname, const char *filename, int lineno);
	probe object__create(const char *classname, const char *filename,
			     int lineno);
	probe array__create(long length, const char *filename, int lineno);
	probe hash__create(long length, const char *filename, int lineno);
	probe string__create(long length, const char *filename, int lineno);
	probe symbol__create(const char *str, const char *filename, int lineno);
	probe parse__begin(const char *sourcefile, int lineno);
	probe parse__end(const char *sourcefile, int lineno);
	probe insn(const char *insns_name);
	probe insn__operand(const char *val, const char *insns_name);
	probe gc__mark__begin();
	probe gc__mark__end();
	probe gc__sweep__begin();
	probe gc__sweep__end();
};
