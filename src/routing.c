/*
 * routing.c - the routing functions: pick_pool_number, explain_pool_pick,
 * pool_coverage, and the trigger that tells every session's cache that a
 * pool or the geography changed.  The decision itself is cd_route_pick,
 * refined at exchange precision by cd_near_pick (cd_pool_pick).
 */
#include "cd_glue.h"

#include <math.h>

#include "commands/trigger.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/inval.h"
#include "utils/json.h"
#include "utils/jsonb.h"

PG_FUNCTION_INFO_V1(pick_pool_number);
PG_FUNCTION_INFO_V1(explain_pool_pick);
PG_FUNCTION_INFO_V1(pool_coverage);
PG_FUNCTION_INFO_V1(invalidate_routing_cache);

/*
 * Per-call-site memo: the entry of the last pool asked for, and the role
 * that was allowed to use it (owner_roles) under which binding generation.
 */
typedef struct pick_memo
{
	pg_uuid_t	id;
	const cd_pool_entry *entry;
	uint64		epoch;
	Oid			role;
	uint64		binding_gen;
} pick_memo;

/*
 * The pool's entry for this call.  Invalidation messages are taken in first
 * (a statement that locks nothing would otherwise not see another session's
 * committed change); when nothing changed since the last call at this call
 * site, the pool and the current user are the same, the memo answers
 * without a hash lookup.  A pool whose owner the current user may not act
 * for (owner_roles) raises exactly as a missing one.
 */
static const cd_pool_entry *
pool_for_call(FunctionCallInfo fcinfo, const pg_uuid_t *id)
{
	pick_memo  *m = (pick_memo *) fcinfo->flinfo->fn_extra;
	const cd_pool_entry *e;
	Oid			role = GetUserId();
	uint64		epoch;

	AcceptInvalidationMessages();
	if (m != NULL && m->epoch == cd_cache_epoch &&
		memcmp(m->id.data, id->data, UUID_LEN) == 0 &&
		m->role == role && m->binding_gen == cd_binding_gen &&
		cd_pool_entry_usable(m->entry))
		return m->entry;

	e = cd_pool_get(id);
	epoch = cd_cache_epoch;		/* before the binding check, which may read */
	if (!cd_binding_allows(&e->owner_id))
		cd_report_pool_missing(id);
	if (m == NULL)
	{
		m = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(pick_memo));
		fcinfo->flinfo->fn_extra = m;
	}
	m->id = *id;
	m->entry = e;
	m->epoch = epoch;
	m->role = role;
	/* a binding read in parallel mode holds for its query only */
	m->binding_gen = cd_binding_cacheable() ? cd_binding_gen : 0;
	return e;
}

/*
 * The pool's entry and the geography it was built on, for callers that show
 * area-code names next to a decision.  Looking up one can reload the other
 * (taking in an invalidation frees the old geography), so both are fetched
 * until they agree.
 */
static void
pool_and_geography(FunctionCallInfo fcinfo, const pg_uuid_t *id,
				   const cd_pool_entry **e, const cd_geo_cache **gc)
{
	for (;;)
	{
		*e = pool_for_call(fcinfo, id);
		*gc = cd_geo_get();
		if ((*gc)->version == (*e)->geo_version)
			return;
	}
}

Datum
pick_pool_number(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *id = PG_GETARG_UUID_P(0);
	uint64		callee = cd_callee_national(PG_GETARG_TEXT_PP(1));
	const cd_pool_entry *e = pool_for_call(fcinfo, id);
	cd_pick		pick;

	/* the entry was just validated, so the geography is the one it was built on */
	cd_pool_pick(e, cd_geo_current(), callee, false, &pick);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(e->numbers + (Size) pick.index * CD_E164_LEN,
											  CD_E164_LEN));
}

static void
append_json_str_or_null(StringInfo buf, const char *s)
{
	if (s == NULL || *s == '\0')
		appendStringInfoString(buf, "null");
	else
		escape_json(buf, s);
}

static void
append_json_float(StringInfo buf, double v)
{
	if (isnan(v) || isinf(v))
		appendStringInfoString(buf, "null");
	else
		appendStringInfoString(buf, float8out_internal(v));
}

static void
append_area(StringInfo buf, const cd_geo_cache *gc, int npa, bool with_tz)
{
	const cd_area_text *t = &gc->text[npa];

	appendStringInfo(buf, "{\"area_code\": \"%03d\", \"region\": ", npa);
	append_json_str_or_null(buf, t->region);
	appendStringInfoString(buf, ", \"place\": ");
	append_json_str_or_null(buf, t->place);
	if (with_tz)
	{
		appendStringInfoString(buf, ", \"time_zone\": ");
		append_json_str_or_null(buf, t->time_zone);
	}
	appendStringInfoChar(buf, '}');
}

/*
 * The callee's place: {"area_code", "exchange", "region", "place",
 * "time_zone"}, region, place and zone from its exchange when the exchange
 * is known (and has them), else from its area code.
 */
static void
append_callee(StringInfo buf, const cd_geo_cache *gc, uint64 callee)
{
	int			npa = (int) (callee / 10000000);
	const cd_area_text *t = &gc->text[npa];
	const cd_exch_text *x = cd_exch_text_of(gc, callee);

	appendStringInfo(buf, "{\"area_code\": \"%03d\", \"exchange\": \"%03d\", \"region\": ",
					 npa, (int) (callee / 10000 % 1000));
	append_json_str_or_null(buf, x && x->region ? cd_exch_str(gc, x->region) : t->region);
	appendStringInfoString(buf, ", \"place\": ");
	append_json_str_or_null(buf, x && x->place ? cd_exch_str(gc, x->place) : t->place);
	appendStringInfoString(buf, ", \"time_zone\": ");
	append_json_str_or_null(buf, x && x->time_zone ? cd_exch_str(gc, x->time_zone) : t->time_zone);
	appendStringInfoChar(buf, '}');
}

Datum
explain_pool_pick(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *id = PG_GETARG_UUID_P(0);
	uint64		callee = cd_callee_national(PG_GETARG_TEXT_PP(1));
	const cd_pool_entry *e;
	const cd_geo_cache *gc;
	cd_pick		pick;
	StringInfoData buf;
	double		lat,
				lon;
	bool		exact;

	pool_and_geography(fcinfo, id, &e, &gc);

	cd_pool_pick(e, gc, callee, true, &pick);
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"number\": \"%.*s\", \"rule\": \"%s\", \"distance_km\": ",
					 CD_E164_LEN, e->numbers + (Size) pick.index * CD_E164_LEN,
					 cd_rule_name(pick.rule));
	append_json_float(&buf, pick.distance_km);
	appendStringInfo(&buf, ", \"candidates\": %d, \"callee\": ", pick.candidates);
	append_callee(&buf, gc, callee);
	appendStringInfoString(&buf, ", \"precision\": ");
	if (!cd_exch_point(&gc->geo, gc->xg, callee, &lat, &lon, &exact))
		appendStringInfoString(&buf, "null");
	else
		appendStringInfoString(&buf, exact ? "\"exchange\"" : "\"area_code\"");
	appendStringInfoString(&buf, ", \"chosen\": ");
	append_area(&buf, gc, pick.chosen_npa, false);
	appendStringInfoChar(&buf, '}');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/*
 * One row per geographic area code: what a callee there (represented by the
 * number NPA-555-0100) would get.
 */
Datum
pool_coverage(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	pg_uuid_t  *id = PG_GETARG_UUID_P(0);
	const cd_pool_entry *e;
	const cd_geo_cache *gc;
	int			npa;

	InitMaterializedSRF(fcinfo, 0);
	pool_and_geography(fcinfo, id, &e, &gc);
	for (npa = 200; npa < CD_NPA_SLOTS; npa++)
	{
		const cd_area *a = &gc->geo.area[npa];
		const cd_area_text *t = &gc->text[npa];
		cd_pick		pick;
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};
		char		code[4];

		CHECK_FOR_INTERRUPTS();
		if (a->kind != CD_KIND_GEOGRAPHIC || !a->has_location)
			continue;
		cd_pool_pick(e, gc, (uint64) npa * 10000000 + 5550100, true, &pick);
		snprintf(code, sizeof(code), "%03d", npa);
		values[0] = CStringGetTextDatum(code);
		values[1] = CStringGetTextDatum(t->region ? t->region : "");
		values[2] = CStringGetTextDatum(t->place ? t->place : "");
		values[3] = PointerGetDatum(cstring_to_text_with_len(e->numbers + (Size) pick.index * CD_E164_LEN,
															 CD_E164_LEN));
		values[4] = CStringGetTextDatum(cd_rule_name(pick.rule));
		if (isnan(pick.distance_km))
			nulls[5] = true;
		else
			values[5] = Float8GetDatum(pick.distance_km);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * Row (and TRUNCATE) trigger on dialing_pools and area_codes: queue a
 * relcache invalidation of the table, which every session (and every hot
 * standby, through the commit record) processes after commit, and this
 * session at the end of the command; the routing cache's callback then knows
 * to look again.  Invalidations of one table within a command are merged, so
 * a trigger per row costs little.
 */
Datum
invalidate_routing_cache(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("invalidate_routing_cache() must be called as a trigger")));
	CacheInvalidateRelcache(td->tg_relation);
	return PointerGetDatum(NULL);
}
