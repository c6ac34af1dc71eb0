/*
 * Call sites written the way PostgreSQL 15 writes them against the header
 * that `tsdt-gen -C -h -s probes/postgresql.d` makes (after PostgreSQL's
 * build renames POSTGRESQL_ to TRACE_POSTGRESQL_ with sed), with
 * PostgreSQL's own types. Every probe of probes/postgresql.d is used
 * (gen-postgresql.sh checks that). Built by tests/integration/gen-postgresql.sh.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef uint32_t TransactionId;
typedef uint32_t LocalTransactionId;
typedef uint32_t Oid;
typedef uint32_t BlockNumber;
typedef int64_t int64;
typedef int LOCKMODE;
typedef enum LWLockMode { LW_EXCLUSIVE, LW_SHARED, LW_WAIT_UNTIL_FREE } LWLockMode;
typedef enum ForkNumber { InvalidForkNumber = -1, MAIN_FORKNUM = 0 } ForkNumber;
typedef enum BackendType { B_INVALID = 0, B_BACKEND } BackendType;
struct RelFileNode { Oid spcNode, dbNode, relNode; };
struct LOCKTAG { uint32_t f1, f2, f3; uint16_t f4; uint8_t type, method; };
struct CheckpointStatsData { int bufs_written, segs_added, segs_removed, segs_recycled; };

#include "probes.h"

int NBuffers = 128;
struct CheckpointStatsData CheckpointStats;

static const char *T_NAME(int id) { return id ? "BufferContent" : "WALInsert"; }

static int run_all(int n, const char *query, bool flag)
{
	struct RelFileNode rnode = { 1663, 5, 16384 };
	struct LOCKTAG tag = { 1, 2, 3, 4, 5, 6 };
	LocalTransactionId lxid = (LocalTransactionId)n;
	ForkNumber fork = MAIN_FORKNUM;
	BlockNumber blk = (BlockNumber)n;
	LWLockMode mode = LW_SHARED;
	LOCKMODE lockmode = 7;
	int backend = -1;
	long spaceUsed = 1024;
	int nbytes = 8192;
	unsigned char rmid = 10, info = 0x20;

	TRACE_POSTGRESQL_TRANSACTION_START(lxid);
	TRACE_POSTGRESQL_TRANSACTION_COMMIT(lxid);
	TRACE_POSTGRESQL_TRANSACTION_ABORT(lxid);
	TRACE_POSTGRESQL_QUERY_START(query);
	TRACE_POSTGRESQL_QUERY_DONE(query);
	TRACE_POSTGRESQL_QUERY_PARSE_START(query);
	TRACE_POSTGRESQL_QUERY_PARSE_DONE(query);
	TRACE_POSTGRESQL_QUERY_REWRITE_START(query);
	TRACE_POSTGRESQL_QUERY_REWRITE_DONE(query);
	TRACE_POSTGRESQL_QUERY_PLAN_START();
	TRACE_POSTGRESQL_QUERY_PLAN_DONE();
	TRACE_POSTGRESQL_QUERY_EXECUTE_START();
	TRACE_POSTGRESQL_QUERY_EXECUTE_DONE();
	if (TRACE_POSTGRESQL_STATEMENT_STATUS_ENABLED())
		TRACE_POSTGRESQL_STATEMENT_STATUS(query);
	TRACE_POSTGRESQL_CHECKPOINT_START(n);
	TRACE_POSTGRESQL_CHECKPOINT_DONE(CheckpointStats.bufs_written, NBuffers,
					 CheckpointStats.segs_added,
					 CheckpointStats.segs_removed,
					 CheckpointStats.segs_recycled);
	TRACE_POSTGRESQL_CLOG_CHECKPOINT_START(true);
	TRACE_POSTGRESQL_CLOG_CHECKPOINT_DONE(true);
	TRACE_POSTGRESQL_SUBTRANS_CHECKPOINT_START(flag);
	TRACE_POSTGRESQL_SUBTRANS_CHECKPOINT_DONE(flag);
	TRACE_POSTGRESQL_MULTIXACT_CHECKPOINT_START(flag);
	TRACE_POSTGRESQL_MULTIXACT_CHECKPOINT_DONE(flag);
	TRACE_POSTGRESQL_TWOPHASE_CHECKPOINT_START();
	TRACE_POSTGRESQL_TWOPHASE_CHECKPOINT_DONE();
	TRACE_POSTGRESQL_BUFFER_CHECKPOINT_START(n);
	TRACE_POSTGRESQL_BUFFER_CHECKPOINT_SYNC_START();
	TRACE_POSTGRESQL_BUFFER_CHECKPOINT_DONE();
	TRACE_POSTGRESQL_BUFFER_SYNC_START(NBuffers, n);
	TRACE_POSTGRESQL_BUFFER_SYNC_WRITTEN(n);
	TRACE_POSTGRESQL_BUFFER_SYNC_DONE(NBuffers, n, n);
	TRACE_POSTGRESQL_BUFFER_READ_START(fork, blk, rnode.spcNode, rnode.dbNode,
					   rnode.relNode, backend, flag);
	TRACE_POSTGRESQL_BUFFER_READ_DONE(fork, blk, rnode.spcNode, rnode.dbNode,
					  rnode.relNode, backend, flag, !flag);
	TRACE_POSTGRESQL_BUFFER_FLUSH_START(fork, blk, rnode.spcNode, rnode.dbNode,
					    rnode.relNode);
	TRACE_POSTGRESQL_BUFFER_FLUSH_DONE(fork, blk, rnode.spcNode, rnode.dbNode,
					   rnode.relNode);
	TRACE_POSTGRESQL_BUFFER_WRITE_DIRTY_START(fork, blk, rnode.spcNode,
						  rnode.dbNode, rnode.relNode);
	TRACE_POSTGRESQL_BUFFER_WRITE_DIRTY_DONE(fork, blk, rnode.spcNode,
						 rnode.dbNode, rnode.relNode);
	TRACE_POSTGRESQL_WAL_INSERT(rmid, info);
	TRACE_POSTGRESQL_WAL_SWITCH();
	TRACE_POSTGRESQL_WAL_BUFFER_WRITE_DIRTY_START();
	TRACE_POSTGRESQL_WAL_BUFFER_WRITE_DIRTY_DONE();
	TRACE_POSTGRESQL_SMGR_MD_READ_START(fork, blk, rnode.spcNode, rnode.dbNode,
					    rnode.relNode, backend);
	TRACE_POSTGRESQL_SMGR_MD_READ_DONE(fork, blk, rnode.spcNode, rnode.dbNode,
					   rnode.relNode, backend, nbytes, 8192);
	TRACE_POSTGRESQL_SMGR_MD_WRITE_START(fork, blk, rnode.spcNode, rnode.dbNode,
					     rnode.relNode, backend);
	TRACE_POSTGRESQL_SMGR_MD_WRITE_DONE(fork, blk, rnode.spcNode, rnode.dbNode,
					    rnode.relNode, backend, nbytes, 8192);
	TRACE_POSTGRESQL_SORT_START(n, flag, 2, 4096, false, 0);
	TRACE_POSTGRESQL_SORT_DONE(flag, spaceUsed);
	TRACE_POSTGRESQL_LWLOCK_ACQUIRE(T_NAME(n), mode);
	TRACE_POSTGRESQL_LWLOCK_RELEASE(T_NAME(n));
	TRACE_POSTGRESQL_LWLOCK_WAIT_START(T_NAME(n), mode);
	TRACE_POSTGRESQL_LWLOCK_WAIT_DONE(T_NAME(n), LW_EXCLUSIVE);
	TRACE_POSTGRESQL_LWLOCK_CONDACQUIRE(T_NAME(n), mode);
	TRACE_POSTGRESQL_LWLOCK_CONDACQUIRE_FAIL(T_NAME(n), mode);
	TRACE_POSTGRESQL_LWLOCK_ACQUIRE_OR_WAIT(T_NAME(n), mode);
	TRACE_POSTGRESQL_LWLOCK_ACQUIRE_OR_WAIT_FAIL(T_NAME(n), mode);
	TRACE_POSTGRESQL_LOCK_WAIT_START(tag.f1, tag.f2, tag.f3, tag.f4, tag.type,
					 lockmode);
	TRACE_POSTGRESQL_LOCK_WAIT_DONE(tag.f1, tag.f2, tag.f3, tag.f4, tag.type,
					lockmode);
	TRACE_POSTGRESQL_DEADLOCK_FOUND();
	return TRACE_POSTGRESQL_QUERY_START_ENABLED() ? 1 : 0;
}

int main(int argc, char **argv)
{
	(void)argv;
	printf("%d\n", run_all(argc, "SELECT 1", argc > 1));
	return 0;
}
