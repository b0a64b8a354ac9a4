/*
 * exchanges.c - the exchange-level geography's SQL face: exchanges_from_csv
 * (the parser behind the shipped data and refresh_exchanges),
 * us_e164_locate, and the pick every routing function makes (cd_route_pick
 * refined by the exchange-level nearest step of cd_near.c).
 */
#include "cd_glue.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "pgtime.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/jsonb.h"

PG_FUNCTION_INFO_V1(exchanges_from_csv);
PG_FUNCTION_INFO_V1(us_e164_locate);

/* Problems listed in one error's detail before "... and N more". */
#define CD_CSV_MAX_PROBLEMS 50

static bool
tz_known(const char *name, void *arg)
{
	(void) arg;
	return pg_tzset(name) != NULL;
}

static void
set_text(Datum *values, bool *nulls, int i, const char *s)
{
	if (s == NULL || *s == '\0')
		nulls[i] = true;
	else
		values[i] = CStringGetTextDatum(s);
}

/*
 * exchanges_from_csv(csv text, area_codes text[]) - the rows of an exchange
 * CSV, validated whole first (one 22P02 error listing every bad line).
 * area_codes, when not NULL, are the area codes a row may name (refresh
 * passes the geographic rows of area_codes); NULL skips that rule (the
 * shipped data, and the reload of a stored CSV by pg_restore, whose rows
 * were checked when stored).  NULL csv gives no rows.
 */
Datum
exchanges_from_csv(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *csv;
	bool		geographic[CD_NPA_SLOTS];
	bool		check_area = false;
	cd_alloc	alloc;
	cd_exch_result res;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo->setDesc->natts != 7)
		elog(ERROR, "exchanges_from_csv: result type has %d columns, expected 7",
			 rsinfo->setDesc->natts);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	csv = PG_GETARG_TEXT_PP(0);

	memset(geographic, 0, sizeof(geographic));
	if (!PG_ARGISNULL(1))
	{
		ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
		Datum	   *elems;
		bool	   *enulls;
		int			n;

		check_area = true;
		deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &enulls, &n);
		for (i = 0; i < n; i++)
		{
			text	   *t;
			const char *s;

			if (enulls[i])
				continue;
			t = DatumGetTextPP(elems[i]);
			s = VARDATA_ANY(t);
			if (VARSIZE_ANY_EXHDR(t) == 3 && s[0] >= '2' && s[0] <= '9' &&
				s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9')
				geographic[(s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0')] = true;
		}
	}

	cd_palloc_allocator(&alloc, CurrentMemoryContext);
	if (!cd_exch_csv_parse(VARDATA_ANY(csv), VARSIZE_ANY_EXHDR(csv),
						   check_area ? geographic : NULL, tz_known, NULL,
						   CD_CSV_MAX_PROBLEMS, &alloc, &res))
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory parsing exchange CSV")));
	if (res.n_problems_total > 0)
		cd_report_exch_csv(&res);

	for (i = 0; i < res.n_rows; i++)
	{
		const cd_exch_row *r = &res.rows[i];
		Datum		values[7];
		bool		nulls[7];
		char		code[4];

		CHECK_FOR_INTERRUPTS();
		memset(nulls, 0, sizeof(nulls));
		snprintf(code, sizeof(code), "%03d", r->npa);
		values[0] = CStringGetTextDatum(code);
		snprintf(code, sizeof(code), "%03d", r->nxx);
		values[1] = CStringGetTextDatum(code);
		set_text(values, nulls, 2, r->region);
		set_text(values, nulls, 3, r->place);
		if (r->has_location)
		{
			values[4] = Float8GetDatum(r->lat);
			values[5] = Float8GetDatum(r->lon);
		}
		else
			nulls[4] = nulls[5] = true;
		set_text(values, nulls, 6, r->time_zone);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

const cd_exch_text *
cd_exch_text_of(const cd_geo_cache *gc, uint64 national)
{
	int			e = cd_exch_find(gc->xg, national);

	return e < 0 ? NULL : &gc->exch_text[e];
}

void
cd_pool_pick(const cd_pool_entry *e, const cd_geo_cache *gc, uint64 callee,
			 bool want_km, cd_pick *pick)
{
	cd_route_pick(e->route, callee, pick);
	if (e->near != NULL && pick->rule == CD_RULE_NEAREST)
		cd_near_pick(e->near, &gc->geo, gc->xg, callee, want_km, pick);
}

static void
append_json_str_or_null(StringInfo buf, const char *s)
{
	if (s == NULL || *s == '\0')
		appendStringInfoString(buf, "null");
	else
		escape_json(buf, s);
}

/*
 * us_e164_locate(us_e164) - the best known location of a number:
 * {"area_code", "exchange", "region", "place", "lat", "lon", "time_zones",
 * "precision"}.  precision "exchange": lat/lon are the exchange's point;
 * "area_code": the area code's representative point (the exchange is not
 * known, or known without a point); null: no location (toll-free, 5XX,
 * unassigned...; then only area_code and exchange are set).  region and
 * place come from the exchange when it is known, else from the area code;
 * time_zones is the exchange's zone when it has one, else every zone of
 * the area code.
 */
Datum
us_e164_locate(PG_FUNCTION_ARGS)
{
	uint64		national = cd_callee_national(PG_GETARG_TEXT_PP(0));
	int			npa = (int) (national / 10000000);
	int			nxx = (int) (national / 10000 % 1000);
	const cd_geo_cache *gc = cd_geo_get();
	const cd_area *a = &gc->geo.area[npa];
	const cd_area_text *t = &gc->text[npa];
	const cd_exch_text *x = NULL;
	StringInfoData buf;
	double		lat,
				lon;
	bool		exact = false;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"area_code\": \"%03d\", \"exchange\": \"%03d\"", npa, nxx);
	if (a->kind != CD_KIND_GEOGRAPHIC || !a->has_location ||
		!cd_exch_point(&gc->geo, gc->xg, national, &lat, &lon, &exact))
	{
		appendStringInfoString(&buf, ", \"region\": null, \"place\": null, \"lat\": null,"
							   " \"lon\": null, \"time_zones\": null, \"precision\": null}");
		PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
	}
	x = cd_exch_text_of(gc, national);
	appendStringInfoString(&buf, ", \"region\": ");
	append_json_str_or_null(&buf, x && x->region ? cd_exch_str(gc, x->region) : t->region);
	appendStringInfoString(&buf, ", \"place\": ");
	append_json_str_or_null(&buf, x && x->place ? cd_exch_str(gc, x->place) : t->place);
	appendStringInfo(&buf, ", \"lat\": %s, \"lon\": %s, \"time_zones\": [",
					 float8out_internal(lat), float8out_internal(lon));
	if (x && x->time_zone)
		escape_json(&buf, cd_exch_str(gc, x->time_zone));
	else
		for (int i = 0; i < t->n_zones; i++)
		{
			if (i > 0)
				appendStringInfoString(&buf, ", ");
			escape_json(&buf, t->zones[i]);
		}
	appendStringInfo(&buf, "], \"precision\": \"%s\"}", exact ? "exchange" : "area_code");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}
