/*
 * test_pace.c - unit tests of the dialing decision (cd_pace.c): equal to
 * cd_route_pick while every number is available; otherwise the first
 * available number in the tier order, checked against a slow reference
 * written out below; each number tested at most once; nothing available
 * gives -1 with every number reported as passed over.
 */
#include <math.h>
#include <stdint.h>

#include "cd_pace.h"
#include "cd_test.h"

/* ---------- a small random source, fixed seeds ---------- */

static uint64_t rng_state;

static void
rng_seed(uint64_t seed)
{
	rng_state = seed;
}

static uint64_t
rng_next(void)
{
	uint64_t	z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A random number in area code npa. */
static uint64_t
rng_number(int npa)
{
	return (uint64_t) npa * 10000000u + rng_next() % 10000000u;
}

static int
npa_of(uint64_t national)
{
	return (int) (national / 10000000u);
}

/* ---------- geography built by hand ---------- */

static cd_geo geo;

static void
add_area(cd_geo *g, int npa, double lat, double lon, const char *overlays)
{
	cd_area    *a = &g->area[npa];
	const char *p = overlays;

	a->kind = CD_KIND_GEOGRAPHIC;
	a->has_location = true;
	a->lat = lat;
	a->lon = lon;
	a->n_overlays = 0;
	while (*p)
	{
		char	   *end;
		long		o = strtol(p, &end, 10);

		if (end == p)
			break;
		a->overlays[a->n_overlays++] = (uint16_t) o;
		p = end;
	}
}

static void
add_kind(cd_geo *g, int npa, cd_kind kind)
{
	memset(&g->area[npa], 0, sizeof(cd_area));
	g->area[npa].kind = (uint8_t) kind;
}

/* Rows of data/nanp_area_codes.csv (npa, lat, lon, overlays). */
static void
build_geo(void)
{
	memset(&geo, 0, sizeof(geo));
	add_area(&geo, 212, 40.7143, -74.0060, "332 646 917");	/* New York City */
	add_area(&geo, 332, 40.7143, -74.0060, "212 646 917");
	add_area(&geo, 646, 40.7143, -74.0060, "212 332 917");
	add_area(&geo, 917, 40.6501, -73.9496, "212 332 347 465 646 718 929");	/* Brooklyn */
	add_area(&geo, 718, 40.6501, -73.9496, "347 465 917 929");
	add_area(&geo, 347, 40.6501, -73.9496, "465 718 917 929");
	add_area(&geo, 929, 40.6501, -73.9496, "347 465 718 917");
	add_area(&geo, 201, 40.8859, -74.0435, "551");	/* Hackensack */
	add_area(&geo, 551, 40.8859, -74.0435, "201");
	add_area(&geo, 206, 47.6062, -122.3321, "564");	/* Seattle */
	add_area(&geo, 564, 47.6062, -122.3321, "206 360");
	add_area(&geo, 360, 47.0449, -122.9017, "564");	/* Olympia */
	add_area(&geo, 305, 25.7743, -80.1937, "645 786");	/* Miami */
	add_area(&geo, 907, 61.2181, -149.9003, "");	/* Anchorage */
	add_area(&geo, 808, 21.3069, -157.8583, "");	/* Honolulu */
	add_area(&geo, 787, 18.4663, -66.1057, "939");	/* San Juan */
	add_area(&geo, 671, 13.4757, 144.7489, "");	/* Hagatna */
	add_area(&geo, 416, 43.7064, -79.3986, "437 647 942");	/* Toronto */
	add_area(&geo, 604, 49.2497, -123.1193, "236 257 672 778");	/* Vancouver */
	add_kind(&geo, 800, CD_KIND_TOLL_FREE);
	add_kind(&geo, 888, CD_KIND_TOLL_FREE);
	add_kind(&geo, 555, CD_KIND_NOT_AREA_CODE);
	add_kind(&geo, 411, CD_KIND_NOT_AREA_CODE);
	add_kind(&geo, 500, CD_KIND_NON_GEOGRAPHIC);
	add_kind(&geo, 900, CD_KIND_NON_GEOGRAPHIC);
	/* 299 and 999 stay unassigned */
}

static double
km_between(int a, int b)
{
	return cd_distance_km(geo.area[a].lat, geo.area[a].lon,
						  geo.area[b].lat, geo.area[b].lon);
}

/* ---------- the reference definition of the choice ---------- */

/*
 * Written out independently of cd_route.c, slowly: the hash of a number
 * h(x) = fmix64(x ^ salt), the weight of callee c for number n
 * w(c, n) = fmix64(h(c) ^ fmix64(h(n) + step)), and the callee takes the
 * candidate of largest (weight, then smaller national number).  The constants
 * are those of the compatibility contract in cd_route.c; this must fail if
 * they change.
 */
static uint64_t
ref_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

static uint64_t
ref_hash(uint64_t x)
{
	return ref_mix(x ^ UINT64_C(0x243f6a8885a308d3));
}

static uint64_t
ref_weight(uint64_t callee, uint64_t number)
{
	return ref_mix(ref_hash(callee) ^ ref_mix(ref_hash(number) + UINT64_C(0x9e3779b97f4a7c15)));
}

/* ---------- the reference tier order ---------- */

static bool
ref_located(int npa)
{
	return npa >= 200 && npa < 1000 && geo.area[npa].kind == CD_KIND_GEOGRAPHIC &&
		geo.area[npa].has_location;
}

static bool
ref_overlays(int c, int p)
{
	int			i;

	for (i = 0; i < geo.area[c].n_overlays; i++)
		if (geo.area[c].overlays[i] == p)
			return true;
	return false;
}

/*
 * Tier rank of number x for callee c: a double so distances order directly:
 * -2 area code, -1 overlay, km for the others located, +inf no location;
 * 0 for all when there is one tier.
 */
static double
ref_tier(uint64_t callee, uint64_t x, bool any_located)
{
	int			c = npa_of(callee);
	int			p = npa_of(x);

	if (!ref_located(c) || !any_located)
		return 0;
	if (!ref_located(p))
		return INFINITY;
	if (p == c)
		return -2;
	if (ref_overlays(c, p))
		return -1;
	return km_between(c, p);
}

/* Index of the first available number in the reference order, or -1. */
static int
ref_dial(uint64_t callee, const uint64_t *numbers, int n, const bool *ok)
{
	bool		any_located = false;
	int			best = -1;
	double		best_t = 0;
	uint64_t	best_w = 0;
	int			i;

	for (i = 0; i < n; i++)
		if (ref_located(npa_of(numbers[i])))
			any_located = true;
	for (i = 0; i < n; i++)
	{
		double		t;
		uint64_t	w;

		if (!ok[i])
			continue;
		t = ref_tier(callee, numbers[i], any_located);
		w = ref_weight(callee, numbers[i]);
		if (best < 0 || t < best_t || (t == best_t && (w > best_w ||
													  (w == best_w && numbers[i] < numbers[best]))))
		{
			best = i;
			best_t = t;
			best_w = w;
		}
	}
	return best;
}

/* ---------- the availability test the decision calls ---------- */

typedef struct avail_state
{
	const bool *ok;
	int			n;
	int		   *calls;			/* per index */
	int			total_calls;
	cd_unavail	reason;
} avail_state;

static cd_unavail
test_avail(void *arg, uint32_t index)
{
	avail_state *s = arg;

	s->calls[index]++;
	s->total_calls++;
	return s->ok[index] ? CD_AVAILABLE : s->reason;
}

static const int npas[] = {212, 332, 646, 917, 718, 201, 206, 360, 305, 907, 808,
	787, 671, 416, 604, 800, 555, 500, 299};
#define N_NPAS ((int) (sizeof(npas) / sizeof(npas[0])))

static void
test_equal_to_pick(void)
{
	int			round;
	int			mismatches = 0;
	int			decisions = 0;

	rng_seed(11);
	for (round = 0; round < 200; round++)
	{
		int			n = 1 + (int) (rng_next() % 40);
		uint64_t	numbers[40];
		bool		ok[40];
		int			calls[40];
		cd_route_pool *pool;
		int			i,
					j;

		for (i = 0; i < n; i++)
		{
			bool		dup;

			do
			{
				numbers[i] = rng_number(npas[rng_next() % (round % 3 == 0 ? 5 : N_NPAS)]);
				dup = false;
				for (j = 0; j < i; j++)
					dup |= numbers[j] == numbers[i];
			} while (dup);
			ok[i] = true;
		}
		pool = cd_route_build(&geo, numbers, n, &test_alloc);
		for (j = 0; j < 50; j++)
		{
			uint64_t	callee = rng_number(npas[rng_next() % N_NPAS]);
			cd_pick		p;
			cd_dial		d;
			avail_state s = {ok, n, calls, 0, CD_RESTING};

			memset(calls, 0, sizeof(calls));
			cd_route_pick(pool, callee, &p);
			if (!cd_route_dial(pool, &geo, callee, test_avail, &s, &test_alloc, &d) ||
				d.index != p.index || d.rule != p.rule || d.candidates != p.candidates ||
				!((isnan(d.tier_km) && isnan(p.distance_km)) || d.tier_km == p.distance_km) ||
				s.total_calls != 1 || d.n_skipped_total != 0)
				mismatches++;
			decisions++;
		}
	}
	CHECK(mismatches == 0, "all available: dial equals pick in number, rule, candidates, distance, one test (%d of %d differ)",
		  mismatches, decisions);
}

static void
test_against_reference(void)
{
	int			round;
	int			wrong = 0;
	int			retested = 0;
	int			skips_wrong = 0;
	int			decisions = 0;
	int			nones = 0;

	rng_seed(23);
	for (round = 0; round < 300; round++)
	{
		int			n = 1 + (int) (rng_next() % 60);
		uint64_t	numbers[60];
		bool		ok[60];
		int			calls[60];
		cd_route_pool *pool;
		int			i,
					j;

		for (i = 0; i < n; i++)
		{
			bool		dup;

			do
			{
				numbers[i] = rng_number(npas[rng_next() % N_NPAS]);
				dup = false;
				for (j = 0; j < i; j++)
					dup |= numbers[j] == numbers[i];
			} while (dup);
		}
		pool = cd_route_build(&geo, numbers, n, &test_alloc);
		for (j = 0; j < 40; j++)
		{
			uint64_t	callee = rng_number(npas[rng_next() % N_NPAS]);
			int			density = 1 + (int) (rng_next() % 4);	/* 1/4 .. 4/4 down */
			cd_dial		d;
			avail_state s = {ok, n, calls, 0, CD_HOURLY_CAP};
			int			expect;
			int			down = 0;

			for (i = 0; i < n; i++)
			{
				ok[i] = (int) (rng_next() % 4) >= density;
				down += !ok[i];
			}
			memset(calls, 0, sizeof(calls));
			expect = ref_dial(callee, numbers, n, ok);
			if (!cd_route_dial(pool, &geo, callee, test_avail, &s, &test_alloc, &d) || d.index != expect)
				wrong++;
			for (i = 0; i < n; i++)
				if (calls[i] > 1)
					retested++;
			/* every number tested before the answer was passed over and reported */
			if (d.n_skipped_total != s.total_calls - (d.index >= 0 ? 1 : 0) ||
				d.n_skipped != (d.n_skipped_total < CD_DIAL_SKIP_MAX ? d.n_skipped_total : CD_DIAL_SKIP_MAX))
				skips_wrong++;
			for (i = 0; i < d.n_skipped; i++)
				if (ok[d.skipped[i].index] || d.skipped[i].reason != CD_HOURLY_CAP)
					skips_wrong++;
			if (expect < 0)
			{
				nones++;
				if (d.n_skipped_total != n || down != n)
					skips_wrong++;
			}
			decisions++;
		}
	}
	CHECK(wrong == 0, "some numbers unavailable: the first available in the reference tier order (%d of %d wrong)",
		  wrong, decisions);
	CHECK(retested == 0, "no number is tested twice in one decision");
	CHECK(skips_wrong == 0, "passed-over numbers are those tested before the answer, with their reasons");
	CHECK(nones > 0, "some decisions found nothing available (%d)", nones);
}

/* A worked example on real coordinates. */
static void
test_example(void)
{
	/* indexes: 0,1 = 212; 2 = 646; 3 = 201 (Hackensack); 4 = 206 (Seattle); 5 = 800 */
	static const uint64_t numbers[] = {2125550001, 2125550002, 6465550003, 2015550004,
		2065550005, 8005550006};
	bool		ok[6] = {true, true, true, true, true, true};
	int			calls[6];
	cd_route_pool *pool = cd_route_build(&geo, numbers, 6, &test_alloc);
	avail_state s = {ok, 6, calls, 0, CD_DAILY_CAP};
	cd_dial		d;
	cd_pick		p;
	uint64_t	callee = 2125551234;

	cd_route_pick(pool, callee, &p);
	cd_route_dial(pool, &geo, callee, test_avail, &s, &test_alloc, &d);
	CHECK(d.index == p.index && d.rule == CD_RULE_AREA_CODE && d.candidates == 2 && d.tier_km == 0,
		  "212 callee, all available: the pick, area_code, 2 candidates, 0 km");

	ok[0] = ok[1] = false;
	cd_route_dial(pool, &geo, callee, test_avail, &s, &test_alloc, &d);
	CHECK(d.index == 2 && d.rule == CD_RULE_OVERLAY && d.candidates == 1 && d.n_skipped == 2,
		  "both 212 numbers capped: the 646 overlay, two passed over");
	ok[2] = false;
	cd_route_dial(pool, &geo, callee, test_avail, &s, &test_alloc, &d);
	CHECK(d.index == 3 && d.rule == CD_RULE_NEAREST && fabs(d.tier_km - km_between(212, 201)) < 1e-9,
		  "and the overlay: the nearest other area code, 201 (%.1f km), not 206", d.tier_km);
	ok[3] = false;
	cd_route_dial(pool, &geo, callee, test_avail, &s, &test_alloc, &d);
	CHECK(d.index == 4 && d.rule == CD_RULE_NEAREST, "then 206");
	ok[4] = false;
	cd_route_dial(pool, &geo, callee, test_avail, &s, &test_alloc, &d);
	CHECK(d.index == 5 && d.rule == CD_RULE_FALLBACK && isnan(d.tier_km) && d.n_skipped == 5 &&
		  d.skipped[0].reason == CD_DAILY_CAP,
		  "then the number without a location, fallback, five passed over");
	ok[5] = false;
	cd_route_dial(pool, &geo, callee, test_avail, &s, &test_alloc, &d);
	CHECK(d.index == -1 && d.n_skipped_total == 6, "nothing available: -1, all six passed over");

	memset(ok, 0, sizeof(ok));
	ok[4] = true;
	cd_route_dial(pool, &geo, 8005551111, test_avail, &s, &test_alloc, &d);
	CHECK(d.index == 4 && d.rule == CD_RULE_FALLBACK && d.candidates == 6,
		  "toll-free callee: one tier of every number");
	CHECK(strcmp(cd_unavail_name(CD_HOURLY_CAP), "hourly_cap") == 0 &&
		  strcmp(cd_unavail_name(CD_RESTING), "resting") == 0 &&
		  strcmp(cd_unavail_name(CD_DAILY_CAP), "daily_cap") == 0 &&
		  strcmp(cd_unavail_name((cd_unavail) 9), "unknown") == 0, "reason names");
}

/* Most numbers passed over: the report keeps the first CD_DIAL_SKIP_MAX. */
static void
test_many_skipped(void)
{
	uint64_t	numbers[100];
	bool		ok[100];
	int			calls[100];
	cd_route_pool *pool;
	avail_state s = {ok, 100, calls, 0, CD_RESTING};
	cd_dial		d;
	int			i;

	for (i = 0; i < 100; i++)
	{
		numbers[i] = 3055550000u + (uint64_t) i;
		ok[i] = false;
	}
	pool = cd_route_build(&geo, numbers, 100, &test_alloc);
	cd_route_dial(pool, &geo, 3055551234u, test_avail, &s, &test_alloc, &d);
	CHECK(d.index == -1 && d.n_skipped == CD_DIAL_SKIP_MAX && d.n_skipped_total == 100,
		  "100 resting: %d reported of %d", d.n_skipped, d.n_skipped_total);
}

/* The brute-force peak: every window end s in [at, at + width), one unit apart. */
static int64_t
ref_peak(const int64_t *t, size_t n, int64_t at, int64_t width)
{
	int64_t		best = 0;
	int64_t		s;

	for (s = at; s < at + width; s++)
	{
		int64_t		c = 0;
		size_t		i;

		for (i = 0; i < n; i++)
			c += t[i] > s - width && t[i] <= s;
		if (c > best)
			best = c;
	}
	return best;
}

static void
test_window_peak(void)
{
	static const int64_t t[] = {10, 20, 30, 65, 70, 95};
	int			round;
	int			wrong = 0;

	CHECK(cd_window_peak(NULL, 0, 100, 60) == 0, "no calls: peak 0");
	/* calls at 10 20 30 65 70 95, windows of 60 */
	CHECK(cd_window_peak(t, 6, 60, 60) == 4,
		  "at 60: (0, 60] holds 3, but the later window (5, 65] holds 4");
	CHECK(cd_window_peak(t, 6, 70, 60) == 4, "at 70: (10, 70] holds 20, 30, 65, 70");
	CHECK(cd_window_peak(t, 6, 5, 60) == 3, "at 5, before every call: (-55, 5] is empty, (-25, 35] holds 3");
	CHECK(cd_window_peak(t, 6, 130, 60) == 1, "at 130: (70, 130] holds 95 alone");
	CHECK(cd_window_peak(t, 6, 155, 60) == 0, "at 155: 95 has left (95, 155]");
	rng_seed(5);
	for (round = 0; round < 2000; round++)
	{
		int64_t		times[40];
		size_t		n = rng_next() % 40;
		size_t		i,
					k;
		int64_t		at = (int64_t) (rng_next() % 300);
		int64_t		width = 1 + (int64_t) (rng_next() % 80);

		for (i = 0; i < n; i++)
			times[i] = (int64_t) (rng_next() % 300);
		for (i = 1; i < n; i++)
			for (k = i; k > 0 && times[k - 1] > times[k]; k--)
			{
				int64_t		x = times[k];

				times[k] = times[k - 1];
				times[k - 1] = x;
			}
		if (cd_window_peak(times, n, at, width) != ref_peak(times, n, at, width))
			wrong++;
	}
	CHECK(wrong == 0, "random calls: the peak equals the brute-force maximum over windows containing at (%d wrong)", wrong);
}

int
main(void)
{
	build_geo();
	test_equal_to_pick();
	test_against_reference();
	test_example();
	test_many_skipped();
	test_window_peak();
	CD_TEST_DONE();
}
