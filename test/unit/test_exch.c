/*
 * test_exch.c - unit tests of the exchange-level geography: the exchange
 * CSV's row rules (cd_exch.c, over the reading of cd_csv.c), the point
 * lookup, and the exchange-level nearest step (cd_near.c) checked against a
 * brute-force reference over every pool number.
 *
 * Usage: test_exch [nanp_exchanges.csv [nanp_area_codes.csv]]; the default
 * paths are relative to the repository root, where the tests are run from.
 */
#define _POSIX_C_SOURCE 200809L

#include "cd_test.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "cd_exch.h"
#include "cd_geo.h"
#include "cd_near.h"
#include "cd_route.h"

#define DEFAULT_EXCH_CSV "data/nanp_exchanges.csv"
#define DEFAULT_AREA_CSV "data/nanp_area_codes.csv"
#define HEADER CD_EXCH_CSV_HEADER "\n"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* A zone is known when it is a regular file under /usr/share/zoneinfo (name checked first). */
static bool
tz_known_file(const char *name, void *arg)
{
	char		path[512];
	struct stat st;
	const char *p;

	(void) arg;
	if (name[0] < 'A' || name[0] > 'Z' || strlen(name) > 200 || strstr(name, ".."))
		return false;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '_' || *p == '+' || *p == '-' || *p == '/'))
			return false;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static char *
read_file(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf;
	long		n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = test_zalloc((size_t) n + 1, NULL);
	if (fread(buf, 1, (size_t) n, f) != (size_t) n)
		n = 0;
	fclose(f);
	*len = (size_t) n;
	return buf;
}

/* ---------- parsing ---------- */

static cd_exch_result res;
static bool parse_ok;
static bool geographic[CD_NPA_SLOTS];

static void
dump_problems(void)
{
	int			i;

	printf("#   %d problem(s), %d kept:\n", res.n_problems_total, res.n_problems);
	for (i = 0; i < res.n_problems; i++)
		printf("#     line %d: %s\n", res.problems[i].line, res.problems[i].message);
}

static void
parse_with(const char *text, const bool *geo_rule, int max_problems)
{
	parse_ok = cd_exch_csv_parse(text, strlen(text), geo_rule, tz_known_file, NULL,
								 max_problems, &test_alloc, &res);
}

static void
expect_only(const char *name, const char *text, int line, const char *msg)
{
	bool		good;

	parse_with(text, geographic, 100);
	good = parse_ok && res.n_problems_total == 1 && res.n_problems == 1 &&
		res.problems[0].line == line && strcmp(res.problems[0].message, msg) == 0;
	CHECK(good, "%s: line %d: %s", name, line, msg);
	if (!good)
		dump_problems();
}

static void
test_valid_forms(void)
{
	int			i;

	memset(geographic, 0, sizeof(geographic));
	geographic[201] = geographic[850] = geographic[907] = true;

	parse_with(HEADER
			   "201,200,NJ,Jersey City,40.7282,-74.0776,America/New_York,geonames\n"
			   "850,215,FL,\"Panama City, Bay\",30.1595,-85.6598,America/Chicago,geonames\n"
			   "907,200,AK,Remote,,,,none\n"
			   "907,201,AK,Somewhere,,,America/Adak,none",
			   geographic, 10);
	CHECK(parse_ok && res.n_problems_total == 0 && res.n_rows == 4,
		  "four valid rows, quoted comma, no final newline");
	if (res.n_rows == 4)
	{
		CHECK(res.rows[0].npa == 201 && res.rows[0].nxx == 200 && res.rows[0].has_location &&
			  fabs(res.rows[0].lat - 40.7282) < 1e-12 && fabs(res.rows[0].lon + 74.0776) < 1e-12,
			  "first row's fields");
		CHECK(strcmp(res.rows[1].place, "Panama City, Bay") == 0 &&
			  strcmp(res.rows[1].time_zone, "America/Chicago") == 0, "quoted place unquoted");
		CHECK(!res.rows[2].has_location && res.rows[2].time_zone[0] == '\0' &&
			  strcmp(res.rows[2].source, "none") == 0, "a row without point or zone");
		CHECK(strcmp(res.rows[3].time_zone, "America/Adak") == 0 && res.rows[3].line == 5,
			  "zone without point; line numbers");
	}
	parse_with(CD_EXCH_CSV_HEADER "\r\n201,200,NJ,X,1,2,,\r\n", geographic, 10);
	CHECK(parse_ok && res.n_problems_total == 0 && res.n_rows == 1, "CRLF line ends");
	parse_with(HEADER "999,200,,,,,,\n", NULL, 10);
	CHECK(parse_ok && res.n_problems_total == 0 && res.n_rows == 1,
		  "without the area-code rule any area code is accepted");
	for (i = 0; i < CD_NPA_SLOTS; i++)
		geographic[i] = (i == 201 || i == 850 || i == 907);
}

static void
test_problems(void)
{
	expect_only("empty file", "", 0, "the file is empty");
	expect_only("header only", HEADER, 0, "the file has no exchanges");
	expect_only("wrong header", "npa,nxx,region,place,lat,lon,time_zone\n201,200,,,,,,\n", 1,
				"the first line is not the header \"" CD_EXCH_CSV_HEADER "\"");
	expect_only("seven fields", HEADER "201,200,,,,,\n", 2, "row has 7 fields, expected 8");
	expect_only("bad npa", HEADER "2011,200,,,,,,\n", 2,
				"npa \"2011\" is not three digits starting with 2-9");
	expect_only("npa starting with 1", HEADER "120,200,,,,,,\n", 2,
				"npa \"120\" is not three digits starting with 2-9");
	expect_only("not geographic", HEADER "800,200,,,,,,\n", 2,
				"area code \"800\" is not a geographic area code of area_codes");
	expect_only("bad nxx", HEADER "201,100,,,,,,\n", 2,
				"nxx \"100\" is not three digits starting with 2-9");
	expect_only("nxx letters", HEADER "201,2a0,,,,,,\n", 2,
				"nxx \"2a0\" is not three digits starting with 2-9");
	expect_only("duplicate", HEADER "201,200,,,,,,\n850,210,,,,,,\n201,200,,,,,,\n", 4,
				"duplicate exchange 201-200 (first on line 2)");
	expect_only("lat without lon", HEADER "201,200,,,40.1,,,\n", 2, "row has lat but no lon");
	expect_only("lon without lat", HEADER "201,200,,,,-74,,\n", 2, "row has lon but no lat");
	expect_only("lat range", HEADER "201,200,,,90.5,-74,,\n", 2,
				"lat \"90.5\" is not between -90 and 90");
	expect_only("lon range", HEADER "201,200,,,40,-180.01,,\n", 2,
				"lon \"-180.01\" is not between -180 and 180");
	expect_only("lon not a number", HEADER "201,200,,,40,1e2,,\n", 2, "lon \"1e2\" is not a number");
	expect_only("nan", HEADER "201,200,,,nan,1,,\n", 2, "lat \"nan\" is not a number");
	expect_only("unknown zone", HEADER "201,200,,,,,Mars/Olympus,\n", 2,
				"unknown time zone \"Mars/Olympus\"");
	expect_only("zone with a space", HEADER "201,200,,,,,America/New York,\n", 2,
				"unknown time zone \"America/New York\"");
	expect_only("empty line", HEADER "201,200,,,,,,\n\n850,210,,,,,,\n", 3, "empty line");
	expect_only("stray quote", HEADER "201,200,,a\"b,,,,\n", 2, "quote inside an unquoted field");
	expect_only("bom", "\xEF\xBB\xBF" HEADER "201,200,,,,,,\n", 1,
				"the file starts with a UTF-8 byte order mark");
	expect_only("invalid utf-8", HEADER "201,200,,\xC3\x28,,,,\n", 2, "line is not valid UTF-8");

	/* every problem of a bad row, and of every bad row, in line order */
	parse_with(HEADER "201,200,,,,,,\n800,1x0,,,91,,Nowhere,\n201,200,,,,,,\n", geographic, 100);
	CHECK(parse_ok && res.n_problems_total == 5 && res.n_problems == 5 &&
		  res.problems[0].line == 3 && res.problems[4].line == 4,
		  "five problems over two lines, in line order");
	if (res.n_problems_total != 5)
		dump_problems();

	/* kept problems are the first ones by line */
	parse_with(HEADER "100,200,,,,,,\n101,200,,,,,,\n102,200,,,,,,\n103,200,,,,,,\n", geographic, 2);
	CHECK(parse_ok && res.n_problems_total == 4 && res.n_problems == 2 &&
		  res.problems[0].line == 2 && res.problems[1].line == 3, "at most max_problems kept, the first");
	CHECK(res.n_rows == 0, "bad rows are not rows");
}

/* An allocator that fails after a given number of allocations. */
static int	fail_after;

static void *
failing_zalloc(size_t size, void *arg)
{
	(void) arg;
	if (fail_after-- <= 0)
		return NULL;
	return test_zalloc(size, NULL);
}

static void
test_out_of_memory(void)
{
	const cd_alloc failing = {failing_zalloc, NULL};
	const char *t = HEADER "201,200,,,,,,\n850,210,,,,,,\n201,200,,,,,,\n";
	bool		ok;
	int			k;
	bool		all_clean = true;

	for (k = 0; k < 12; k++)
	{
		fail_after = k;
		ok = cd_exch_csv_parse(t, strlen(t), geographic, tz_known_file, NULL, 3, &failing, &res);
		if (!ok && (res.n_rows != 0 || res.n_problems != 0 || res.rows != NULL))
			all_clean = false;
	}
	CHECK(all_clean, "out of memory at any allocation: false and an empty result");
	fail_after = 1000;
	ok = cd_exch_csv_parse(t, strlen(t), geographic, tz_known_file, NULL, 3, &failing, &res);
	CHECK(ok && res.n_problems_total == 1, "enough memory: the parse completes");
}

/* ---------- the shipped data ---------- */

static cd_geo real_geo;
static bool have_real_geo = false;

static void
test_real_files(const char *exch_path, const char *area_path)
{
	size_t		len;
	char	   *text = read_file(area_path, &len);
	cd_csv_result area;
	bool		geo_npa[CD_NPA_SLOTS];
	int			i,
				n406 = 0,
				with_point = 0,
				with_zone = 0;

	CHECK(text != NULL, "read %s", area_path);
	if (text == NULL)
		return;
	CHECK(cd_csv_parse(text, len, tz_known_file, NULL, 10, &test_alloc, &area) &&
		  area.n_problems_total == 0, "the shipped area codes parse");
	cd_geo_from_rows(&real_geo, area.rows, area.n_rows);
	have_real_geo = true;
	for (i = 0; i < CD_NPA_SLOTS; i++)
		geo_npa[i] = real_geo.area[i].kind == CD_KIND_GEOGRAPHIC;

	text = read_file(exch_path, &len);
	CHECK(text != NULL, "read %s", exch_path);
	if (text == NULL)
		return;
	parse_ok = cd_exch_csv_parse(text, len, geo_npa, tz_known_file, NULL, 10, &test_alloc, &res);
	CHECK(parse_ok && res.n_problems_total == 0, "the shipped exchanges parse under the area-code rule");
	if (res.n_problems_total)
		dump_problems();
	for (i = 0; i < res.n_rows; i++)
	{
		n406 += res.rows[i].npa == 406;
		with_point += res.rows[i].has_location;
		with_zone += res.rows[i].time_zone[0] != '\0';
	}
	CHECK(res.n_rows == 31257 && with_point == 29200 && with_zone == 29591,
		  "31,257 exchanges, 29,200 with a point, 29,591 with a zone (the data README's counts)");
	geo_npa[406] = false;
	parse_ok = cd_exch_csv_parse(text, len, geo_npa, tz_known_file, NULL, 5, &test_alloc, &res);
	CHECK(parse_ok && res.n_problems_total == n406 && n406 > 0 && res.n_problems == 5 &&
		  strcmp(res.problems[0].message, "area code \"406\" is not a geographic area code of area_codes") == 0,
		  "without 406 in area_codes, each of its %d rows is a problem", n406);
}

/* ---------- lookup ---------- */

static cd_geo geo;

static void
add_area(int npa, double lat, double lon)
{
	geo.area[npa].kind = CD_KIND_GEOGRAPHIC;
	geo.area[npa].has_location = true;
	geo.area[npa].lat = lat;
	geo.area[npa].lon = lon;
}

static void
test_lookup(void)
{
	cd_exch_entry e[] = {
		{406, 482, true, 47.7167, -104.1563},	/* Sidney, MT */
		{406, 549, true, 46.8721, -113.9940},	/* Missoula, MT */
		{406, 200, false, 0, 0},
		{800, 200, true, 40, -100},	/* not geographic: dormant */
		{999, 200, true, 40, -100},	/* not in the geography: dormant */
	};
	cd_exch_geo *xg;
	double		lat,
				lon;
	bool		exact;

	memset(&geo, 0, sizeof(geo));
	add_area(406, 46.5897, -111.9155);	/* East Helena */
	add_area(701, 47.4500, -99.1240);	/* Carrington, ND */
	add_area(208, 43.6135, -116.2035);	/* Boise */
	geo.area[800].kind = CD_KIND_TOLL_FREE;

	xg = cd_exch_geo_build(&geo, e, 5, &test_alloc);
	CHECK(xg != NULL && xg->n == 5 && xg->n_active == 3 && xg->n_points == 2,
		  "5 entries, 3 active, 2 with points");
	CHECK(cd_exch_find(xg, UINT64_C(4064821234)) == 0 && cd_exch_find(xg, UINT64_C(4065491234)) == 1 &&
		  cd_exch_find(xg, UINT64_C(4062001234)) == 2 && cd_exch_find(xg, UINT64_C(4065551234)) == -1,
		  "find by NPA-NXX");
	CHECK(cd_exch_find(xg, UINT64_C(8002001234)) == -1 && cd_exch_find(xg, UINT64_C(9992001234)) == -1,
		  "dormant entries are not found");
	CHECK(cd_exch_find(NULL, UINT64_C(4064821234)) == -1 && cd_exch_find(xg, UINT64_C(99999999999)) == -1,
		  "no lookup, or not a national number");
	CHECK(cd_exch_point(&geo, xg, UINT64_C(4064821234), &lat, &lon, &exact) && exact &&
		  lat == 47.7167 && lon == -104.1563, "an exchange's point");
	CHECK(cd_exch_point(&geo, xg, UINT64_C(4062001234), &lat, &lon, &exact) && !exact &&
		  lat == 46.5897, "an exchange without a point: the area code's");
	CHECK(cd_exch_point(&geo, NULL, UINT64_C(4064821234), &lat, &lon, &exact) && !exact,
		  "no lookup: area-code precision");
	CHECK(!cd_exch_point(&geo, xg, UINT64_C(8002001234), &lat, &lon, &exact),
		  "a toll-free number has no point");
	CHECK(fabs(xg->radius_km[406] - cd_distance_km(46.5897, -111.9155, 47.7167, -104.1563)) < 1e-9,
		  "the area code's radius is its farthest exchange point");
	CHECK(cd_exch_geo_bytes(xg) > 1000 * sizeof(int32_t), "bytes reported");
}

/* ---------- nearest at exchange precision ---------- */

static uint64_t rng_state = 7;

static uint64_t
rng_next(void)
{
	uint64_t	z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void
test_sidney_missoula(void)
{
	cd_exch_entry e[] = {
		{406, 482, true, 47.7167, -104.1563},	/* Sidney */
		{406, 549, true, 46.8721, -113.9940},	/* Missoula */
		{701, 572, true, 48.1470, -103.6180},	/* Williston, ND */
		{208, 765, true, 47.6777, -116.7805},	/* Coeur d'Alene */
	};
	uint64_t	pool[] = {UINT64_C(7015720001), UINT64_C(2087650002)};
	cd_exch_geo *xg = cd_exch_geo_build(&geo, e, 4, &test_alloc);
	cd_route_pool *route = cd_route_build(&geo, pool, 2, &test_alloc);
	bool		oom;
	cd_near_pool *near = cd_near_build(&geo, xg, route, pool, 2, &test_alloc, &oom);
	cd_pick		p;

	CHECK(near != NULL && !oom && cd_near_bytes(near) > 0, "a pool with nearest callees gets the structure");
	cd_route_pick(route, UINT64_C(4064821234), &p);
	cd_near_pick(near, &geo, xg, UINT64_C(4064821234), true, &p);
	CHECK(p.rule == CD_RULE_NEAREST && p.index == 0 && p.chosen_npa == 701 &&
		  fabs(p.distance_km - cd_distance_km(47.7167, -104.1563, 48.1470, -103.6180)) < 1e-9,
		  "Sidney, MT gets Williston, ND (%.0f km)", p.distance_km);
	cd_route_pick(route, UINT64_C(4065491234), &p);
	cd_near_pick(near, &geo, xg, UINT64_C(4065491234), true, &p);
	CHECK(p.rule == CD_RULE_NEAREST && p.index == 1 && p.chosen_npa == 208,
		  "Missoula, MT gets Coeur d'Alene, ID (%.0f km)", p.distance_km);
	cd_route_pick(route, UINT64_C(2087651234), &p);
	cd_near_pick(near, &geo, xg, UINT64_C(2087651234), true, &p);
	CHECK(p.rule == CD_RULE_AREA_CODE && p.index == 1, "the area_code step is untouched");

	/* no exchange points anywhere: no structure, cd_route's answer */
	{
		cd_exch_entry bare[] = {{406, 482, false, 0, 0}};
		cd_exch_geo *xb = cd_exch_geo_build(&geo, bare, 1, &test_alloc);

		CHECK(cd_near_build(&geo, xb, route, pool, 2, &test_alloc, &oom) == NULL && !oom,
			  "no exchange point: no structure");
		CHECK(cd_near_build(&geo, NULL, route, pool, 2, &test_alloc, &oom) == NULL && !oom,
			  "no exchanges at all (version 1.0): no structure");
	}
}

/* Brute force: the nearest located pool numbers by squared chord, then the largest weight. */
static void
reference_pick(const cd_exch_geo *xg, const uint64_t *pool, int n, uint64_t callee,
			   int *index, int *cands)
{
	double		lat,
				lon,
				best = INFINITY;
	bool		exact;
	double		d[4096];
	int			i;
	uint64_t	best_w = 0;
	const double rad = M_PI / 180.0;
	double		px,
				py,
				pz;

	*index = -1;
	*cands = 0;
	if (!cd_exch_point(&geo, xg, callee, &lat, &lon, &exact))
		return;
	px = cos(lat * rad) * cos(lon * rad);
	py = cos(lat * rad) * sin(lon * rad);
	pz = sin(lat * rad);
	for (i = 0; i < n; i++)
	{
		double		la,
					lo,
					x,
					y,
					z;
		bool		ex;

		d[i] = INFINITY;
		if (!cd_exch_point(&geo, xg, pool[i], &la, &lo, &ex))
			continue;
		x = cos(la * rad) * cos(lo * rad) - px;
		y = cos(la * rad) * sin(lo * rad) - py;
		z = sin(la * rad) - pz;
		d[i] = x * x + y * y + z * z;
		if (d[i] < best)
			best = d[i];
	}
	for (i = 0; i < n; i++)
	{
		uint64_t	w;

		if (d[i] != best)
			continue;
		(*cands)++;
		w = cd_route_weight(cd_route_hash(callee), cd_route_number_key(pool[i]));
		if (*index < 0 || w > best_w)
		{
			best_w = w;
			*index = i;
		}
	}
}

static void
test_against_reference(void)
{
	static cd_exch_entry e[4000];
	static uint64_t pool[400];
	int			areas[] = {201, 208, 307, 308, 406, 605, 701, 785, 850, 907};
	int			n_e = 0,
				a,
				i,
				trial;
	int			compared = 0,
				agree = 0,
				exact_callees = 0,
				multi = 0;

	memset(&geo, 0, sizeof(geo));
	for (a = 0; a < 10; a++)
		add_area(areas[a], 30.0 + 3.0 * a, -120.0 + 5.0 * a);
	/* 150 exchanges per area code, two thirds with a point, some sharing one */
	for (a = 0; a < 10; a++)
		for (i = 0; i < 150; i++)
		{
			cd_exch_entry *x = &e[n_e++];

			x->npa = (uint16_t) areas[a];
			x->nxx = (uint16_t) (200 + i);
			x->has_location = (i % 3) != 0;
			x->lat = geo.area[areas[a]].lat + (double) (rng_next() % 400) / 100.0 - 2.0;
			x->lon = geo.area[areas[a]].lon + (double) (rng_next() % 400) / 100.0 - 2.0;
			if (i % 7 == 0 && i > 0)
			{
				x->lat = e[n_e - 2].lat;	/* same town as the previous */
				x->lon = e[n_e - 2].lon;
			}
		}
	for (trial = 0; trial < 6; trial++)
	{
		cd_exch_geo *xg = cd_exch_geo_build(&geo, e, n_e, &test_alloc);
		int			n = 1 + (int) (rng_next() % 300);
		cd_route_pool *route;
		cd_near_pool *near;
		bool		oom;
		int			k;

		/* pool numbers from only some area codes, so that others route "nearest" */
		for (k = 0; k < n; k++)
		{
			int			npa = areas[rng_next() % 4];

			pool[k] = (uint64_t) npa * 10000000u + (200 + rng_next() % 160) * 10000u + (uint64_t) k;
		}
		route = cd_route_build(&geo, pool, n, &test_alloc);
		near = cd_near_build(&geo, xg, route, pool, n, &test_alloc, &oom);
		if (near == NULL || oom)
		{
			CHECK(false, "trial %d: structure built", trial);
			continue;
		}
		for (k = 0; k < 3000; k++)
		{
			uint64_t	callee = (uint64_t) areas[4 + rng_next() % 6] * 10000000u +
				(200 + rng_next() % 170) * 10000u + rng_next() % 10000u;
			cd_pick		p;
			int			ref,
						cands;
			double		lat,
						lon;
			bool		exact;

			cd_route_pick(route, callee, &p);
			if (p.rule != CD_RULE_NEAREST)
				continue;
			cd_near_pick(near, &geo, xg, callee, true, &p);
			reference_pick(xg, pool, n, callee, &ref, &cands);
			compared++;
			cd_exch_point(&geo, xg, callee, &lat, &lon, &exact);
			exact_callees += exact;
			multi += cands > 1;
			if (p.index == ref && p.candidates == cands)
				agree++;
			else if (compared - agree <= 3)
				printf("# callee %llu: got %d (%d candidates), reference %d (%d)\n",
					   (unsigned long long) callee, p.index, p.candidates, ref, cands);
		}
		(void) test_arena_free_all;
	}
	CHECK(compared > 5000 && agree == compared,
		  "exchange-level nearest equals the brute-force reference (%d of %d picks; %d callees at exchange precision, %d ties)",
		  agree, compared, exact_callees, multi);
	CHECK(exact_callees > 1000 && multi > 100, "the comparison covers both precisions and ties");
}

int
main(int argc, char **argv)
{
	test_valid_forms();
	test_problems();
	test_out_of_memory();
	test_real_files(argc > 1 ? argv[1] : DEFAULT_EXCH_CSV, argc > 2 ? argv[2] : DEFAULT_AREA_CSV);
	test_lookup();
	test_sidney_missoula();
	test_against_reference();
	(void) have_real_geo;
	(void) real_geo;
	CD_TEST_DONE();
}
