/*
 * test_pace.c - unit tests of the dialing decision (cd_pace.c): equal to
 * cd_route_pick while every number is available; otherwise the first
 * available number in the tier order, checked against a slow reference
 * written out below; each number tested at most once; nothing available
 * gives -1 with every number reported as passed over.
 */
#include <math.h>
#include <stdint.h>

#include "cd_exch.h"
#include "cd_near.h"
#include "cd_pace.h"
#include "cd_test.h"

#include "cd_test_geo.h"

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
	const uint64_t *numbers;	/* for test_number */
	int			number_calls;
} avail_state;

static cd_unavail
test_avail(void *arg, uint32_t index)
{
	avail_state *s = arg;

	s->calls[index]++;
	s->total_calls++;
	return s->ok[index] ? CD_AVAILABLE : s->reason;
}

static uint64_t
test_number(void *arg, uint32_t index)
{
	avail_state *s = arg;

	s->number_calls++;
	return s->numbers[index];
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
			avail_state s = {ok, n, calls, 0, CD_RESTING, numbers, 0};

			memset(calls, 0, sizeof(calls));
			cd_route_pick(pool, callee, &p);
			if (!cd_route_dial(pool, &geo, NULL, NULL, callee, test_avail, test_number, &s, true, &test_alloc, &d) ||
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
	int			looked_up = 0;

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
			avail_state s = {ok, n, calls, 0, CD_HOURLY_CAP, numbers, 0};
			int			expect;
			int			down = 0;

			for (i = 0; i < n; i++)
			{
				ok[i] = (int) (rng_next() % 4) >= density;
				down += !ok[i];
			}
			memset(calls, 0, sizeof(calls));
			expect = ref_dial(callee, numbers, n, ok);
			if (!cd_route_dial(pool, &geo, NULL, NULL, callee, test_avail, test_number, &s, true, &test_alloc, &d) || d.index != expect)
				wrong++;
			looked_up += s.number_calls;
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
	CHECK(looked_up == 0, "without exchanges no number is looked up by exchange (%d)", looked_up);
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
	avail_state s = {ok, 6, calls, 0, CD_DAILY_CAP, numbers, 0};
	cd_dial		d;
	cd_pick		p;
	uint64_t	callee = 2125551234;

	cd_route_pick(pool, callee, &p);
	cd_route_dial(pool, &geo, NULL, NULL, callee, test_avail, test_number, &s, true, &test_alloc, &d);
	CHECK(d.index == p.index && d.rule == CD_RULE_AREA_CODE && d.candidates == 2 && d.tier_km == 0,
		  "212 callee, all available: the pick, area_code, 2 candidates, 0 km");

	ok[0] = ok[1] = false;
	cd_route_dial(pool, &geo, NULL, NULL, callee, test_avail, test_number, &s, true, &test_alloc, &d);
	CHECK(d.index == 2 && d.rule == CD_RULE_OVERLAY && d.candidates == 1 && d.n_skipped == 2,
		  "both 212 numbers capped: the 646 overlay, two passed over");
	ok[2] = false;
	cd_route_dial(pool, &geo, NULL, NULL, callee, test_avail, test_number, &s, true, &test_alloc, &d);
	CHECK(d.index == 3 && d.rule == CD_RULE_NEAREST && fabs(d.tier_km - km_between(212, 201)) < 1e-9,
		  "and the overlay: the nearest other area code, 201 (%.1f km), not 206", d.tier_km);
	ok[3] = false;
	cd_route_dial(pool, &geo, NULL, NULL, callee, test_avail, test_number, &s, true, &test_alloc, &d);
	CHECK(d.index == 4 && d.rule == CD_RULE_NEAREST, "then 206");
	ok[4] = false;
	cd_route_dial(pool, &geo, NULL, NULL, callee, test_avail, test_number, &s, true, &test_alloc, &d);
	CHECK(d.index == 5 && d.rule == CD_RULE_FALLBACK && isnan(d.tier_km) && d.n_skipped == 5 &&
		  d.skipped[0].reason == CD_DAILY_CAP,
		  "then the number without a location, fallback, five passed over");
	ok[5] = false;
	cd_route_dial(pool, &geo, NULL, NULL, callee, test_avail, test_number, &s, true, &test_alloc, &d);
	CHECK(d.index == -1 && d.n_skipped_total == 6, "nothing available: -1, all six passed over");

	memset(ok, 0, sizeof(ok));
	ok[4] = true;
	cd_route_dial(pool, &geo, NULL, NULL, 8005551111, test_avail, test_number, &s, true, &test_alloc, &d);
	CHECK(d.index == 4 && d.rule == CD_RULE_FALLBACK && d.candidates == 6,
		  "toll-free callee: one tier of every number");
	CHECK(strcmp(cd_unavail_name(CD_HOURLY_CAP), "hourly_cap") == 0 &&
		  strcmp(cd_unavail_name(CD_RESTING), "resting") == 0 &&
		  strcmp(cd_unavail_name(CD_DAILY_CAP), "daily_cap") == 0 &&
		  strcmp(cd_unavail_name((cd_unavail) 9), "unknown") == 0, "reason names");
}


/* ---------- exchange precision ---------- */

/*
 * Exchanges for every located area code of npas[]: 40 each (NXX 200-239),
 * a quarter without a point, every seventh at the previous one's point (one
 * town), the others scattered within 1.5 degrees of the area code's point.
 * Numbers of NXX 240-244 have no exchange: their area code's point.
 */
static cd_exch_entry exch[20 * 40];
static int	n_exch;

static void
build_exchanges(void)
{
	int			a,
				i;

	n_exch = 0;
	for (a = 0; a < N_NPAS; a++)
	{
		int			npa = npas[a];

		if (!ref_located(npa))
			continue;
		for (i = 0; i < 40; i++)
		{
			cd_exch_entry *x = &exch[n_exch++];

			x->npa = (uint16_t) npa;
			x->nxx = (uint16_t) (200 + i);
			x->has_location = (i % 4) != 0;
			x->lat = geo.area[npa].lat + (double) (rng_next() % 300) / 100.0 - 1.5;
			x->lon = geo.area[npa].lon + (double) (rng_next() % 300) / 100.0 - 1.5;
			if (i % 7 == 0 && i > 0)
			{
				x->lat = exch[n_exch - 2].lat;
				x->lon = exch[n_exch - 2].lon;
			}
		}
	}
}

/* A random number in area code npa, in one of its exchanges or none. */
static uint64_t
rng_xnumber(int npa)
{
	return (uint64_t) npa * 10000000u + (200 + rng_next() % 45) * 10000u + rng_next() % 10000u;
}

static uint64_t
rng_unique(const uint64_t *numbers, int i, int spread)
{
	uint64_t	x;
	bool		dup;
	int			j;

	do
	{
		x = rng_xnumber(npas[rng_next() % (uint64_t) spread]);
		dup = false;
		for (j = 0; j < i; j++)
			dup |= numbers[j] == x;
	} while (dup);
	return x;
}

/*
 * The reference distance at exchange precision, written out: the squared
 * chord between the unit vectors of the best known points (the callee's
 * exchange point, else its area code's; the same for the number), computed
 * here from the degrees.  INFINITY when either has no point.
 */
static double
ref_chord(const cd_exch_geo *xg, uint64_t a, uint64_t b)
{
	double		la,
				lo,
				lb,
				ob;
	bool		ex;
	const double rad = M_PI / 180.0;
	double		x,
				y,
				z;

	if (!cd_exch_point(&geo, xg, a, &la, &lo, &ex) || !cd_exch_point(&geo, xg, b, &lb, &ob, &ex))
		return INFINITY;
	x = cos(la * rad) * cos(lo * rad) - cos(lb * rad) * cos(ob * rad);
	y = cos(la * rad) * sin(lo * rad) - cos(lb * rad) * sin(ob * rad);
	z = sin(la * rad) - sin(lb * rad);
	return x * x + y * y + z * z;
}

/* ref_tier at exchange precision: distances are chords between points. */
static double
ref_xtier(const cd_exch_geo *xg, uint64_t callee, uint64_t x, bool any_located)
{
	double		t = ref_tier(callee, x, any_located);

	return t > -1 && isfinite(t) ? ref_chord(xg, callee, x) : t;
}

/*
 * The reference decision at exchange precision: the index of the first
 * available number, and the size of its tier (every number of the tier,
 * available or not).
 */
static int
ref_xdial(const cd_exch_geo *xg, uint64_t callee, const uint64_t *numbers, int n,
		  const bool *ok, int *tier_size)
{
	bool		any_located = false;
	int			best = -1;
	double		best_t = 0;
	uint64_t	best_w = 0;
	int			i;

	*tier_size = 0;
	for (i = 0; i < n; i++)
		if (ref_located(npa_of(numbers[i])))
			any_located = true;
	for (i = 0; i < n; i++)
	{
		double		t;
		uint64_t	w;

		if (!ok[i])
			continue;
		t = ref_xtier(xg, callee, numbers[i], any_located);
		w = ref_weight(callee, numbers[i]);
		if (best < 0 || t < best_t || (t == best_t && (w > best_w ||
													  (w == best_w && numbers[i] < numbers[best]))))
		{
			best = i;
			best_t = t;
			best_w = w;
		}
	}
	for (i = 0; best >= 0 && i < n; i++)
		*tier_size += ref_xtier(xg, callee, numbers[i], any_located) == best_t;
	return best;
}

/* The pick as the routing functions make it (cd_pool_pick). */
static void
pool_pick(const cd_route_pool *pool, const cd_near_pool *near, const cd_exch_geo *xg,
		  uint64_t callee, cd_pick *p)
{
	cd_route_pick(pool, callee, p);
	cd_near_pick(near, &geo, xg, callee, true, p);
}

static void
test_equal_to_pick_exchanges(void)
{
	cd_exch_geo *xg = cd_exch_geo_build(&geo, exch, n_exch, &test_alloc);
	int			round;
	int			mismatches = 0;
	int			decisions = 0;
	int			refined = 0;
	int			moved = 0;

	rng_seed(31);
	for (round = 0; round < 200; round++)
	{
		int			n = 1 + (int) (rng_next() % 40);
		uint64_t	numbers[40];
		bool		ok[40];
		int			calls[40];
		cd_route_pool *pool;
		cd_near_pool *near;
		bool		oom;
		int			i,
					j;

		for (i = 0; i < n; i++)
		{
			numbers[i] = rng_unique(numbers, i, round % 3 == 0 ? 5 : N_NPAS);
			ok[i] = true;
		}
		pool = cd_route_build(&geo, numbers, n, &test_alloc);
		near = cd_near_build(&geo, xg, pool, numbers, n, &test_alloc, &oom);
		for (j = 0; j < 50; j++)
		{
			uint64_t	callee = rng_xnumber(npas[rng_next() % N_NPAS]);
			cd_pick		p,
						area;
			cd_dial		d;
			avail_state s = {ok, n, calls, 0, CD_RESTING, numbers, 0};

			memset(calls, 0, sizeof(calls));
			cd_route_pick(pool, callee, &area);
			pool_pick(pool, near, xg, callee, &p);
			refined += cd_near_refines(near, &geo, xg, callee);
			moved += p.index != area.index;
			if (!cd_route_dial(pool, &geo, near, xg, callee, test_avail, test_number, &s, true, &test_alloc, &d) ||
				d.index != p.index || d.rule != p.rule || d.candidates != p.candidates ||
				!((isnan(d.tier_km) && isnan(p.distance_km)) || d.tier_km == p.distance_km) ||
				s.total_calls != 1 || d.n_skipped_total != 0 || s.number_calls != 0)
				mismatches++;
			decisions++;
		}
	}
	CHECK(mismatches == 0, "exchanges, all available: dial equals the exchange-level pick in number, rule, candidates, distance, one test, no lookup (%d of %d differ)",
		  mismatches, decisions);
	CHECK(refined > 500 && moved > 50,
		  "the pick measured %d callees at exchange precision, and %d of them got another number than at area-code precision",
		  refined, moved);
}

static void
test_against_reference_exchanges(void)
{
	cd_exch_geo *xg = cd_exch_geo_build(&geo, exch, n_exch, &test_alloc);
	int			round;
	int			wrong = 0;
	int			km_wrong = 0;
	int			decisions = 0;
	int			nearest = 0;
	int			nones = 0;
	int			retested = 0;

	rng_seed(43);
	for (round = 0; round < 300; round++)
	{
		int			n = 1 + (int) (rng_next() % 60);
		uint64_t	numbers[60];
		bool		ok[60];
		int			calls[60];
		cd_route_pool *pool;
		cd_near_pool *near;
		bool		oom;
		int			i,
					j;

		for (i = 0; i < n; i++)
			numbers[i] = rng_unique(numbers, i, N_NPAS);
		pool = cd_route_build(&geo, numbers, n, &test_alloc);
		near = cd_near_build(&geo, xg, pool, numbers, n, &test_alloc, &oom);
		for (j = 0; j < 40; j++)
		{
			uint64_t	callee = rng_xnumber(npas[rng_next() % N_NPAS]);
			int			density = 1 + (int) (rng_next() % 4);
			cd_dial		d;
			avail_state s = {ok, n, calls, 0, CD_HOURLY_CAP, numbers, 0};
			int			expect,
						tier_size;

			for (i = 0; i < n; i++)
				ok[i] = (int) (rng_next() % 4) >= density;
			memset(calls, 0, sizeof(calls));
			expect = ref_xdial(xg, callee, numbers, n, ok, &tier_size);
			if (!cd_route_dial(pool, &geo, near, xg, callee, test_avail, test_number, &s, true, &test_alloc, &d) ||
				d.index != expect || (expect >= 0 && d.candidates != tier_size))
			{
				if (wrong++ < 3)
					printf("# callee %llu: got %d (%d candidates), reference %d (%d)\n",
						   (unsigned long long) callee, d.index, d.candidates, expect, tier_size);
			}
			for (i = 0; i < n; i++)
				if (calls[i] > 1)
					retested++;
			if (expect < 0)
				nones++;
			if (d.index >= 0 && d.rule == CD_RULE_NEAREST)
			{
				double		la,
							lo,
							lb,
							ob;
				bool		ex;

				nearest++;
				cd_exch_point(&geo, xg, callee, &la, &lo, &ex);
				cd_exch_point(&geo, xg, numbers[d.index], &lb, &ob, &ex);
				if (!(fabs(d.tier_km - cd_distance_km(la, lo, lb, ob)) < 1e-6))
					km_wrong++;
			}
			decisions++;
		}
	}
	CHECK(wrong == 0, "exchanges, some numbers unavailable: the first available in the reference order of exchange-precision distances, and its tier's size (%d of %d wrong)",
		  wrong, decisions);
	CHECK(km_wrong == 0 && nearest > 1000,
		  "the nearest tier's distance is between the callee's and the number's best known points (%d of %d wrong)",
		  km_wrong, nearest);
	CHECK(retested == 0 && nones > 0, "no number tested twice; some decisions found nothing (%d)", nones);
}

/*
 * The numbers of the callee's area code and overlays all resting, the rest
 * available: the dial is what the pool without them picks, in number, rule,
 * candidates and distance (its nearest tiers are that pick's, at the same
 * precision).  Every fourth pool has only numbers at area-code points, so
 * that the pick keeps cd_route's km for callees at area-code points.
 */
static void
test_resting_local_is_pick_without(void)
{
	cd_exch_geo *xg = cd_exch_geo_build(&geo, exch, n_exch, &test_alloc);
	int			round;
	int			mismatches = 0;
	int			compared = 0;
	int			by_km = 0;

	rng_seed(57);
	for (round = 0; round < 300; round++)
	{
		int			n = 2 + (int) (rng_next() % 40);
		uint64_t	numbers[42];
		uint64_t	rest[42];
		int			rest_index[42];
		bool		ok[42];
		int			calls[42];
		cd_route_pool *pool;
		cd_near_pool *near;
		bool		oom;
		int			i,
					j;

		for (i = 0; i < n; i++)
		{
			numbers[i] = rng_unique(numbers, i, N_NPAS);
			if (round % 4 == 0)
				numbers[i] = numbers[i] / 10000000u * 10000000u + 2400000u + (uint64_t) i;
		}
		pool = cd_route_build(&geo, numbers, n, &test_alloc);
		near = cd_near_build(&geo, xg, pool, numbers, n, &test_alloc, &oom);
		for (j = 0; j < 30; j++)
		{
			uint64_t	callee = rng_xnumber(npas[rng_next() % N_NPAS]);
			int			c = npa_of(callee);
			int			m = 0;
			cd_route_pool *without;
			cd_near_pool *near_without;
			cd_pick		p;
			cd_dial		d;
			avail_state s = {ok, n, calls, 0, CD_RESTING, numbers, 0};

			if (!ref_located(c))
				continue;
			for (i = 0; i < n; i++)
			{
				int			q = npa_of(numbers[i]);

				ok[i] = !(q == c || (ref_located(q) && ref_overlays(c, q)));
				if (ok[i])
				{
					rest_index[m] = i;
					rest[m++] = numbers[i];
				}
			}
			if (m == n || m == 0)
				continue;		/* nothing resting, or nothing left */
			without = cd_route_build(&geo, rest, m, &test_alloc);
			near_without = cd_near_build(&geo, xg, without, rest, m, &test_alloc, &oom);
			pool_pick(without, near_without, xg, callee, &p);
			if (p.rule == CD_RULE_NEAREST && !cd_near_refines(near_without, &geo, xg, callee))
				by_km++;
			memset(calls, 0, sizeof(calls));
			if (!cd_route_dial(pool, &geo, near, xg, callee, test_avail, test_number, &s, true, &test_alloc, &d) ||
				d.index != rest_index[p.index] || d.rule != p.rule || d.candidates != p.candidates ||
				!((isnan(d.tier_km) && isnan(p.distance_km)) || d.tier_km == p.distance_km))
			{
				if (mismatches++ < 3)
					printf("# callee %llu: dial %d %s %d %.17g, pick without %d %s %d %.17g\n",
						   (unsigned long long) callee, d.index, cd_rule_name(d.rule), d.candidates,
						   d.tier_km, rest_index[p.index], cd_rule_name(p.rule), p.candidates,
						   p.distance_km);
			}
			/* the same with the radii taken from the numbers, not the structure */
			if (!cd_route_dial(pool, &geo, NULL, xg, callee, test_avail, test_number, &s, true, &test_alloc, &d) ||
				d.index != rest_index[p.index] || d.rule != p.rule || d.candidates != p.candidates ||
				!((isnan(d.tier_km) && isnan(p.distance_km)) || d.tier_km == p.distance_km))
				mismatches++;
			compared++;
		}
	}
	CHECK(mismatches == 0 && compared > 2000 && by_km > 100,
		  "area code and overlays resting: the dial is the pick of the pool without them, distance included (%d of %d differ; %d in km)",
		  mismatches, compared, by_km);
}

/*
 * A worked example: Bayonne, NJ (201) is nearer to St. George, Staten Island
 * (718) than to Inwood, Manhattan (212), though the 212 point (City Hall) is
 * nearer to the 201 point (Hackensack) than the 718 point (Brooklyn) is.
 */
static void
test_example_exchanges(void)
{
	static const cd_exch_entry e[] = {
		{201, 436, true, 40.6687, -74.1143},	/* Bayonne */
		{212, 567, true, 40.8676, -73.9212},	/* Inwood */
		{718, 442, true, 40.6437, -74.0736},	/* St. George */
	};
	/* indexes: 0 = 201 Bayonne, 1 = 212 Inwood, 2 = 551 (no exchange), 3 = 718 St. George */
	static const uint64_t numbers[] = {2014360001, 2125670001, 5515550002, 7184420003};
	bool		ok[4] = {false, true, false, true};
	int			calls[4];
	avail_state s = {ok, 4, calls, 0, CD_RESTING, numbers, 0};
	cd_exch_geo *xg = cd_exch_geo_build(&geo, e, 3, &test_alloc);
	cd_route_pool *pool = cd_route_build(&geo, numbers, 4, &test_alloc);
	bool		oom;
	cd_near_pool *near = cd_near_build(&geo, xg, pool, numbers, 4, &test_alloc, &oom);
	cd_dial		d;
	cd_pick		p;
	uint64_t	bayonne = 2014361234;
	uint64_t	hackensack = 2019991234;	/* 201-999: no exchange, the area code's point */

	cd_route_dial(pool, &geo, near, xg, bayonne, test_avail, test_number, &s, true, &test_alloc, &d);
	CHECK(d.index == 3 && d.rule == CD_RULE_NEAREST && d.candidates == 1 &&
		  fabs(d.tier_km - cd_distance_km(40.6687, -74.1143, 40.6437, -74.0736)) < 1e-6,
		  "201 and 551 capped: Bayonne gets St. George (718, %.1f km), not Inwood", d.tier_km);
	cd_route_dial(pool, &geo, NULL, NULL, bayonne, test_avail, test_number, &s, true, &test_alloc, &d);
	CHECK(d.index == 1 && d.rule == CD_RULE_NEAREST && d.tier_km == km_between(201, 212),
		  "the same without exchanges (a database at 1.0): area-code points, 212");
	cd_route_dial(pool, &geo, near, xg, bayonne, test_avail, test_number, &s, false, &test_alloc, &d);
	CHECK(d.index == 3 && isnan(d.tier_km), "without want_km: the same number, no distance");

	/* a pool without 201 and 551: the pick itself is "nearest" */
	{
		static const uint64_t two[] = {2125670001, 7184420003};
		bool		ok2[2] = {true, true};
		int			calls2[2];
		avail_state s2 = {ok2, 2, calls2, 0, CD_RESTING, two, 0};
		cd_route_pool *pool2 = cd_route_build(&geo, two, 2, &test_alloc);
		cd_near_pool *near2 = cd_near_build(&geo, xg, pool2, two, 2, &test_alloc, &oom);

		pool_pick(pool2, near2, xg, bayonne, &p);
		cd_route_dial(pool2, &geo, near2, xg, bayonne, test_avail, test_number, &s2, true, &test_alloc, &d);
		CHECK(p.index == 1 && d.index == 1 && d.rule == CD_RULE_NEAREST && d.tier_km == p.distance_km,
			  "all available: the dial is the pick, St. George");
		ok2[1] = false;
		cd_route_dial(pool2, &geo, near2, xg, bayonne, test_avail, test_number, &s2, true, &test_alloc, &d);
		CHECK(d.index == 0 && d.rule == CD_RULE_NEAREST && d.n_skipped == 1 &&
			  fabs(d.tier_km - cd_distance_km(40.6687, -74.1143, 40.8676, -73.9212)) < 1e-6,
			  "St. George resting: the next distance, Inwood (%.1f km)", d.tier_km);
		ok2[1] = true;
		pool_pick(pool2, near2, xg, hackensack, &p);
		cd_route_dial(pool2, &geo, near2, xg, hackensack, test_avail, test_number, &s2, true, &test_alloc, &d);
		CHECK(p.index == 0 && d.index == 0, "a callee at its area code's point: Inwood, pick and dial");
	}

	/*
	 * Every number and the callee at area-code points: the pick keeps
	 * cd_route's answer, and the dial its km.
	 */
	{
		static const uint64_t two[] = {2129990001, 7189990003};	/* no exchanges */
		bool		ok2[2] = {true, true};
		int			calls2[2];
		avail_state s2 = {ok2, 2, calls2, 0, CD_RESTING, two, 0};
		cd_route_pool *pool2 = cd_route_build(&geo, two, 2, &test_alloc);
		cd_near_pool *near2 = cd_near_build(&geo, xg, pool2, two, 2, &test_alloc, &oom);

		CHECK(!cd_near_refines(near2, &geo, xg, hackensack) && cd_near_refines(near2, &geo, xg, bayonne),
			  "the pick measures Bayonne itself, not Hackensack's point among area-code points");
		pool_pick(pool2, near2, xg, hackensack, &p);
		cd_route_dial(pool2, &geo, near2, xg, hackensack, test_avail, test_number, &s2, true, &test_alloc, &d);
		CHECK(p.index == 0 && d.index == 0 && d.tier_km == km_between(201, 212) && d.tier_km == p.distance_km,
			  "all available: 212, the area codes' distance");
		ok2[0] = false;
		cd_route_dial(pool2, &geo, near2, xg, hackensack, test_avail, test_number, &s2, true, &test_alloc, &d);
		CHECK(d.index == 1 && d.rule == CD_RULE_NEAREST && d.tier_km == km_between(201, 718),
			  "212 resting: 718 at the area codes' distance");
	}

	/*
	 * Two area codes one degree of longitude east and west of the callee's:
	 * equal in km, which cd_route compares, though their squared chords
	 * differ in the last bits.  The pick keeps both as candidates, so the
	 * dial's first nearest tier must hold both too.
	 */
	{
		static const uint64_t two[] = {3089990001, 3099990002};
		bool		ok2[2] = {true, true};
		int			calls2[2];
		avail_state s2 = {ok2, 2, calls2, 0, CD_RESTING, two, 0};
		cd_route_pool *pool2;
		cd_near_pool *near2;
		cd_exch_geo *xg2;
		double		u[3],
					v1[3],
					v2[3];

		add_area(&geo, 307, 25.0, -120.0, "");
		add_area(&geo, 308, 25.0, -119.0, "");
		add_area(&geo, 309, 25.0, -121.0, "");
		cd_unit_vector(25.0, -120.0, u);
		cd_unit_vector(25.0, -119.0, v1);
		cd_unit_vector(25.0, -121.0, v2);
		xg2 = cd_exch_geo_build(&geo, e, 3, &test_alloc);
		pool2 = cd_route_build(&geo, two, 2, &test_alloc);
		near2 = cd_near_build(&geo, xg2, pool2, two, 2, &test_alloc, &oom);
		CHECK(km_between(307, 308) == km_between(307, 309) && cd_near_chord(v1, u) != cd_near_chord(v2, u),
			  "(the premise: equal km, different chords)");
		pool_pick(pool2, near2, xg2, 3079991234, &p);
		ok2[p.index] = false;
		cd_route_dial(pool2, &geo, near2, xg2, 3079991234, test_avail, test_number, &s2, true, &test_alloc, &d);
		CHECK(p.rule == CD_RULE_NEAREST && p.candidates == 2 && d.index == 1 - p.index &&
			  d.rule == CD_RULE_NEAREST && d.candidates == 2 && d.tier_km == p.distance_km,
			  "the pick's number resting: the other of its %d candidates, one tier of %d at %.1f km",
			  p.candidates, d.candidates, d.tier_km);
		memset(&geo.area[307], 0, sizeof(cd_area) * 3);
	}
}

/* Most numbers passed over: the report keeps the first CD_DIAL_SKIP_MAX. */
static void
test_many_skipped(void)
{
	uint64_t	numbers[100];
	bool		ok[100];
	int			calls[100];
	cd_route_pool *pool;
	avail_state s = {ok, 100, calls, 0, CD_RESTING, numbers, 0};
	cd_dial		d;
	int			i;

	for (i = 0; i < 100; i++)
	{
		numbers[i] = 3055550000u + (uint64_t) i;
		ok[i] = false;
	}
	pool = cd_route_build(&geo, numbers, 100, &test_alloc);
	cd_route_dial(pool, &geo, NULL, NULL, 3055551234u, test_avail, test_number, &s, true, &test_alloc, &d);
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
	build_exchanges();
	test_equal_to_pick_exchanges();
	test_against_reference_exchanges();
	test_resting_local_is_pick_without();
	test_example_exchanges();
	test_many_skipped();
	test_window_peak();
	CD_TEST_DONE();
}
