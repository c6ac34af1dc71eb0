/*
 * postgresql-15.d - the USDT probes of PostgreSQL 15 ("postgresql"), typed:
 * a stock provider file of tsdt (share/tsdt/providers; postgresql-16.d: 16, 17).
 *
 *   tsdt list --provider-file probes/postgresql.d /usr/lib/postgresql/15/bin/postgres
 *   tsdt-gen -C -h -s probes/postgresql.d -o probes.h
 *
 * Written from the 57 probe names in the notes of Debian's postgres 15
 * binary and the argument lists of PostgreSQL's documentation ("Dynamic
 * Tracing"); it uses the constructs of PostgreSQL's own
 * src/backend/utils/probes.d: #define'd type names, two-token types, and
 * probe names with "__" (which tools show as written).
 *
 * Beware: PostgreSQL's call sites pass C expressions whose sizes do not
 * always match these declarations (bool values appear as 4-byte ints in
 * the notes, lock__wait__start passes a 2-byte and a 1-byte field); the
 * types here are the declared ones.
 */

#pragma D attributes Evolving/Evolving/Common provider postgresql provider

/* PostgreSQL's typedefs, spelt as C types a tracer knows. */
#define LocalTransactionId unsigned int
#define LWLockMode int
#define LOCKMODE int
#define BlockNumber unsigned int
#define Oid unsigned int
#define ForkNumber int
#define bool unsigned char

provider postgresql {

	/* transactions */
	probe transaction__start(LocalTransactionId xid);
	probe transaction__commit(LocalTransactionId xid);
	probe transaction__abort(LocalTransactionId xid);

	/* queries; the string is the query text */
	probe query__start(const char *query);
	probe query__done(const char *query);
	probe query__parse__start(const char *query);
	probe query__parse__done(const char *query);
	probe query__rewrite__start(const char *query);
	probe query__rewrite__done(const char *query);
	probe query__plan__start();
	probe query__plan__done();
	probe query__execute__start();
	probe query__execute__done();
	probe statement__status(const char *status);

	/* checkpoints */
	probe checkpoint__start(int flags);
	probe checkpoint__done(int buffers_written, int buffers_total,
			       int wal_added, int wal_removed, int wal_recycled);
	probe clog__checkpoint__start(bool shutdown);
	probe clog__checkpoint__done(bool shutdown);
	probe subtrans__checkpoint__start(bool shutdown);
	probe subtrans__checkpoint__done(bool shutdown);
	probe multixact__checkpoint__start(bool shutdown);
	probe multixact__checkpoint__done(bool shutdown);
	probe twophase__checkpoint__start();
	probe twophase__checkpoint__done();

	/* shared buffers */
	probe buffer__checkpoint__start(int flags);
	probe buffer__checkpoint__sync__start();
	probe buffer__checkpoint__done();
	probe buffer__sync__start(int buffers_total, int buffers_to_write);
	probe buffer__sync__written(int buffer_id);
	probe buffer__sync__done(int buffers_total, int buffers_written,
				 int buffers_to_write);
	probe buffer__read__start(ForkNumber fork, BlockNumber block,
				  Oid tablespace, Oid database, Oid relation,
				  int backend, bool extend);
	probe buffer__read__done(ForkNumber fork, BlockNumber block,
				 Oid tablespace, Oid database, Oid relation,
				 int backend, bool extend, bool found);
	probe buffer__flush__start(ForkNumber fork, BlockNumber block,
				   Oid tablespace, Oid database, Oid relation);
	probe buffer__flush__done(ForkNumber fork, BlockNumber block,
				  Oid tablespace, Oid database, Oid relation);
	probe buffer__write__dirty__start(ForkNumber fork, BlockNumber block,
					  Oid tablespace, Oid database,
					  Oid relation);
	probe buffer__write__dirty__done(ForkNumber fork, BlockNumber block,
					 Oid tablespace, Oid database,
					 Oid relation);

	/* WAL */
	probe wal__insert(unsigned char rmgr, unsigned char info);
	probe wal__switch();
	probe wal__buffer__write__dirty__start();
	probe wal__buffer__write__dirty__done();

	/* storage manager */
	probe smgr__md__read__start(ForkNumber fork, BlockNumber block,
				    Oid tablespace, Oid database, Oid relation,
				    int backend);
	probe smgr__md__read__done(ForkNumber fork, BlockNumber block,
				   Oid tablespace, Oid database, Oid relation,
				   int backend, int bytes_read,
				   int bytes_requested);
	probe smgr__md__write__start(ForkNumber fork, BlockNumber block,
				     Oid tablespace, Oid database,
				     Oid relation, int backend);
	probe smgr__md__write__done(ForkNumber fork, BlockNumber block,
				    Oid tablespace, Oid database, Oid relation,
				    int backend, int bytes_written,
				    int bytes_requested);

	/* sorts */
	probe sort__start(int sort_type, bool unique, int keys, int work_mem,
			  bool random_access, int parallel);
	probe sort__done(bool external, long space_used);

	/* lightweight locks; the string is the lock's tranche name */
	probe lwlock__acquire(const char *tranche, LWLockMode mode);
	probe lwlock__release(const char *tranche);
	probe lwlock__wait__start(const char *tranche, LWLockMode mode);
	probe lwlock__wait__done(const char *tranche, LWLockMode mode);
	probe lwlock__condacquire(const char *tranche, LWLockMode mode);
	probe lwlock__condacquire__fail(const char *tranche, LWLockMode mode);
	probe lwlock__acquire__or__wait(const char *tranche, LWLockMode mode);
	probe lwlock__acquire__or__wait__fail(const char *tranche,
					      LWLockMode mode);

	/* heavyweight locks: the lock tag's fields, then the mode */
	probe lock__wait__start(unsigned int field1, unsigned int field2,
				unsigned int field3, unsigned int field4,
				unsigned int type, LOCKMODE mode);
	probe lock__wait__done(unsigned int field1, unsigned int field2,
			       unsigned int field3, unsigned int field4,
			       unsigned int type, LOCKMODE mode);
	probe deadlock__found();
};
