/*
 * fuzz_csv.c - libFuzzer target for cd_csv_parse and cd_geo_from_rows.
 *
 * Properties checked on every input:
 *   - the parse succeeds (the allocator never fails here);
 *   - at most max_problems are kept, sorted by line, every line between 0
 *     and the number of lines of the input, every message a non-empty
 *     printable UTF-8 string;
 *   - a parse keeping fewer problems finds the same total and keeps a
 *     prefix of the longer list;
 *   - every row has an npa in 200..999, no npa twice, rows in line order;
 *   - when the file has no problems, the geography built from it is
 *     consistent: overlays symmetric and present, geographic codes located
 *     inside the coordinate ranges.
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

#include "cd_geo.h"

#include "fuzz_common.h"

static bool
lists(const cd_area *a, int npa)
{
	int			i;

	for (i = 0; i < a->n_overlays; i++)
	{
		if (a->overlays[i] == npa)
			return true;
	}
	return false;
}

#define MAX_KEPT 64

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = malloc(size ? size : 1);
	cd_csv_result full;
	cd_csv_result small;
	int			small_max = (int) (size % 5);	/* 0..4 */
	int			lines = 1;
	bool		ok;
	int			i;

	if (text == NULL)
		return 0;
	if (size)
		memcpy(text, data, size);
	for (size_t k = 0; k < size; k++)
		lines += (data[k] == '\n');

	ok = cd_csv_parse(text, size, tz_known, NULL, MAX_KEPT, &arena, &full);
	assert(ok);
	assert(full.n_problems >= 0 && full.n_problems <= MAX_KEPT);
	assert(full.n_problems <= full.n_problems_total);
	assert(full.n_problems == full.n_problems_total || full.n_problems == MAX_KEPT);
	assert(full.n_problems == 0 || full.problems != NULL);
	for (i = 0; i < full.n_problems; i++)
	{
		const cd_csv_problem *p = &full.problems[i];

		assert(p->line >= 0 && p->line <= lines);
		assert(i == 0 || full.problems[i - 1].line <= p->line);
		assert(memchr(p->message, '\0', sizeof(p->message)) != NULL);
		assert(p->message[0] != '\0');
		assert(printable_utf8(p->message));
	}

	assert(full.n_rows >= 0 && full.n_rows <= 800);
	{
		bool		seen[CD_NPA_SLOTS] = {false};

		for (i = 0; i < full.n_rows; i++)
		{
			const cd_csv_row *r = &full.rows[i];

			assert(r->npa >= 200 && r->npa <= 999);
			assert(!seen[r->npa]);
			seen[r->npa] = true;
			assert(r->line >= 2 && r->line <= lines);
			assert(i == 0 || full.rows[i - 1].line < r->line);
			assert(r->country && r->region && r->place && r->time_zone &&
				   r->time_zones && r->overlays && r->note);
			if (r->has_location)
				assert(isfinite(r->lat) && isfinite(r->lon) &&
					   fabs(r->lat) <= 90.0 && fabs(r->lon) <= 180.0);
		}
	}

	/* the same input keeping fewer problems */
	ok = cd_csv_parse(text, size, tz_known, NULL, small_max, &arena, &small);
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

	if (full.n_problems_total == 0)
	{
		cd_geo	   *geo = malloc(sizeof(cd_geo));
		int			n;

		assert(geo != NULL);
		assert(full.n_rows > 0);
		cd_geo_from_rows(geo, full.rows, full.n_rows);
		for (n = 0; n < CD_NPA_SLOTS; n++)
		{
			const cd_area *a = &geo->area[n];
			int			j;

			assert(n >= 200 || a->kind == CD_KIND_UNASSIGNED);
			assert(a->has_location == (a->kind == CD_KIND_GEOGRAPHIC));
			if (a->has_location)
				assert(fabs(a->lat) <= 90.0 && fabs(a->lon) <= 180.0);
			assert(a->n_overlays <= CD_MAX_OVERLAYS);
			for (j = 0; j < a->n_overlays; j++)
			{
				const cd_area *o = &geo->area[a->overlays[j]];

				assert(a->overlays[j] != n);
				assert(o->kind != CD_KIND_UNASSIGNED);
				assert(lists(o, n));
			}
		}
		free(geo);
	}

	arena_free_all();
	free(text);
	return 0;
}
