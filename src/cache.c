/*
 * cache.c - the per-session caches the routing reads: the area-code
 * geography and each pool's routing structure.
 *
 * Why a cache: a pick must cost about a function call, so the pool's numbers
 * and the geography cannot be read from tables on every call.  Each cached
 * object lives in its own memory context under CacheMemoryContext, is built
 * completely and only then swapped in, so an error halfway leaves the old
 * state (or none), never half of one.
 *
 * Invalidation: statement triggers on dialing_pools and area_codes call
 * CacheInvalidateRelcache, so every committed data change reaches every
 * session (and, through the commit record, every hot standby) as a relcache
 * invalidation.  The callback only bumps counters; work happens lazily on the
 * next lookup.  A pool entry remembers its row version (xmin, ctid): after a
 * change to some other pool the entry is revalidated with one index probe
 * instead of being rebuilt.
 *
 * Snapshots: rebuilds read with a fresh snapshot (the latest committed data),
 * as catalog lookups do, not with the transaction's snapshot.  Otherwise a
 * REPEATABLE READ transaction begun before a change would rebuild the cache
 * from its old snapshot after the invalidation had been consumed, and every
 * later transaction of the session would route on stale data.  So routing
 * always follows the latest committed pool, whatever the isolation level.
 * The one exception is parallel mode, where no new snapshot may be taken:
 * there the query's snapshot is used, and what it builds is trusted only by
 * the same query (same local transaction and statement start); any later
 * lookup checks it again.  A parallel query therefore routes on its own
 * snapshot, and never leaves that view behind for later statements.
 */
#include "cd_glue.h"

#include <math.h>

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "lib/ilist.h"
#include "storage/itemptr.h"
#include "storage/proc.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

/* Relations whose changes matter; resolved at each geography load. */
static Oid	area_codes_relid = InvalidOid;
static Oid	exchanges_relid = InvalidOid;	/* InvalidOid at version 1.0 */
static Oid	pools_relid = InvalidOid;

/* Bumped by the invalidation callback. */
static uint64 geo_inval_count = 1;
static uint64 pools_gen = 1;
uint64		cd_cache_epoch = 1;

/* The geography */
static MemoryContext geo_cxt = NULL;
static cd_geo_cache *geo_cache = NULL;
static uint64 geo_loaded_at = 0;	/* geo_inval_count the load began under */
static bool geo_trusted = false;
static cd_query_stamp geo_stamp;	/* query that loaded an untrusted geography */
static uint64 geo_version_counter = 0;



static HTAB *pool_htab = NULL;
static dlist_head pool_lru = DLIST_STATIC_INIT(pool_lru);
static Size pool_bytes = 0;

static SPIPlanPtr geo_plan = NULL;
static SPIPlanPtr exch_plan = NULL;
static SPIPlanPtr pool_version_plan = NULL;
static SPIPlanPtr pool_row_plan = NULL;

/* Identifies the running statement, in the leader and in parallel workers. */
static void
query_stamp(cd_query_stamp *q)
{
	q->lxid = MyProc->lxid;
	q->stmt_start = GetCurrentStatementStartTimestamp();
}

static bool
same_query(const cd_query_stamp *q)
{
	cd_query_stamp now;

	query_stamp(&now);
	return q->lxid == now.lxid && q->stmt_start == now.stmt_start;
}

void
cd_cache_relcache_callback(Datum arg, Oid relid)
{
	(void) arg;
	if (relid == InvalidOid || relid == area_codes_relid ||
		(relid == exchanges_relid && OidIsValid(relid)))
	{
		geo_inval_count++;
		cd_cache_epoch++;
	}
	if (relid == InvalidOid || relid == pools_relid)
	{
		pools_gen++;
		cd_cache_epoch++;
	}
}

/*
 * Executes a kept plan read-only under the latest snapshot, or under the
 * active snapshot in parallel mode (the caller then marks what it builds as
 * untrusted).
 */
int
cd_spi_execute_latest(SPIPlanPtr plan, Datum *values, const char *nulls, long count)
{
	Snapshot	snap = IsInParallelMode() ? InvalidSnapshot : GetLatestSnapshot();

	return SPI_execute_snapshot(plan, values, nulls, snap, InvalidSnapshot,
								true, false, count);
}

static SPIPlanPtr
keep_plan(const char *sql, int nargs, Oid *argtypes)
{
	SPIPlanPtr	plan = SPI_prepare(sql, nargs, argtypes);

	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql, SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");
	return plan;
}

static char *
copy_text_or_empty(HeapTuple tup, TupleDesc desc, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);

	return isnull ? pstrdup("") : TextDatumGetCString(d);
}

/* Deconstructs a text[] column into palloc'd C strings. */
static int
copy_text_array(HeapTuple tup, TupleDesc desc, int col, char ***out)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i,
				k = 0;

	*out = NULL;
	if (isnull)
		return 0;
	deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &n);
	*out = palloc0(sizeof(char *) * Max(n, 1));
	for (i = 0; i < n; i++)
		if (!nulls[i])
			(*out)[k++] = TextDatumGetCString(elems[i]);
	return k;
}

static cd_kind
kind_from_name(const char *s)
{
	int			k;

	for (k = CD_KIND_GEOGRAPHIC; k <= CD_KIND_NOT_AREA_CODE; k++)
		if (strcmp(s, cd_kind_name((cd_kind) k)) == 0)
			return (cd_kind) k;
	return CD_KIND_UNASSIGNED;
}

static void
resolve_relids(void)
{
	Oid			nsp = get_namespace_oid(CD_SCHEMA, true);

	if (!OidIsValid(nsp))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_SCHEMA),
				 errmsg("schema \"%s\" does not exist", CD_SCHEMA),
				 errhint("Run CREATE EXTENSION custom_dialing.")));
	area_codes_relid = get_relname_relid("area_codes", nsp);
	exchanges_relid = get_relname_relid("exchanges", nsp);
	pools_relid = get_relname_relid("dialing_pools", nsp);
}

/* Appends s to the strings buffer (reusing the previous string when equal); its offset, 0 for "". */
static uint32
exch_string(StringInfo buf, const char *s, uint32 *last)
{
	uint32		off;

	if (s == NULL || *s == '\0')
		return 0;
	if (*last != 0 && strcmp(buf->data + *last, s) == 0)
		return *last;
	off = (uint32) buf->len;
	appendBinaryStringInfo(buf, s, (int) strlen(s) + 1);
	*last = off;
	return off;
}

/*
 * Reads the exchanges (inside geo_load's SPI connection) into gc: the
 * point lookup and the text, in cxt; temporaries in a context of their own.  Exchanges
 * whose area code is not a located geographic one of gc->geo are dormant
 * (cd_exch_geo_build leaves them out of the lookup).
 */
static void
exch_load(cd_geo_cache *gc, MemoryContext cxt)
{
	/* under the SPI procedure context, so an error frees it too */
	MemoryContext tmp_cxt = AllocSetContextCreate(CurrentMemoryContext,
												  "custom_dialing exchanges load",
												  ALLOCSET_DEFAULT_SIZES);
	int			ret;
	uint64		r;
	cd_exch_entry *entries;
	StringInfoData strings;
	uint32		last_region = 0,
				last_place = 0,
				last_zone = 0;
	cd_alloc	alloc;
	MemoryContext old;

	if (exch_plan == NULL)
		exch_plan = keep_plan("SELECT npa, nxx, region, place, lat, lon, time_zone"
							  " FROM " CD_SCHEMA ".exchanges", 0, NULL);
	ret = cd_spi_execute_latest(exch_plan, NULL, NULL, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "reading exchanges failed: %s", SPI_result_code_string(ret));

	entries = MemoryContextAllocHuge(tmp_cxt, sizeof(cd_exch_entry) * Max(SPI_processed, 1));
	gc->exch_text = MemoryContextAllocHuge(cxt, sizeof(cd_exch_text) * Max(SPI_processed, 1));
	old = MemoryContextSwitchTo(cxt);
	initStringInfo(&strings);	/* in cxt, and so are its enlargements */
	/* the values read are copied out in tmp_cxt, deleted below */
	MemoryContextSwitchTo(tmp_cxt);
	appendStringInfoChar(&strings, '\0');	/* offset 0: none */
	for (r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		cd_exch_entry *e = &entries[r];
		cd_exch_text *t = &gc->exch_text[r];
		bool		isnull,
					nlat,
					nlon;
		Datum		d;
		char	   *npa_s,
				   *nxx_s;

		CHECK_FOR_INTERRUPTS();
		memset(e, 0, sizeof(*e));
		memset(t, 0, sizeof(*t));
		d = SPI_getbinval(tup, desc, 1, &isnull);
		npa_s = isnull ? "" : TextDatumGetCString(d);
		d = SPI_getbinval(tup, desc, 2, &isnull);
		nxx_s = isnull ? "" : TextDatumGetCString(d);
		/* the table's CHECKs make both three digits; anything else stays unused */
		if (strlen(npa_s) == 3 && strlen(nxx_s) == 3 &&
			strspn(npa_s, "0123456789") == 3 && strspn(nxx_s, "0123456789") == 3)
		{
			e->npa = (uint16) atoi(npa_s);
			e->nxx = (uint16) atoi(nxx_s);
		}
		d = SPI_getbinval(tup, desc, 3, &isnull);
		if (!isnull)
			t->region = exch_string(&strings, TextDatumGetCString(d), &last_region);
		d = SPI_getbinval(tup, desc, 4, &isnull);
		if (!isnull)
			t->place = exch_string(&strings, TextDatumGetCString(d), &last_place);
		d = SPI_getbinval(tup, desc, 5, &nlat);
		if (!nlat)
			e->lat = DatumGetFloat8(d);
		d = SPI_getbinval(tup, desc, 6, &nlon);
		if (!nlon)
			e->lon = DatumGetFloat8(d);
		e->has_location = !nlat && !nlon;
		d = SPI_getbinval(tup, desc, 7, &isnull);
		if (!isnull)
			t->time_zone = exch_string(&strings, TextDatumGetCString(d), &last_zone);
	}
	/* exact size: the buffer grew by doubling */
	gc->exch_strings = MemoryContextAllocHuge(cxt, strings.len);
	memcpy(gc->exch_strings, strings.data, strings.len);
	pfree(strings.data);
	cd_palloc_allocator(&alloc, cxt);
	gc->xg = cd_exch_geo_build(&gc->geo, entries, (int) SPI_processed, &alloc);
	if (gc->xg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory building the exchange geography")));
	MemoryContextSwitchTo(old);
	MemoryContextDelete(tmp_cxt);
}

/* Whether two exchange lookups hold the same points (what routes depend on). */
static bool
exch_same(const cd_exch_geo *a, const cd_exch_geo *b)
{
	int			n_blocks = 0;
	int			i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->n != b->n || a->n_active != b->n_active || a->n_points != b->n_points ||
		memcmp(a->block, b->block, sizeof(a->block)) != 0 ||
		memcmp(a->radius_km, b->radius_km, sizeof(a->radius_km)) != 0)
		return false;
	for (i = 0; i < CD_NPA_SLOTS; i++)
		n_blocks += a->block[i] >= 0;
	return memcmp(a->slot, b->slot, sizeof(int32) * 1000 * n_blocks) == 0 &&
		memcmp(a->lat, b->lat, sizeof(double) * a->n) == 0 &&
		memcmp(a->lon, b->lon, sizeof(double) * a->n) == 0;
}

/* Reads area_codes into a fresh context; swaps it in only when complete. */
static void
geo_load(void)
{
	MemoryContext cxt;
	MemoryContext old;
	MemoryContext caller;
	cd_geo_cache *gc;
	uint64		started = geo_inval_count;
	bool		parallel = IsInParallelMode();
	uint64		r;

	resolve_relids();
	cxt = AllocSetContextCreate(CacheMemoryContext, "custom_dialing geography",
								ALLOCSET_DEFAULT_SIZES);
	caller = CurrentMemoryContext;
	PG_TRY();
	{
		int			ret;
		cd_user_save save;

		cd_become_extension_owner(&save);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (geo_plan == NULL)
			geo_plan = keep_plan("SELECT npa, country, region, place, lat, lon, time_zone,"
								 " time_zones, overlays, kind"
								 " FROM " CD_SCHEMA ".area_codes", 0, NULL);
		ret = cd_spi_execute_latest(geo_plan, NULL, NULL, 0);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "reading area_codes failed: %s", SPI_result_code_string(ret));

		old = MemoryContextSwitchTo(cxt);
		gc = palloc0(sizeof(cd_geo_cache));
		for (r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			char	   *npa_s = copy_text_or_empty(tup, desc, 1);
			int			npa;
			cd_area    *a;
			cd_area_text *t;
			bool		nlat,
						nlon;
			Datum		dlat,
						dlon;
			char	  **ov;
			int			n_ov,
						i;
			char	   *kind_s;

			if (strlen(npa_s) != 3 || npa_s[0] < '2' || npa_s[0] > '9' ||
				npa_s[1] < '0' || npa_s[1] > '9' || npa_s[2] < '0' || npa_s[2] > '9')
				continue;		/* the table's CHECK forbids it */
			npa = atoi(npa_s);
			a = &gc->geo.area[npa];
			t = &gc->text[npa];
			kind_s = copy_text_or_empty(tup, desc, 10);
			a->kind = (uint8) kind_from_name(kind_s);
			t->country = copy_text_or_empty(tup, desc, 2);
			t->region = copy_text_or_empty(tup, desc, 3);
			t->place = copy_text_or_empty(tup, desc, 4);
			dlat = SPI_getbinval(tup, desc, 5, &nlat);
			dlon = SPI_getbinval(tup, desc, 6, &nlon);
			t->time_zone = copy_text_or_empty(tup, desc, 7);
			t->n_zones = copy_text_array(tup, desc, 8, &t->zones);
			if (a->kind == CD_KIND_GEOGRAPHIC && !nlat && !nlon)
			{
				a->has_location = true;
				a->lat = DatumGetFloat8(dlat);
				a->lon = DatumGetFloat8(dlon);
			}
			n_ov = copy_text_array(tup, desc, 9, &ov);
			for (i = 0; i < n_ov && a->n_overlays < CD_MAX_OVERLAYS; i++)
			{
				if (strlen(ov[i]) == 3 && ov[i][0] >= '2' && ov[i][0] <= '9')
					a->overlays[a->n_overlays++] = (uint16) atoi(ov[i]);
			}
		}
		MemoryContextSwitchTo(old);
		if (OidIsValid(exchanges_relid))
			exch_load(gc, cxt);
		SPI_finish();
		cd_restore_user(&save);
	}
	PG_CATCH();
	{
		/* the error may have left us in cxt: leave it before deleting it */
		MemoryContextSwitchTo(caller);
		MemoryContextDelete(cxt);
		PG_RE_THROW();
	}
	PG_END_TRY();

	/*
	 * Routes depend on gc->geo and the exchange points only.  A reload that finds the same geography
	 * (after ANALYZE, a GRANT, or a refresh that changed only names) keeps
	 * the version, so cached pools are not rebuilt for nothing.
	 */
	if (geo_cache != NULL && memcmp(&gc->geo, &geo_cache->geo, sizeof(cd_geo)) == 0 &&
		exch_same(gc->xg, geo_cache->xg))
		gc->version = geo_cache->version;
	else
		gc->version = ++geo_version_counter;
	if (geo_cxt)
		MemoryContextDelete(geo_cxt);
	geo_cxt = cxt;
	geo_cache = gc;
	geo_loaded_at = started;
	geo_trusted = !parallel;
	query_stamp(&geo_stamp);
	cd_cache_epoch++;
}

/*
 * Whether an entry may answer now: it was read under the latest snapshot,
 * or, in parallel mode, by this very query.
 */
bool
cd_pool_entry_usable(const cd_pool_entry *e)
{
	return e->trusted || (IsInParallelMode() && same_query(&e->stamp));
}

const cd_geo_cache *
cd_geo_get(void)
{
	bool		fresh;

	/*
	 * Take in committed changes first: a statement that locks nothing (as
	 * us_e164_kind or within_calling_hours alone in a transaction block)
	 * would otherwise not see them.
	 */
	AcceptInvalidationMessages();
	fresh = geo_cache != NULL && geo_loaded_at == geo_inval_count;
	if (!fresh || !(geo_trusted || (IsInParallelMode() && same_query(&geo_stamp))))
		geo_load();
	return geo_cache;
}

const cd_geo_cache *
cd_geo_current(void)
{
	return geo_cache;
}

Size
cd_geo_bytes(void)
{
	return geo_cxt ? MemoryContextMemAllocated(geo_cxt, true) : 0;
}

/* ---------- pools ---------- */

static void
pool_htab_init(void)
{
	HASHCTL		ctl;

	if (pool_htab)
		return;
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(pg_uuid_t);
	ctl.entrysize = sizeof(cd_pool_entry);
	ctl.hcxt = CacheMemoryContext;
	pool_htab = hash_create("custom_dialing pools", 64, &ctl,
							HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

static void
pool_entry_release(cd_pool_entry *e)
{
	if (e->cxt)
	{
		MemoryContextDelete(e->cxt);
		e->cxt = NULL;
		pool_bytes -= e->bytes;
		dlist_delete(&e->lru);
	}
	e->route = NULL;
	e->near = NULL;
	cd_cache_epoch++;
}

static void
pool_entry_remove(cd_pool_entry *e)
{
	pg_uuid_t	id = e->id;

	pool_entry_release(e);
	hash_search(pool_htab, &id, HASH_REMOVE, NULL);
}

/* Drops least recently used pools until under the bound, sparing keep. */
static void
pool_evict(const cd_pool_entry *keep)
{
	Size		limit = (Size) cd_cache_size_kb * 1024;

	while (pool_bytes > limit && !dlist_is_empty(&pool_lru))
	{
		cd_pool_entry *victim = dlist_tail_element(cd_pool_entry, lru, &pool_lru);

		if (victim == keep)
			break;
		pool_entry_remove(victim);
	}
}

static void
pool_plans(void)
{
	Oid			argtypes[1] = {UUIDOID};

	if (pool_version_plan == NULL)
		pool_version_plan = keep_plan("SELECT xmin, ctid FROM " CD_SCHEMA ".dialing_pools"
									  " WHERE id OPERATOR(pg_catalog.=) $1", 1, argtypes);
	if (pool_row_plan == NULL)
		pool_row_plan = keep_plan("SELECT xmin, ctid, phone_numbers::pg_catalog.text[], owner_id"
								  " FROM " CD_SCHEMA ".dialing_pools"
								  " WHERE id OPERATOR(pg_catalog.=) $1", 1, argtypes);
}

/*
 * Reads the pool's row version, and its numbers and owner when want_numbers.
 * Returns false when the pool does not exist.  Numbers are copied into cxt.
 * Reads as the extension's owner: the routing functions are SECURITY
 * INVOKER (see owner_binding.c).
 */
static bool
pool_read(const pg_uuid_t *id, bool want_numbers, MemoryContext cxt,
		  TransactionId *xmin, ItemPointerData *ctid,
		  char **numbers, int *n, pg_uuid_t *owner)
{
	Datum		arg = UUIDPGetDatum((pg_uuid_t *) id);
	int			ret;
	bool		found = false;
	cd_user_save save;

	cd_become_extension_owner(&save);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	pool_plans();
	ret = cd_spi_execute_latest(want_numbers ? pool_row_plan : pool_version_plan,
								&arg, NULL, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "reading dialing_pools failed: %s", SPI_result_code_string(ret));
	if (SPI_processed == 1)
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;

		found = true;
		*xmin = DatumGetTransactionId(SPI_getbinval(tup, desc, 1, &isnull));
		ItemPointerCopy((ItemPointer) DatumGetPointer(SPI_getbinval(tup, desc, 2, &isnull)), ctid);
		if (want_numbers)
		{
			Datum		d = SPI_getbinval(tup, desc, 3, &isnull);
			Datum	   *elems;
			bool	   *nulls;
			int			cnt,
						i,
						k = 0;
			char	   *buf;

			if (isnull)
				elog(ERROR, "dialing pool has NULL phone_numbers");
			*owner = *DatumGetUUIDP(SPI_getbinval(tup, desc, 4, &isnull));
			deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false, TYPALIGN_INT,
							  &elems, &nulls, &cnt);
			buf = MemoryContextAllocHuge(cxt, (Size) Max(cnt, 1) * CD_E164_LEN);
			for (i = 0; i < cnt; i++)
			{
				text	   *t;

				if (nulls[i])
					continue;
				t = DatumGetTextPP(elems[i]);
				if (cd_e164_check(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)) != CD_E164_OK)
					continue;	/* the domain forbids it */
				memcpy(buf + (Size) k * CD_E164_LEN, VARDATA_ANY(t), CD_E164_LEN);
				k++;
			}
			*numbers = buf;
			*n = k;
		}
	}
	SPI_finish();
	cd_restore_user(&save);
	return found;
}

typedef struct nat_pos
{
	uint64		nat;
	int			pos;
} nat_pos;

static int
cmp_nat_pos(const void *a, const void *b)
{
	const nat_pos *x = a;
	const nat_pos *y = b;

	if (x->nat != y->nat)
		return x->nat < y->nat ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos ? 1 : 0;
}

/*
 * Builds the routing structure of numbers (n canonical 12-byte numbers) in
 * cxt.  Duplicates, which the API never stores but a hand-written row might,
 * are dropped (the first one stays) so the core gets a set.
 */
static cd_route_pool *
pool_build_route(const cd_geo_cache *gc, char *numbers, int *n, MemoryContext cxt,
				 cd_near_pool **near)
{
	const cd_geo *geo = &gc->geo;
	bool		oom;
	nat_pos    *np = palloc(sizeof(nat_pos) * Max(*n, 1));
	bool	   *drop = palloc0(sizeof(bool) * Max(*n, 1));
	uint64	   *nat = palloc(sizeof(uint64) * Max(*n, 1));
	int			i,
				k = 0;
	cd_alloc	alloc;
	cd_route_pool *route;

	for (i = 0; i < *n; i++)
	{
		np[i].nat = cd_e164_national(numbers + (Size) i * CD_E164_LEN);
		np[i].pos = i;
	}
	qsort(np, *n, sizeof(nat_pos), cmp_nat_pos);
	for (i = 1; i < *n; i++)
		if (np[i].nat == np[i - 1].nat)
			drop[np[i].pos] = true;
	for (i = 0; i < *n; i++)
	{
		if (drop[i])
			continue;
		if (k != i)
			memmove(numbers + (Size) k * CD_E164_LEN, numbers + (Size) i * CD_E164_LEN, CD_E164_LEN);
		nat[k] = cd_e164_national(numbers + (Size) k * CD_E164_LEN);
		k++;
	}
	*n = k;
	pfree(np);
	pfree(drop);
	cd_palloc_allocator(&alloc, cxt);
	route = cd_route_build(geo, nat, *n, &alloc);
	if (route == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory building the routing structure of a dialing pool of %d numbers", *n)));
	*near = cd_near_build(geo, gc->xg, route, nat, *n, &alloc, &oom);
	if (oom)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory building the routing structure of a dialing pool of %d numbers", *n)));
	pfree(nat);
	return route;
}



/*
 * The routing entry of a pool, valid until cd_cache_epoch changes.  Raises
 * 42704 when the pool does not exist.
 */
const cd_pool_entry *
cd_pool_get(const pg_uuid_t *id)
{
	const cd_geo_cache *gc;
	cd_pool_entry *e;
	bool		found;
	bool		parallel = IsInParallelMode();
	uint64		gen0;
	TransactionId xmin;
	ItemPointerData ctid;
	MemoryContext cxt;
	char	   *numbers = NULL;
	int			n = 0;
	cd_route_pool *route;
	pg_uuid_t	owner;
	cd_near_pool *near = NULL;

	gc = cd_geo_get();
	pool_htab_init();
	e = hash_search(pool_htab, id, HASH_FIND, NULL);
	if (e != NULL && e->route != NULL &&
		e->geo_version == gc->version && e->relid == pools_relid)
	{
		if (e->checked_gen == pools_gen && cd_pool_entry_usable(e))
		{
			dlist_move_head(&pool_lru, &e->lru);
			/* the bound may have been lowered since the last build */
			if (pool_bytes > (Size) cd_cache_size_kb * 1024)
				pool_evict(e);
			return e;
		}
		/* some pool changed: is it this one? */
		gen0 = pools_gen;
		if (!pool_read(id, false, NULL, &xmin, &ctid, NULL, NULL, NULL))
		{
			pool_entry_remove(e);
			cd_report_pool_missing(id);
		}
		if (TransactionIdEquals(xmin, e->xmin) && ItemPointerEquals(&ctid, &e->ctid))
		{
			e->checked_gen = gen0;
			e->trusted = !parallel;
			query_stamp(&e->stamp);
			dlist_move_head(&pool_lru, &e->lru);
			return e;
		}
	}

	/* (re)build */
	gen0 = pools_gen;
	cxt = AllocSetContextCreate(CacheMemoryContext, "custom_dialing pool",
								ALLOCSET_DEFAULT_SIZES);
	PG_TRY();
	{
		if (!pool_read(id, true, cxt, &xmin, &ctid, &numbers, &n, &owner))
		{
			e = hash_search(pool_htab, id, HASH_FIND, NULL);
			if (e != NULL)
				pool_entry_remove(e);
			cd_report_pool_missing(id);
		}
		if (n == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("dialing pool has no valid phone numbers")));
		route = pool_build_route(gc, numbers, &n, cxt, &near);
		e = hash_search(pool_htab, id, HASH_ENTER, &found);
	}
	PG_CATCH();
	{
		MemoryContextDelete(cxt);
		PG_RE_THROW();
	}
	PG_END_TRY();

	if (found)
		pool_entry_release(e);
	e->cxt = cxt;
	e->route = route;
	e->near = near;
	e->n = n;
	e->numbers = numbers;
	e->owner_id = owner;
	e->xmin = xmin;
	e->ctid = ctid;
	e->relid = pools_relid;
	e->geo_version = gc->version;
	e->checked_gen = gen0;
	e->trusted = !parallel;
	query_stamp(&e->stamp);
	e->bytes = MemoryContextMemAllocated(cxt, true);
	pool_bytes += e->bytes;
	dlist_push_head(&pool_lru, &e->lru);
	cd_cache_epoch++;
	pool_evict(e);
	return e;
}
