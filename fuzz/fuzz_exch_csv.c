/*
 * fuzz_exch_csv.c - libFuzzer target for cd_exch_csv_parse (the exchange
 * CSV's row rules over the shared reading of cd_csv.c) and
 * cd_exch_geo_build.
 *
 * Properties checked on every input:
 *   - the parse succeeds (the allocator never fails here);
 *   - at most max_problems are kept, sorted by line, every line between 0
 *     and the number of lines of the input, every message a non-empty
 *     printable UTF-8 string;
 *   - a parse keeping fewer problems finds the same total and keeps a
 *     prefix of the longer list; without the area-code rule it finds no
 *     more problems;
 *   - every row has npa and nxx in 200..999, no pair twice, rows in line
 *     order, coordinates in range;
 *   - when the file has no problems, the lookup built from it finds every
 *     row of a located area code at its own index, with its point.
 * The input is copied into an exact-size heap buffer, and every allocation
 * is its own malloc block, so AddressSanitizer catches overruns; all blocks
 * are freed after each run.
 */
#undef NDEBUG					/* the properties are asserts */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cd_exch.h"

#include "fuzz_common.h"

#define MAX_KEPT 64

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = malloc(size ? size : 1);
	cd_exch_result full;
	cd_exch_result small;
	cd_exch_result norule;
	int			small_max = (int) (size % 5);	/* 0..4 */
	int			lines = 1;
	bool		geographic[CD_NPA_SLOTS];
	bool		ok;
	int			i;

	if (text == NULL)
		return 0;
	if (size)
		memcpy(text, data, size);
	for (size_t k = 0; k < size; k++)
		lines += (data[k] == '\n');
	/* area codes whose last digit is not 9 are geographic */
	for (i = 0; i < CD_NPA_SLOTS; i++)
		geographic[i] = i >= 200 && i % 10 != 9;

	ok = cd_exch_csv_parse(text, size, geographic, tz_known, NULL, MAX_KEPT, &arena, &full);
	assert(ok);
	assert(full.n_problems >= 0 && full.n_problems <= MAX_KEPT);
	assert(full.n_problems <= full.n_problems_total);
	assert(full.n_problems == full.n_problems_total || full.n_problems == MAX_KEPT);
	for (i = 0; i < full.n_problems; i++)
	{
		const cd_csv_problem *p = &full.problems[i];

		assert(p->line >= 0 && p->line <= lines);
		assert(i == 0 || full.problems[i - 1].line <= p->line);
		assert(memchr(p->message, '\0', sizeof(p->message)) != NULL);
		assert(p->message[0] != '\0');
		assert(printable_utf8(p->message));
	}
	{
		static bool seen[CD_NPA_SLOTS][CD_NPA_SLOTS];

		memset(seen, 0, sizeof(seen));
		for (i = 0; i < full.n_rows; i++)
		{
			const cd_exch_row *r = &full.rows[i];

			assert(r->npa >= 200 && r->npa <= 999 && r->nxx >= 200 && r->nxx <= 999);
			assert(!seen[r->npa][r->nxx]);
			seen[r->npa][r->nxx] = true;
			assert(r->line >= 2 && r->line <= lines);
			assert(i == 0 || full.rows[i - 1].line < r->line);
			assert(r->region && r->place && r->time_zone && r->source);
			if (r->has_location)
				assert(isfinite(r->lat) && isfinite(r->lon) &&
					   fabs(r->lat) <= 90.0 && fabs(r->lon) <= 180.0);
		}
	}

	ok = cd_exch_csv_parse(text, size, geographic, tz_known, NULL, small_max, &arena, &small);
	assert(ok);
	assert(small.n_problems_total == full.n_problems_total);
	assert(small.n_problems == (full.n_problems_total < small_max ?
								full.n_problems_total : small_max));
	assert(small.n_rows == full.n_rows);
	for (i = 0; i < small.n_problems; i++)
	{
		assert(small.problems[i].line == full.problems[i].line);
		assert(strcmp(small.problems[i].message, full.problems[i].message) == 0);
	}
	ok = cd_exch_csv_parse(text, size, NULL, tz_known, NULL, MAX_KEPT, &arena, &norule);
	assert(ok);
	assert(norule.n_problems_total <= full.n_problems_total);
	assert(norule.n_rows == full.n_rows);

	if (full.n_problems_total == 0)
	{
		cd_geo	   *geo = calloc(1, sizeof(cd_geo));
		cd_exch_entry *e = malloc(sizeof(cd_exch_entry) * (size_t) (full.n_rows > 0 ? full.n_rows : 1));
		cd_exch_geo *xg;

		assert(geo != NULL && e != NULL);
		assert(full.n_rows > 0);
		/* even area codes located at (npa/20, -npa/10) */
		for (i = 200; i < CD_NPA_SLOTS; i += 2)
		{
			geo->area[i].kind = CD_KIND_GEOGRAPHIC;
			geo->area[i].has_location = true;
			geo->area[i].lat = i / 20.0;
			geo->area[i].lon = -i / 10.0;
		}
		for (i = 0; i < full.n_rows; i++)
		{
			e[i].npa = (uint16_t) full.rows[i].npa;
			e[i].nxx = (uint16_t) full.rows[i].nxx;
			e[i].has_location = full.rows[i].has_location;
			e[i].lat = full.rows[i].lat;
			e[i].lon = full.rows[i].lon;
		}
		xg = cd_exch_geo_build(geo, e, full.n_rows, &arena);
		assert(xg != NULL);
		for (i = 0; i < full.n_rows; i++)
		{
			uint64_t	nat = (uint64_t) e[i].npa * 10000000u + (uint64_t) e[i].nxx * 10000u + 1234u;
			double		lat,
						lon;
			bool		exact;

			if (e[i].npa % 2 != 0)
			{
				assert(cd_exch_find(xg, nat) == -1);
				continue;
			}
			assert(cd_exch_find(xg, nat) == i);
			assert(cd_exch_point(geo, xg, nat, &lat, &lon, &exact));
			assert(exact == e[i].has_location);
			if (exact)
				assert(lat == e[i].lat && lon == e[i].lon);
			assert(xg->radius_km[e[i].npa] >= 0.0);
		}
		free(e);
		free(geo);
	}

	arena_free_all();
	free(text);
	return 0;
}
