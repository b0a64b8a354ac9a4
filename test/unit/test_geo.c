/*
 * test_geo.c - unit tests of cd_geo.c: kind names, great-circle distance,
 * the area-code CSV parser/validator and cd_geo_from_rows.
 *
 * Usage: test_geo [path-to-nanp_area_codes.csv]; the default path is
 * relative to the repository root, where the tests are run from.
 */
#define _POSIX_C_SOURCE 200809L

#include "cd_test.h"

#include <math.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "cd_geo.h"

#define DEFAULT_CSV "data/nanp_area_codes.csv"

/* ---------- the time-zone callback ---------- */

static int	tz_calls = 0;

/*
 * A zone is known when it is a regular file under /usr/share/zoneinfo.  The
 * name is checked first so that no path outside that folder is looked at:
 * letters, digits, '_', '+', '-' and single '/' separators, each part
 * starting with an upper-case letter (which also rules out the folder's
 * non-zone files such as zone.tab and posixrules).
 */
static bool
tz_known_file(const char *name, void *arg)
{
	char		path[512];
	struct stat st;
	const char *p;
	bool		part_start = true;

	(void) arg;
	tz_calls++;
	if (name[0] == '\0' || strlen(name) > 200)
		return false;
	for (p = name; *p; p++)
	{
		char		c = *p;

		if (part_start)
		{
			if (c < 'A' || c > 'Z')
				return false;
			part_start = false;
		}
		else if (c == '/')
			part_start = true;
		else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				   (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-'))
			return false;
	}
	if (part_start)
		return false;			/* trailing '/' */
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool
tz_known_none(const char *name, void *arg)
{
	(void) name;
	(void) arg;
	tz_calls++;
	return false;
}

/* ---------- helpers ---------- */

static cd_csv_result res;
static bool parse_ok;

static void
dump_problems(void)
{
	int			i;

	printf("#   %d problem(s), %d kept:\n", res.n_problems_total, res.n_problems);
	for (i = 0; i < res.n_problems; i++)
		printf("#     line %d: %s\n", res.problems[i].line, res.problems[i].message);
}

static void
parse_len(const char *text, size_t len, int max_problems)
{
	tz_calls = 0;
	parse_ok = cd_csv_parse(text, len, tz_known_file, NULL, max_problems,
							&test_alloc, &res);
}

static void
parse(const char *text)
{
	parse_len(text, strlen(text), 100);
}

/* Is there a kept problem with this line and message? */
static bool
has_problem(int line, const char *msg)
{
	int			i;

	for (i = 0; i < res.n_problems; i++)
	{
		if (res.problems[i].line == line && strcmp(res.problems[i].message, msg) == 0)
			return true;
	}
	return false;
}

/* Checks that the last parse found exactly one problem, this one. */
static void
check_only(const char *name, int line, const char *msg)
{
	bool		good = parse_ok && res.n_problems_total == 1 && res.n_problems == 1 &&
		res.problems[0].line == line && strcmp(res.problems[0].message, msg) == 0;

	CHECK(good, "%s: line %d: %s", name, line, msg);
	if (!good)
		dump_problems();
}

static void
expect_only(const char *name, const char *text, int line, const char *msg)
{
	parse(text);
	check_only(name, line, msg);
}

static void
expect_valid(const char *name, const char *text)
{
	bool		good;

	parse(text);
	good = parse_ok && res.n_problems_total == 0 && res.n_problems == 0;
	CHECK(good, "%s: valid", name);
	if (!good)
		dump_problems();
}

static const cd_csv_row *
find_row(int npa)
{
	int			i;

	for (i = 0; i < res.n_rows; i++)
	{
		if (res.rows[i].npa == npa)
			return &res.rows[i];
	}
	return NULL;
}

/* Does the space-separated list contain the word w? */
static bool
list_has(const char *list, const char *w)
{
	size_t		wl = strlen(w);
	const char *p = list;

	while ((p = strstr(p, w)) != NULL)
	{
		if ((p == list || p[-1] == ' ') && (p[wl] == ' ' || p[wl] == '\0'))
			return true;
		p += wl;
	}
	return false;
}

/*
 * A data line with fixed country/region/place/note and the given columns.
 * Returns one of four rotating static buffers.
 */
static const char *
row(const char *npa, const char *lat, const char *lon, const char *tz,
	const char *tzs, const char *overlays, const char *kind, const char *in_service)
{
	static char bufs[4][2048];
	static int	which = 0;
	char	   *b = bufs[which];

	which = (which + 1) % 4;
	snprintf(b, sizeof(bufs[0]), "%s,US,NJ,Somewhere,%s,%s,%s,%s,%s,%s,%s,a note\n",
			 npa, lat, lon, tz, tzs, overlays, kind, in_service);
	return b;
}

static char csvbuf[65536];

/* Joins up to 8 pieces into csvbuf (NULL ends the list). */
static const char *
join(const char *a, const char *b, const char *c, const char *d,
	 const char *e, const char *f, const char *g, const char *h)
{
	const char *parts[] = {a, b, c, d, e, f, g, h};
	size_t		i;

	csvbuf[0] = '\0';
	for (i = 0; i < 8 && parts[i] != NULL; i++)
		strncat(csvbuf, parts[i], sizeof(csvbuf) - strlen(csvbuf) - 1);
	return csvbuf;
}

#define J2(a, b) join(a, b, NULL, NULL, NULL, NULL, NULL, NULL)
#define J3(a, b, c) join(a, b, c, NULL, NULL, NULL, NULL, NULL)
#define J4(a, b, c, d) join(a, b, c, d, NULL, NULL, NULL, NULL)
#define J5(a, b, c, d, e) join(a, b, c, d, e, NULL, NULL, NULL)

#define H CD_CSV_HEADER "\n"
#define NY "America/New_York"
#define G201 "201,US,NJ,Hackensack,40.8859,-74.0435," NY "," NY ",551,geographic,true,\"rep point: Hackensack, NJ\"\n"
#define G551 "551,US,NJ,Hackensack,40.8859,-74.0435," NY "," NY ",201,geographic,true,\"rep point: Hackensack, NJ\"\n"
#define G207 "207,US,ME,Sabattus,44.1198,-70.1076," NY "," NY ",,geographic,true,x\n"
#define T800 "800,,,,,,,,,toll_free,true,\"NON-GEOGRAPHIC: toll-free, \"\"NANP-wide\"\"\"\n"

/* ---------- kind names and distance ---------- */

static void
test_kinds(void)
{
	CHECK(strcmp(cd_kind_name(CD_KIND_UNASSIGNED), "unassigned") == 0, "kind name unassigned");
	CHECK(strcmp(cd_kind_name(CD_KIND_GEOGRAPHIC), "geographic") == 0, "kind name geographic");
	CHECK(strcmp(cd_kind_name(CD_KIND_TOLL_FREE), "toll_free") == 0, "kind name toll_free");
	CHECK(strcmp(cd_kind_name(CD_KIND_NON_GEOGRAPHIC), "non_geographic") == 0,
		  "kind name non_geographic");
	CHECK(strcmp(cd_kind_name(CD_KIND_NOT_AREA_CODE), "not_area_code") == 0,
		  "kind name not_area_code");
	CHECK(strcmp(cd_kind_name((cd_kind) 99), "unassigned") == 0, "kind name out of range");
}

static void
test_distance(void)
{
	double		d;
	const double half_circumference = 3.14159265358979323846 * 6371.0088;

	d = cd_distance_km(40.7143, -74.0060, 34.0522, -118.2437);
	CHECK(fabs(d - 3936.0) < 39.36, "New York to Los Angeles about 3936 km (%.1f)", d);
	CHECK(fabs(cd_distance_km(34.0522, -118.2437, 40.7143, -74.0060) - d) < 1e-9,
		  "distance is symmetric");
	d = cd_distance_km(40.7143, -74.0060, 41.8500, -87.6500);
	CHECK(fabs(d - 1145.0) < 11.45, "New York to Chicago about 1145 km (%.1f)", d);
	CHECK(cd_distance_km(40.7143, -74.0060, 40.7143, -74.0060) == 0.0, "identical points: 0");
	CHECK(cd_distance_km(-90, 0, -90, 0) == 0.0, "identical poles: 0");
	d = cd_distance_km(0, 0, 0, 180);
	CHECK(fabs(d - 20015.0) < 1.0 && !isnan(d), "antipodes on the equator about 20015 km (%.3f)", d);
	d = cd_distance_km(90, 0, -90, 0);
	CHECK(fabs(d - half_circumference) < 1e-6, "pole to pole is half the circumference (%.3f)", d);
	d = cd_distance_km(40.7143, -74.0060, -40.7143, 105.9940);
	CHECK(fabs(d - half_circumference) < 1e-3 && !isnan(d), "antipode of New York (%.3f)", d);
	d = cd_distance_km(0, 179.5, 0, -179.5);
	CHECK(fabs(d - 111.195) < 0.01, "across the antimeridian 1 degree (%.3f)", d);
	d = cd_distance_km(40.0, -74.0, 40.0 + 1e-7, -74.0);
	CHECK(d > 0.0 && fabs(d - 1.11195e-5) < 1e-9, "tiny distance stays accurate (%.4g)", d);
	d = cd_distance_km(61.2181, -149.9003, 21.3069, -157.8583);
	CHECK(fabs(d - 4460.0) < 60.0, "Anchorage to Honolulu about 4460 km (%.1f)", d);
}

/* ---------- the real data file ---------- */

static char *
read_file(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf = NULL;
	size_t		cap = 0;
	size_t		n = 0;

	if (f == NULL)
		return NULL;
	for (;;)
	{
		size_t		got;

		if (n == cap)
		{
			char	   *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (nb == NULL)
			{
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		if (got == 0)
			break;
		n += got;
	}
	fclose(f);
	*len = n;
	return buf;
}

static void
test_real_csv(const char *path)
{
	size_t		len = 0;
	char	   *text = read_file(path, &len);
	const cd_csv_row *r;
	cd_geo	   *geo;
	int			i,
				zone_names = 0,
				sym_bad = 0;

	CHECK(text != NULL, "read %s", path);
	if (text == NULL)
		return;

	parse_len(text, len, 100);
	CHECK(parse_ok, "real CSV parses");
	CHECK(res.n_rows == 510, "real CSV has 510 rows (%d)", res.n_rows);
	CHECK(res.n_problems_total == 0 && res.n_problems == 0,
		  "real CSV has no problems (%d)", res.n_problems_total);
	if (res.n_problems_total)
		dump_problems();
	if (res.n_rows != 510)
	{
		free(text);
		return;
	}
	CHECK(res.rows[0].line == 2 && res.rows[0].npa == 201, "first row 201 on line 2");
	CHECK(res.rows[509].line == 511, "last row on line 511 (%d)", res.rows[509].line);

	r = find_row(212);
	CHECK(r && r->kind == CD_KIND_GEOGRAPHIC && list_has(r->overlays, "646") &&
		  list_has(r->overlays, "332") && list_has(r->overlays, "917"),
		  "212 overlays include 646 (%s)", r ? r->overlays : "?");
	CHECK(r && r->has_location && r->lat == 40.7143 && r->lon == -74.0060,
		  "212 at 40.7143,-74.0060 exactly");
	CHECK(r && strcmp(r->place, "New York City") == 0 && strcmp(r->region, "NY") == 0 &&
		  strcmp(r->country, "US") == 0 && strcmp(r->time_zone, "America/New_York") == 0,
		  "212 text columns");
	CHECK(r && strncmp(r->note, "rep point: New York City, NY (", 30) == 0,
		  "212 note keeps its commas");
	r = find_row(907);
	CHECK(r && r->has_location && fabs(r->lat - 61.2181) < 1e-9 &&
		  fabs(r->lon + 149.9003) < 1e-9, "907 has a location");
	r = find_row(800);
	CHECK(r && r->kind == CD_KIND_TOLL_FREE && !r->has_location &&
		  r->time_zone[0] == '\0' && r->in_service, "800 is toll_free, no location");
	r = find_row(211);
	CHECK(r && r->kind == CD_KIND_NOT_AREA_CODE && !r->in_service &&
		  strstr(r->note, "explanation \"N11 Code\"") != NULL,
		  "211 is not_area_code and its note unquotes doubled quotes");
	r = find_row(208);
	CHECK(r && strcmp(r->time_zones, "America/Boise America/Los_Angeles") == 0,
		  "208 spans two zones");
	r = find_row(555);
	CHECK(r && r->kind == CD_KIND_NOT_AREA_CODE, "555 is not_area_code");
	r = find_row(500);
	CHECK(r && r->kind == CD_KIND_NON_GEOGRAPHIC, "500 is non_geographic");
	CHECK(find_row(999) == NULL, "999 is not in the file");

	/* geo table */
	geo = test_zalloc(sizeof(cd_geo), NULL);
	cd_geo_from_rows(geo, res.rows, res.n_rows);
	CHECK(geo->area[212].kind == CD_KIND_GEOGRAPHIC && geo->area[212].has_location &&
		  geo->area[212].n_overlays == 3, "geo: 212 geographic with 3 overlays");
	{
		bool		has646 = false;

		for (i = 0; i < geo->area[212].n_overlays; i++)
			has646 = has646 || geo->area[212].overlays[i] == 646;
		CHECK(has646, "geo: 212 overlays 646");
	}
	CHECK(geo->area[800].kind == CD_KIND_TOLL_FREE && !geo->area[800].has_location,
		  "geo: 800 toll_free");
	CHECK(geo->area[999].kind == CD_KIND_UNASSIGNED && geo->area[100].kind == CD_KIND_UNASSIGNED,
		  "geo: absent codes unassigned");
	{
		double		d = cd_distance_km(geo->area[212].lat, geo->area[212].lon,
									   geo->area[213].lat, geo->area[213].lon);

		CHECK(fabs(d - 3936.0) < 39.36, "geo: 212 to 213 about 3936 km (%.1f)", d);
	}
	{
		int			n_geo = 0,
					n_loc = 0;

		for (i = 0; i < CD_NPA_SLOTS; i++)
		{
			n_geo += geo->area[i].kind == CD_KIND_GEOGRAPHIC;
			n_loc += geo->area[i].has_location;
		}
		CHECK(n_geo == 457 && n_loc == 457, "geo: 457 geographic codes, all located");
	}
	/* overlays are symmetric in the geo table too */
	for (i = 0; i < CD_NPA_SLOTS; i++)
	{
		int			j,
					k;

		for (j = 0; j < geo->area[i].n_overlays; j++)
		{
			const cd_area *o = &geo->area[geo->area[i].overlays[j]];
			bool		back = false;

			for (k = 0; k < o->n_overlays; k++)
				back = back || o->overlays[k] == i;
			sym_bad += !back;
		}
	}
	CHECK(sym_bad == 0, "geo: overlays symmetric");

	/* every zone name goes through the callback */
	for (i = 0; i < res.n_rows; i++)
	{
		const char *p = res.rows[i].time_zones;

		if (*p)
		{
			zone_names++;
			for (; *p; p++)
				zone_names += (*p == ' ');
		}
	}
	tz_calls = 0;
	parse_ok = cd_csv_parse(text, len, tz_known_none, NULL, 1000, &test_alloc, &res);
	CHECK(parse_ok && tz_calls == zone_names && res.n_problems_total == zone_names &&
		  strncmp(res.problems[0].message, "unknown time zone \"", 19) == 0,
		  "every zone name is asked about (%d names, %d calls, %d problems)",
		  zone_names, tz_calls, res.n_problems_total);

	/* the same file with \r\n line ends */
	{
		char	   *crlf = malloc(len * 2 + 1);
		size_t		n = 0,
					k;

		for (k = 0; crlf && k < len; k++)
		{
			if (text[k] == '\n')
				crlf[n++] = '\r';
			crlf[n++] = text[k];
		}
		if (crlf)
		{
			parse_len(crlf, n, 100);
			r = find_row(212);
			CHECK(parse_ok && res.n_rows == 510 && res.n_problems_total == 0 &&
				  r && r->line == 13 && strchr(r->note, '\r') == NULL,
				  "real CSV with CRLF line ends");
			/* without its final line end */
			parse_len(crlf, n - 2, 100);
			CHECK(parse_ok && res.n_rows == 510 && res.n_problems_total == 0,
				  "real CSV with CRLF and no final line end");
			free(crlf);
		}
	}

	/* a BOM in front of the real file */
	{
		char	   *bom = malloc(len + 3);

		if (bom)
		{
			memcpy(bom, "\xEF\xBB\xBF", 3);
			memcpy(bom + 3, text, len);
			parse_len(bom, len + 3, 100);
			check_only("real CSV with a BOM", 1, "the file starts with a UTF-8 byte order mark");
			free(bom);
		}
	}

	/* each truncation of the file parses without crashing */
	{
		int			bad = 0;
		size_t		cut;

		for (cut = 0; cut <= len; cut += 97)
		{
			parse_len(text, cut, 5);
			if (!parse_ok || res.n_problems > 5 ||
				(cut > 0 && cut < len && res.n_rows > 510))
				bad++;
		}
		CHECK(bad == 0, "prefixes of the real file parse");
	}

	free(text);
}

/* ---------- crafted files: valid forms ---------- */

static void
test_valid_forms(void)
{
	const cd_csv_row *r;

	expect_valid("basic", J4(H, G201, G551, T800));
	CHECK(res.n_rows == 3 && res.rows[0].line == 2 && res.rows[2].line == 4,
		  "basic: rows and lines");
	r = find_row(800);
	CHECK(r && strcmp(r->note, "NON-GEOGRAPHIC: toll-free, \"NANP-wide\"") == 0,
		  "quoted field with a comma and doubled quotes (%s)", r ? r->note : "?");
	r = find_row(201);
	CHECK(r && r->has_location && r->lat == 40.8859 && r->lon == -74.0435 &&
		  strcmp(r->overlays, "551") == 0 && r->kind == CD_KIND_GEOGRAPHIC && r->in_service,
		  "201 fields");

	expect_valid("no final newline", "npa,country,region,place,lat,lon,time_zone,time_zones,"
				 "overlays,kind,in_service,note\n" "800,,,,,,,,,toll_free,false,x");
	CHECK(res.n_rows == 1 && !res.rows[0].in_service && strcmp(res.rows[0].note, "x") == 0,
		  "no final newline: last field complete");
	expect_valid("no final newline, quoted last field", J2(H, "800,,,,,,,,,toll_free,false,\"x,y\""));
	CHECK(res.n_rows == 1 && strcmp(res.rows[0].note, "x,y") == 0, "quoted last field at EOF");
	expect_valid("empty last field at EOF", J2(H, "800,,,,,,,,,toll_free,false,"));
	CHECK(res.n_rows == 1 && res.rows[0].note[0] == '\0', "empty note");

	expect_valid("CRLF everywhere",
				 CD_CSV_HEADER "\r\n207,US,ME,Sabattus,44.1198,-70.1076," NY "," NY
				 ",,geographic,true,x\r\n800,,,,,,,,,toll_free,true,\"a\r\nb\"\r\n");
	r = find_row(800);
	CHECK(res.n_rows == 2 && res.rows[0].line == 2 && r && r->line == 3 &&
		  strcmp(r->note, "a\r\nb") == 0 && strcmp(res.rows[0].note, "x") == 0,
		  "CRLF: line ends stripped, CRLF inside quotes kept");

	/* a multi-line quoted field; lines count physical lines */
	parse(J4(H, "800,,,,,,,,,toll_free,true,\"line one\nline two\nline three\"\n", G207,
			 row("5x1", "", "", "", "", "", "non_geographic", "true")));
	r = find_row(800);
	check_only("embedded newlines", 6, "npa \"5x1\" is not three digits starting with 2-9");
	CHECK(r && r->line == 2 && strcmp(r->note, "line one\nline two\nline three") == 0 &&
		  find_row(207) && find_row(207)->line == 5, "embedded newlines: rows start lines");

	expect_valid("every field quoted",
				 H "\"207\",\"US\",\"ME\",\"Sabattus\",\"44.1198\",\"-70.1076\",\"" NY "\",\"" NY
				 "\",\"\",\"geographic\",\"true\",\"x\"\n");
	CHECK(res.n_rows == 1 && res.rows[0].npa == 207, "every field quoted: row");
	expect_valid("quoted header", "\"npa\",country,region,place,lat,lon,time_zone,time_zones,"
				 "overlays,kind,in_service,note\n" G207);
	expect_valid("CR inside quotes is data", J2(H, "800,,,,,,,,,toll_free,true,\"a\rb\"\n"));

	/* coordinates: boundaries and number forms */
	expect_valid("lat/lon bounds", J5(H, row("201", "90", "180", NY, NY, "", "geographic", "true"),
									  row("202", "-90", "-180", NY, NY, "", "geographic", "true"),
									  row("203", "+0.0", "-0", NY, NY, "", "geographic", "true"),
									  row("204", "007.50", "-000123.4567890123456789012345", NY, NY, "",
										  "geographic", "true")));
	r = find_row(204);
	CHECK(r && r->lat == 7.5 && fabs(r->lon + 123.456789012345678) < 1e-12,
		  "number forms: leading zeros, many decimals");
	r = find_row(202);
	CHECK(r && r->lat == -90.0 && r->lon == -180.0, "bounds exact");
	parse(J2(H, row("201", "0.00000000000000000000000000000000000000000000001", "1",
					NY, NY, "", "geographic", "true")));
	r = find_row(201);
	CHECK(parse_ok && res.n_problems_total == 0 && r && r->lat > 0.0 && r->lat < 1e-40,
		  "tiny number");
	parse(J2(H, row("201", "0.0000000000000000000000000000000000000000000000000000000000000000000000000000"
					"00000000000000000000000000000000000000000000000000000000000000000000000000000000"
					"00000000000000000000000000000000000000000000000000000000000000000000000000000000"
					"00000000000000000000000000000000000000000000000000000000000000000000000000000001",
					"1", NY, NY, "", "geographic", "true")));
	r = find_row(201);
	CHECK(parse_ok && res.n_problems_total == 0 && r && r->lat >= 0.0 && r->lat < 1e-300,
		  "underflow towards zero");

	/* zones and overlays */
	expect_valid("two zones", J2(H, row("208", "43.6", "-116.2", "America/Boise",
										"America/Boise America/Los_Angeles", "", "geographic", "true")));
	expect_valid("non-geographic kinds", J4(H, row("500", "", "", "", "", "", "non_geographic", "true"),
											row("211", "", "", "", "", "", "not_area_code", "false"),
											T800));
	CHECK(find_row(500)->kind == CD_KIND_NON_GEOGRAPHIC &&
		  find_row(211)->kind == CD_KIND_NOT_AREA_CODE, "non-geographic kinds parsed");
	expect_valid("overlays among non-geographic rows",
				 J3(H, row("500", "", "", "", "", "521", "non_geographic", "true"),
					row("521", "", "", "", "", "500", "non_geographic", "true")));
	expect_valid("three-way overlay",
				 J4(H, row("212", "1", "1", NY, NY, "646 917", "geographic", "true"),
					row("646", "1", "1", NY, NY, "212 917", "geographic", "true"),
					row("917", "1", "1", NY, NY, "646 212", "geographic", "true")));
	{
		const char *t = J2(H, row("201", "1", "1", "Mars/Olympus", "Mars/Olympus", "",
								  "geographic", "true"));

		parse_ok = cd_csv_parse(t, strlen(t), NULL, NULL, 10, &test_alloc, &res);
	}
	CHECK(parse_ok && res.n_problems_total == 0 && res.n_rows == 1,
		  "NULL tz_known accepts every zone name");
}

/* ---------- crafted files: one problem each ---------- */

static void
test_file_problems(void)
{
	parse_len("", 0, 10);
	check_only("empty file", 0, "the file is empty");
	CHECK(res.n_rows == 0 && res.rows == NULL, "empty file: no rows");
	parse_len(NULL, 0, 10);
	check_only("NULL text, length 0", 0, "the file is empty");
	expect_only("header only", H, 0, "the file has no area codes");
	expect_only("header only, no newline", CD_CSV_HEADER, 0, "the file has no area codes");
	expect_only("header only, CRLF", CD_CSV_HEADER "\r\n", 0, "the file has no area codes");
	expect_only("BOM", J2("\xEF\xBB\xBF" H, G207), 1,
				"the file starts with a UTF-8 byte order mark");
	expect_only("wrong header name", J2("npa,country,region,place,latitude,lon,time_zone,"
										"time_zones,overlays,kind,in_service,note\n", G207), 1,
				"the first line is not the header \"" CD_CSV_HEADER "\"");
	expect_only("header in upper case", J2("NPA,COUNTRY,REGION,PLACE,LAT,LON,TIME_ZONE,"
										   "TIME_ZONES,OVERLAYS,KIND,IN_SERVICE,NOTE\n", G207), 1,
				"the first line is not the header \"" CD_CSV_HEADER "\"");
	expect_only("header with 11 columns", J2("npa,country,region,place,lat,lon,time_zone,"
											 "time_zones,overlays,kind,in_service\n", G207), 1,
				"the first line is not the header \"" CD_CSV_HEADER "\"");
	expect_only("header with a trailing blank", J2(CD_CSV_HEADER " \n", G207), 1,
				"the first line is not the header \"" CD_CSV_HEADER "\"");
	parse(J2("\n", G207));
	CHECK(parse_ok && res.n_problems_total == 1 && has_problem(1, "the first line is not the header \""
															   CD_CSV_HEADER "\""),
		  "empty first line is a header mismatch");
	parse(G207);
	CHECK(parse_ok && res.n_problems_total == 2 &&
		  has_problem(1, "the first line is not the header \"" CD_CSV_HEADER "\"") &&
		  has_problem(0, "the file has no area codes"), "data without a header");
}

static void
test_structure_problems(void)
{
	expect_only("11 fields", J3(H, G207, "800,,,,,,,,toll_free,true,x\n"), 3,
				"row has 11 fields, expected 12");
	expect_only("13 fields", J3(H, G207, "800,,,,,,,,,,toll_free,true,x\n"), 3,
				"row has 13 fields, expected 12");
	expect_only("1 field", J3(H, "abc\n", G207), 2, "row has 1 field, expected 12");
	expect_only("many fields", J2(H, ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n"), 2,
				"row has 41 fields, expected 12");
	expect_only("empty line", J4(H, G207, "\n", T800), 3, "empty line");
	expect_only("empty CRLF line", J4(H, G207, "\r\n", T800), 3, "empty line");
	expect_only("trailing empty line", J3(H, G207, "\n"), 3, "empty line");
	expect_only("unterminated quote at the end", J3(H, G207, "800,,,,,,,,,toll_free,true,\"abc\n"),
				3, "unterminated quoted field");
	parse(J4(H, "800,,,,,,,,,toll_free,true,\"abc\n", G207, "900,,,,,,,,,non_geographic,true,x\n"));
	check_only("unterminated quote swallows the rest", 2, "unterminated quoted field");
	CHECK(res.n_rows == 0, "unterminated quote: no rows");
	expect_only("unterminated quote, lone quote at EOF", J3(H, G207, "800,,,,,,,,,toll_free,true,\""),
				3, "unterminated quoted field");
	expect_only("quote closing a multi-line field early",
				J3(H, G207, "800,,,,,,,,,\"toll_free\",true,\"a\nb\n\"c\n"), 5,
				"unexpected character after a closing quote");
	expect_only("quote inside an unquoted field", J3(H, G207, "800,,,,,,,,,toll_free,true,ab\"c\n"),
				3, "quote inside an unquoted field");
	expect_only("character after a closing quote", J3(H, G207, "800,,,,,,,,,toll_free,true,\"ab\"c\n"),
				3, "unexpected character after a closing quote");
	expect_only("blank after a closing quote", J3(H, "800,,,,,,,,,\"toll_free\" ,true,x\n", G207),
				2, "unexpected character after a closing quote");
	expect_only("bare CR", J3(H, G207, "800,,,,,,,,,toll_free,true,a\rb\n"), 3,
				"carriage return not followed by a line feed");
	expect_only("CR line ends", J2(H, "800,,,,,,,,,toll_free,true,x\r900,,,,,,,,,non_geographic,true,x\r"),
				2, "carriage return not followed by a line feed");

	{
		static const char t[] = CD_CSV_HEADER "\n800,,,,,,,,,toll_free,true,a\0b\n" G207;

		parse_len(t, sizeof(t) - 1, 10);
		check_only("NUL byte in a field", 2, "line contains a NUL byte");
	}
	{
		static const char t[] = CD_CSV_HEADER "\n" G207 "800,,,,,,,,,toll_free,true,\"a\0\0b\"\n\0";

		parse_len(t, sizeof(t) - 1, 10);
		CHECK(parse_ok && res.n_problems_total == 3 && has_problem(3, "line contains a NUL byte") &&
			  has_problem(4, "line contains a NUL byte") &&
			  has_problem(4, "row has 1 field, expected 12"),
			  "NUL bytes: once per line, and a NUL line");
		if (res.n_problems_total != 3)
			dump_problems();
	}
	{
		static const char t[] = CD_CSV_HEADER "\0\n" G207;

		parse_len(t, sizeof(t) - 1, 10);
		CHECK(parse_ok && res.n_problems_total == 2 && has_problem(1, "line contains a NUL byte") &&
			  has_problem(1, "the first line is not the header \"" CD_CSV_HEADER "\""),
			  "NUL in the header");
	}
	expect_only("invalid UTF-8", J3(H, G207, "800,,,,,,,,,toll_free,true,caf\xe9\n"), 3,
				"line is not valid UTF-8");
	expect_only("truncated UTF-8 at EOF", J3(H, G207, "800,,,,,,,,,toll_free,true,caf\xc3"), 3,
				"line is not valid UTF-8");
	expect_only("overlong UTF-8", J3(H, G207, "800,,,,,,,,,toll_free,true,\xc0\xaf\n"), 3,
				"line is not valid UTF-8");
	expect_only("UTF-16 surrogate", J3(H, G207, "800,,,,,,,,,toll_free,true,\xed\xa0\x80\n"), 3,
				"line is not valid UTF-8");
	expect_only("beyond U+10FFFF", J3(H, G207, "800,,,,,,,,,toll_free,true,\xf4\x90\x80\x80\n"), 3,
				"line is not valid UTF-8");
	expect_valid("valid UTF-8", J3(H, G207, "800,,,,,,,,,toll_free,true,Hag\xc3\xa5t\xc3\xb1" "a "
								   "\xe2\x82\xac \xf0\x9f\x93\x9e \xef\xbb\xbf\n"));
}

static void
test_field_problems(void)
{
	const char *ok_tail = ",US,NJ,x,1,1," NY "," NY ",,geographic,true,x\n";
	char		line[256];

	/* npa */
	snprintf(line, sizeof(line), "12a%s", ok_tail);
	expect_only("npa with a letter", J3(H, G207, line), 3,
				"npa \"12a\" is not three digits starting with 2-9");
	snprintf(line, sizeof(line), "199%s", ok_tail);
	expect_only("npa starting with 1", J2(H, line), 2,
				"npa \"199\" is not three digits starting with 2-9");
	snprintf(line, sizeof(line), "099%s", ok_tail);
	expect_only("npa starting with 0", J2(H, line), 2,
				"npa \"099\" is not three digits starting with 2-9");
	snprintf(line, sizeof(line), "2000%s", ok_tail);
	expect_only("npa with 4 digits", J2(H, line), 2,
				"npa \"2000\" is not three digits starting with 2-9");
	snprintf(line, sizeof(line), "20%s", ok_tail);
	expect_only("npa with 2 digits", J2(H, line), 2,
				"npa \"20\" is not three digits starting with 2-9");
	snprintf(line, sizeof(line), "%s", ok_tail);
	expect_only("npa empty", J3(H, G207, line), 3,
				"npa \"\" is not three digits starting with 2-9");
	snprintf(line, sizeof(line), " 201%s", ok_tail);
	expect_only("npa with a blank", J2(H, line), 2,
				"npa \" 201\" is not three digits starting with 2-9");
	snprintf(line, sizeof(line), "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x91%s", ok_tail);
	expect_only("npa in full-width digits", J2(H, line), 2,
				"npa \"\xef\xbc\x92\xef\xbc\x90\xef\xbc\x91\" is not three digits starting with 2-9");
	expect_valid("npa 200 and 999", J3(H, row("200", "1", "1", NY, NY, "", "geographic", "true"),
									   row("999", "", "", "", "", "", "not_area_code", "false")));

	/* duplicates: the later line names the earlier one */
	expect_only("duplicate npa", J4(H, G207, T800, G207), 4,
				"duplicate npa \"207\" (first on line 2)");
	parse(J5(H, G207, T800, G207, G207));
	CHECK(parse_ok && res.n_problems_total == 2 &&
		  has_problem(4, "duplicate npa \"207\" (first on line 2)") &&
		  has_problem(5, "duplicate npa \"207\" (first on line 2)") && res.n_rows == 2,
		  "duplicate npa twice, first row kept");

	/* kind */
	expect_only("kind unassigned", J2(H, row("201", "1", "1", NY, NY, "", "unassigned", "true")), 2,
				"kind \"unassigned\" is not geographic, toll_free, non_geographic or not_area_code");
	expect_only("kind capitalized", J2(H, row("201", "1", "1", NY, NY, "", "Geographic", "true")), 2,
				"kind \"Geographic\" is not geographic, toll_free, non_geographic or not_area_code");
	expect_only("kind empty", J2(H, row("201", "1", "1", NY, NY, "", "", "true")), 2,
				"kind \"\" is not geographic, toll_free, non_geographic or not_area_code");
	expect_only("kind tollfree", J2(H, row("800", "", "", "", "", "", "tollfree", "true")), 2,
				"kind \"tollfree\" is not geographic, toll_free, non_geographic or not_area_code");

	/* in_service */
	expect_only("in_service yes", J2(H, row("201", "1", "1", NY, NY, "", "geographic", "yes")), 2,
				"in_service \"yes\" is not true or false");
	expect_only("in_service TRUE", J2(H, row("201", "1", "1", NY, NY, "", "geographic", "TRUE")), 2,
				"in_service \"TRUE\" is not true or false");
	expect_only("in_service empty", J2(H, row("201", "1", "1", NY, NY, "", "geographic", "")), 2,
				"in_service \"\" is not true or false");
	expect_only("in_service t", J2(H, row("201", "1", "1", NY, NY, "", "geographic", "t")), 2,
				"in_service \"t\" is not true or false");

	/* numbers */
	{
		static const char *const bad[] = {
			"abc", "nan", "NaN", "inf", "-inf", "Infinity", "1e5", "4e1", "0x10", " 40.1", "40.1 ",
			"40.", ".5", "-", "+", "1.2.3", "--1", "+-1", "4 0", "1_000", "\xef\xbc\x94"
		};
		size_t		i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		{
			char		msg[160];
			char		name[64];

			snprintf(msg, sizeof(msg), "lat \"%s\" is not a number", bad[i]);
			snprintf(name, sizeof(name), "lat %s", bad[i]);
			expect_only(name, J2(H, row("201", bad[i], "1", NY, NY, "", "geographic", "true")),
						2, msg);
			snprintf(msg, sizeof(msg), "lon \"%s\" is not a number", bad[i]);
			snprintf(name, sizeof(name), "lon %s", bad[i]);
			expect_only(name, J2(H, row("201", "1", bad[i], NY, NY, "", "geographic", "true")),
						2, msg);
		}
	}
	expect_only("lat above 90", J2(H, row("201", "90.0001", "1", NY, NY, "", "geographic", "true")),
				2, "lat \"90.0001\" is not between -90 and 90");
	expect_only("lat below -90", J2(H, row("201", "-90.5", "1", NY, NY, "", "geographic", "true")),
				2, "lat \"-90.5\" is not between -90 and 90");
	expect_only("lon above 180", J2(H, row("201", "1", "180.5", NY, NY, "", "geographic", "true")),
				2, "lon \"180.5\" is not between -180 and 180");
	expect_only("lon below -180", J2(H, row("201", "1", "-181", NY, NY, "", "geographic", "true")),
				2, "lon \"-181\" is not between -180 and 180");
	expect_only("lat huge", J2(H, row("201", "123456789012345678901234567890", "1", NY, NY, "",
									  "geographic", "true")),
				2, "lat \"123456789012345678901234567890\" is not between -90 and 90");
	{
		char		big[420];
		char		msg[160];

		memset(big, '9', 400);
		big[400] = '\0';
		snprintf(msg, sizeof(msg), "lon \"%.48s...\" is not between -180 and 180", big);
		expect_only("lon with 400 digits", J2(H, row("201", "1", big, NY, NY, "", "geographic", "true")),
					2, msg);
	}

	/* geographic rows need a location and zones */
	expect_only("geographic without lat", J2(H, row("201", "", "1", NY, NY, "", "geographic", "true")),
				2, "geographic row has no lat");
	expect_only("geographic without lon", J2(H, row("201", "1", "", NY, NY, "", "geographic", "true")),
				2, "geographic row has no lon");
	expect_only("geographic without time_zone",
				J2(H, row("201", "1", "1", "", NY, "", "geographic", "true")), 2,
				"geographic row has no time_zone");
	expect_only("geographic without time_zones",
				J2(H, row("201", "1", "1", NY, "", "", "geographic", "true")), 2,
				"geographic row has no time_zones");
	parse(J2(H, row("201", "", "", "", "", "", "geographic", "true")));
	CHECK(parse_ok && res.n_problems_total == 3 && has_problem(2, "geographic row has no lat") &&
		  has_problem(2, "geographic row has no lon") &&
		  has_problem(2, "geographic row has no time_zone") &&
		  strcmp(res.problems[0].message, "geographic row has no lat") == 0 &&
		  strcmp(res.problems[2].message, "geographic row has no time_zone") == 0,
		  "geographic row with nothing: three problems in field order");

	/* non-geographic rows have none */
	expect_only("toll_free with lat", J2(H, row("800", "1.5", "", "", "", "", "toll_free", "true")),
				2, "toll_free row has lat \"1.5\"");
	expect_only("non_geographic with lon", J2(H, row("500", "", "x", "", "", "", "non_geographic", "true")),
				2, "non_geographic row has lon \"x\"");
	expect_only("not_area_code with time_zone",
				J2(H, row("211", "", "", NY, "", "", "not_area_code", "false")),
				2, "not_area_code row has time_zone \"America/New_York\"");
	expect_only("toll_free with time_zones", J2(H, row("800", "", "", "", NY, "", "toll_free", "true")),
				2, "toll_free row has time_zones \"America/New_York\"");
	CHECK(tz_calls == 0, "non-geographic zones are not looked up");

	/* zones */
	expect_only("time_zones not starting with time_zone",
				J2(H, row("201", "1", "1", NY, "America/Chicago " NY, "", "geographic", "true")),
				2, "time_zones \"America/Chicago America/New_York\" does not start with "
				"time_zone \"America/New_York\"");
	expect_only("time_zones without time_zone",
				J2(H, row("201", "1", "1", NY, "America/Chicago", "", "geographic", "true")),
				2, "time_zones \"America/Chicago\" does not start with time_zone \"America/New_York\"");
	CHECK(tz_calls == 2, "both zones asked about (%d)", tz_calls);
	parse(J2(H, row("201", "1", "1", NY, "America/New_Yor", "", "geographic", "true")));
	CHECK(parse_ok && res.n_problems_total == 2 &&
		  strcmp(res.problems[0].message, "time_zones \"America/New_Yor\" does not start with "
				 "time_zone \"America/New_York\"") == 0 &&
		  strcmp(res.problems[1].message, "unknown time zone \"America/New_Yor\"") == 0,
		  "time_zones with a prefix of time_zone");
	expect_only("unknown zone", J2(H, row("201", "1", "1", "Mars/Olympus", "Mars/Olympus", "",
										  "geographic", "true")),
				2, "unknown time zone \"Mars/Olympus\"");
	CHECK(tz_calls == 1, "a zone that is also first in time_zones is asked once (%d)", tz_calls);
	expect_only("unknown second zone",
				J2(H, row("201", "1", "1", NY, NY " Mars/Olympus", "", "geographic", "true")),
				2, "unknown time zone \"Mars/Olympus\"");
	CHECK(tz_calls == 2, "every zone asked (%d)", tz_calls);
	expect_only("zone path escape",
				J2(H, row("201", "1", "1", NY, NY " ../../../etc/passwd", "", "geographic", "true")),
				2, "unknown time zone \"../../../etc/passwd\"");
	expect_only("time_zones with a doubled space",
				J2(H, row("201", "1", "1", NY, NY "  America/Chicago", "", "geographic", "true")),
				2, "time_zones \"America/New_York  America/Chicago\" has an empty entry");
	expect_only("time_zones with a trailing space",
				J2(H, row("201", "1", "1", NY, NY " ", "", "geographic", "true")),
				2, "time_zones \"America/New_York \" has an empty entry");
	parse(J2(H, row("201", "1", "1", NY, " " NY, "", "geographic", "true")));
	CHECK(parse_ok && res.n_problems_total == 2 &&
		  has_problem(2, "time_zones \" America/New_York\" has an empty entry") &&
		  has_problem(2, "time_zones \" America/New_York\" does not start with "
					  "time_zone \"America/New_York\""),
		  "time_zones with a leading space");
	{
		char		longzone[300];
		char		msg[160];

		memset(longzone, 'A', 299);
		longzone[299] = '\0';
		snprintf(msg, sizeof(msg), "unknown time zone \"%.48s...\"", longzone);
		parse(J2(H, row("201", "1", "1", longzone, longzone, "", "geographic", "true")));
		check_only("overlong zone name", 2, msg);
		CHECK(tz_calls == 0, "overlong zone name is not asked about");
	}
	{
		static const char t[] = CD_CSV_HEADER "\n201,US,NJ,x,1,1,America/New_York,"
			"America/New_York Amer\0ica,,geographic,true,x\n";

		parse_len(t, sizeof(t) - 1, 10);
		CHECK(parse_ok && res.n_problems_total == 2 && has_problem(2, "line contains a NUL byte") &&
			  has_problem(2, "unknown time zone \"Amer?ica\"") && tz_calls == 1,
			  "zone with a NUL byte is unknown, not asked about");
	}
}

static void
test_overlay_problems(void)
{
	char		buf[4096];
	char		ov[256];
	int			i;

	expect_only("overlay not in the file",
				J3(H, row("212", "1", "1", NY, NY, "999", "geographic", "true"), T800), 2,
				"overlay \"999\" of \"212\" is not in the file");
	expect_only("overlay naming itself",
				J2(H, row("212", "1", "1", NY, NY, "212", "geographic", "true")), 2,
				"\"212\" lists itself as an overlay");
	expect_only("overlay not listed back",
				J3(H, row("212", "1", "1", NY, NY, "646", "geographic", "true"),
				   row("646", "1", "1", NY, NY, "", "geographic", "true")), 2,
				"overlay \"646\" of \"212\" does not list \"212\" back");
	expect_only("overlay not listed back, later row",
				J3(H, row("646", "1", "1", NY, NY, "", "geographic", "true"),
				   row("212", "1", "1", NY, NY, "646", "geographic", "true")), 3,
				"overlay \"646\" of \"212\" does not list \"212\" back");
	expect_only("overlay with 2 digits",
				J2(H, row("212", "1", "1", NY, NY, "64", "geographic", "true")), 2,
				"overlay \"64\" of \"212\" is not three digits starting with 2-9");
	expect_only("overlay with a letter",
				J2(H, row("212", "1", "1", NY, NY, "6x6", "geographic", "true")), 2,
				"overlay \"6x6\" of \"212\" is not three digits starting with 2-9");
	expect_only("overlay starting with 1",
				J2(H, row("212", "1", "1", NY, NY, "146", "geographic", "true")), 2,
				"overlay \"146\" of \"212\" is not three digits starting with 2-9");
	parse(J3(H, row("212", "1", "1", NY, NY, "\"646,917\"", "geographic", "true"),
			 row("646", "1", "1", NY, NY, "212", "geographic", "true")));
	CHECK(parse_ok && res.n_problems_total == 2 &&
		  has_problem(2, "overlay \"646,917\" of \"212\" is not three digits starting with 2-9") &&
		  has_problem(3, "overlay \"212\" of \"646\" does not list \"646\" back"),
		  "overlays separated by a comma");
	expect_only("overlay listed twice",
				J3(H, row("212", "1", "1", NY, NY, "646 646", "geographic", "true"),
				   row("646", "1", "1", NY, NY, "212", "geographic", "true")), 2,
				"overlay \"646\" of \"212\" is listed twice");
	expect_only("overlays with a doubled space",
				J4(H, row("212", "1", "1", NY, NY, "646  917", "geographic", "true"),
				   row("646", "1", "1", NY, NY, "212", "geographic", "true"),
				   row("917", "1", "1", NY, NY, "212", "geographic", "true")), 2,
				"overlays \"646  917\" has an empty entry");
	expect_only("overlays with a trailing space",
				J3(H, row("212", "1", "1", NY, NY, "646 ", "geographic", "true"),
				   row("646", "1", "1", NY, NY, "212", "geographic", "true")), 2,
				"overlays \"646 \" has an empty entry");

	/* 17 overlays, all present and symmetric: only the count is wrong */
	strcpy(buf, H);
	ov[0] = '\0';
	for (i = 0; i <= CD_MAX_OVERLAYS; i++)
	{
		char		npa[16];

		snprintf(npa, sizeof(npa), "%d", 300 + i);
		if (i > 0)
			strcat(ov, " ");
		strcat(ov, npa);
		strcat(buf, row(npa, "1", "1", NY, NY, "212", "geographic", "true"));
	}
	strcat(buf, row("212", "1", "1", NY, NY, ov, "geographic", "true"));
	expect_only("17 overlays", buf, 19, "\"212\" lists 17 overlays, more than 16");

	/* 16 is fine */
	strcpy(buf, H);
	ov[0] = '\0';
	for (i = 0; i < CD_MAX_OVERLAYS; i++)
	{
		char		npa[16];

		snprintf(npa, sizeof(npa), "%d", 300 + i);
		if (i > 0)
			strcat(ov, " ");
		strcat(ov, npa);
		strcat(buf, row(npa, "1", "1", NY, NY, "212", "geographic", "true"));
	}
	strcat(buf, row("212", "1", "1", NY, NY, ov, "geographic", "true"));
	expect_valid("16 overlays", buf);
	{
		cd_geo	   *geo = test_zalloc(sizeof(cd_geo), NULL);

		cd_geo_from_rows(geo, res.rows, res.n_rows);
		CHECK(geo->area[212].n_overlays == 16 && geo->area[212].overlays[15] == 315 &&
			  geo->area[300].n_overlays == 1 && geo->area[300].overlays[0] == 212,
			  "geo: 16 overlays kept");
	}

	/* an overlay naming a row whose npa is wrong is not in the file */
	parse(J3(H, row("212", "1", "1", NY, NY, "646", "geographic", "true"),
			 row("6 46", "1", "1", NY, NY, "212", "geographic", "true")));
	CHECK(parse_ok && res.n_problems_total == 2 &&
		  has_problem(2, "overlay \"646\" of \"212\" is not in the file") &&
		  has_problem(3, "npa \"6 46\" is not three digits starting with 2-9"),
		  "overlay of a rejected row");

	/* overlays of a duplicate row are checked against the first row */
	parse(J4(H, row("212", "1", "1", NY, NY, "646", "geographic", "true"),
			 row("646", "1", "1", NY, NY, "212", "geographic", "true"),
			 row("212", "1", "1", NY, NY, "", "geographic", "true")));
	check_only("duplicate does not break overlays", 4, "duplicate npa \"212\" (first on line 2)");
}

/* ---------- several problems, ordering and limits ---------- */

static void
test_many_problems(void)
{
	static const char t[] =
	CD_CSV_HEADER "\n"
	"201,US,NJ,x,1,1,America/New_York,America/New_York,551 999,geographic,true,x\n"	/* 2 */
	"551,US,NJ,x,1,1,America/New_York,America/New_York,201,geographic,true,x\n"	/* 3 */
	"12a,US,NJ,x,1,1,America/New_York,America/New_York,,geographic,true,x\n"	/* 4 */
	"551,US,NJ,x,1,1,America/New_York,America/New_York,201,geographic,true,x\n"	/* 5 */
	"300,US,NJ,x,1,1,America/New_York,America/New_York,,bogus,maybe,x\n"	/* 6 */
	"301,US,NJ,x,1,1,America/New_York,America/New_York,,geographic,true,\"a\0b\"\n"	/* 7 */
	"abc\n";					/* 8 */
	static const struct
	{
		int			line;
		const char *msg;
	}			want[] = {
		{2, "overlay \"999\" of \"201\" is not in the file"},
		{4, "npa \"12a\" is not three digits starting with 2-9"},
		{5, "duplicate npa \"551\" (first on line 3)"},
		{6, "kind \"bogus\" is not geographic, toll_free, non_geographic or not_area_code"},
		{6, "in_service \"maybe\" is not true or false"},
		{7, "line contains a NUL byte"},
		{8, "row has 1 field, expected 12"},
	};
	int			n = (int) (sizeof(want) / sizeof(want[0]));
	int			i,
				max;
	bool		good;

	parse_len(t, sizeof(t) - 1, 100);
	good = parse_ok && res.n_problems_total == n && res.n_problems == n;
	for (i = 0; good && i < n; i++)
		good = res.problems[i].line == want[i].line &&
			strcmp(res.problems[i].message, want[i].msg) == 0;
	CHECK(good, "several problems, all reported in line order");
	if (!good)
		dump_problems();

	/* with fewer kept, the kept ones are the first in line order */
	for (max = 0; max <= n + 1; max++)
	{
		int			kept = max < n ? max : n;

		parse_len(t, sizeof(t) - 1, max);
		good = parse_ok && res.n_problems_total == n && res.n_problems == kept &&
			(kept > 0 || res.problems == NULL);
		for (i = 0; good && i < kept; i++)
			good = res.problems[i].line == want[i].line &&
				strcmp(res.problems[i].message, want[i].msg) == 0;
		CHECK(good, "max_problems %d keeps the first %d of %d", max, kept, n);
	}
	parse_len(t, sizeof(t) - 1, -5);
	CHECK(parse_ok && res.n_problems == 0 && res.n_problems_total == n,
		  "negative max_problems keeps none");

	/* hundreds of problems, kept in order */
	{
		static char big[200000];
		size_t		o = 0;

		o += (size_t) snprintf(big + o, sizeof(big) - o, "%s\n", CD_CSV_HEADER);
		for (i = 0; i < 1000; i++)
			o += (size_t) snprintf(big + o, sizeof(big) - o,
								   "%d,US,NJ,x,1,1," NY "," NY ",%d,geographic,true,x\n",
								   200 + (i % 800), 200 + ((i + 1) % 800));
		parse_len(big, o, 50);
		good = parse_ok && res.n_problems == 50;
		for (i = 1; good && i < res.n_problems; i++)
			good = res.problems[i - 1].line <= res.problems[i].line;
		CHECK(good && res.n_problems_total == 200 + 800 &&
			  res.n_rows == 800, "1000 rows: %d problems (200 duplicates, 800 one-way overlays)",
			  res.n_problems_total);
	}
}

/* A message quotes at most 48 bytes of a value, cut between characters. */
static void
test_message_quoting(void)
{
	char		kind[128];
	char		msg[512];

	memset(kind, 'a', 47);
	strcpy(kind + 47, "\xc3\xa9zzz");
	parse(J2(H, row("201", "1", "1", NY, NY, "", kind, "true")));
	snprintf(msg, sizeof(msg), "kind \"%.47s...\" is not geographic, toll_free, "
			 "non_geographic or not_area_code", kind);
	check_only("long value cut before a multi-byte character", 2, msg);

	memset(kind, 'a', 46);
	strcpy(kind + 46, "\xc3\xa9");
	parse(J2(H, row("201", "1", "1", NY, NY, "", kind, "true")));
	snprintf(msg, sizeof(msg), "kind \"%s\" is not geographic, toll_free, "
			 "non_geographic or not_area_code", kind);
	check_only("48-byte value quoted whole", 2, msg);

	parse(J2(H, row("201", "1", "1", NY, NY, "", "\"a\tb\x01\"", "true")));
	check_only("control characters shown as ?", 2,
			   "kind \"a?b?\" is not geographic, toll_free, non_geographic or not_area_code");
	parse(J2(H, row("201", "1", "1", NY, NY, "", "\"a\nb\"", "true")));
	check_only("newline in a value shown as ?", 2,
			   "kind \"a?b\" is not geographic, toll_free, non_geographic or not_area_code");
	parse(J2(H, row("201", "1", "1", NY, NY, "", "\"say \"\"hi\"\"\"", "true")));
	check_only("quotes in a value", 2,
			   "kind \"say \"hi\"\" is not geographic, toll_free, non_geographic or not_area_code");
	parse(J2(H, row("201", "1", "1", NY, NY, "", "caf\xe9", "true")));
	CHECK(parse_ok && res.n_problems_total == 2 && has_problem(2, "line is not valid UTF-8") &&
		  has_problem(2, "kind \"caf?\" is not geographic, toll_free, non_geographic or not_area_code"),
		  "invalid UTF-8 in a value shown as ?");
}

/* ---------- allocation failure ---------- */

static long fail_after;
static long n_allocs;

static void *
failing_zalloc(size_t size, void *arg)
{
	(void) arg;
	if (n_allocs++ >= fail_after)
		return NULL;
	return test_zalloc(size, NULL);
}

static void
test_out_of_memory(void)
{
	static const cd_alloc failing = {failing_zalloc, NULL};
	const char *t = J5(H, G201, G551, "12a,x\n", row("212", "1", "1", NY, NY, "999", "bogus", "x"));
	size_t		len = strlen(t);
	long		needed;
	int			bad = 0;
	bool		ok;

	fail_after = 1000000;
	n_allocs = 0;
	ok = cd_csv_parse(t, len, tz_known_file, NULL, 3, &failing, &res);
	needed = n_allocs;
	CHECK(ok && res.n_problems_total == 4 && needed > 3,
		  "counting allocations (%ld, %d problems)", needed, res.n_problems_total);

	for (fail_after = 0; fail_after < needed; fail_after++)
	{
		n_allocs = 0;
		memset(&res, 0x5A, sizeof(res));
		ok = cd_csv_parse(t, len, tz_known_file, NULL, 3, &failing, &res);
		if (ok || res.rows != NULL || res.problems != NULL || res.n_rows != 0 ||
			res.n_problems != 0 || res.n_problems_total != 0)
			bad++;
	}
	CHECK(bad == 0, "every allocation failure returns false with an empty result");
	fail_after = needed;
	n_allocs = 0;
	ok = cd_csv_parse(t, len, tz_known_file, NULL, 3, &failing, &res);
	CHECK(ok && res.n_problems_total == 4 && res.n_problems == 3,
		  "enough allocations succeed");
}

/* ---------- cd_geo_from_rows ---------- */

static void
test_geo_from_rows(void)
{
	cd_geo	   *geo = test_zalloc(sizeof(cd_geo), NULL);
	cd_csv_row	manual[2];

	parse(J5(H, G201, G551, T800, row("555", "", "", "", "", "", "not_area_code", "false")));
	CHECK(parse_ok && res.n_problems_total == 0 && res.n_rows == 4, "small file for geo");
	memset(geo, 0x77, sizeof(cd_geo));
	cd_geo_from_rows(geo, res.rows, res.n_rows);
	CHECK(geo->area[201].kind == CD_KIND_GEOGRAPHIC && geo->area[201].has_location &&
		  geo->area[201].lat == 40.8859 && geo->area[201].lon == -74.0435 &&
		  geo->area[201].n_overlays == 1 && geo->area[201].overlays[0] == 551,
		  "geo: 201 filled");
	CHECK(geo->area[551].n_overlays == 1 && geo->area[551].overlays[0] == 201, "geo: 551 overlays 201");
	CHECK(geo->area[800].kind == CD_KIND_TOLL_FREE && !geo->area[800].has_location &&
		  geo->area[800].n_overlays == 0 && geo->area[800].lat == 0.0, "geo: 800 filled");
	CHECK(geo->area[555].kind == CD_KIND_NOT_AREA_CODE, "geo: 555 not_area_code");
	CHECK(geo->area[212].kind == CD_KIND_UNASSIGNED && !geo->area[212].has_location &&
		  geo->area[212].n_overlays == 0 && geo->area[0].kind == CD_KIND_UNASSIGNED,
		  "geo: zeroed first");

	cd_geo_from_rows(geo, NULL, 0);
	CHECK(geo->area[201].kind == CD_KIND_UNASSIGNED, "geo: no rows, all unassigned");

	/* defensive: hand-built rows outside the parser's guarantees */
	memset(manual, 0, sizeof(manual));
	manual[0].npa = 1000;
	manual[0].kind = CD_KIND_GEOGRAPHIC;
	manual[1].npa = 300;
	manual[1].kind = CD_KIND_TOLL_FREE;
	manual[1].has_location = true;
	manual[1].lat = 5;
	manual[1].overlays = "301 bad 302";
	cd_geo_from_rows(geo, manual, 2);
	CHECK(geo->area[300].kind == CD_KIND_TOLL_FREE && !geo->area[300].has_location &&
		  geo->area[300].n_overlays == 2 && geo->area[300].overlays[1] == 302,
		  "geo: only geographic rows get a location; bad overlay entries skipped");
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : DEFAULT_CSV;

	test_kinds();
	test_distance();
	test_real_csv(path);
	test_valid_forms();
	test_file_problems();
	test_structure_problems();
	test_field_problems();
	test_overlay_problems();
	test_many_problems();
	test_message_quoting();
	test_out_of_memory();
	test_geo_from_rows();
	CD_TEST_DONE();
}
