/*
 * cd_exch.h - exchange-level (NPA-NXX) geography: the row rules of the
 * exchange CSV (the format of data/nanp_exchanges.csv; the reading is
 * cd_csv.c's), and the in-memory lookup of an exchange's point the routing
 * and the calling hours use.  Pure C.
 */
#ifndef CD_EXCH_H
#define CD_EXCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cd_alloc.h"
#include "cd_csv.h"
#include "cd_geo.h"

#define CD_EXCH_CSV_HEADER "npa,nxx,region,place,lat,lon,time_zone,source"
#define CD_EXCH_CSV_COLUMNS 8

/* One parsed row; strings NUL-terminated, "" when empty, allocated through the cd_alloc. */
typedef struct cd_exch_row
{
	int			line;			/* 1-based physical line where the record starts */
	int			npa;			/* 200..999 */
	int			nxx;			/* 200..999 */
	char	   *region;
	char	   *place;
	bool		has_location;	/* lat and lon present */
	double		lat;
	double		lon;
	char	   *time_zone;
	char	   *source;
} cd_exch_row;

typedef struct cd_exch_result
{
	cd_exch_row *rows;			/* in file order */
	int			n_rows;
	cd_csv_problem *problems;	/* in line order; at most max_problems kept */
	int			n_problems;
	int			n_problems_total;
} cd_exch_result;

/*
 * Parses and validates a whole exchange CSV (same reading as cd_csv_parse).
 * A row is valid when it has the 8 fields of the exact header; npa is three
 * digits starting 2-9 and, when geographic is not NULL, geographic[npa] is
 * true (the area code is a geographic row of the area-code table); nxx is
 * three digits starting 2-9; the pair npa, nxx is not repeated; lat and lon
 * are both empty or both numbers, lat in [-90,90], lon in [-180,180];
 * time_zone is empty or known (tz_known).  region, place and source are
 * free text.  Returns false on out-of-memory only; problems are in
 * out->problems (the file is valid when n_problems_total == 0).
 */
extern bool cd_exch_csv_parse(const char *text, size_t len, const bool *geographic,
							  cd_tz_known_fn tz_known, void *tz_arg,
							  int max_problems, const cd_alloc *alloc,
							  cd_exch_result *out);

/* ---------- the lookup ---------- */

/* One exchange as the glue hands it to cd_exch_geo_build. */
typedef struct cd_exch_entry
{
	uint16_t	npa;
	uint16_t	nxx;
	bool		has_location;
	double		lat;
	double		lon;
} cd_exch_entry;

/*
 * The exchanges in force: only those whose area code is a located
 * geographic area code of the geography they were built with (others are
 * dormant: kept in the table, unused, until their area code is back).
 */
typedef struct cd_exch_geo
{
	int			n;				/* entries given (active or not) */
	int			n_active;
	int			n_points;		/* active entries with a location */
	int32_t		block[CD_NPA_SLOTS];	/* -1, or this area code's first slot */
	int32_t    *slot;			/* 1000 per area code that has exchanges:
								 * entry index or -1 */
	double	   *lat;			/* by entry; NaN when no location */
	double	   *lon;
	double	   *unit;			/* by entry, 3 each: the point as a unit
								 * vector (x, y, z), for distance ordering
								 * without trigonometry */
	double		area_unit[CD_NPA_SLOTS][3];	/* the same for area codes */
	double		radius_km[CD_NPA_SLOTS];	/* farthest exchange point from
											 * the area code's point */
} cd_exch_geo;

/*
 * Builds the lookup from n entries (any order, no pair twice); entry
 * indexes are kept, so the caller can keep text for them in parallel.
 * NULL when out of memory.
 */
extern cd_exch_geo *cd_exch_geo_build(const cd_geo *geo, const cd_exch_entry *entries,
									  int n, const cd_alloc *alloc);

/* The active exchange of a 10-digit national number: entry index, or -1. */
extern int	cd_exch_find(const cd_exch_geo *xg, uint64_t national);

/*
 * The best known point of a number: its exchange's (*exact true), else its
 * area code's (*exact false).  False when neither is located.  xg may be
 * NULL (area-code precision only).
 */
extern bool cd_exch_point(const cd_geo *geo, const cd_exch_geo *xg, uint64_t national,
						  double *lat, double *lon, bool *exact);

/*
 * The same point as a unit vector (v[0..2]); the squared distance between
 * two such vectors (the squared chord) orders points like the great-circle
 * distance does.
 */
extern bool cd_exch_unit(const cd_geo *geo, const cd_exch_geo *xg, uint64_t national,
						 const double **v, bool *exact);

/* Unit vector of a point given in degrees. */
extern void cd_unit_vector(double lat, double lon, double v[3]);

/* Bytes allocated for the lookup (for reports). */
extern size_t cd_exch_geo_bytes(const cd_exch_geo *xg);

#endif							/* CD_EXCH_H */
