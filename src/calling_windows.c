/*
 * calling_windows.c - calling windows by jurisdiction: calling_window,
 * next_calling_time and the per-session cache of calling_rules,
 * calling_holidays and calling_blackouts.
 *
 * The decision itself (windows, weekdays, holidays, blackouts, the search for
 * the next allowed instant) is src/core/cd_window.c; this file chooses what
 * applies to a callee, converts instants to the callee's local times with the
 * server's time-zone database (pg_next_dst_boundary gives both the offset at
 * an instant and the next instant it changes, which is all the core's exact
 * search needs), and writes the answer in words.
 *
 * Where the callee is: callee_place() below, the one function that knows.
 *
 * Cache: the three tables are read once per session into a memory context
 * of their own, built completely before it is swapped in, and reread after
 * a relcache invalidation of any of them (their triggers send one on every
 * committed change) or a change of the geography (the zones of a region come
 * from the area codes, the places of exchanges from the exchanges).  Reads use the latest snapshot, as the routing cache
 * does (see cache.c for why), except in parallel mode, where what is read
 * under the query's snapshot is trusted by that query only.
 *
 * Memo: within one statement, calls with the same instant, kinds and region
 * for callees in the same place get the same answer; each call site keeps
 * the answers by place, so a statement over a million callees computes each
 * place's answer once.
 */
#include "cd_glue.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "pgtime.h"
#include "storage/proc.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/inval.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "cd_window.h"

PG_FUNCTION_INFO_V1(calling_window);
PG_FUNCTION_INFO_V1(next_calling_time);
PG_FUNCTION_INFO_V1(invalidate_calling_rules_cache);

#define CW_MAX_KINDS 64
#define CW_SEARCH_DAYS 14
#define CW_MAX_REASONS 32

/* Unix time of PostgreSQL's epoch, 2000-01-01 00:00 UTC */
#define CW_EPOCH_SHIFT ((pg_time_t) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY)

static const char *const builtin_kinds[] = {
	"sales", "prerecorded", "autodialed", "securities", "charitable"
};

#define FEDERAL_CITATION "47 CFR 64.1200(c)(1); 16 CFR 310.4(c)"

/* ---------- the cache ---------- */

typedef struct cw_rule
{
	char	   *region;
	uint64		kinds;			/* bit i: cache kind i */
	int			n_kinds;
	char	  **kind_names;
	char	   *days;
	char	   *start_text;		/* "09:00:00", or NULL: no calls */
	char	   *end_text;
	char	   *set_name;		/* or NULL */
	char	   *citation;
	char	   *strength;
	cd_win_rule core;			/* holiday_set indexes the cache's sets */
} cw_rule;

typedef struct cw_set
{
	char	   *name;
	int			n;
	cd_day	   *days;
	char	  **names;			/* the holiday of each day */
} cw_set;

typedef struct cw_blackout
{
	char	   *region;			/* NULL: every callee */
	TimestampTz starts;
	TimestampTz ends;
	char	   *reason;
} cw_blackout;

/*
 * A region's place: every zone its geographic area codes observe (or, for a
 * region only exchanges name, every zone of those exchanges); also an
 * exchange's place.
 */
typedef struct cw_region
{
	char	   *region;
	char	   *country;
	int			n_zones;
	char	  **zones;
	bool		from_exchanges;
} cw_region;

typedef struct cw_cache
{
	int			n_rules;
	cw_rule    *rules;
	int			n_sets;
	cw_set	   *sets;
	cd_win_set *core_sets;
	int			n_blackouts;
	cw_blackout *blackouts;
	int			n_kinds;
	char	   *kinds[CW_MAX_KINDS];
	int			n_regions;
	cw_region  *regions;
	/* exchanges whose place is not their area code's (see callee_place) */
	int			n_places;
	cw_region  *places;			/* each distinct such place once */
	int32	   *exch_place;		/* by exchange entry: its index in places, or
								 * -1 for its area code's; NULL: no exchanges */
	const cd_geo_cache *geo;	/* the geography the regions came from */
	uint64		geo_version;
	uint64		version;		/* changes at every load */
} cw_cache;

static Oid	rules_relid = InvalidOid;
static Oid	holidays_relid = InvalidOid;
static Oid	blackouts_relid = InvalidOid;
static uint64 cw_inval_count = 1;
static uint64 cw_version_counter = 0;

static MemoryContext cw_cxt = NULL;
static cw_cache *cw_current = NULL;
static uint64 cw_loaded_at = 0;
static bool cw_trusted = false;
static LocalTransactionId cw_stamp_lxid;
static TimestampTz cw_stamp_start;

static SPIPlanPtr rules_plan = NULL;
static SPIPlanPtr holidays_plan = NULL;
static SPIPlanPtr blackouts_plan = NULL;

void
cd_windows_relcache_callback(Datum arg, Oid relid)
{
	(void) arg;
	if (relid == InvalidOid || relid == rules_relid || relid == holidays_relid ||
		relid == blackouts_relid)
		cw_inval_count++;
}

Datum
invalidate_calling_rules_cache(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("invalidate_calling_rules_cache() must be called as a trigger")));
	CacheInvalidateRelcache(td->tg_relation);
	return PointerGetDatum(NULL);
}

static SPIPlanPtr
keep_plan(const char *sql)
{
	SPIPlanPtr	plan = SPI_prepare(sql, 0, NULL);

	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql, SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");
	return plan;
}

static char *
get_text(HeapTuple tup, TupleDesc desc, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

static int
text_array(Datum d, char ***out)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i,
				k = 0;

	deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &n);
	*out = palloc0(sizeof(char *) * Max(n, 1));
	for (i = 0; i < n; i++)
		if (!nulls[i])
			(*out)[k++] = TextDatumGetCString(elems[i]);
	return k;
}

/* The bit of a kind name, adding it to the cache's kinds; -1 when full. */
static int
kind_bit(cw_cache *c, const char *name, bool add)
{
	int			i;

	for (i = 0; i < c->n_kinds; i++)
		if (strcmp(c->kinds[i], name) == 0)
			return i;
	if (!add || c->n_kinds >= CW_MAX_KINDS)
		return -1;
	c->kinds[c->n_kinds] = pstrdup(name);
	return c->n_kinds++;
}

static int
set_index(cw_cache *c, const char *name)
{
	int			i;

	for (i = 0; i < c->n_sets; i++)
		if (strcmp(c->sets[i].name, name) == 0)
			return i;
	return -1;
}

/* Seconds of a time value, rounded inward (start up, end down). */
static int32
time_seconds(TimeADT t, bool round_up)
{
	int64		s = t / USECS_PER_SEC;

	if (round_up && t % USECS_PER_SEC != 0)
		s++;
	return (int32) s;
}

static char *
time_text(TimeADT t)
{
	return DatumGetCString(DirectFunctionCall1(time_out, TimeADTGetDatum(t)));
}

static void
load_regions(cw_cache *c, const cd_geo_cache *gc)
{
	int			npa,
				pass,
				i,
				j;

	c->regions = palloc0(sizeof(cw_region) * CD_NPA_SLOTS);
	/*
	 * Two passes: US and Canadian regions first, so that a code another
	 * country also uses as its region (MS: Mississippi and Montserrat) means
	 * the state or province.
	 */
	for (pass = 0; pass < 2; pass++)
	for (npa = 0; npa < CD_NPA_SLOTS; npa++)
	{
		const cd_area_text *t = &gc->text[npa];
		cw_region  *r = NULL;
		bool		us_ca;

		if (!gc->geo.area[npa].has_location || t->region == NULL || t->region[0] == '\0' ||
			t->n_zones == 0)
			continue;
		us_ca = t->country && (strcmp(t->country, "US") == 0 || strcmp(t->country, "CA") == 0);
		if (us_ca != (pass == 0))
			continue;
		for (i = 0; i < c->n_regions; i++)
			if (strcmp(c->regions[i].region, t->region) == 0)
				r = &c->regions[i];
		if (r != NULL && strcmp(r->country, t->country ? t->country : "") != 0)
			continue;
		if (r == NULL)
		{
			r = &c->regions[c->n_regions++];
			r->region = pstrdup(t->region);
			r->country = pstrdup(t->country ? t->country : "");
			r->zones = palloc0(sizeof(char *) * 16);
		}
		for (i = 0; i < t->n_zones; i++)
		{
			bool		have = false;

			for (j = 0; j < r->n_zones; j++)
				if (strcmp(r->zones[j], t->zones[i]) == 0)
					have = true;
			if (!have && r->n_zones < 16)
				r->zones[r->n_zones++] = pstrdup(t->zones[i]);
		}
	}
}

/* Memo keys: area codes 0..999, then one per region (of an override), then
 * one per exchange place. */
#define CW_REGION_KEY0 CD_NPA_SLOTS
#define CW_PLACE_KEY0(c) (CW_REGION_KEY0 + (c)->n_regions)

/* The place of this region and these zones among c->places, added if new. */
static int
place_index(cw_cache *c, int *cap, const char *region, const char *country,
			int n_zones, char *const *zones)
{
	cw_region  *pl;
	int			i,
				j;

	for (i = 0; i < c->n_places; i++)
	{
		pl = &c->places[i];
		if (pl->n_zones != n_zones || strcmp(pl->region, region) != 0 ||
			strcmp(pl->country, country) != 0)
			continue;
		for (j = 0; j < n_zones; j++)
			if (strcmp(pl->zones[j], zones[j]) != 0)
				break;
		if (j == n_zones)
			return i;
	}
	if (c->n_places == *cap)
	{
		*cap *= 2;
		c->places = repalloc(c->places, sizeof(cw_region) * *cap);
	}
	pl = &c->places[c->n_places];
	pl->region = pstrdup(region);
	pl->country = pstrdup(country);
	pl->n_zones = n_zones;
	pl->zones = palloc(sizeof(char *) * n_zones);
	for (j = 0; j < n_zones; j++)
		pl->zones[j] = pstrdup(zones[j]);
	return c->n_places++;
}

/*
 * The exchanges' places, as us_e164_locate and within_calling_hours read the
 * exchanges: the exchange's region when it has one, else the area code's; the
 * exchange's time zone alone when it has one, else every zone of the area
 * code.  Exchanges whose place is their area code's keep its memo key; the
 * others get their place's (few: a region and a zone).  After load_regions;
 * then a region only exchanges name (YT, NU, PE) becomes a region too, with
 * every zone of its exchanges, so that it may be given as the override.
 */
static void
load_exchange_places(cw_cache *c, const cd_geo_cache *gc)
{
	const cd_exch_geo *xg = gc->xg;
	int			cap = 32;
	int			npa,
				nxx,
				i;

	c->n_places = 0;
	c->places = palloc(sizeof(cw_region) * cap);
	c->exch_place = NULL;
	if (xg == NULL || xg->n <= 0)
		return;
	c->exch_place = palloc(sizeof(int32) * xg->n);
	for (i = 0; i < xg->n; i++)
		c->exch_place[i] = -1;
	for (npa = 0; npa < CD_NPA_SLOTS; npa++)
	{
		const cd_area_text *t = &gc->text[npa];

		if (xg->block[npa] < 0 || !gc->geo.area[npa].has_location ||
			t->n_zones == 0 || t->region == NULL)
			continue;
		for (nxx = 0; nxx < 1000; nxx++)
		{
			int			e = xg->slot[xg->block[npa] + nxx];
			const cd_exch_text *x;
			const char *region;
			const char *country = t->country ? t->country : "";
			char	   *zone[1];

			if (e < 0)
				continue;
			x = &gc->exch_text[e];
			region = x->region ? cd_exch_str(gc, x->region) : t->region;
			zone[0] = x->time_zone ? unconstify(char *, cd_exch_str(gc, x->time_zone)) : NULL;
			if (strcmp(region, t->region) == 0 &&
				(zone[0] == NULL || (t->n_zones == 1 && strcmp(t->zones[0], zone[0]) == 0)))
				continue;		/* the area code's place */
			if (strcmp(region, t->region) != 0)
				for (i = 0; i < c->n_regions; i++)
					if (strcmp(c->regions[i].region, region) == 0)
					{
						country = c->regions[i].country;
						break;
					}
			c->exch_place[e] = zone[0] ? place_index(c, &cap, region, country, 1, zone)
				: place_index(c, &cap, region, country, t->n_zones, t->zones);
		}
	}
	for (i = 0; i < c->n_places; i++)
	{
		const cw_region *pl = &c->places[i];
		cw_region  *r = NULL;
		int			j,
					k;

		for (j = 0; j < c->n_regions; j++)
			if (strcmp(c->regions[j].region, pl->region) == 0)
				r = &c->regions[j];
		if (r == NULL)
		{
			/* load_regions made room for CD_NPA_SLOTS regions; more is not a region code */
			if (c->n_regions >= CD_NPA_SLOTS)
				continue;
			r = &c->regions[c->n_regions++];
			r->region = pl->region;
			r->country = pl->country;
			r->zones = palloc0(sizeof(char *) * 16);
			r->from_exchanges = true;
		}
		if (!r->from_exchanges)
			continue;			/* an area code's region: its area codes' zones */
		for (j = 0; j < pl->n_zones; j++)
		{
			bool		have = false;

			for (k = 0; k < r->n_zones; k++)
				if (strcmp(r->zones[k], pl->zones[j]) == 0)
					have = true;
			if (!have && r->n_zones < 16)
				r->zones[r->n_zones++] = pl->zones[j];
		}
	}
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
	rules_relid = get_relname_relid("calling_rules", nsp);
	holidays_relid = get_relname_relid("calling_holidays", nsp);
	blackouts_relid = get_relname_relid("calling_blackouts", nsp);
	if (!OidIsValid(rules_relid) || !OidIsValid(holidays_relid) || !OidIsValid(blackouts_relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("the calling rules tables of custom_dialing do not exist"),
				 errhint("ALTER EXTENSION custom_dialing UPDATE brings them (new in version 1.1).")));
}

static void
load_cache(const cd_geo_cache *gc)
{
	MemoryContext cxt;
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext old;
	cw_cache   *c;
	uint64		started = cw_inval_count;
	bool		parallel = IsInParallelMode();

	resolve_relids();
	cxt = AllocSetContextCreate(CacheMemoryContext, "custom_dialing calling rules",
								ALLOCSET_DEFAULT_SIZES);
	PG_TRY();
	{
		int			ret;
		uint64		r;
		int			i;

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (rules_plan == NULL)
			rules_plan = keep_plan("SELECT region, kinds, days, window_start, window_end,"
								   " holiday_set, citation, strength"
								   " FROM " CD_SCHEMA ".calling_rules"
								   " ORDER BY region, kinds, days, window_start");
		if (holidays_plan == NULL)
			holidays_plan = keep_plan("SELECT holiday_set, day, name"
									  " FROM " CD_SCHEMA ".calling_holidays"
									  " ORDER BY holiday_set, day, name");
		if (blackouts_plan == NULL)
			blackouts_plan = keep_plan("SELECT region, starts_at, ends_at, reason"
									   " FROM " CD_SCHEMA ".calling_blackouts"
									   " ORDER BY starts_at, ends_at, region, reason");

		old = MemoryContextSwitchTo(cxt);
		c = palloc0(sizeof(cw_cache));
		for (i = 0; i < (int) lengthof(builtin_kinds); i++)
			(void) kind_bit(c, builtin_kinds[i], true);
		MemoryContextSwitchTo(old);

		/* holidays first: rules refer to their sets */
		ret = cd_spi_execute_latest(holidays_plan, NULL, NULL, 0);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "reading calling_holidays failed: %s", SPI_result_code_string(ret));
		old = MemoryContextSwitchTo(cxt);
		c->sets = palloc0(sizeof(cw_set) * Max(SPI_processed, 1));
		for (r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			char	   *name = get_text(tup, desc, 1);
			bool		isnull;
			DateADT		day = DatumGetDateADT(SPI_getbinval(tup, desc, 2, &isnull));
			cw_set	   *s;

			if (c->n_sets == 0 || strcmp(c->sets[c->n_sets - 1].name, name) != 0)
			{
				s = &c->sets[c->n_sets++];
				s->name = name;
				s->days = palloc(sizeof(cd_day) * SPI_processed);
				s->names = palloc(sizeof(char *) * SPI_processed);
			}
			s = &c->sets[c->n_sets - 1];
			if (DATE_NOT_FINITE(day))
				continue;
			if (s->n > 0 && s->days[s->n - 1] == (cd_day) day)
				continue;		/* the same date twice: the first name stays */
			s->days[s->n] = (cd_day) day;
			s->names[s->n] = get_text(tup, desc, 3);
			s->n++;
		}
		c->core_sets = palloc0(sizeof(cd_win_set) * Max(c->n_sets, 1));
		for (i = 0; i < c->n_sets; i++)
		{
			c->core_sets[i].n = c->sets[i].n;
			c->core_sets[i].days = c->sets[i].days;
		}
		MemoryContextSwitchTo(old);

		ret = cd_spi_execute_latest(rules_plan, NULL, NULL, 0);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "reading calling_rules failed: %s", SPI_result_code_string(ret));
		old = MemoryContextSwitchTo(cxt);
		c->rules = palloc0(sizeof(cw_rule) * Max(SPI_processed, 1));
		for (r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			cw_rule    *ru = &c->rules[c->n_rules];
			bool		ns,
						ne,
						isnull;
			Datum		ws = SPI_getbinval(tup, desc, 4, &ns);
			Datum		we = SPI_getbinval(tup, desc, 5, &ne);

			ru->region = get_text(tup, desc, 1);
			ru->n_kinds = text_array(SPI_getbinval(tup, desc, 2, &isnull), &ru->kind_names);
			for (i = 0; i < ru->n_kinds; i++)
			{
				int			b = kind_bit(c, ru->kind_names[i], true);

				if (b >= 0)
					ru->kinds |= UINT64CONST(1) << b;
				else
					ereport(ERROR,
							(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							 errmsg("calling_rules names more than %d kinds of call", CW_MAX_KINDS)));
			}
			ru->days = get_text(tup, desc, 3);
			ru->core.days = cd_win_parse_days(ru->days);
			if (ns || ne)
				ru->core.no_calls = true;
			else
			{
				ru->core.start_s = time_seconds(DatumGetTimeADT(ws), true);
				ru->core.end_s = time_seconds(DatumGetTimeADT(we), false);
				ru->start_text = time_text(DatumGetTimeADT(ws));
				ru->end_text = time_text(DatumGetTimeADT(we));
				if (ru->core.start_s >= ru->core.end_s)
					ru->core.no_calls = true;	/* narrower than a second */
			}
			ru->set_name = get_text(tup, desc, 6);
			ru->core.holiday_set = ru->set_name ? set_index(c, ru->set_name) : -1;
			ru->citation = get_text(tup, desc, 7);
			ru->strength = get_text(tup, desc, 8);
			c->n_rules++;
		}
		MemoryContextSwitchTo(old);

		ret = cd_spi_execute_latest(blackouts_plan, NULL, NULL, 0);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "reading calling_blackouts failed: %s", SPI_result_code_string(ret));
		old = MemoryContextSwitchTo(cxt);
		c->blackouts = palloc0(sizeof(cw_blackout) * Max(SPI_processed, 1));
		for (r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			cw_blackout *b = &c->blackouts[c->n_blackouts++];
			bool		isnull;

			b->region = get_text(tup, desc, 1);
			b->starts = DatumGetTimestampTz(SPI_getbinval(tup, desc, 2, &isnull));
			b->ends = DatumGetTimestampTz(SPI_getbinval(tup, desc, 3, &isnull));
			b->reason = get_text(tup, desc, 4);
		}
		load_regions(c, gc);
		load_exchange_places(c, gc);
		c->geo = gc;
		c->geo_version = gc->version;
		MemoryContextSwitchTo(old);
		SPI_finish();
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(caller);
		MemoryContextDelete(cxt);
		PG_RE_THROW();
	}
	PG_END_TRY();

	c->version = ++cw_version_counter;
	if (cw_cxt)
		MemoryContextDelete(cw_cxt);
	cw_cxt = cxt;
	cw_current = c;
	cw_loaded_at = started;
	cw_trusted = !parallel;
	cw_stamp_lxid = MyProc->lxid;
	cw_stamp_start = GetCurrentStatementStartTimestamp();
}

/* The rules as this session may use them now (also takes in invalidations). */
static const cw_cache *
cw_cache_get(void)
{
	const cd_geo_cache *gc = cd_geo_get();	/* accepts invalidation messages */
	bool		fresh = cw_current != NULL && cw_loaded_at == cw_inval_count &&
		cw_current->geo == gc && cw_current->geo_version == gc->version;
	bool		usable = cw_trusted ||
		(IsInParallelMode() && cw_stamp_lxid == MyProc->lxid &&
		 cw_stamp_start == GetCurrentStatementStartTimestamp());

	if (!fresh || !usable)
		load_cache(gc);
	return cw_current;
}

/* ---------- where the callee is ---------- */

typedef struct cw_place
{
	int			key;			/* equal keys: equal places (memo slot) */
	bool		located;
	const char *region;
	const char *country;
	int			n_zones;
	char	   *const *zones;
	int			npa;
	const char *kind;			/* the area code's kind, for a callee with no location */
} cw_place;

/*
 * callee_place - the callee's region, country and every time zone it may be
 * in, from its number: its exchange's place when the exchange is known and
 * has a region or a time zone of its own (load_exchange_places), else its
 * area code's (area_codes.region and every zone of area_codes.time_zones).
 * Callees in the same place share a memo key.
 */
static void
callee_place(const cw_cache *c, uint64 national, cw_place *p)
{
	const cd_geo_cache *gc = c->geo;
	int			npa = (int) (national / 10000000);
	const cd_area_text *t = &gc->text[npa];
	int			e;

	memset(p, 0, sizeof(*p));
	p->key = npa;
	p->npa = npa;
	p->kind = cd_kind_name((cd_kind) gc->geo.area[npa].kind);
	if (!gc->geo.area[npa].has_location || t->n_zones == 0 || t->region == NULL)
		return;
	p->located = true;
	p->region = t->region;
	p->country = t->country;
	p->n_zones = t->n_zones;
	p->zones = t->zones;
	if (c->exch_place == NULL || (e = cd_exch_find(gc->xg, national)) < 0 ||
		c->exch_place[e] < 0)
		return;
	{
		const cw_region *pl = &c->places[c->exch_place[e]];

		p->key = CW_PLACE_KEY0(c) + c->exch_place[e];
		p->region = pl->region;
		p->country = pl->country;
		p->n_zones = pl->n_zones;
		p->zones = pl->zones;
	}
}

/*
 * The place a call goes to: the number's, or, when region is given, that
 * region's (every zone its area codes observe), unless it is the number's
 * own region, whose number-level place is the better one.
 */
static void
call_place(const cw_cache *c, uint64 national, const char *region, cw_place *p)
{
	int			i;

	callee_place(c, national, p);
	if (region == NULL || (p->located && strcmp(p->region, region) == 0))
		return;
	for (i = 0; i < c->n_regions; i++)
		if (strcmp(c->regions[i].region, region) == 0)
		{
			const cw_region *r = &c->regions[i];

			p->key = CW_REGION_KEY0 + i;
			p->located = true;
			p->region = r->region;
			p->country = r->country;
			p->n_zones = r->n_zones;
			p->zones = r->zones;
			return;
		}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown region \"%s\"", region),
			 errdetail("region is a state, province or territory code that area_codes.region holds for a geographic area code, or exchanges.region for an exchange."),
			 errhint("Use two upper-case letters, such as 'FL' or 'ON', or NULL to go by the number.")));
}

/* ---------- one evaluation ---------- */

typedef enum cw_regime
{
	CW_US,						/* federal window, then the region's rules */
	CW_CANADA,					/* CA-ALL and the province's rules */
	CW_UNKNOWN					/* another NANP country: no rules known */
} cw_regime;

typedef struct cw_eval
{
	const cw_cache *c;
	cw_regime	regime;
	int			n_rules;
	int		   *rule_ix;		/* index into c->rules */
	cd_win_rule *rules;
	int			n_blackouts;
	int		   *blackout_ix;
	cd_win_blackout *blackouts;
	pg_tz	  **tz;
	cd_win_query q;
} cw_eval;

static bool
pg_zone_fn(void *arg, int zone, cd_usec at, int32_t *offset_s, cd_usec *next_change)
{
	const cw_eval *e = arg;
	pg_time_t	t;
	pg_time_t	boundary = 0;
	long int	before_off = 0,
				after_off = 0;
	int			before_dst = 0,
				after_dst = 0;
	int			r;

	if (at < MIN_TIMESTAMP || at >= END_TIMESTAMP)
		return false;
	t = (pg_time_t) (at >= 0 ? at / USECS_PER_SEC : -((-at + USECS_PER_SEC - 1) / USECS_PER_SEC)) +
		CW_EPOCH_SHIFT;
	r = pg_next_dst_boundary(&t, &before_off, &before_dst, &boundary,
							 &after_off, &after_dst, e->tz[zone]);
	if (r < 0)
		return false;
	*offset_s = (int32_t) before_off;
	if (r == 0 || boundary <= t)
		*next_change = CD_USEC_MAX;
	else if (boundary - CW_EPOCH_SHIFT > (END_TIMESTAMP / USECS_PER_SEC))
		*next_change = CD_USEC_MAX;
	else
		*next_change = (cd_usec) (boundary - CW_EPOCH_SHIFT) * USECS_PER_SEC;
	return true;
}

static void
prepare_eval(const cw_cache *c, const cw_place *p, uint64 kinds, cw_eval *e)
{
	bool		canada;
	int			i;

	memset(e, 0, sizeof(*e));
	e->c = c;
	canada = p->country && strcmp(p->country, "CA") == 0;
	e->regime = (p->country && strcmp(p->country, "US") == 0) ? CW_US :
		canada ? CW_CANADA : CW_UNKNOWN;
	e->rule_ix = palloc(sizeof(int) * Max(c->n_rules, 1));
	e->rules = palloc(sizeof(cd_win_rule) * Max(c->n_rules, 1));
	for (i = 0; i < c->n_rules && e->regime != CW_UNKNOWN; i++)
	{
		const cw_rule *r = &c->rules[i];

		if ((r->kinds & kinds) == 0)
			continue;
		if (strcmp(r->region, p->region) != 0 && !(canada && strcmp(r->region, "CA-ALL") == 0))
			continue;
		e->rule_ix[e->n_rules] = i;
		e->rules[e->n_rules++] = r->core;
	}
	e->blackout_ix = palloc(sizeof(int) * Max(c->n_blackouts, 1));
	e->blackouts = palloc(sizeof(cd_win_blackout) * Max(c->n_blackouts, 1));
	for (i = 0; i < c->n_blackouts; i++)
	{
		const cw_blackout *b = &c->blackouts[i];

		if (b->region != NULL && strcmp(b->region, p->region) != 0 &&
			!(canada && strcmp(b->region, "CA-ALL") == 0))
			continue;
		e->blackout_ix[e->n_blackouts] = i;
		e->blackouts[e->n_blackouts].start = b->starts;
		e->blackouts[e->n_blackouts].end = b->ends;
		e->n_blackouts++;
	}
	e->tz = palloc(sizeof(pg_tz *) * Max(p->n_zones, 1));
	for (i = 0; i < p->n_zones; i++)
	{
		e->tz[i] = pg_tzset(p->zones[i]);
		if (e->tz[i] == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time zone \"%s\" of region \"%s\" is not known to this server",
							p->zones[i], p->region)));
	}
	e->q.federal = (e->regime == CW_US);
	e->q.n_rules = e->n_rules;
	e->q.rules = e->rules;
	e->q.n_sets = c->n_sets;
	e->q.sets = c->core_sets;
	e->q.n_blackouts = e->n_blackouts;
	e->q.blackouts = e->blackouts;
	e->q.n_zones = p->n_zones;
	e->q.zone_fn = pg_zone_fn;
	e->q.zone_arg = e;
}

static void
report_out_of_range(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("timestamp out of range for calling windows")));
}

/* Next allowed instant from at (14 days at most); false when none. */
static bool
search_next(const cw_eval *e, TimestampTz at, TimestampTz *found)
{
	cd_usec		limit;
	int			r;

	if (at > END_TIMESTAMP - (int64) CW_SEARCH_DAYS * USECS_PER_DAY)
		limit = END_TIMESTAMP - 1;
	else
		limit = at + (int64) CW_SEARCH_DAYS * USECS_PER_DAY + 1;	/* 14 days inclusive */
	r = cd_win_next(&e->q, at, limit, found);
	if (r < 0)
		report_out_of_range();
	return r == 1;
}

/* ---------- arguments ---------- */

static void
check_instant(TimestampTz t, const char *what)
{
	if (TIMESTAMP_NOT_FINITE(t))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s must be a finite timestamp", what)));
}

/* The kinds of the call as a mask over the cache's kinds. */
static uint64
kinds_mask(const cw_cache *c, ArrayType *arr)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i,
				j;
	uint64		mask = 0;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("kinds must be a one-dimensional array")));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("kinds must name at least one kind of call"),
				 errhint("A live sales call is '{sales}'; a sales call in a recorded or artificial (AI-generated) voice is '{sales,prerecorded}'.")));
	for (i = 0; i < n; i++)
	{
		char	   *k;
		int			b = -1;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("kinds must not contain NULL")));
		k = TextDatumGetCString(elems[i]);
		for (j = 0; j < c->n_kinds; j++)
			if (strcmp(c->kinds[j], k) == 0)
				b = j;
		if (b >= 0)
			mask |= UINT64CONST(1) << b;
		else
		{
			StringInfoData known;

			initStringInfo(&known);
			for (j = 0; j < c->n_kinds; j++)
				appendStringInfo(&known, "%s%s", j ? ", " : "", c->kinds[j]);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown kind of call \"%s\"", k),
					 errdetail("Known kinds: %s.", known.data),
					 errhint("A call carries every kind that describes it, such as '{sales,prerecorded}' for a sales call in a recorded or artificial (AI-generated) voice.")));
		}
	}
	return mask;
}

/* ---------- the memo ---------- */

typedef struct cw_memo
{
	MemoryContext cxt;			/* answers and the key's copies; reset on a new key */
	uint64		cache_version;
	TimestampTz at;
	struct varlena *kinds;		/* the kinds argument as given */
	char	   *region;			/* NULL: none */
	uint64		kinds_mask;
	int			n_slots;
	bool	   *done;
	bool	   *isnull;
	Datum	   *value;
	Size	   *size;			/* jsonb answers: their length */
} cw_memo;

/*
 * The memo of this call site for these arguments: reset when any of them or
 * the cache changed since the last call.
 */
static cw_memo *
memo_for(FunctionCallInfo fcinfo, const cw_cache *c, TimestampTz at,
		 struct varlena *kinds_arg, const char *region)
{
	cw_memo    *m = (cw_memo *) fcinfo->flinfo->fn_extra;
	Size		klen = VARSIZE_ANY(kinds_arg);
	MemoryContext old;

	if (m != NULL && m->cache_version == c->version && m->at == at &&
		VARSIZE_ANY(m->kinds) == klen && memcmp(m->kinds, kinds_arg, klen) == 0 &&
		((m->region == NULL && region == NULL) ||
		 (m->region != NULL && region != NULL && strcmp(m->region, region) == 0)))
		return m;

	if (m == NULL)
	{
		m = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(cw_memo));
		m->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "custom_dialing calling window memo",
									   ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = m;
	}
	else
		MemoryContextReset(m->cxt);
	m->cache_version = 0;		/* incomplete until the end */
	/* the kinds are checked before anything is kept */
	m->kinds_mask = kinds_mask(c, DatumGetArrayTypeP(PointerGetDatum(kinds_arg)));
	old = MemoryContextSwitchTo(m->cxt);
	m->kinds = palloc(klen);
	memcpy(m->kinds, kinds_arg, klen);
	m->region = region ? pstrdup(region) : NULL;
	m->at = at;
	m->n_slots = CW_PLACE_KEY0(c) + c->n_places;
	m->done = palloc0(sizeof(bool) * m->n_slots);
	m->isnull = palloc0(sizeof(bool) * m->n_slots);
	m->value = palloc0(sizeof(Datum) * m->n_slots);
	m->size = palloc0(sizeof(Size) * m->n_slots);
	MemoryContextSwitchTo(old);
	m->cache_version = c->version;
	return m;
}

/* ---------- the answer in words ---------- */

static void
append_date(StringInfo buf, cd_day day)
{
	int			y,
				mo,
				d;

	j2date((int) day + POSTGRES_EPOCH_JDATE, &y, &mo, &d);
	appendStringInfo(buf, "%04d-%02d-%02d", y, mo, d);
}

static void
append_local(StringInfo buf, const cd_win_local *l, bool with_time)
{
	int64		s = l->usec_of_day / USECS_PER_SEC;

	appendStringInfo(buf, "%s ", cd_weekday_name(l->weekday));
	append_date(buf, l->day);
	if (with_time)
		appendStringInfo(buf, " %02d:%02d:%02d", (int) (s / 3600), (int) (s / 60 % 60), (int) (s % 60));
}

static void
append_kinds(StringInfo buf, const cw_rule *r)
{
	int			i;

	for (i = 0; i < r->n_kinds; i++)
		appendStringInfo(buf, "%s%s", i == 0 ? "" : (i == r->n_kinds - 1 ? " or " : ", "),
						 r->kind_names[i]);
}

static char *
timestamptz_text(TimestampTz t)
{
	return DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(t)));
}

static void
reason_text(StringInfo buf, const cw_eval *e, const cw_place *p,
			const cd_win_reason *rs, const cd_win_local *locals)
{
	const cw_cache *c = e->c;
	const cw_rule *r = rs->rule >= 0 ? &c->rules[e->rule_ix[rs->rule]] : NULL;

	resetStringInfo(buf);
	switch (rs->why)
	{
		case CD_WHY_FEDERAL:
			append_local(buf, &locals[rs->zone], true);
			appendStringInfo(buf, " in %s is outside the US federal calling window 08:00-21:00 (%s)",
							 p->zones[rs->zone], FEDERAL_CITATION);
			break;
		case CD_WHY_NO_CALLS_DAY:
			append_local(buf, &locals[rs->zone], true);
			appendStringInfo(buf, " in %s: %s allows no ", p->zones[rs->zone], r->region);
			append_kinds(buf, r);
			appendStringInfo(buf, " calls on %s (%s)", r->days, r->citation);
			break;
		case CD_WHY_OUTSIDE_RULE:
			append_local(buf, &locals[rs->zone], true);
			appendStringInfo(buf, " in %s is outside %s's window for ", p->zones[rs->zone], r->region);
			append_kinds(buf, r);
			appendStringInfo(buf, " calls, %.5s-%.5s on %s (%s)",
							 r->start_text, r->end_text, r->days, r->citation);
			break;
		case CD_WHY_HOLIDAY:
			{
				const cw_set *s = &c->sets[rs->set];
				const char *name = "a holiday";
				int			lo = 0,
							hi = s->n - 1;
				cd_day		day = locals[rs->zone].day;

				while (lo <= hi)
				{
					int			mid = (lo + hi) / 2;

					if (s->days[mid] == day)
					{
						name = s->names[mid];
						break;
					}
					if (s->days[mid] < day)
						lo = mid + 1;
					else
						hi = mid - 1;
				}
				append_local(buf, &locals[rs->zone], false);
				appendStringInfo(buf, " in %s is %s (holiday set %s), when %s allows no ",
								 p->zones[rs->zone], name, s->name, r->region);
				append_kinds(buf, r);
				appendStringInfo(buf, " calls (%s)", r->citation);
			}
			break;
		case CD_WHY_BLACKOUT:
			{
				const cw_blackout *b = &c->blackouts[e->blackout_ix[rs->blackout]];

				appendStringInfo(buf, "blackout of %s from %s until %s: %s",
								 b->region ? b->region : "every region",
								 timestamptz_text(b->starts), timestamptz_text(b->ends), b->reason);
			}
			break;
	}
}

static void
json_key(StringInfo buf, const char *key, bool first)
{
	if (!first)
		appendStringInfoString(buf, ", ");
	escape_json(buf, key);
	appendStringInfoString(buf, ": ");
}

static void
json_str_or_null(StringInfo buf, const char *s)
{
	if (s)
		escape_json(buf, s);
	else
		appendStringInfoString(buf, "null");
}

static void
json_timestamptz(StringInfo buf, TimestampTz t, const int *tz)
{
	char		b[MAXDATELEN + 1];

	appendStringInfoChar(buf, '"');
	appendStringInfoString(buf, JsonEncodeDateTime(b, TimestampTzGetDatum(t), TIMESTAMPTZOID, tz));
	appendStringInfoChar(buf, '"');
}

static void
json_rules(StringInfo buf, const cw_eval *e)
{
	int			i,
				k;

	appendStringInfoChar(buf, '[');
	for (i = 0; i < e->n_rules; i++)
	{
		const cw_rule *r = &e->c->rules[e->rule_ix[i]];

		appendStringInfoString(buf, i ? ", {" : "{");
		json_key(buf, "region", true);
		escape_json(buf, r->region);
		json_key(buf, "kinds", false);
		appendStringInfoChar(buf, '[');
		for (k = 0; k < r->n_kinds; k++)
		{
			if (k)
				appendStringInfoString(buf, ", ");
			escape_json(buf, r->kind_names[k]);
		}
		appendStringInfoChar(buf, ']');
		json_key(buf, "days", false);
		escape_json(buf, r->days);
		json_key(buf, "window_start", false);
		json_str_or_null(buf, r->start_text);
		json_key(buf, "window_end", false);
		json_str_or_null(buf, r->end_text);
		json_key(buf, "holiday_set", false);
		json_str_or_null(buf, r->set_name);
		json_key(buf, "citation", false);
		json_str_or_null(buf, r->citation);
		json_key(buf, "strength", false);
		json_str_or_null(buf, r->strength);
		appendStringInfoChar(buf, '}');
	}
	appendStringInfoChar(buf, ']');
}

/* The whole answer of calling_window, as jsonb. */
static Datum
window_answer(const cw_cache *c, const cw_place *p, uint64 kinds, TimestampTz at)
{
	StringInfoData buf;
	StringInfoData why;

	initStringInfo(&buf);
	initStringInfo(&why);
	appendStringInfoChar(&buf, '{');
	if (!p->located)
	{
		json_key(&buf, "allowed", true);
		appendStringInfoString(&buf, "null");
		json_key(&buf, "region", false);
		appendStringInfoString(&buf, "null");
		json_key(&buf, "time_zones", false);
		appendStringInfoString(&buf, "[]");
		json_key(&buf, "local_times", false);
		appendStringInfoString(&buf, "{}");
		json_key(&buf, "reasons", false);
		appendStringInfo(&why, "the callee has no location: area code %03d is %s", p->npa, p->kind);
		appendStringInfoChar(&buf, '[');
		escape_json(&buf, why.data);
		appendStringInfoChar(&buf, ']');
		json_key(&buf, "rules", false);
		appendStringInfoString(&buf, "[]");
		json_key(&buf, "next_allowed_at", false);
		appendStringInfoString(&buf, "null");
	}
	else
	{
		cw_eval		e;
		cd_win_local *locals;
		cd_win_reason rs[CW_MAX_REASONS];
		int			n = 0;
		bool		allowed = false;
		TimestampTz next = 0;
		bool		have_next = false;
		int			i;

		prepare_eval(c, p, kinds, &e);
		locals = palloc0(sizeof(cd_win_local) * Max(p->n_zones, 1));
		if (!cd_win_eval(&e.q, at, &allowed, rs, CW_MAX_REASONS, &n, locals))
			report_out_of_range();
		if (e.regime != CW_UNKNOWN)
		{
			if (allowed)
			{
				next = at;
				have_next = true;
			}
			else
				have_next = search_next(&e, at, &next);
		}

		json_key(&buf, "allowed", true);
		appendStringInfoString(&buf, e.regime == CW_UNKNOWN ? "null" : allowed ? "true" : "false");
		json_key(&buf, "region", false);
		escape_json(&buf, p->region);
		json_key(&buf, "time_zones", false);
		appendStringInfoChar(&buf, '[');
		for (i = 0; i < p->n_zones; i++)
		{
			if (i)
				appendStringInfoString(&buf, ", ");
			escape_json(&buf, p->zones[i]);
		}
		appendStringInfoChar(&buf, ']');
		json_key(&buf, "local_times", false);
		appendStringInfoChar(&buf, '{');
		for (i = 0; i < p->n_zones; i++)
		{
			int			tz = -locals[i].offset_s;

			json_key(&buf, p->zones[i], i == 0);
			json_timestamptz(&buf, at, &tz);
		}
		appendStringInfoChar(&buf, '}');
		json_key(&buf, "reasons", false);
		appendStringInfoChar(&buf, '[');
		if (e.regime == CW_UNKNOWN)
		{
			appendStringInfo(&why, "no calling rules are known for %s (country %s): check the law of the callee's country",
							 p->region, p->country);
			escape_json(&buf, why.data);
		}
		else
		{
			for (i = 0; i < Min(n, CW_MAX_REASONS); i++)
			{
				if (i)
					appendStringInfoString(&buf, ", ");
				reason_text(&why, &e, p, &rs[i], locals);
				escape_json(&buf, why.data);
			}
			if (n > CW_MAX_REASONS)
				appendStringInfo(&buf, ", \"... and %d more\"", n - CW_MAX_REASONS);
		}
		appendStringInfoChar(&buf, ']');
		json_key(&buf, "rules", false);
		json_rules(&buf, &e);
		json_key(&buf, "next_allowed_at", false);
		if (have_next)
			json_timestamptz(&buf, next, NULL);
		else
			appendStringInfoString(&buf, "null");
	}
	appendStringInfoChar(&buf, '}');
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

/* The common arguments of both functions; false when callee is NULL. */
typedef struct cw_args
{
	uint64		national;
	TimestampTz at;
	struct varlena *kinds;
	char	   *region;
} cw_args;

static bool
get_args(FunctionCallInfo fcinfo, const char *at_name, cw_args *a)
{
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", at_name)));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("kinds must not be NULL"),
				 errhint("The default is '{sales}'.")));
	a->at = PG_GETARG_TIMESTAMPTZ(1);
	check_instant(a->at, at_name);
	a->kinds = PG_GETARG_RAW_VARLENA_P(2);
	a->region = PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3));
	if (PG_ARGISNULL(0))
		return false;
	a->national = cd_callee_national(PG_GETARG_TEXT_PP(0));
	return true;
}

Datum
calling_window(PG_FUNCTION_ARGS)
{
	cw_args		a;
	const cw_cache *c;
	cw_memo    *m;
	cw_place	p;
	char	   *copy;

	if (!get_args(fcinfo, "at", &a))
		PG_RETURN_NULL();
	c = cw_cache_get();
	m = memo_for(fcinfo, c, a.at, (struct varlena *) PG_DETOAST_DATUM_PACKED(PointerGetDatum(a.kinds)),
				 a.region);
	call_place(c, a.national, a.region, &p);
	if (p.key < 0 || p.key >= m->n_slots)
		elog(ERROR, "calling_window: place key %d out of range", p.key);
	if (!m->done[p.key])
	{
		Datum		d = window_answer(c, &p, m->kinds_mask, a.at);
		MemoryContext old = MemoryContextSwitchTo(m->cxt);

		m->size[p.key] = VARSIZE(DatumGetPointer(d));
		m->value[p.key] = PointerGetDatum(palloc(m->size[p.key]));
		memcpy(DatumGetPointer(m->value[p.key]), DatumGetPointer(d), m->size[p.key]);
		MemoryContextSwitchTo(old);
		m->done[p.key] = true;
	}
	/* a copy of its own for the caller: the memo's stays intact */
	copy = palloc(m->size[p.key]);
	memcpy(copy, DatumGetPointer(m->value[p.key]), m->size[p.key]);
	PG_RETURN_POINTER(copy);
}

Datum
next_calling_time(PG_FUNCTION_ARGS)
{
	cw_args		a;
	const cw_cache *c;
	cw_memo    *m;
	cw_place	p;

	if (!get_args(fcinfo, "after", &a))
		PG_RETURN_NULL();
	c = cw_cache_get();
	m = memo_for(fcinfo, c, a.at, (struct varlena *) PG_DETOAST_DATUM_PACKED(PointerGetDatum(a.kinds)),
				 a.region);
	call_place(c, a.national, a.region, &p);
	if (p.key < 0 || p.key >= m->n_slots)
		elog(ERROR, "next_calling_time: place key %d out of range", p.key);
	if (!m->done[p.key])
	{
		TimestampTz found = 0;
		bool		isnull = true;

		if (p.located)
		{
			cw_eval		e;

			prepare_eval(c, &p, m->kinds_mask, &e);
			if (e.regime != CW_UNKNOWN && search_next(&e, a.at, &found))
				isnull = false;
			pfree(e.rule_ix);
			pfree(e.rules);
			pfree(e.blackout_ix);
			pfree(e.blackouts);
			pfree(e.tz);
		}
		m->value[p.key] = TimestampTzGetDatum(found);
		m->isnull[p.key] = isnull;
		m->done[p.key] = true;
	}
	if (m->isnull[p.key])
		PG_RETURN_NULL();
	PG_RETURN_DATUM(m->value[p.key]);
}
