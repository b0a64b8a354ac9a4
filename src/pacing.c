/*
 * pacing.c - dial_pool_number and explain_pool_dial: the dialing decision
 * of cd_pace.c over the pool's cached routing structure, with availability
 * from the pool's caps and statuses (cached here) and from its call history
 * (read at each decision); and the "pacing" key of the pool object.
 *
 * Exact caps without serializing dials.  A number of a capped pool is
 * available when the calls of its windows, counted under a dirty snapshot,
 * are below the caps.  A dirty snapshot sees the committed calls and also
 * the calls of transactions still in progress, so an in-flight dial of
 * another session counts as if it will commit: the cap can never be passed,
 * and if that transaction rolls back, its call simply stops counting.  The
 * count and the insert of one number are made atomic by a lock on that
 * number, held only from the count to the end of the insert (not to the end
 * of the transaction): a session waits at most for another session's count
 * and insert of the same number, never for a transaction, never on a row
 * lock, and holds at most one such lock at a time, so no deadlock can form.
 * A number left because it is capped was never waited for beyond that.
 * Pools without caps take no lock and count nothing: a dial is the pick, a
 * look at the statuses and one INSERT.
 *
 * A dial writes only its row of pool_calls, a table without triggers: no
 * cache invalidation, no lock or write on the pool's row.  Every 64th dial
 * of a session also deletes at most 256 calls older than 8 days (skipping
 * rows another session is deleting or has locked), so history stays bounded
 * at a bounded cost per call without any scheduler.
 *
 * Caps and statuses are cached per pool like the routing structure, read
 * under the latest snapshot, and dropped when the triggers on pool_pacing
 * and pool_number_status send their relcache invalidations.
 */
#include "cd_glue.h"

#include <math.h>

#include "access/genam.h"
#include "access/heapam.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "catalog/index.h"
#include "catalog/pg_proc.h"
#include "parser/parse_func.h"
#include "utils/syscache.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/float.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "cd_pace.h"

PG_FUNCTION_INFO_V1(dial_pool_number);
PG_FUNCTION_INFO_V1(pacing_owner_call);
PG_FUNCTION_INFO_V1(pacing_pool_call);
PG_FUNCTION_INFO_V1(explain_pool_dial);

#define HOUR_USECS ((int64) USECS_PER_HOUR)
#define DAY_USECS ((int64) USECS_PER_DAY)
#define KEEP_USECS (8 * DAY_USECS)

/* Cleanup cadence: every CLEANUP_EVERY dials, at most CLEANUP_ROWS rows. */
#define CLEANUP_EVERY 64
#define CLEANUP_ROWS 256

/* Lock tag field 4 of the per-number lock: apart from the advisory locks of
 * pg_advisory_lock (1 and 2); the top bits of the number go below it. */
#define NUMBER_LOCK_MARK 0x4300

/* ---------- caps and statuses of a pool, cached ---------- */

typedef struct rest_entry
{
	uint64		national;
	TimestampTz until;			/* DT_NOEND: until set active again */
} rest_entry;

typedef struct pace_entry
{
	pg_uuid_t	id;				/* hash key: must be first */
	uint64		gen;			/* pace_gen it was read under */
	int32		cap_h;			/* 0: no cap */
	int32		cap_d;
	int			n_rest;
	rest_entry *rest;			/* sorted by national, in pace_cxt */
} pace_entry;

static HTAB *pace_htab = NULL;
static MemoryContext pace_cxt = NULL;
static uint64 pace_gen = 1;
static Oid	pacing_relid = InvalidOid;
static Oid	status_relid = InvalidOid;
static SPIPlanPtr pacing_plan = NULL;
static SPIPlanPtr status_plan = NULL;
static SPIPlanPtr insert_plan = NULL;
static SPIPlanPtr decorate_plan = NULL;
static SPIPlanPtr pacing_of_plan = NULL;
static SPIPlanPtr attach_plan = NULL;
static int	dials_since_cleanup = 0;

/*
 * Relcache callback (registered in module.c): a change to caps or statuses
 * drops every cached entry at the next lookup.  Also on InvalidOid (cache
 * reset) and for the two tables before their OIDs are known.
 */
void
cd_pace_relcache_callback(Datum arg, Oid relid)
{
	(void) arg;
	if (relid == InvalidOid || relid == pacing_relid || relid == status_relid ||
		!OidIsValid(pacing_relid))
		pace_gen++;
}

static Oid
schema_oid(void)
{
	return get_namespace_oid(CD_SCHEMA, false);
}

static SPIPlanPtr
keep_plan(SPIPlanPtr *slot, const char *sql, int nargs, Oid *argtypes)
{
	if (*slot == NULL)
	{
		SPIPlanPtr	p = SPI_prepare(sql, nargs, argtypes);

		if (p == NULL)
			elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql, SPI_result_code_string(SPI_result));
		if (SPI_keepplan(p) != 0)
			elog(ERROR, "SPI_keepplan failed");
		*slot = p;
	}
	return *slot;
}

static int
cmp_rest(const void *a, const void *b)
{
	const rest_entry *x = a;
	const rest_entry *y = b;

	return x->national < y->national ? -1 : x->national > y->national ? 1 : 0;
}

/* Reads the caps and the resting numbers of a pool into e. */
static void
pace_read(const pg_uuid_t *id, pace_entry *e)
{
	Oid			types[1] = {UUIDOID};
	Datum		arg = UUIDPGetDatum((pg_uuid_t *) id);
	int			ret;
	uint64		r;
	rest_entry *rest = NULL;
	int			n = 0;
	cd_user_save save;

	/* the caller may be any role granted the dialing functions */
	cd_become_extension_owner(&save);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	keep_plan(&pacing_plan,
			  "SELECT max_calls_per_hour, max_calls_per_day FROM " CD_SCHEMA ".pool_pacing"
			  " WHERE pool_id OPERATOR(pg_catalog.=) $1", 1, types);
	keep_plan(&status_plan,
			  "SELECT phone_number::pg_catalog.text, resting_until FROM " CD_SCHEMA ".pool_number_status"
			  " WHERE pool_id OPERATOR(pg_catalog.=) $1 AND status OPERATOR(pg_catalog.=) 'resting'",
			  1, types);
	ret = cd_spi_execute_latest(pacing_plan, &arg, NULL, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "reading pool_pacing failed: %s", SPI_result_code_string(ret));
	e->cap_h = 0;
	e->cap_d = 0;
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		d;

		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull)
			e->cap_h = DatumGetInt32(d);
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
		if (!isnull)
			e->cap_d = DatumGetInt32(d);
	}
	ret = cd_spi_execute_latest(status_plan, &arg, NULL, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "reading pool_number_status failed: %s", SPI_result_code_string(ret));
	if (SPI_processed > 0)
		rest = MemoryContextAlloc(pace_cxt, sizeof(rest_entry) * SPI_processed);
	for (r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		d = SPI_getbinval(tup, desc, 1, &isnull);
		text	   *t;

		if (isnull)
			continue;
		t = DatumGetTextPP(d);
		if (cd_e164_check(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)) != CD_E164_OK)
			continue;			/* the domain forbids it */
		rest[n].national = cd_e164_national(VARDATA_ANY(t));
		d = SPI_getbinval(tup, desc, 2, &isnull);
		rest[n].until = isnull ? DT_NOEND : DatumGetTimestampTz(d);
		n++;
	}
	SPI_finish();
	cd_restore_user(&save);
	if (n > 1)
		qsort(rest, n, sizeof(rest_entry), cmp_rest);
	e->rest = rest;
	e->n_rest = n;
}

/* The caps and statuses of a pool, as of the latest committed change. */
static const pace_entry *
pace_get(const pg_uuid_t *id)
{
	pace_entry *e;
	bool		found;
	pace_entry	fresh;
	Oid			nsp;

	AcceptInvalidationMessages();
	if (pace_htab == NULL)
	{
		HASHCTL		ctl;

		pace_cxt = AllocSetContextCreate(CacheMemoryContext, "custom_dialing pacing",
										 ALLOCSET_SMALL_SIZES);
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(pg_uuid_t);
		ctl.entrysize = sizeof(pace_entry);
		ctl.hcxt = pace_cxt;
		pace_htab = hash_create("custom_dialing pacing", 64, &ctl,
								HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	e = hash_search(pace_htab, id, HASH_FIND, NULL);
	if (e != NULL && e->gen == pace_gen)
		return e;

	nsp = schema_oid();
	pacing_relid = get_relname_relid("pool_pacing", nsp);
	status_relid = get_relname_relid("pool_number_status", nsp);
	fresh.gen = pace_gen;
	pace_read(id, &fresh);
	e = hash_search(pace_htab, id, HASH_ENTER, &found);
	if (found && e->rest != NULL)
		pfree(e->rest);
	e->gen = fresh.gen;
	e->cap_h = fresh.cap_h;
	e->cap_d = fresh.cap_d;
	e->n_rest = fresh.n_rest;
	e->rest = fresh.rest;
	/* entries of pools nobody dials any more: drop them when many */
	if (hash_get_num_entries(pace_htab) > 4096)
	{
		HASH_SEQ_STATUS st;
		pace_entry *x;

		hash_seq_init(&st, pace_htab);
		while ((x = hash_seq_search(&st)) != NULL)
		{
			if (x != e && x->gen != pace_gen)
			{
				if (x->rest)
					pfree(x->rest);
				hash_search(pace_htab, &x->id, HASH_REMOVE, NULL);
			}
		}
	}
	return e;
}

/* When a resting number may be dialed again; 0 when it is not resting at "at". */
static bool
resting_at(const pace_entry *p, uint64 national, TimestampTz at, TimestampTz *until)
{
	int			lo = 0,
				hi = p->n_rest;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (p->rest[mid].national < national)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < p->n_rest && p->rest[lo].national == national &&
		(p->rest[lo].until == DT_NOEND || p->rest[lo].until > at))
	{
		*until = p->rest[lo].until;
		return true;
	}
	return false;
}

/* ---------- counting a number's calls ---------- */

typedef struct window_counts
{
	int64		hour_peak;		/* most calls in an hour-window holding "at" */
	int64		day_peak;
	TimestampTz hour_until;		/* when the hour ending then is under its cap */
	TimestampTz day_until;
} window_counts;

/*
 * Counts the calls of one number around "at" under a dirty snapshot:
 * committed calls and those of transactions in progress, this one's
 * included.  The peaks are the most calls any window of 1 hour (24 hours)
 * containing "at" holds (cd_window_peak), so that a call recorded with an
 * older "at" than calls other sessions placed meanwhile still cannot push a
 * later window over the cap.  With a cap reached in the window ending at
 * "at", also when that window is back under it; DT_NOEND when the cap is
 * reached only in a later window.
 */
static void
count_calls(Relation heap, Relation index, const pg_uuid_t *pool, text *number,
			TimestampTz at, int32 cap_h, int32 cap_d, window_counts *out)
{
	SnapshotData dirty;
	ScanKeyData keys[4];
	IndexScanDesc scan;
	TupleTableSlot *slot;
	int64	   *ats = NULL;
	int64		n = 0;
	int64		alloc = 0;
	int64		reach = cap_d > 0 ? DAY_USECS : HOUR_USECS;
	int64		i,
				in_hour = 0,
				in_day = 0,
				first_hour = -1,
				first_day = -1;

	InitDirtySnapshot(dirty);
	ScanKeyInit(&keys[0], 1, BTEqualStrategyNumber, F_UUID_EQ, UUIDPGetDatum((pg_uuid_t *) pool));
	ScanKeyInit(&keys[1], 2, BTEqualStrategyNumber, F_TEXTEQ, PointerGetDatum(number));
	keys[1].sk_collation = index->rd_indcollation[1];
	ScanKeyInit(&keys[2], 3, BTGreaterStrategyNumber, F_TIMESTAMP_GT,
				TimestampTzGetDatum(at - reach));
	ScanKeyInit(&keys[3], 3, BTLessStrategyNumber, F_TIMESTAMP_LT,
				TimestampTzGetDatum(at + reach));
	scan = index_beginscan(heap, index, &dirty, 4, 0);
	index_rescan(scan, keys, 4, NULL, 0);
	slot = table_slot_create(heap, NULL);
	while (index_getnext_slot(scan, ForwardScanDirection, slot))
	{
		bool		isnull;
		TimestampTz t = DatumGetTimestampTz(slot_getattr(slot, 4, &isnull));

		CHECK_FOR_INTERRUPTS();
		if (isnull || t <= at - reach || t >= at + reach)
			continue;
		if (n == alloc)
		{
			alloc = alloc ? alloc * 2 : 64;
			ats = ats ? repalloc_huge(ats, sizeof(int64) * alloc)
				: palloc(sizeof(int64) * alloc);
		}
		ats[n++] = t;
	}
	ExecDropSingleTupleTableSlot(slot);
	index_endscan(scan);

	/* index order is by at: ats[] is ascending */
	out->hour_peak = cd_window_peak(ats, (size_t) n, at, HOUR_USECS);
	out->day_peak = cap_d > 0 ? cd_window_peak(ats, (size_t) n, at, DAY_USECS) : 0;
	for (i = 0; i < n && ats[i] <= at; i++)
	{
		if (ats[i] > at - HOUR_USECS)
		{
			if (first_hour < 0)
				first_hour = i;
			in_hour++;
		}
		if (ats[i] > at - DAY_USECS)
		{
			if (first_day < 0)
				first_day = i;
			in_day++;
		}
	}
	out->hour_until = DT_NOEND;
	out->day_until = DT_NOEND;
	if (cap_h > 0 && in_hour >= cap_h)
		out->hour_until = ats[first_hour + in_hour - cap_h] + HOUR_USECS;
	if (cap_d > 0 && in_day >= cap_d)
		out->day_until = ats[first_day + in_day - cap_d] + DAY_USECS;
	if (ats)
		pfree(ats);
}

/* ---------- the decision ---------- */

typedef struct avail_ctx
{
	const cd_pool_entry *pool;
	const pace_entry *pace;
	const pg_uuid_t *id;
	TimestampTz at;
	bool		lock;			/* dialing: lock what is counted */
	Relation	heap;
	Relation	index;
	LOCKTAG		held;			/* the lock kept on the available number */
	bool		holding;
	/* "until" of each number passed over, by index (explain only) */
	TimestampTz *until;
} avail_ctx;

static void
number_locktag(LOCKTAG *tag, const pg_uuid_t *id, uint64 national)
{
	uint32		h = hash_bytes(id->data, UUID_LEN);

	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, h, (uint32) national,
						 NUMBER_LOCK_MARK | (uint16) (national >> 32));
}

static cd_unavail
avail_test(void *arg, uint32 index)
{
	avail_ctx  *c = arg;
	const char *num = c->pool->numbers + (Size) index * CD_E164_LEN;
	uint64		national = cd_e164_national(num);
	TimestampTz until;
	window_counts wc;
	LOCKTAG		tag;
	text	   *t;

	if (c->pace->n_rest > 0 && resting_at(c->pace, national, c->at, &until))
	{
		if (c->until)
			c->until[index] = until;
		return CD_RESTING;
	}
	if (c->pace->cap_h == 0 && c->pace->cap_d == 0)
		return CD_AVAILABLE;

	if (c->heap == NULL)
	{
		Oid			nsp = schema_oid();
		Oid			relid = get_relname_relid("pool_calls", nsp);
		Oid			idxid = get_relname_relid("pool_calls_number_at_idx", nsp);

		if (!OidIsValid(relid) || !OidIsValid(idxid))
			elog(ERROR, "table %s.pool_calls or its index is missing", CD_SCHEMA);
		c->heap = table_open(relid, c->lock ? RowExclusiveLock : AccessShareLock);
		c->index = index_open(idxid, AccessShareLock);
	}
	if (c->lock)
	{
		number_locktag(&tag, c->id, national);
		(void) LockAcquire(&tag, ExclusiveLock, false, false);
	}
	t = cstring_to_text_with_len(num, CD_E164_LEN);
	count_calls(c->heap, c->index, c->id, t, c->at, c->pace->cap_h, c->pace->cap_d, &wc);
	pfree(t);
	if ((c->pace->cap_d > 0 && wc.day_peak >= c->pace->cap_d) ||
		(c->pace->cap_h > 0 && wc.hour_peak >= c->pace->cap_h))
	{
		bool		daily = c->pace->cap_d > 0 && wc.day_peak >= c->pace->cap_d;
		bool		hourly = c->pace->cap_h > 0 && wc.hour_peak >= c->pace->cap_h;

		if (c->lock)
			LockRelease(&tag, ExclusiveLock, false);
		if (c->until)
		{
			/* available again when every capped window is back under its cap */
			TimestampTz u = DT_NOBEGIN;

			if (daily)
				u = wc.day_until;
			if (hourly && (u == DT_NOBEGIN || wc.hour_until == DT_NOEND || wc.hour_until > u))
				u = wc.hour_until;
			c->until[index] = u;
		}
		return daily ? CD_DAILY_CAP : CD_HOURLY_CAP;
	}
	if (c->lock)
	{
		c->held = tag;
		c->holding = true;
	}
	return CD_AVAILABLE;
}

static void
avail_close(avail_ctx *c)
{
	if (c->index)
	{
		index_close(c->index, AccessShareLock);
		c->index = NULL;
	}
	if (c->heap)
	{
		table_close(c->heap, NoLock);
		c->heap = NULL;
	}
}

/* The pool's routing entry and the geography it was built on. */
static void
pool_and_geo(const pg_uuid_t *id, const cd_pool_entry **e, const cd_geo_cache **gc)
{
	AcceptInvalidationMessages();
	for (;;)
	{
		*e = cd_pool_get(id);
		*gc = cd_geo_get();
		if ((*gc)->version == (*e)->geo_version)
			return;
	}
}

/* The national number of the pool number at index (cd_route_dial asks). */
static uint64_t
number_at(void *arg, uint32 index)
{
	const avail_ctx *c = arg;

	return cd_e164_national(c->pool->numbers + (Size) index * CD_E164_LEN);
}

/*
 * Decides for callee at "at".  Dialing (lock) keeps the lock of the number
 * found available; explaining (!lock) notes in c->until when each number
 * passed over becomes available again, and wants the tier's distance.
 */
static void
decide(const pg_uuid_t *id, uint64 callee, TimestampTz at, bool lock,
	   avail_ctx *c, cd_dial *d)
{
	const cd_pool_entry *e;
	const cd_geo_cache *gc;
	cd_alloc	alloc;

	pool_and_geo(id, &e, &gc);
	/* another owner's pool is, to a bound role, a missing one (owner_roles) */
	if (!cd_binding_allows(&e->owner_id))
		cd_report_pool_missing(id);
	memset(c, 0, sizeof(*c));
	c->pace = pace_get(id);
	/* reading the statuses may have taken in invalidations: look again */
	pool_and_geo(id, &e, &gc);
	c->pool = e;
	c->id = id;
	c->at = at;
	c->lock = lock;
	if (!lock)
		c->until = palloc(sizeof(TimestampTz) * Max(e->n, 1));
	cd_palloc_allocator(&alloc, CurrentMemoryContext);
	if (!cd_route_dial(e->route, &gc->geo, e->near, gc->xg, callee, avail_test,
					   number_at, c, !lock, &alloc, d))
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory ordering the numbers of a dialing pool")));
}

static void
check_at(TimestampTz at)
{
	if (TIMESTAMP_NOT_FINITE(at))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the time of a call must be finite")));
}

/*
 * Every CLEANUP_EVERY dials: deletes at most CLEANUP_ROWS calls older than 8
 * days (before "at", or before now when "at" is later), the oldest first, by
 * walking pool_calls_at_idx from its start.  A row another transaction is
 * deleting or has locked is skipped, never waited for.  Done here rather
 * than with a DELETE statement so that its cost cannot depend on a plan
 * chosen from the table's statistics (a plan made while the table was small
 * would scan all of it).
 */
static void
cleanup_history(Relation heap, TimestampTz at)
{
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	TimestampTz cutoff = (at < now ? at : now) - KEEP_USECS;
	Oid			idxid;
	Relation	index;
	Snapshot	snap;
	ScanKeyData key;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	int			deleted = 0;

	if (++dials_since_cleanup < CLEANUP_EVERY)
		return;
	dials_since_cleanup = 0;
	idxid = get_relname_relid("pool_calls_at_idx", schema_oid());
	if (!OidIsValid(idxid))
		return;
	index = index_open(idxid, RowExclusiveLock);
	snap = RegisterSnapshot(GetLatestSnapshot());
	ScanKeyInit(&key, 1, BTLessStrategyNumber, F_TIMESTAMP_LT, TimestampTzGetDatum(cutoff));
	scan = index_beginscan(heap, index, snap, 1, 0);
	index_rescan(scan, &key, 1, NULL, 0);
	slot = table_slot_create(heap, NULL);
	while (deleted < CLEANUP_ROWS && index_getnext_slot(scan, ForwardScanDirection, slot))
	{
		TM_FailureData tmfd;
		TM_Result	r;

		CHECK_FOR_INTERRUPTS();
		r = table_tuple_delete(heap, &slot->tts_tid, GetCurrentCommandId(true), snap,
							   InvalidSnapshot, false, &tmfd, false);
		if (r == TM_Ok)
			deleted++;
		/* else: being deleted or locked by another transaction, or already gone */
	}
	ExecDropSingleTupleTableSlot(slot);
	index_endscan(scan);
	UnregisterSnapshot(snap);
	index_close(index, RowExclusiveLock);
}

/*
 * Writes the call's row straight into pool_calls and its indexes, as the
 * executor would for this table (no triggers, no row security, no CHECK
 * constraint, plain column indexes; the values are already valid for its
 * domain and NOT NULL constraints), without the cost of planning and running
 * an INSERT for each call.  Returns false, having written nothing, when the
 * table has anything that needs the executor (a trigger, row security, a
 * CHECK constraint, an expression, partial, unique or exclusion index): the
 * caller then uses INSERT.
 */
static bool
insert_call_direct(Relation rel, Datum *values, bool *nulls)
{
	ResultRelInfo *rri;
	HeapTuple	tup;
	TupleTableSlot *slot;
	int			i;

	if (rel->trigdesc != NULL || rel->rd_rel->relrowsecurity ||
		(rel->rd_att->constr != NULL && rel->rd_att->constr->num_check > 0))
		return false;
	rri = makeNode(ResultRelInfo);
	InitResultRelInfo(rri, rel, 1, NULL, 0);
	ExecOpenIndices(rri, false);
	for (i = 0; i < rri->ri_NumIndices; i++)
	{
		IndexInfo  *ii = rri->ri_IndexRelationInfo[i];

		if (ii->ii_Expressions != NIL || ii->ii_Predicate != NIL ||
			ii->ii_ExclusionOps != NULL || ii->ii_Unique)
		{
			ExecCloseIndices(rri);
			return false;
		}
	}
	tup = heap_form_tuple(RelationGetDescr(rel), values, nulls);
	simple_heap_insert(rel, tup);
	slot = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsHeapTuple);
	ExecStoreHeapTuple(tup, slot, false);
	for (i = 0; i < rri->ri_NumIndices; i++)
	{
		IndexInfo  *ii = rri->ri_IndexRelationInfo[i];
		Datum		ivalues[INDEX_MAX_KEYS];
		bool		inulls[INDEX_MAX_KEYS];

		if (!ii->ii_ReadyForInserts)
			continue;
		FormIndexDatum(ii, slot, NULL, ivalues, inulls);
		index_insert(rri->ri_IndexRelationDescs[i], ivalues, inulls, &tup->t_self,
					 rel, UNIQUE_CHECK_NO, false, ii);
	}
	ExecDropSingleTupleTableSlot(slot);
	ExecCloseIndices(rri);
	heap_freetuple(tup);
	return true;
}

Datum
dial_pool_number(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *id = PG_GETARG_UUID_P(0);
	text	   *callee_t = PG_GETARG_TEXT_PP(1);
	uint64		callee = cd_callee_national(callee_t);
	TimestampTz at = PG_GETARG_TIMESTAMPTZ(2);
	avail_ctx	c;
	cd_dial		d;
	Oid			types[4] = {UUIDOID, TEXTOID, TEXTOID, TIMESTAMPTZOID};
	Datum		vals[4];
	bool		nulls[4] = {false, false, false, false};
	text	   *chosen;
	bool		direct;

	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("dial_pool_number cannot run on a hot standby"),
				 errdetail("A dial records the call, and calls are recorded on the primary server."),
				 errhint("Use pick_pool_number or explain_pool_dial on a standby.")));
	check_at(at);

	decide(id, callee, at, true, &c, &d);
	if (d.index < 0)
	{
		avail_close(&c);
		PG_RETURN_NULL();
	}
	chosen = cstring_to_text_with_len(c.pool->numbers + (Size) d.index * CD_E164_LEN, CD_E164_LEN);

	if (c.heap == NULL)
	{
		Oid			relid = get_relname_relid("pool_calls", schema_oid());

		if (!OidIsValid(relid))
			elog(ERROR, "table %s.pool_calls is missing", CD_SCHEMA);
		c.heap = table_open(relid, RowExclusiveLock);
	}
	vals[0] = UUIDPGetDatum(id);
	vals[1] = PointerGetDatum(chosen);
	vals[2] = PointerGetDatum(callee_t);
	vals[3] = TimestampTzGetDatum(at);
	direct = insert_call_direct(c.heap, vals, nulls);
	if (!direct)
	{
		int			ret;
		cd_user_save save;

		cd_become_extension_owner(&save);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		keep_plan(&insert_plan,
				  "INSERT INTO " CD_SCHEMA ".pool_calls (pool_id, phone_number, callee, at)"
				  " VALUES ($1, $2, $3, $4)", 4, types);
		ret = SPI_execute_plan(insert_plan, vals, NULL, false, 0);
		if (ret != SPI_OK_INSERT || SPI_processed != 1)
			elog(ERROR, "recording the call failed: %s", SPI_result_code_string(ret));
		SPI_finish();
		cd_restore_user(&save);
	}
	/* the call is in the index now: others counting this number see it */
	if (c.holding)
		LockRelease(&c.held, ExclusiveLock, false);
	cleanup_history(c.heap, at);
	avail_close(&c);
	PG_RETURN_TEXT_P(chosen);
}

static void
append_ts_or_null(StringInfo buf, TimestampTz t)
{
	if (TIMESTAMP_NOT_FINITE(t))
		appendStringInfoString(buf, "null");
	else
	{
		struct pg_tm tm;
		fsec_t		fsec;

		if (timestamp2tm(t, NULL, &tm, &fsec, NULL, NULL) != 0)
			appendStringInfoString(buf, "null");
		else
			appendStringInfo(buf, "\"%04d-%02d-%02dT%02d:%02d:%02dZ\"",
							 tm.tm_year, tm.tm_mon, tm.tm_mday,
							 tm.tm_hour, tm.tm_min, tm.tm_sec);
	}
}

Datum
explain_pool_dial(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *id = PG_GETARG_UUID_P(0);
	uint64		callee = cd_callee_national(PG_GETARG_TEXT_PP(1));
	TimestampTz at = PG_GETARG_TIMESTAMPTZ(2);
	avail_ctx	c;
	cd_dial		d;
	StringInfoData buf;
	int			i;
	TimestampTz *until;

	check_at(at);
	decide(id, callee, at, false, &c, &d);
	avail_close(&c);
	until = c.until;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"number\": ");
	if (d.index >= 0)
		appendStringInfo(&buf, "\"%.*s\"", CD_E164_LEN, c.pool->numbers + (Size) d.index * CD_E164_LEN);
	else
		appendStringInfoString(&buf, "null");
	appendStringInfo(&buf, ", \"rule\": \"%s\", \"tier_distance_km\": ", cd_rule_name(d.rule));
	if (isnan(d.tier_km) || isinf(d.tier_km))
		appendStringInfoString(&buf, "null");
	else
		appendStringInfoString(&buf, float8out_internal(d.tier_km));
	appendStringInfo(&buf, ", \"candidates\": %d, \"skipped\": [", d.index >= 0 ? d.candidates : 0);
	for (i = 0; i < d.n_skipped; i++)
	{
		uint32		ix = d.skipped[i].index;

		appendStringInfo(&buf, "%s{\"number\": \"%.*s\", \"reason\": \"%s\", \"until\": ",
						 i ? ", " : "", CD_E164_LEN, c.pool->numbers + (Size) ix * CD_E164_LEN,
						 cd_unavail_name(d.skipped[i].reason));
		append_ts_or_null(&buf, until[ix]);
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoString(&buf, "]}");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* ---------- the pool object's "pacing" key ---------- */

/*
 * The pacing object of a pool, or (Datum) 0 in a database still at 1.0.
 * Must run inside SPI.  delete_dialing_pool reads it before the delete,
 * which removes the pool's caps.
 */
Datum
cd_pacing_of(const pg_uuid_t *id)
{
	Oid			nsp = get_namespace_oid(CD_SCHEMA, true);
	Oid			types[1] = {UUIDOID};
	Datum		arg = UUIDPGetDatum((pg_uuid_t *) id);
	bool		isnull;
	int			ret;

	if (!OidIsValid(nsp) || !OidIsValid(get_relname_relid("pool_pacing", nsp)))
		return (Datum) 0;
	keep_plan(&pacing_of_plan,
			  "SELECT " CD_SCHEMA ".pool_pacing_json($1)", 1, types);
	ret = SPI_execute_plan(pacing_of_plan, &arg, NULL, true, 1);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "reading pool pacing failed: %s", SPI_result_code_string(ret));
	return SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
}

/* Sets data.pacing of a success envelope to pacing (from cd_pacing_of). */
Datum
cd_pacing_attach(Datum envelope, Datum pacing)
{
	Oid			types[2] = {JSONBOID, JSONBOID};
	Datum		vals[2];
	bool		isnull;
	int			ret;

	if (pacing == (Datum) 0)
		return envelope;
	keep_plan(&attach_plan,
			  "SELECT pg_catalog.jsonb_set($1, '{data,pacing}', $2)", 2, types);
	vals[0] = envelope;
	vals[1] = pacing;
	ret = SPI_execute_plan(attach_plan, vals, NULL, true, 1);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "adding pool pacing failed: %s", SPI_result_code_string(ret));
	return SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
}

/*
 * Adds "pacing" to the pool object (or to each of an array of them) in a
 * success envelope of the pool API.  A database still at version 1.0 has no
 * pool_pacing table: its envelopes are returned as they are.  Must run
 * inside SPI; the result is allocated there.
 */
Datum
cd_pacing_decorate(Datum envelope)
{
	Oid			nsp = get_namespace_oid(CD_SCHEMA, true);
	Oid			types[1] = {JSONBOID};
	bool		isnull;
	int			ret;

	if (!OidIsValid(nsp) || !OidIsValid(get_relname_relid("pool_pacing", nsp)))
		return envelope;
	keep_plan(&decorate_plan,
			  "WITH e(e) AS (SELECT $1)"
			  " SELECT CASE pg_catalog.jsonb_typeof(e OPERATOR(pg_catalog.->) 'data')"
			  " WHEN 'object' THEN pg_catalog.jsonb_set(e, '{data,pacing}',"
			  "   " CD_SCHEMA ".pool_pacing_json((e OPERATOR(pg_catalog.->) 'data' OPERATOR(pg_catalog.->>) 'id')::uuid))"
			  " WHEN 'array' THEN pg_catalog.jsonb_set(e, '{data}', COALESCE((SELECT pg_catalog.jsonb_agg("
			  "   x OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('pacing',"
			  "   " CD_SCHEMA ".pool_pacing_json((x OPERATOR(pg_catalog.->>) 'id')::uuid)) ORDER BY o)"
			  "   FROM pg_catalog.jsonb_array_elements(e OPERATOR(pg_catalog.->) 'data') WITH ORDINALITY AS a(x, o)), '[]'))"
			  " ELSE e END FROM e",
			  1, types);
	ret = SPI_execute_plan(decorate_plan, &envelope, NULL, true, 1);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "reading pool pacing failed: %s", SPI_result_code_string(ret));
	return SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
}

/* ---------- the owner binding of the settings, health and outcomes ---------- */

/*
 * set_pool_pacing, set_number_status and pool_number_health (which take an
 * owner_id) and record_call_outcome (which takes a pool_id) are written in
 * PL/pgSQL as NAME_as_owner, SECURITY DEFINER, which no role but the
 * extension's owner may execute.  Their public forms are these two C
 * functions, SECURITY INVOKER so that the current user is the role that
 * calls them: they check owner_roles for that role, as the pool functions
 * do, and then call NAME_as_owner directly through fmgr (a direct call is
 * not subject to its EXECUTE privilege; it still runs as its definer).
 */
typedef struct as_owner_call
{
	FmgrInfo	flinfo;
} as_owner_call;

/* The NAME_as_owner function of the SQL function being called, cached in fn_extra. */
static FmgrInfo *
as_owner_function(FunctionCallInfo fcinfo)
{
	as_owner_call *call = fcinfo->flinfo->fn_extra;

	if (call == NULL)
	{
		Oid			self = fcinfo->flinfo->fn_oid;
		HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(self));
		Form_pg_proc proc;
		char	   *name;
		List	   *qualified;
		Oid			target;

		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for function %u", self);
		proc = (Form_pg_proc) GETSTRUCT(tup);
		name = psprintf("%s_as_owner", NameStr(proc->proname));
		qualified = list_make2(makeString(get_namespace_name(proc->pronamespace)), makeString(name));
		target = LookupFuncName(qualified, proc->pronargs, proc->proargtypes.values, false);
		ReleaseSysCache(tup);
		call = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(as_owner_call));
		fmgr_info_cxt(target, &call->flinfo, fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = call;
	}
	return &call->flinfo;
}

static Datum
call_as_owner(FunctionCallInfo fcinfo)
{
	FmgrInfo   *target = as_owner_function(fcinfo);
	LOCAL_FCINFO(inner, FUNC_MAX_ARGS);
	Datum		result;
	int			i;

	InitFunctionCallInfoData(*inner, target, PG_NARGS(), PG_GET_COLLATION(), NULL, NULL);
	for (i = 0; i < PG_NARGS(); i++)
		inner->args[i] = fcinfo->args[i];
	result = FunctionCallInvoke(inner);
	fcinfo->isnull = inner->isnull;
	return result;
}

/*
 * First argument owner_id: a bound role acting for another owner gets 42501
 * before anything else.  A NULL owner_id is left to NAME_as_owner (22004).
 */
Datum
pacing_owner_call(PG_FUNCTION_ARGS)
{
	if (!PG_ARGISNULL(0))
		cd_binding_check_owner(PG_GETARG_UUID_P(0));
	return call_as_owner(fcinfo);
}

/*
 * First argument pool_id: another owner's pool is, to a bound role, a
 * missing one (42704, the words of pick_pool_number).  A NULL argument is
 * left to NAME_as_owner, which raises 22004 for it.
 */
Datum
pacing_pool_call(PG_FUNCTION_ARGS)
{
	int			i;

	for (i = 0; i < PG_NARGS(); i++)
		if (PG_ARGISNULL(i))
			return call_as_owner(fcinfo);	/* which raises 22004 */
	{
		pg_uuid_t  *id = PG_GETARG_UUID_P(0);
		const cd_pool_entry *e;

		AcceptInvalidationMessages();
		e = cd_pool_get(id);
		if (!cd_binding_allows(&e->owner_id))
			cd_report_pool_missing(id);
	}
	return call_as_owner(fcinfo);
}
