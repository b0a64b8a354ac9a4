/*
 * area_codes.c - the geography's SQL face: area_codes_from_csv (the parser
 * behind the shipped data and refresh_area_codes) and within_calling_hours
 * (which also reads the exchanges' zones, see exchanges.c).
 */
#include "cd_glue.h"

#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "funcapi.h"
#include "pgtime.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(area_codes_from_csv);
PG_FUNCTION_INFO_V1(within_calling_hours);

/* Problems listed in one error's detail before "... and N more". */
#define CD_CSV_MAX_PROBLEMS 50

static bool
tz_known(const char *name, void *arg)
{
	(void) arg;
	return pg_tzset(name) != NULL;
}

/* A space-separated list as a text[] ('{}' when empty). */
static Datum
words_to_array(const char *s)
{
	ArrayBuildState *st = initArrayResult(TEXTOID, CurrentMemoryContext, false);

	while (*s)
	{
		const char *end;

		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		end = s;
		while (*end && *end != ' ')
			end++;
		accumArrayResult(st, PointerGetDatum(cstring_to_text_with_len(s, (int) (end - s))),
						 false, TEXTOID, CurrentMemoryContext);
		s = end;
	}
	return makeArrayResult(st, CurrentMemoryContext);
}

static void
set_text(Datum *values, bool *nulls, int i, const char *s)
{
	if (s == NULL || *s == '\0')
		nulls[i] = true;
	else
		values[i] = CStringGetTextDatum(s);
}

Datum
area_codes_from_csv(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *csv = PG_GETARG_TEXT_PP(0);
	cd_alloc	alloc;
	cd_csv_result res;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo->setDesc->natts != 12)
		elog(ERROR, "area_codes_from_csv: result type has %d columns, expected 12",
			 rsinfo->setDesc->natts);

	cd_palloc_allocator(&alloc, CurrentMemoryContext);
	memset(&res, 0, sizeof(res));
	if (!cd_csv_parse(VARDATA_ANY(csv), VARSIZE_ANY_EXHDR(csv), tz_known, NULL,
					  CD_CSV_MAX_PROBLEMS, &alloc, &res))
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory parsing area-code CSV")));
	if (res.n_problems_total > 0)
		cd_report_csv(&res);

	for (i = 0; i < res.n_rows; i++)
	{
		const cd_csv_row *r = &res.rows[i];
		Datum		values[12];
		bool		nulls[12];
		char		npa[4];

		CHECK_FOR_INTERRUPTS();
		memset(nulls, 0, sizeof(nulls));
		snprintf(npa, sizeof(npa), "%03d", r->npa);
		values[0] = CStringGetTextDatum(npa);
		set_text(values, nulls, 1, r->country);
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
		values[7] = words_to_array(r->time_zones ? r->time_zones : "");
		values[8] = words_to_array(r->overlays ? r->overlays : "");
		values[9] = CStringGetTextDatum(cd_kind_name(r->kind));
		values[10] = BoolGetDatum(r->in_service);
		set_text(values, nulls, 11, r->note);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * True when the local time at "at" is in [window_start, window_end) in the
 * time zone of the callee's exchange when the exchanges table gives one,
 * else in every time zone the callee's area code spans; NULL when the area
 * code has no location.
 */
Datum
within_calling_hours(PG_FUNCTION_ARGS)
{
	text	   *callee = PG_GETARG_TEXT_PP(0);
	TimestampTz at = PG_GETARG_TIMESTAMPTZ(1);
	TimeADT		ws = PG_GETARG_TIMEADT(2);
	TimeADT		we = PG_GETARG_TIMEADT(3);
	uint64		national = cd_callee_national(callee);
	int			npa = (int) (national / 10000000);
	const cd_geo_cache *gc;
	const cd_area_text *t;
	const cd_exch_text *x;
	const char *exch_zone[1];
	const char *const *zones;
	int			n_zones;
	int			i;

	if (ws >= we)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calling window start %s is not before its end %s",
						DatumGetCString(DirectFunctionCall1(time_out, TimeADTGetDatum(ws))),
						DatumGetCString(DirectFunctionCall1(time_out, TimeADTGetDatum(we)))),
				 errdetail("The window is [window_start, window_end) in local time and cannot span midnight.")));
	if (TIMESTAMP_NOT_FINITE(at))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("cannot check calling hours at an infinite time")));

	gc = cd_geo_get();
	t = &gc->text[npa];
	if (!gc->geo.area[npa].has_location || t->n_zones == 0)
		PG_RETURN_NULL();
	/* the exchange's zone when it has one (version 1.1), else every zone */
	x = cd_exch_text_of(gc, national);
	if (x != NULL && x->time_zone != 0)
	{
		exch_zone[0] = cd_exch_str(gc, x->time_zone);
		zones = exch_zone;
		n_zones = 1;
	}
	else
	{
		zones = (const char *const *) t->zones;
		n_zones = t->n_zones;
	}
	for (i = 0; i < n_zones; i++)
	{
		pg_tz	   *tz = pg_tzset(zones[i]);
		struct pg_tm tm;
		fsec_t		fsec;
		int			tzoff;
		TimeADT		local;

		if (tz == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time zone \"%s\" of area code \"%03d\" is not known to this server",
							zones[i], npa)));
		if (timestamp2tm(at, &tzoff, &tm, &fsec, NULL, tz) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("timestamp out of range")));
		local = (((tm.tm_hour * MINS_PER_HOUR) + tm.tm_min) * SECS_PER_MINUTE + tm.tm_sec)
			* USECS_PER_SEC + fsec;
		if (local < ws || local >= we)
			PG_RETURN_BOOL(false);
	}
	PG_RETURN_BOOL(true);
}
