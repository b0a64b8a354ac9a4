/*
 * cd_geo.c - area-code geography: distance, kind names, and the row rules
 * of the area-code CSV (the reading itself is cd_csv.c's).  Pure C: no PostgreSQL headers, no malloc (all memory comes
 * from the caller's cd_alloc), nothing that depends on the C locale.
 */
#include "cd_geo.h"

#include <math.h>
#include <string.h>

#include "cd_csv.h"

/* strict C11 <math.h> does not define M_PI */
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define CD_EARTH_RADIUS_KM 6371.0088	/* IUGG mean Earth radius */

static const char *const kind_names[] = {
	"unassigned", "geographic", "toll_free", "non_geographic", "not_area_code"
};

const char *
cd_kind_name(cd_kind k)
{
	if ((int) k < 0 || (size_t) k >= sizeof(kind_names) / sizeof(kind_names[0]))
		return "unassigned";
	return kind_names[k];
}

/*
 * Haversine formula; exact for identical points (0) and numerically stable
 * for small distances.  The argument of asin is clamped to [0,1] so rounding
 * can never produce NaN for antipodal points.
 */
double
cd_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	const double rad = M_PI / 180.0;
	double		dlat = (lat2 - lat1) * rad;
	double		dlon = (lon2 - lon1) * rad;
	double		s1 = sin(dlat / 2.0);
	double		s2 = sin(dlon / 2.0);
	double		h = s1 * s1 + cos(lat1 * rad) * cos(lat2 * rad) * s2 * s2;

	if (h > 1.0)
		h = 1.0;
	if (h < 0.0)
		h = 0.0;
	return 2.0 * CD_EARTH_RADIUS_KM * asin(sqrt(h));
}

/* ---------- the area-code CSV ---------- */

/*
 * The row rule.  Each data record with 12 fields is checked field by field;
 * it becomes a row when its npa is valid and not a duplicate, whatever else
 * is wrong with it, so the overlay checks (a second pass over the rows,
 * since an overlay may name a later row) refer to every area code the file
 * defines.  Rows are therefore only meaningful when the file has no
 * problems.  Beyond the checks listed in cd_geo.h, it also rejects empty
 * entries in the space-separated lists (leading, trailing or doubled
 * spaces) and an overlay listed twice.
 */

#define QUOTE_BUF CD_CSV_QUOTE_BUF
#define NPA_BITMAP_BYTES ((CD_NPA_SLOTS + 7) / 8)

/* The valid overlays a row lists, as a list and as a bitmap for lookups. */
typedef struct overlay_set
{
	int			n;
	uint16_t   *list;
	uint8_t		bits[NPA_BITMAP_BYTES];
} overlay_set;

typedef struct csv_ctx
{
	cd_csv_reader *rd;			/* set for each row */
	cd_csv_result *out;
	int			cap_rows;
	overlay_set *sets;			/* parallel to out->rows */
	int			first_line[CD_NPA_SLOTS];	/* line defining each npa, 0 if
											 * none yet */
	int			row_of[CD_NPA_SLOTS];	/* index into out->rows, -1 if none */
} csv_ctx;


/* Returns the kind a name denotes, or CD_KIND_UNASSIGNED if none. */
static cd_kind
parse_kind(const char *s, size_t len)
{
	static const cd_kind kinds[] = {
		CD_KIND_GEOGRAPHIC, CD_KIND_TOLL_FREE, CD_KIND_NON_GEOGRAPHIC,
		CD_KIND_NOT_AREA_CODE
	};
	size_t		i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
	{
		if (cd_csv_equals(s, len, cd_kind_name(kinds[i])))
			return kinds[i];
	}
	return CD_KIND_UNASSIGNED;
}

/* Column indexes */
enum
{
	COL_NPA, COL_COUNTRY, COL_REGION, COL_PLACE, COL_LAT, COL_LON,
	COL_TIME_ZONE, COL_TIME_ZONES, COL_OVERLAYS, COL_KIND, COL_IN_SERVICE,
	COL_NOTE
};

/*
 * Checks lat or lon; on success stores the value and returns true.  A
 * non-geographic row must leave it empty; a row of unknown kind is only
 * checked for syntax and range.
 */
static bool
check_coordinate(csv_ctx *cx, int line, const char *name, double limit,
				 const char *s, size_t len, bool kind_known, cd_kind kind,
				 double *value)
{
	char		q[QUOTE_BUF];

	cd_csv_quote(q, s, len);
	if (len == 0)
	{
		if (kind_known && kind == CD_KIND_GEOGRAPHIC)
			cd_csv_problemf(cx->rd, line, "geographic row has no %s", name);
		return false;
	}
	if (kind_known && kind != CD_KIND_GEOGRAPHIC)
	{
		cd_csv_problemf(cx->rd, line, "%s row has %s %s", cd_kind_name(kind), name, q);
		return false;
	}
	if (!cd_csv_parse_decimal(s, len, value))
	{
		cd_csv_problemf(cx->rd, line, "%s %s is not a number", name, q);
		return false;
	}
	if (*value < -limit || *value > limit)
	{
		cd_csv_problemf(cx->rd, line, "%s %s is not between %d and %d", name, q,
				-(int) limit, (int) limit);
		return false;
	}
	return true;
}

static void
check_zones(csv_ctx *cx, int line, const char *tz, size_t tzlen,
			const char *tzs, size_t tzslen, bool kind_known, cd_kind kind)
{
	char		q[QUOTE_BUF];
	char		q2[QUOTE_BUF];
	size_t		pos = 0,
				start,
				elen;
	bool		empty_reported = false;
	bool		first = true;
	bool		tz_is_first = false;

	if (kind_known && kind != CD_KIND_GEOGRAPHIC)
	{
		if (tzlen > 0)
		{
			cd_csv_quote(q, tz, tzlen);
			cd_csv_problemf(cx->rd, line, "%s row has time_zone %s", cd_kind_name(kind), q);
		}
		if (tzslen > 0)
		{
			cd_csv_quote(q, tzs, tzslen);
			cd_csv_problemf(cx->rd, line, "%s row has time_zones %s", cd_kind_name(kind), q);
		}
		return;
	}

	if (kind_known && tzlen == 0)
		cd_csv_problemf(cx->rd, line, "geographic row has no time_zone");
	else if (kind_known && tzslen == 0)
		cd_csv_problemf(cx->rd, line, "geographic row has no time_zones");

	while (cd_csv_next_entry(tzs, tzslen, &pos, &start, &elen))
	{
		if (first)
		{
			tz_is_first = (tzlen > 0 && elen == tzlen &&
						   memcmp(tzs + start, tz, tzlen) == 0);
			if (!tz_is_first && tzlen > 0)
			{
				cd_csv_quote(q, tzs, tzslen);
				cd_csv_quote(q2, tz, tzlen);
				cd_csv_problemf(cx->rd, line, "time_zones %s does not start with time_zone %s",
						q, q2);
			}
			first = false;
		}
		if (elen == 0)
		{
			if (!empty_reported)
			{
				cd_csv_quote(q, tzs, tzslen);
				cd_csv_problemf(cx->rd, line, "time_zones %s has an empty entry", q);
			}
			empty_reported = true;
		}
		else
			cd_csv_check_zone(cx->rd, line, tzs + start, elen);
	}
	/* time_zone is asked about here unless it was as the first entry */
	if (tzlen > 0 && !tz_is_first)
		cd_csv_check_zone(cx->rd, line, tz, tzlen);
}

/*
 * Checks the overlays field's syntax, self-reference, duplicates and count;
 * collects the valid entries into set (when set is not NULL, i.e. the row
 * is kept).  Existence and symmetry need the whole file: see
 * check_overlay_links.
 */
static void
check_overlays(csv_ctx *cx, int line, const char *q_npa, int npa,
			   const char *s, size_t len, overlay_set *set)
{
	char		q[QUOTE_BUF];
	uint8_t		seen[NPA_BITMAP_BYTES];
	size_t		pos = 0,
				start,
				elen;
	size_t		n_entries = 0;
	bool		empty_reported = false;

	if (len == 0)
		return;
	memset(seen, 0, sizeof(seen));
	if (set != NULL)
	{
		size_t		max_entries = len / 4 + 1;	/* "NNN " each */

		set->list = cd_csv_alloc(cx->rd, max_entries, sizeof(uint16_t));
		if (set->list == NULL)
			return;
	}

	while (cd_csv_next_entry(s, len, &pos, &start, &elen))
	{
		int			o;

		if (elen == 0)
		{
			if (!empty_reported)
			{
				cd_csv_quote(q, s, len);
				cd_csv_problemf(cx->rd, line, "overlays %s has an empty entry", q);
			}
			empty_reported = true;
			continue;
		}
		n_entries++;
		cd_csv_quote(q, s + start, elen);
		o = cd_csv_parse_npa(s + start, elen);
		if (o < 0)
		{
			cd_csv_problemf(cx->rd, line, "overlay %s of %s is not three digits starting with 2-9",
					q, q_npa);
			continue;
		}
		if (o == npa)
		{
			cd_csv_problemf(cx->rd, line, "%s lists itself as an overlay", q_npa);
			continue;
		}
		if (seen[o / 8] & (1u << (o % 8)))
		{
			cd_csv_problemf(cx->rd, line, "overlay %s of %s is listed twice", q, q_npa);
			continue;
		}
		seen[o / 8] |= (uint8_t) (1u << (o % 8));
		if (set != NULL)
		{
			set->list[set->n++] = (uint16_t) o;
			set->bits[o / 8] |= (uint8_t) (1u << (o % 8));
		}
	}
	if (n_entries > CD_MAX_OVERLAYS)
		cd_csv_problemf(cx->rd, line, "%s lists %zu overlays, more than %d",
				q_npa, n_entries, CD_MAX_OVERLAYS);
}

/* Appends a row, growing the array; NULL when out of memory. */
static cd_csv_row *
new_row(csv_ctx *cx)
{
	cd_csv_result *out = cx->out;

	if (out->n_rows == cx->cap_rows)
	{
		/* at most one row per npa, so this stops at CD_NPA_SLOTS */
		int			cap = cx->cap_rows == 0 ? 64 : cx->cap_rows * 2;
		cd_csv_row *nr;
		overlay_set *ns;

		if (cap > CD_NPA_SLOTS)
			cap = CD_NPA_SLOTS;
		nr = cd_csv_alloc(cx->rd, (size_t) cap, sizeof(cd_csv_row));
		ns = cd_csv_alloc(cx->rd, (size_t) cap, sizeof(overlay_set));
		if (nr == NULL || ns == NULL)
			return NULL;
		if (out->n_rows > 0)
		{
			memcpy(nr, out->rows, (size_t) out->n_rows * sizeof(cd_csv_row));
			memcpy(ns, cx->sets, (size_t) out->n_rows * sizeof(overlay_set));
		}
		out->rows = nr;
		cx->sets = ns;
		cx->cap_rows = cap;
	}
	return &out->rows[out->n_rows++];
}

/* Checks one data record that has exactly CD_CSV_COLUMNS fields. */
static void
check_row(cd_csv_reader *rd, int line, char **v, const size_t *l, void *arg)
{
	csv_ctx    *cx = arg;
	char		q_npa[QUOTE_BUF];
	char		q[QUOTE_BUF];
	int			npa;
	cd_kind		kind;
	bool		kind_known;
	bool		in_service = false;
	bool		has_lat,
				has_lon;
	double		lat = 0.0,
				lon = 0.0;
	cd_csv_row *row = NULL;
	overlay_set *set = NULL;

	cx->rd = rd;
	cd_csv_quote(q_npa, v[COL_NPA], l[COL_NPA]);
	npa = cd_csv_parse_npa(v[COL_NPA], l[COL_NPA]);
	if (npa < 0)
		cd_csv_problemf(cx->rd, line, "npa %s is not three digits starting with 2-9", q_npa);
	else if (cx->first_line[npa] != 0)
		cd_csv_problemf(cx->rd, line, "duplicate npa %s (first on line %d)", q_npa,
				cx->first_line[npa]);
	else
	{
		cx->first_line[npa] = line;
		row = new_row(cx);
		if (row == NULL)
			return;
		cx->row_of[npa] = cx->out->n_rows - 1;
		set = &cx->sets[cx->out->n_rows - 1];
	}

	kind = parse_kind(v[COL_KIND], l[COL_KIND]);
	kind_known = (kind != CD_KIND_UNASSIGNED);
	if (!kind_known)
	{
		cd_csv_quote(q, v[COL_KIND], l[COL_KIND]);
		cd_csv_problemf(cx->rd, line,
				"kind %s is not geographic, toll_free, non_geographic or not_area_code",
				q);
	}

	if (cd_csv_equals(v[COL_IN_SERVICE], l[COL_IN_SERVICE], "true"))
		in_service = true;
	else if (!cd_csv_equals(v[COL_IN_SERVICE], l[COL_IN_SERVICE], "false"))
	{
		cd_csv_quote(q, v[COL_IN_SERVICE], l[COL_IN_SERVICE]);
		cd_csv_problemf(cx->rd, line, "in_service %s is not true or false", q);
	}

	has_lat = check_coordinate(cx, line, "lat", 90.0, v[COL_LAT], l[COL_LAT],
							   kind_known, kind, &lat);
	has_lon = check_coordinate(cx, line, "lon", 180.0, v[COL_LON], l[COL_LON],
							   kind_known, kind, &lon);
	check_zones(cx, line, v[COL_TIME_ZONE], l[COL_TIME_ZONE],
				v[COL_TIME_ZONES], l[COL_TIME_ZONES], kind_known, kind);
	check_overlays(cx, line, q_npa, npa, v[COL_OVERLAYS], l[COL_OVERLAYS], set);

	if (row != NULL)
	{
		row->line = line;
		row->npa = npa;
		row->country = v[COL_COUNTRY];
		row->region = v[COL_REGION];
		row->place = v[COL_PLACE];
		row->has_location = has_lat && has_lon;
		row->lat = row->has_location ? lat : 0.0;
		row->lon = row->has_location ? lon : 0.0;
		row->time_zone = v[COL_TIME_ZONE];
		row->time_zones = v[COL_TIME_ZONES];
		row->overlays = v[COL_OVERLAYS];
		row->kind = kind;
		row->in_service = in_service;
		row->note = v[COL_NOTE];
	}
}

/* Second pass: every overlay must be a row of the file that lists us back. */
static void
check_overlay_links(csv_ctx *cx)
{
	const cd_csv_result *out = cx->out;
	int			i,
				j;

	for (i = 0; i < out->n_rows; i++)
	{
		const cd_csv_row *row = &out->rows[i];
		const overlay_set *set = &cx->sets[i];

		for (j = 0; j < set->n; j++)
		{
			int			o = set->list[j];
			int			r = cx->row_of[o];

			if (r < 0)
				cd_csv_problemf(cx->rd, row->line, "overlay \"%03d\" of \"%03d\" is not in the file",
						o, row->npa);
			else if (!(cx->sets[r].bits[row->npa / 8] & (1u << (row->npa % 8))))
				cd_csv_problemf(cx->rd, row->line,
						"overlay \"%03d\" of \"%03d\" does not list \"%03d\" back",
						o, row->npa, row->npa);
		}
	}
}

static const char *const area_columns[CD_CSV_COLUMNS] = {
	"npa", "country", "region", "place", "lat", "lon", "time_zone",
	"time_zones", "overlays", "kind", "in_service", "note"
};

static const cd_csv_format area_format = {
	CD_CSV_HEADER, CD_CSV_COLUMNS, area_columns, "area codes", check_row
};

bool
cd_csv_parse(const char *text, size_t len,
			 cd_tz_known_fn tz_known, void *tz_arg,
			 int max_problems,
			 const cd_alloc *alloc, cd_csv_result *out)
{
	csv_ctx    *cx;
	bool		ok;
	int			i;

	memset(out, 0, sizeof(*out));
	cx = cd_zalloc(alloc, sizeof(csv_ctx));
	if (cx == NULL)
		return false;
	cx->out = out;
	for (i = 0; i < CD_NPA_SLOTS; i++)
		cx->row_of[i] = -1;

	ok = cd_csv_read(text, len, &area_format, cx, tz_known, tz_arg,
					 max_problems, alloc, &out->problems, &out->n_problems,
					 &out->n_problems_total);
	/* the overlay links need a reader to report through: any row's */
	if (ok && cx->rd != NULL)
	{
		check_overlay_links(cx);
		ok = !cd_csv_oom(cx->rd);
	}
	if (!ok)
	{
		memset(out, 0, sizeof(*out));
		return false;
	}
	return true;
}

void
cd_geo_from_rows(cd_geo *geo, const cd_csv_row *rows, int n_rows)
{
	int			i;

	memset(geo, 0, sizeof(*geo));
	for (i = 0; i < n_rows; i++)
	{
		const cd_csv_row *r = &rows[i];
		cd_area    *a;
		const char *s = r->overlays;
		size_t		len,
					pos = 0,
					start,
					elen;

		if (r->npa < 0 || r->npa >= CD_NPA_SLOTS)
			continue;
		a = &geo->area[r->npa];
		a->kind = (uint8_t) r->kind;
		a->has_location = r->has_location && r->kind == CD_KIND_GEOGRAPHIC;
		if (a->has_location)
		{
			a->lat = r->lat;
			a->lon = r->lon;
		}
		if (s == NULL)
			continue;
		len = strlen(s);
		while (a->n_overlays < CD_MAX_OVERLAYS &&
			   cd_csv_next_entry(s, len, &pos, &start, &elen))
		{
			int			o = cd_csv_parse_npa(s + start, elen);

			if (o >= 0)
				a->overlays[a->n_overlays++] = (uint16_t) o;
		}
	}
}
