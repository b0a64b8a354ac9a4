/*
 * cd_exch.c - exchange-level geography: the row rules of the exchange CSV
 * and the lookup of an exchange's point.  Pure C: no PostgreSQL headers, no
 * malloc (all memory comes from the caller's cd_alloc).
 */
#include "cd_exch.h"

#include <math.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define QUOTE_BUF CD_CSV_QUOTE_BUF
#define NXX_SLOTS 1000

/* ---------- the exchange CSV ---------- */

enum
{
	COL_NPA, COL_NXX, COL_REGION, COL_PLACE, COL_LAT, COL_LON, COL_TIME_ZONE,
	COL_SOURCE
};

static const char *const exch_columns[CD_EXCH_CSV_COLUMNS] = {
	"npa", "nxx", "region", "place", "lat", "lon", "time_zone", "source"
};

typedef struct exch_ctx
{
	cd_exch_result *out;
	const bool *geographic;
	int			cap_rows;
	int		   *first_line[CD_NPA_SLOTS];	/* per area code, by nxx: line
											 * defining it, 0 if none yet;
											 * allocated on first use */
} exch_ctx;

/* Appends a row, growing the array; NULL when out of memory. */
static cd_exch_row *
new_row(cd_csv_reader *rd, exch_ctx *cx)
{
	cd_exch_result *out = cx->out;

	if (out->n_rows == cx->cap_rows)
	{
		int			cap = cx->cap_rows == 0 ? 256 : cx->cap_rows * 2;
		cd_exch_row *nr;

		/* at most one row per pair, so this stops at CD_NPA_SLOTS * NXX_SLOTS */
		if (cap > CD_NPA_SLOTS * NXX_SLOTS)
			cap = CD_NPA_SLOTS * NXX_SLOTS;
		nr = cd_csv_alloc(rd, (size_t) cap, sizeof(cd_exch_row));
		if (nr == NULL)
			return NULL;
		if (out->n_rows > 0)
			memcpy(nr, out->rows, (size_t) out->n_rows * sizeof(cd_exch_row));
		out->rows = nr;
		cx->cap_rows = cap;
	}
	return &out->rows[out->n_rows++];
}

/* lat or lon: a number in [-limit, limit]; false (reported) otherwise. */
static bool
check_coordinate(cd_csv_reader *rd, int line, const char *name, double limit,
				 const char *s, size_t len, double *value)
{
	char		q[QUOTE_BUF];

	cd_csv_quote(q, s, len);
	if (!cd_csv_parse_decimal(s, len, value))
	{
		cd_csv_problemf(rd, line, "%s %s is not a number", name, q);
		return false;
	}
	if (*value < -limit || *value > limit)
	{
		cd_csv_problemf(rd, line, "%s %s is not between %d and %d", name, q,
						-(int) limit, (int) limit);
		return false;
	}
	return true;
}

/*
 * The row rule.  A record becomes a row when its npa and nxx are valid and
 * the pair is new, whatever else is wrong with it (rows are only meaningful
 * when the file has no problems).
 */
static void
check_row(cd_csv_reader *rd, int line, char **v, const size_t *l, void *arg)
{
	exch_ctx   *cx = arg;
	char		q_npa[QUOTE_BUF];
	char		q_nxx[QUOTE_BUF];
	int			npa = cd_csv_parse_npa(v[COL_NPA], l[COL_NPA]);
	int			nxx = cd_csv_parse_npa(v[COL_NXX], l[COL_NXX]);
	bool		has_lat = l[COL_LAT] > 0;
	bool		has_lon = l[COL_LON] > 0;
	double		lat = 0.0,
				lon = 0.0;
	bool		location = false;
	cd_exch_row *row;

	cd_csv_quote(q_npa, v[COL_NPA], l[COL_NPA]);
	cd_csv_quote(q_nxx, v[COL_NXX], l[COL_NXX]);
	if (npa < 0)
		cd_csv_problemf(rd, line, "npa %s is not three digits starting with 2-9", q_npa);
	else if (cx->geographic != NULL && !cx->geographic[npa])
		cd_csv_problemf(rd, line, "area code %s is not a geographic area code of area_codes",
						q_npa);
	if (nxx < 0)
		cd_csv_problemf(rd, line, "nxx %s is not three digits starting with 2-9", q_nxx);

	if (has_lat != has_lon)
		cd_csv_problemf(rd, line, "row has %s but no %s",
						has_lat ? "lat" : "lon", has_lat ? "lon" : "lat");
	else if (has_lat)
	{
		bool		ok_lat = check_coordinate(rd, line, "lat", 90.0, v[COL_LAT], l[COL_LAT], &lat);
		bool		ok_lon = check_coordinate(rd, line, "lon", 180.0, v[COL_LON], l[COL_LON], &lon);

		location = ok_lat && ok_lon;
	}
	if (l[COL_TIME_ZONE] > 0)
		cd_csv_check_zone(rd, line, v[COL_TIME_ZONE], l[COL_TIME_ZONE]);

	if (npa < 0 || nxx < 0)
		return;
	if (cx->first_line[npa] == NULL)
	{
		cx->first_line[npa] = cd_csv_alloc(rd, NXX_SLOTS, sizeof(int));
		if (cx->first_line[npa] == NULL)
			return;
	}
	if (cx->first_line[npa][nxx] != 0)
	{
		cd_csv_problemf(rd, line, "duplicate exchange %s-%s (first on line %d)",
						v[COL_NPA], v[COL_NXX], cx->first_line[npa][nxx]);
		return;
	}
	cx->first_line[npa][nxx] = line;
	row = new_row(rd, cx);
	if (row == NULL)
		return;
	row->line = line;
	row->npa = npa;
	row->nxx = nxx;
	row->region = v[COL_REGION];
	row->place = v[COL_PLACE];
	row->has_location = location;
	row->lat = location ? lat : 0.0;
	row->lon = location ? lon : 0.0;
	row->time_zone = v[COL_TIME_ZONE];
	row->source = v[COL_SOURCE];
}

static const cd_csv_format exch_format = {
	CD_EXCH_CSV_HEADER, CD_EXCH_CSV_COLUMNS, exch_columns, "exchanges", check_row
};

bool
cd_exch_csv_parse(const char *text, size_t len, const bool *geographic,
				  cd_tz_known_fn tz_known, void *tz_arg,
				  int max_problems, const cd_alloc *alloc,
				  cd_exch_result *out)
{
	exch_ctx   *cx;

	memset(out, 0, sizeof(*out));
	cx = cd_zalloc(alloc, sizeof(exch_ctx));
	if (cx == NULL)
		return false;
	cx->out = out;
	cx->geographic = geographic;
	if (!cd_csv_read(text, len, &exch_format, cx, tz_known, tz_arg,
					 max_problems, alloc, &out->problems, &out->n_problems,
					 &out->n_problems_total))
	{
		memset(out, 0, sizeof(*out));
		return false;
	}
	return true;
}

/* ---------- the lookup ---------- */

static inline bool
npa_located(const cd_geo *geo, int npa)
{
	return npa >= 200 && npa < CD_NPA_SLOTS &&
		geo->area[npa].kind == CD_KIND_GEOGRAPHIC && geo->area[npa].has_location;
}

cd_exch_geo *
cd_exch_geo_build(const cd_geo *geo, const cd_exch_entry *entries, int n,
				  const cd_alloc *alloc)
{
	cd_exch_geo *xg = cd_zalloc(alloc, sizeof(cd_exch_geo));
	int			n_blocks = 0;
	int			i;

	if (xg == NULL || n < 0)
		return NULL;
	for (i = 0; i < CD_NPA_SLOTS; i++)
		xg->block[i] = -1;
	for (i = 0; i < n; i++)
	{
		int			npa = entries[i].npa;

		if (npa_located(geo, npa) && entries[i].nxx < NXX_SLOTS &&
			xg->block[npa] < 0)
			xg->block[npa] = (int32_t) (n_blocks++ * NXX_SLOTS);
	}
	xg->n = n;
	xg->slot = cd_zalloc(alloc, (size_t) (n_blocks > 0 ? n_blocks : 1) * NXX_SLOTS * sizeof(int32_t));
	xg->lat = cd_zalloc(alloc, (size_t) (n > 0 ? n : 1) * sizeof(double));
	xg->lon = cd_zalloc(alloc, (size_t) (n > 0 ? n : 1) * sizeof(double));
	xg->unit = cd_zalloc(alloc, (size_t) (n > 0 ? n : 1) * 3 * sizeof(double));
	if (xg->slot == NULL || xg->lat == NULL || xg->lon == NULL || xg->unit == NULL)
		return NULL;
	for (i = 0; i < CD_NPA_SLOTS; i++)
		if (npa_located(geo, i))
			cd_unit_vector(geo->area[i].lat, geo->area[i].lon, xg->area_unit[i]);
	for (i = 0; i < n_blocks * NXX_SLOTS; i++)
		xg->slot[i] = -1;
	for (i = 0; i < n; i++)
	{
		const cd_exch_entry *e = &entries[i];
		int			npa = e->npa;

		xg->lat[i] = NAN;
		xg->lon[i] = NAN;
		if (!npa_located(geo, npa) || e->nxx >= NXX_SLOTS)
			continue;			/* dormant */
		xg->slot[xg->block[npa] + e->nxx] = i;
		xg->n_active++;
		if (e->has_location && isfinite(e->lat) && isfinite(e->lon))
		{
			double		d = cd_distance_km(geo->area[npa].lat, geo->area[npa].lon,
										   e->lat, e->lon);

			xg->lat[i] = e->lat;
			xg->lon[i] = e->lon;
			cd_unit_vector(e->lat, e->lon, xg->unit + (size_t) i * 3);
			xg->n_points++;
			if (d > xg->radius_km[npa])
				xg->radius_km[npa] = d;
		}
	}
	return xg;
}

int
cd_exch_find(const cd_exch_geo *xg, uint64_t national)
{
	int			npa,
				nxx;

	if (xg == NULL || national > UINT64_C(9999999999))
		return -1;
	npa = (int) (national / 10000000);
	nxx = (int) (national / 10000 % 1000);
	if (xg->block[npa] < 0)
		return -1;
	return xg->slot[xg->block[npa] + nxx];
}

bool
cd_exch_point(const cd_geo *geo, const cd_exch_geo *xg, uint64_t national,
			  double *lat, double *lon, bool *exact)
{
	int			npa;
	int			e;

	if (national > UINT64_C(9999999999))
		return false;
	npa = (int) (national / 10000000);
	if (!npa_located(geo, npa))
		return false;
	e = cd_exch_find(xg, national);
	if (e >= 0 && !isnan(xg->lat[e]))
	{
		*lat = xg->lat[e];
		*lon = xg->lon[e];
		*exact = true;
		return true;
	}
	*lat = geo->area[npa].lat;
	*lon = geo->area[npa].lon;
	*exact = false;
	return true;
}

void
cd_unit_vector(double lat, double lon, double v[3])
{
	const double rad = M_PI / 180.0;
	double		cl = cos(lat * rad);

	v[0] = cl * cos(lon * rad);
	v[1] = cl * sin(lon * rad);
	v[2] = sin(lat * rad);
}

bool
cd_exch_unit(const cd_geo *geo, const cd_exch_geo *xg, uint64_t national,
			 const double **v, bool *exact)
{
	int			npa;
	int			e;

	if (xg == NULL || national > UINT64_C(9999999999))
		return false;
	npa = (int) (national / 10000000);
	if (!npa_located(geo, npa))
		return false;
	e = cd_exch_find(xg, national);
	if (e >= 0 && !isnan(xg->lat[e]))
	{
		*v = xg->unit + (size_t) e * 3;
		*exact = true;
		return true;
	}
	*v = xg->area_unit[npa];
	*exact = false;
	return true;
}

size_t
cd_exch_geo_bytes(const cd_exch_geo *xg)
{
	int			n_blocks = 0;
	int			i;

	if (xg == NULL)
		return 0;
	for (i = 0; i < CD_NPA_SLOTS; i++)
		n_blocks += xg->block[i] >= 0;
	return sizeof(cd_exch_geo) + (size_t) (n_blocks > 0 ? n_blocks : 1) * NXX_SLOTS * sizeof(int32_t) +
		(size_t) (xg->n > 0 ? xg->n : 1) * 5 * sizeof(double);
}
