/*
 * cd_geo.h - North American area-code geography: the in-memory table the
 * routing reads, great-circle distance, and the parser/validator of the
 * area-code CSV (the format of data/nanp_area_codes.csv; the reading shared
 * with the exchange file is cd_csv.c's, the row rules are here).  Pure C.
 */
#ifndef CD_GEO_H
#define CD_GEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cd_alloc.h"
#include "cd_csv.h"

#define CD_NPA_SLOTS 1000		/* area codes are indexed by their value */
#define CD_MAX_OVERLAYS 16		/* overlays one area code may list */

typedef enum cd_kind
{
	CD_KIND_UNASSIGNED = 0,		/* not in the table */
	CD_KIND_GEOGRAPHIC,
	CD_KIND_TOLL_FREE,
	CD_KIND_NON_GEOGRAPHIC,
	CD_KIND_NOT_AREA_CODE
} cd_kind;

/* Text names of the kinds, as in the CSV and in us_e164_kind(). */
extern const char *cd_kind_name(cd_kind k);

/* One area code as the routing sees it. */
typedef struct cd_area
{
	uint8_t		kind;			/* cd_kind */
	bool		has_location;	/* geographic, with lat/lon */
	uint8_t		n_overlays;
	double		lat;			/* degrees */
	double		lon;
	uint16_t	overlays[CD_MAX_OVERLAYS];
} cd_area;

/* The whole geography: area[npa] for npa 0..999. */
typedef struct cd_geo
{
	cd_area		area[CD_NPA_SLOTS];
} cd_geo;

/* Great-circle distance in km on a sphere of radius 6371.0088 km (haversine). */
extern double cd_distance_km(double lat1, double lon1, double lat2, double lon2);

/* ---------- CSV ---------- */

/* The exact header line the CSV must start with. */
#define CD_CSV_HEADER "npa,country,region,place,lat,lon,time_zone,time_zones,overlays,kind,in_service,note"
#define CD_CSV_COLUMNS 12

/* One parsed row; strings are NUL-terminated, allocated through the cd_alloc. */
typedef struct cd_csv_row
{
	int			line;			/* 1-based physical line where the record starts */
	int			npa;			/* 200..999 */
	char	   *country;		/* "" when empty */
	char	   *region;
	char	   *place;
	bool		has_location;	/* lat and lon present */
	double		lat;
	double		lon;
	char	   *time_zone;		/* "" when none */
	char	   *time_zones;		/* space-separated, primary first */
	char	   *overlays;		/* space-separated NPAs */
	cd_kind		kind;
	bool		in_service;
	char	   *note;
} cd_csv_row;

typedef struct cd_csv_result
{
	cd_csv_row *rows;			/* in file order */
	int			n_rows;
	cd_csv_problem *problems;	/* in line order; at most max_problems kept */
	int			n_problems;		/* kept */
	int			n_problems_total;	/* found, may exceed n_problems */
} cd_csv_result;

/*
 * Parses and validates a whole CSV text (RFC 4180 quoting, \n or \r\n line
 * ends, UTF-8; an optional final newline).  Checks: exact header; 12 fields a
 * row; npa three digits starting 2-9; no duplicate npa; kind one of the five
 * names (not "unassigned"); in_service "true"/"false"; a geographic row has
 * lat in [-90,90], lon in [-180,180], a time_zone, time_zones starting with
 * time_zone, every zone known (tz_known); a non-geographic row has no
 * lat/lon/time_zone; overlays are NPAs that exist in the file, not the row's
 * own, each listing this row back; at most CD_MAX_OVERLAYS.
 * Returns false on out-of-memory only; validation problems are reported in
 * out->problems (the file is valid when n_problems_total == 0).
 */
extern bool cd_csv_parse(const char *text, size_t len,
						 cd_tz_known_fn tz_known, void *tz_arg,
						 int max_problems,
						 const cd_alloc *alloc, cd_csv_result *out);

/*
 * Fills geo from parsed rows (geo is zeroed first): kind, location,
 * overlays.  Rows must come from a cd_csv_parse with no problems.
 */
extern void cd_geo_from_rows(cd_geo *geo, const cd_csv_row *rows, int n_rows);

#endif							/* CD_GEO_H */
