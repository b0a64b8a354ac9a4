/*
 * test_route.c - unit tests of the routing core (cd_route.c): the ladder
 * (area_code, overlay, nearest, fallback) on real coordinates from
 * data/nanp_area_codes.csv, distances, and the properties of the sticky
 * choice by rendezvous hashing (same answer, even spread, minimal movement),
 * checked against a slow reference definition of the weights written out
 * in cd_test_geo.h.
 */
#include <math.h>
#include <stdint.h>
#include <time.h>

#include "cd_route.h"
#include "cd_test.h"

#include "cd_test_geo.h"

/* Index (into numbers) of the reference choice among numbers[i] with in[i]. */
static int
ref_choose(uint64_t callee, const uint64_t *numbers, const bool *in, int n)
{
	int			best = -1;
	uint64_t	best_w = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		uint64_t	w;

		if (in && !in[i])
			continue;
		w = ref_weight(callee, numbers[i]);
		if (best < 0 || w > best_w || (w == best_w && numbers[i] < numbers[best]))
		{
			best = i;
			best_w = w;
		}
	}
	return best;
}

/* ---------- helpers ---------- */

static cd_route_pool *
build(const uint64_t *numbers, int n)
{
	return cd_route_build(&geo, numbers, n, &test_alloc);
}

static cd_pick
pick(const cd_route_pool *pool, uint64_t callee)
{
	cd_pick		p;

	memset(&p, 0xa5, sizeof(p));
	cd_route_pick(pool, callee, &p);
	return p;
}

/* Fisher-Yates with the fixed random source. */
static void
shuffle(uint64_t *a, int n)
{
	int			i;

	for (i = n - 1; i > 0; i--)
	{
		int			k = (int) (rng_next() % (uint64_t) (i + 1));
		uint64_t	t = a[i];

		a[i] = a[k];
		a[k] = t;
	}
}

/* Fills numbers with n distinct random numbers of area code npa. */
static void
distinct_numbers(uint64_t *numbers, int n, int npa)
{
	int			i,
				k;

	for (i = 0; i < n; i++)
	{
again:
		numbers[i] = rng_number(npa);
		for (k = 0; k < i; k++)
		{
			if (numbers[k] == numbers[i])
				goto again;
		}
	}
}

/* ---------- tests ---------- */

static void
test_names(void)
{
	CHECK(strcmp(cd_rule_name(CD_RULE_AREA_CODE), "area_code") == 0, "rule name area_code");
	CHECK(strcmp(cd_rule_name(CD_RULE_OVERLAY), "overlay") == 0, "rule name overlay");
	CHECK(strcmp(cd_rule_name(CD_RULE_NEAREST), "nearest") == 0, "rule name nearest");
	CHECK(strcmp(cd_rule_name(CD_RULE_FALLBACK), "fallback") == 0, "rule name fallback");
	CHECK(strcmp(cd_rule_name((cd_rule) 7), "unknown") == 0, "rule name out of range");
	CHECK(strcmp(cd_rule_name((cd_rule) -1), "unknown") == 0, "rule name negative");
}

/*
 * Golden values, computed once by the implementation and frozen: if any of
 * them changes, every pool's callees move on upgrade.
 */
static void
test_hash_stability(void)
{
	static const struct
	{
		uint64_t	national;
		uint64_t	hash;
	}			golden[] = {
		{UINT64_C(0), UINT64_C(0x7acdbb98b1344213)},
		{UINT64_C(2125550123), UINT64_C(0xdc08eed74d0a5a40)},
		{UINT64_C(9075550100), UINT64_C(0xec8f31f968795c0a)},
		{UINT64_C(8005550199), UINT64_C(0xd4b0abcb9eb0c57c)},
		{UINT64_C(9999999999), UINT64_C(0x1a5bc9df6fd2e741)},
	};
	size_t		i;

	for (i = 0; i < sizeof(golden) / sizeof(golden[0]); i++)
		CHECK(cd_route_hash(golden[i].national) == golden[i].hash,
			  "cd_route_hash(%llu) is the golden value", (unsigned long long) golden[i].national);
	CHECK(ref_hash(UINT64_C(2125550123)) == cd_route_hash(2125550123),
		  "cd_route_hash is the reference hash");
	CHECK(ref_weight(UINT64_C(2125551234), UINT64_C(2125550100)) == UINT64_C(0xa6150f08645e8727),
		  "the reference weight of one callee for one number is the golden value");
}

/*
 * Golden picks: a fixed pool and fixed callees give fixed numbers, so a
 * change of the weight or of its constants fails here as well as in the
 * reference.
 */
static void
test_pick_stability(void)
{
	static const uint64_t numbers[] = {
		2125550100, 2125550101, 2125550102, 2125550103, 2125550104,
		2125550105, 2125550106, 2125550107, 2125550108, 2125550109
	};
	static const uint64_t callees[] = {2125551234, 2129876543, 2120000000, 2125550100, 2127770001};
	static const int expected[] = {9, 4, 3, 5, 3};
	cd_route_pool *pool = build(numbers, 10);
	size_t		i;
	bool		ok = pool != NULL;

	for (i = 0; pool && i < sizeof(callees) / sizeof(callees[0]); i++)
	{
		cd_pick		p = pick(pool, callees[i]);

		if (p.index != expected[i] ||
			p.index != ref_choose(callees[i], numbers, NULL, 10))
			ok = false;
	}
	CHECK(ok, "golden picks for a fixed pool of ten numbers");

	{
		uint64_t	thirty[30];
		uint64_t	h = 0;
		uint64_t	c;

		for (c = 0; c < 30; c++)
			thirty[c] = 2125550000 + c * 37;
		pool = build(thirty, 30);
		for (c = 0; c < 2000; c++)
		{
			cd_pick		p = pick(pool, 2120000000 + c * 4999);

			h = h * 31 + (uint64_t) p.index;
		}
		CHECK(h == UINT64_C(0xa10c5d8212fc46e5),
			  "golden checksum of 2000 picks from a pool of thirty (0x%016llx)", (unsigned long long) h);
	}
}

static void
test_area_code(void)
{
	uint64_t	numbers[] = {3055550100, 2125550100, 9075550100, 8005550100};
	cd_route_pool *pool = build(numbers, 4);
	cd_pick		p;

	CHECK(pool != NULL, "build a pool of four numbers");
	p = pick(pool, 2125559999);
	CHECK(p.rule == CD_RULE_AREA_CODE && p.index == 1 && p.chosen_npa == 212 &&
		  p.candidates == 1 && p.distance_km == 0.0,
		  "callee 212 gets the 212 number by area_code (rule %d index %d npa %d candidates %d km %g)",
		  p.rule, p.index, p.chosen_npa, p.candidates, p.distance_km);
	p = pick(pool, 3050000000);
	CHECK(p.rule == CD_RULE_AREA_CODE && p.index == 0 && p.distance_km == 0.0,
		  "callee 305 gets the 305 number");
	p = pick(pool, 9079999999);
	CHECK(p.rule == CD_RULE_AREA_CODE && p.index == 2, "callee 907 gets the 907 number");
}

static void
test_overlay(void)
{
	uint64_t	numbers[] = {3055550100, 9175550100};
	uint64_t	two[] = {6465550100, 9175550100, 3055550100};
	cd_route_pool *pool = build(numbers, 2);
	cd_pick		p;
	int			seen646 = 0,
				seen917 = 0,
				bad = 0;
	int			i;

	p = pick(pool, 7185550000);
	CHECK(p.rule == CD_RULE_OVERLAY && p.index == 1 && p.chosen_npa == 917 &&
		  p.candidates == 1 && p.distance_km == 0.0,
		  "callee 718 gets the 917 number by overlay, 0 km (same point)");
	p = pick(pool, 2125550000);
	CHECK(p.rule == CD_RULE_OVERLAY && p.chosen_npa == 917 &&
		  fabs(p.distance_km - km_between(212, 917)) < 1e-9 && p.distance_km > 5 && p.distance_km < 12,
		  "callee 212 gets 917 by overlay, %.2f km (New York City to Brooklyn)", p.distance_km);

	/* overlays at two different points: the distance follows the number */
	pool = build(two, 3);
	rng_seed(11);
	for (i = 0; i < 400; i++)
	{
		p = pick(pool, rng_number(212));
		if (p.rule != CD_RULE_OVERLAY || p.candidates != 2)
			bad++;
		else if (p.chosen_npa == 646 && p.distance_km == 0.0 && p.index == 0)
			seen646++;
		else if (p.chosen_npa == 917 && p.distance_km == km_between(212, 917) && p.index == 1)
			seen917++;
		else
			bad++;
	}
	CHECK(bad == 0 && seen646 > 100 && seen917 > 100,
		  "callee 212 with 646 and 917 in the pool: overlay over both, distance of the chosen one (646: %d, 917: %d, bad: %d)",
		  seen646, seen917, bad);

	/* an overlay list naming the callee itself, twice the same code, or codes out of range */
	{
		cd_geo		saved = geo;
		uint64_t	one[] = {6465550100, 3055550100};

		geo.area[212].n_overlays = 5;
		geo.area[212].overlays[0] = 212;
		geo.area[212].overlays[1] = 646;
		geo.area[212].overlays[2] = 646;
		geo.area[212].overlays[3] = 1000;
		geo.area[212].overlays[4] = 65535;
		pool = build(one, 2);
		p = pick(pool, 2125550000);
		CHECK(p.rule == CD_RULE_OVERLAY && p.candidates == 1 && p.chosen_npa == 646,
			  "odd overlay lists (self, duplicate, out of range) are tolerated");
		geo = saved;
	}
}

static void
test_nearest(void)
{
	uint64_t	numbers[] = {2125550100, 2065550100};
	cd_route_pool *pool = build(numbers, 2);
	cd_pick		p;

	p = pick(pool, 9075550000);
	CHECK(p.rule == CD_RULE_NEAREST && p.chosen_npa == 206 && p.index == 1 && p.candidates == 1,
		  "callee 907 (Anchorage) gets 206 (Seattle), not 212, by nearest");
	CHECK(fabs(p.distance_km - 2300.0) < 0.05 * 2300.0,
		  "Anchorage to Seattle is about 2300 km (%.1f)", p.distance_km);
	CHECK(p.distance_km == km_between(907, 206), "the distance is the area codes' great-circle distance");

	{
		uint64_t	far[] = {2065550100, 2125550100, 3055550100};

		pool = build(far, 3);
		p = pick(pool, 8085550000);
		CHECK(p.rule == CD_RULE_NEAREST && p.chosen_npa == 206 &&
			  fabs(p.distance_km - 4300) < 0.05 * 4300,
			  "callee 808 (Honolulu) gets 206, %.0f km", p.distance_km);
		p = pick(pool, 7875550000);
		CHECK(p.rule == CD_RULE_NEAREST && p.chosen_npa == 305 &&
			  fabs(p.distance_km - 1670) < 0.05 * 1670,
			  "callee 787 (San Juan) gets 305 (Miami), %.0f km", p.distance_km);
		p = pick(pool, 4165550000);
		CHECK(p.rule == CD_RULE_NEAREST && p.chosen_npa == 212,
			  "callee 416 (Toronto) gets 212, %.0f km", p.distance_km);
		p = pick(pool, 6045550000);
		CHECK(p.rule == CD_RULE_NEAREST && p.chosen_npa == 206 && p.distance_km < 200,
			  "callee 604 (Vancouver) gets 206, %.0f km", p.distance_km);
		p = pick(pool, 3605550000);
		CHECK(p.rule == CD_RULE_NEAREST && p.chosen_npa == 206,
			  "callee 360 gets 206: 564 links them but does not make them overlays");
	}
	{
		uint64_t	pacific[] = {8085550100, 2065550100};

		pool = build(pacific, 2);
		p = pick(pool, 6715550000);
		CHECK(p.rule == CD_RULE_NEAREST && p.chosen_npa == 808 &&
			  fabs(p.distance_km - 6100) < 0.05 * 6100,
			  "callee 671 (Guam, east longitude) gets 808, %.0f km", p.distance_km);
	}
}

static void
test_nearest_tie(void)
{
	uint64_t	numbers[] = {2125550100, 6465550100, 2125550101, 3055550100, 9175550100};
	cd_route_pool *pool = build(numbers, 5);
	int			seen212 = 0,
				seen646 = 0,
				bad = 0;
	int			i;

	rng_seed(21);
	for (i = 0; i < 600; i++)
	{
		uint64_t	callee = rng_number(201);
		cd_pick		p = pick(pool, callee);

		if (p.rule != CD_RULE_NEAREST || p.candidates != 3 ||
			p.distance_km != km_between(201, 212))
			bad++;
		else if (p.chosen_npa == 212 && (p.index == 0 || p.index == 2))
			seen212++;
		else if (p.chosen_npa == 646 && p.index == 1)
			seen646++;
		else
			bad++;
	}
	CHECK(bad == 0 && seen212 > 250 && seen646 > 120,
		  "callee 201: nearest ties 212 and 646 (one point), 3 candidates (212: %d, 646: %d, bad: %d)",
		  seen212, seen646, bad);
}

static void
test_fallback(void)
{
	uint64_t	numbers[] = {2125550100, 8005550100, 3055550100};
	cd_route_pool *pool = build(numbers, 3);
	static const uint64_t callees[] = {
		8005551234, 8885550000, 5555550123, 4115550000, 5005550000, 9005550000,
		2995550000, 9995550000, 1235550000, 125550000, 0, 10000000000, UINT64_MAX
	};
	size_t		i;

	for (i = 0; i < sizeof(callees) / sizeof(callees[0]); i++)
	{
		cd_pick		p = pick(pool, callees[i]);

		CHECK(p.rule == CD_RULE_FALLBACK && p.candidates == 3 && isnan(p.distance_km) &&
			  p.index >= 0 && p.index < 3 && p.chosen_npa == npa_of(numbers[p.index]),
			  "callee %llu falls back to any of the 3 numbers (index %d)",
			  (unsigned long long) callees[i], p.index);
	}

	/* area codes starting with 0 or 1 never have a location */
	{
		cd_geo		saved = geo;
		uint64_t	low[] = {1505550100, 3055550100};
		cd_pick		p;

		add_area(&geo, 150, 40.0, -75.0, "");
		pool = build(low, 2);
		p = pick(pool, 1505550000);
		CHECK(p.rule == CD_RULE_FALLBACK && p.candidates == 2,
			  "callee 150 falls back even if the table gives it a location");
		p = pick(pool, 2125550000);
		CHECK(p.rule == CD_RULE_NEAREST && p.chosen_npa == 305,
			  "pool number 150 is not located either");
		geo = saved;
	}
}

static void
test_toll_free_pool(void)
{
	uint64_t	numbers[] = {8005550100, 8005550101, 8885550100, 5555550100};
	cd_route_pool *pool = build(numbers, 4);
	static const uint64_t callees[] = {2125550000, 9075550000, 6715550000, 8005550000, 5555550000};
	size_t		i;
	bool		ok = true;

	for (i = 0; i < sizeof(callees) / sizeof(callees[0]); i++)
	{
		cd_pick		p = pick(pool, callees[i]);

		if (p.rule != CD_RULE_FALLBACK || p.candidates != 4 || !isnan(p.distance_km))
			ok = false;
	}
	CHECK(ok, "a pool of toll-free and 555 numbers: every callee falls back");
}

static void
test_non_geographic_never_chosen(void)
{
	uint64_t	numbers[] = {
		8005550100, 5555550100, 5005550100, 9005550100, 8885550100,
		2995550100, 1235550100, 2125550100, 8005550101
	};
	cd_route_pool *pool = build(numbers, 9);
	static const int callee_npas[] = {212, 646, 718, 201, 206, 305, 907, 808, 787, 671, 416, 604, 360};
	size_t		i;
	int			k;
	int			bad = 0;

	rng_seed(5);
	for (i = 0; i < sizeof(callee_npas) / sizeof(callee_npas[0]); i++)
	{
		for (k = 0; k < 50; k++)
		{
			cd_pick		p = pick(pool, rng_number(callee_npas[i]));

			if (p.index != 7 || p.rule == CD_RULE_FALLBACK || p.candidates != 1)
				bad++;
		}
	}
	CHECK(bad == 0, "numbers of non-geographic, unassigned and 1XX area codes are never chosen for a geographic callee (%d bad)", bad);
}

/* Same callee, same number; same pool in another order, same number. */
static void
test_sticky(void)
{
	enum
	{
		N = 60, CALLEES = 3000
	};
	uint64_t	numbers[N];
	uint64_t	shuffled[N];
	static const int npas[] = {212, 646, 917, 305, 206, 800};
	static const int callee_npas[] = {212, 332, 718, 201, 305, 907, 800, 555, 299};
	cd_route_pool *a,
			   *b;
	int			i;
	int			bad = 0,
				bad_again = 0;

	rng_seed(99);
	for (i = 0; i < N; i++)
		numbers[i] = rng_number(npas[i % 6]);
	memcpy(shuffled, numbers, sizeof(numbers));
	shuffle(shuffled, N);
	a = build(numbers, N);
	b = build(shuffled, N);
	for (i = 0; i < CALLEES; i++)
	{
		uint64_t	callee = rng_number(callee_npas[i % 9]);
		cd_pick		pa = pick(a, callee);
		cd_pick		pa2 = pick(a, callee);
		cd_pick		pb = pick(b, callee);

		if (pa.index != pa2.index)
			bad_again++;
		if (numbers[pa.index] != shuffled[pb.index] || pa.rule != pb.rule ||
			pa.candidates != pb.candidates ||
			!(pa.distance_km == pb.distance_km ||
			  (isnan(pa.distance_km) && isnan(pb.distance_km))))
			bad++;
	}
	CHECK(bad_again == 0, "the same callee gets the same number twice");
	CHECK(bad == 0, "the same pool in another order gives every callee the same number (%d differ)", bad);
}

/* Share of each of k numbers (one area code) over callees of that area code. */
static bool
even_within(const uint64_t *numbers, int k, int npa, int callees, double tol,
			double *worst)
{
	cd_route_pool *pool = build(numbers, k);
	int			count[64];
	int			i;
	bool		ok = true;

	memset(count, 0, sizeof(count));
	for (i = 0; i < callees; i++)
		count[pick(pool, rng_number(npa)).index]++;
	for (i = 0; i < k; i++)
	{
		double		share = (double) count[i] * k / callees;

		if (fabs(share - 1.0) > fabs(*worst - 1.0))
			*worst = share;
		if (fabs(share - 1.0) > tol)
			ok = false;
	}
	return ok;
}

static void
test_even(void)
{
	uint64_t	numbers[64];
	double		worst = 1.0;
	int			set;
	int			failed = 0;
	int			members = 0;

	rng_seed(7);
	distinct_numbers(numbers, 5, 212);
	CHECK(even_within(numbers, 5, 212, 5000, 0.25, &worst),
		  "5 numbers, 5000 callees: every share within 25%% of fair (worst %.3f)", worst);

	/* sizes 2 and 50, then random sizes in between; 2000 callees a number */
	worst = 1.0;
	for (set = 0; set < 20; set++)
	{
		int			k = set == 0 ? 2 : set == 1 ? 50 : 2 + (int) (rng_next() % 49);

		distinct_numbers(numbers, k, 206);
		members += k;
		if (!even_within(numbers, k, 206, 2000 * k, 0.25, &worst))
			failed++;
	}
	CHECK(failed == 0,
		  "20 random sets of 2 to 50 numbers (%d in all), 2000 callees a number: every share within 25%% of fair (worst %.3f)",
		  members, worst);
}

/*
 * Removing a number moves exactly the callees that had it; adding one moves
 * exactly the callees that take it, about 1/(k+1) of them.  For a
 * one-area-code set, an overlay union and the fallback set.
 */
static void
movement(const char *what, const uint64_t *base, int k, int set_k, uint64_t extra,
		 const int *callee_npas, int n_callee_npas, int callees)
{
	uint64_t	with[80];
	cd_route_pool *full,
			   *less,
			   *more;
	int			i;
	int			had_removed = 0,
				moved_wrong = 0,
				moved = 0,
				got_extra = 0,
				added_wrong = 0,
				added = 0;
	int			removed_at = k / 2;
	double		expect;

	memcpy(with, base, (size_t) k * sizeof(uint64_t));
	full = build(with, k);
	/* without base[removed_at]: the last one takes its place */
	with[removed_at] = base[k - 1];
	less = build(with, k - 1);
	memcpy(with, base, (size_t) k * sizeof(uint64_t));
	with[k] = extra;
	more = build(with, k + 1);

	rng_seed(1234);
	for (i = 0; i < callees; i++)
	{
		uint64_t	callee = rng_number(callee_npas[i % n_callee_npas]);
		uint64_t	f = base[pick(full, callee).index];
		uint64_t	l;
		uint64_t	m = with[pick(more, callee).index];
		int			li = pick(less, callee).index;

		l = li == removed_at ? base[k - 1] : base[li];
		if (f == base[removed_at])
			had_removed++;
		if (f != l)
		{
			moved++;
			if (f != base[removed_at])
				moved_wrong++;
		}
		if (m == extra)
			got_extra++;
		if (f != m)
		{
			added++;
			if (m != extra)
				added_wrong++;
		}
	}
	expect = (double) callees / (set_k + 1);
	CHECK(moved_wrong == 0 && moved == had_removed && moved > 0,
		  "%s: removing a number moves exactly its callees (%d had it, %d moved, %d wrongly)",
		  what, had_removed, moved, moved_wrong);
	CHECK(added_wrong == 0 && added == got_extra && fabs(added - expect) < 0.2 * expect,
		  "%s: adding a number moves exactly the callees that take it, %d of %d (about 1/%d: %.0f)",
		  what, added, callees, set_k + 1, expect);
}

static void
test_movement(void)
{
	uint64_t	base[80];
	static const int c212[] = {212};
	static const int c917[] = {917, 332};
	static const int c800[] = {800, 555, 299};
	int			i;

	rng_seed(42);
	distinct_numbers(base, 10, 212);
	movement("area code set of 10", base, 10, 10, 2125550000, c212, 1, 20000);

	rng_seed(43);
	for (i = 0; i < 12; i++)
		base[i] = rng_number(i % 2 ? 212 : 646);
	base[12] = 3055550100;
	movement("overlay set of 212 and 646 numbers", base, 13, 12, 6465550000, c917, 2, 20000);

	rng_seed(44);
	for (i = 0; i < 30; i++)
		base[i] = rng_number(i % 3 ? 718 : 800);
	movement("fallback set of 30", base, 30, 30, 8885550000, c800, 3, 30000);

	rng_seed(45);
	distinct_numbers(base, 2, 212);
	movement("area code set of 2", base, 2, 2, 2125550000, c212, 1, 6000);
}

/* The ladder written out plainly: the rule and candidates for callee npa cn. */
static cd_rule
ref_ladder(int cn, const uint64_t *numbers, int n, bool *in, int *count, double *km)
{
	bool		located = cn >= 200 && cn < CD_NPA_SLOTS &&
		geo.area[cn].kind == CD_KIND_GEOGRAPHIC &&
		geo.area[cn].has_location;
	bool		any_located = false;
	double		best = INFINITY;
	int			i,
				o;
	cd_rule		rule;

	for (i = 0; i < n; i++)
	{
		int			g = npa_of(numbers[i]);

		if (g >= 200 && geo.area[g].kind == CD_KIND_GEOGRAPHIC && geo.area[g].has_location)
		{
			any_located = true;
			if (located && km_between(cn, g) < best)
				best = km_between(cn, g);
		}
	}

	rule = CD_RULE_FALLBACK;
	if (located && any_located)
	{
		rule = CD_RULE_NEAREST;
		for (i = 0; i < n; i++)
		{
			int			g = npa_of(numbers[i]);

			for (o = 0; o < geo.area[cn].n_overlays; o++)
			{
				if (geo.area[cn].overlays[o] == g && geo.area[g].has_location)
					rule = CD_RULE_OVERLAY;
			}
		}
		for (i = 0; i < n; i++)
		{
			if (npa_of(numbers[i]) == cn)
				rule = CD_RULE_AREA_CODE;
		}
	}

	*count = 0;
	*km = rule == CD_RULE_NEAREST ? best : rule == CD_RULE_AREA_CODE ? 0.0 : NAN;
	for (i = 0; i < n; i++)
	{
		int			g = npa_of(numbers[i]);

		in[i] = false;
		if (rule == CD_RULE_AREA_CODE)
			in[i] = g == cn;
		else if (rule == CD_RULE_OVERLAY)
		{
			for (o = 0; o < geo.area[cn].n_overlays; o++)
			{
				if (geo.area[cn].overlays[o] == g && geo.area[g].has_location)
					in[i] = true;
			}
		}
		else if (rule == CD_RULE_NEAREST)
			in[i] = g >= 200 && geo.area[g].kind == CD_KIND_GEOGRAPHIC &&
				geo.area[g].has_location && km_between(cn, g) == best;
		else
			in[i] = true;
		*count += in[i];
	}
	return rule;
}

/*
 * Every pick equals the plain ladder and the reference choice over its
 * candidates, for pools mixing every rule.
 */
static void
test_reference(void)
{
	static const int pool_npas[] = {212, 646, 332, 917, 206, 305, 800, 555, 150};
	static const int callee_npas[] = {
		212, 332, 646, 917, 718, 347, 929, 201, 551, 206, 564, 360, 305,
		907, 808, 787, 671, 416, 604, 800, 888, 555, 500, 299, 120
	};
	uint64_t	numbers[200];
	bool		in[200];
	int			round;
	int			bad = 0,
				checked = 0;

	for (round = 0; round < 6; round++)
	{
		int			n = 5 + round * 35;
		cd_route_pool *pool;
		int			i,
					c;

		rng_seed(500 + round);
		for (i = 0; i < n; i++)
		{
again:
			numbers[i] = rng_number(pool_npas[rng_next() % (round == 0 ? 3 : 9)]);
			for (c = 0; c < i; c++)
			{
				if (numbers[c] == numbers[i])
					goto again;
			}
		}
		pool = build(numbers, n);
		for (c = 0; c < 400; c++)
		{
			int			cn = callee_npas[c % (int) (sizeof(callee_npas) / sizeof(callee_npas[0]))];
			uint64_t	callee = rng_number(cn);
			cd_pick		p = pick(pool, callee);
			int			count;
			double		km;
			cd_rule		rule = ref_ladder(cn, numbers, n, in, &count, &km);

			checked++;
			if (p.rule != rule || p.candidates != count ||
				p.index != ref_choose(callee, numbers, in, n) ||
				p.chosen_npa != npa_of(numbers[p.index]))
				bad++;
			else if (rule == CD_RULE_OVERLAY)
			{
				if (p.distance_km != km_between(cn, p.chosen_npa))
					bad++;
			}
			else if (!(p.distance_km == km || (isnan(km) && isnan(p.distance_km))))
				bad++;
		}
	}
	CHECK(bad == 0, "%d picks equal the plain ladder and the reference choice (%d differ)", checked, bad);
}

/* A nearest tie of 20 area codes at one point. */
static void
test_wide_tie(void)
{
	cd_geo		saved = geo;
	uint64_t	numbers[64];
	bool		in[64];
	int			i,
				bad = 0;
	cd_route_pool *pool;

	for (i = 0; i < 20; i++)
		add_area(&geo, 220 + i, 35.0, -90.0, "");
	for (i = 0; i < 40; i++)
	{
		numbers[i] = (uint64_t) (220 + i % 20) * 10000000u + 1000u + (uint64_t) i;
		in[i] = true;
	}
	numbers[40] = 3055550100;
	in[40] = false;
	pool = build(numbers, 41);
	rng_seed(77);
	for (i = 0; i < 300; i++)
	{
		uint64_t	callee = rng_number(i % 2 ? 212 : 206);
		cd_pick		p = pick(pool, callee);

		if (p.rule != CD_RULE_NEAREST || p.candidates != 40 ||
			p.index != ref_choose(callee, numbers, in, 41))
			bad++;
	}
	CHECK(bad == 0, "a nearest tie of 20 area codes at one point: 40 candidates, reference choice (%d bad)", bad);
	geo = saved;
}

/*
 * A set of several area codes is a view of the pool's numbers when no other
 * pool area code lies between its area codes, else a copy: both give the
 * reference choice, and only the copy takes memory.
 */
static void
test_multi_sets(void)
{
	uint64_t	numbers[40];
	bool		in[40];
	cd_route_pool *adjacent,
			   *apart;
	int			i;
	int			bad = 0;
	size_t		grown;

	/* 212, 332 and 646 share New York City's point; 917 is Brooklyn's */
	rng_seed(31);
	for (i = 0; i < 30; i++)
		numbers[i] = rng_number(i % 3 == 0 ? 212 : i % 3 == 1 ? 332 : 646);
	for (i = 30; i < 36; i++)
		numbers[i] = rng_number(917);
	adjacent = build(numbers, 36);
	numbers[36] = 3055550100;	/* 305 lies between 212 and 332 */
	apart = build(numbers, 37);
	for (i = 0; i < 37; i++)
		in[i] = i < 30;
	for (i = 0; i < 2000; i++)
	{
		uint64_t	callee = rng_number(201);
		cd_pick		a = pick(adjacent, callee);
		cd_pick		b = pick(apart, callee);
		int			want = ref_choose(callee, numbers, in, 37);

		if (a.rule != CD_RULE_NEAREST || a.candidates != 30 || a.index != want ||
			b.rule != CD_RULE_NEAREST || b.candidates != 30 || b.index != want)
			bad++;
	}
	grown = cd_route_bytes(apart) - cd_route_bytes(adjacent);
	CHECK(bad == 0,
		  "callee 201: a nearest tie of 212, 332 and 646, next to each other or not in the pool, gives the reference choice (%d bad)",
		  bad);
	CHECK(grown >= 30 * (sizeof(uint64_t) + sizeof(uint32_t)) && grown < 64 * 30,
		  "only the set whose area codes are apart is copied (%zu more bytes)", grown);
}

/* Duplicate numbers break the build's contract but not the pool. */
static void
test_duplicates(void)
{
	uint64_t	numbers[] = {2125550101, 2125550100, 2125550101, 2125550102};
	cd_route_pool *pool = build(numbers, 4);
	int			i;
	int			bad = 0;

	rng_seed(37);
	for (i = 0; pool && i < 1000; i++)
	{
		uint64_t	callee = rng_number(i % 2 ? 212 : 800);
		cd_pick		p = pick(pool, callee);

		if (p.index < 0 || p.index > 3 || p.index == 2 || p.chosen_npa != 212 ||
			numbers[p.index] != numbers[ref_choose(callee, numbers, NULL, 4)])
			bad++;
	}
	CHECK(pool != NULL && bad == 0,
		  "a pool given a number twice: the first of the two answers, the choice is the reference's (%d bad)", bad);
}

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
test_build_failures(void)
{
	const cd_alloc failing = {failing_zalloc, NULL};
	uint64_t	numbers[] = {2125550100, 3055550100};

	fail_after = 0;
	CHECK(cd_route_build(&geo, numbers, 2, &failing) == NULL, "out of memory at once: NULL");
	fail_after = 1;
	CHECK(cd_route_build(&geo, numbers, 2, &failing) == NULL, "out of memory for the sets: NULL");
	CHECK(cd_route_build(&geo, numbers, 0, &test_alloc) == NULL, "an empty pool: NULL");
	CHECK(cd_route_build(&geo, numbers, -1, &test_alloc) == NULL, "a negative count: NULL");
	CHECK(cd_route_bytes(NULL) == 0, "bytes of no pool: 0");
}

static void
test_single_number(void)
{
	uint64_t	numbers[] = {2125550100};
	cd_route_pool *pool = build(numbers, 1);
	cd_pick		p1 = pick(pool, 2125550000);
	cd_pick		p2 = pick(pool, 8005550000);
	cd_pick		p3 = pick(pool, 9075550000);

	CHECK(p1.index == 0 && p1.rule == CD_RULE_AREA_CODE && p1.candidates == 1,
		  "a pool of one: area_code");
	CHECK(p2.index == 0 && p2.rule == CD_RULE_FALLBACK && p2.candidates == 1,
		  "a pool of one: fallback");
	CHECK(p3.index == 0 && p3.rule == CD_RULE_NEAREST, "a pool of one: nearest");
	CHECK(cd_route_bytes(pool) > 0 && cd_route_bytes(pool) < 64 * 1024,
		  "a pool of one takes %zu bytes", cd_route_bytes(pool));
}

/* A synthetic geography of about 450 located area codes for the big pool. */
static void
synthetic_geo(cd_geo *g, int *located, int *n_located)
{
	int			c;

	memset(g, 0, sizeof(*g));
	*n_located = 0;
	for (c = 200; c < 1000; c++)
	{
		uint64_t	h = cd_route_hash((uint64_t) c);

		if (c % 100 == 11 || c == 555)
			g->area[c].kind = CD_KIND_NOT_AREA_CODE;
		else if (c / 100 == 8 && (c / 10) % 10 == c % 10)
			g->area[c].kind = CD_KIND_TOLL_FREE;
		else if (h % 100 < 58)
		{
			g->area[c].kind = CD_KIND_GEOGRAPHIC;
			g->area[c].has_location = true;
			g->area[c].lat = 25.0 + (double) ((h >> 8) % 2400) / 100.0;
			g->area[c].lon = -124.0 + (double) ((h >> 20) % 5700) / 100.0;
			located[(*n_located)++] = c;
		}
	}
	/* overlay pairs sharing a point */
	for (c = 0; c + 1 < *n_located; c += 7)
	{
		cd_area    *a = &g->area[located[c]];
		cd_area    *b = &g->area[located[c + 1]];

		b->lat = a->lat;
		b->lon = a->lon;
		a->overlays[a->n_overlays++] = (uint16_t) located[c + 1];
		b->overlays[b->n_overlays++] = (uint16_t) located[c];
	}
}

static double
now_ms(void)
{
	struct timespec ts;

	timespec_get(&ts, TIME_UTC);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/*
 * A pool of 100,000 numbers: the build's time and size, and picks under
 * every rule.  A fallback pick weighs every number of the pool, so only one
 * fallback callee in 500 is picked; a sample of all kinds is compared with
 * the plain ladder and the reference choice.
 */
static void
test_big_pool(void)
{
	enum
	{
		N = 100000, CALLEES = 200000, FALLBACK_EVERY = 500, REFERENCE_EVERY = 4000
	};
	static cd_geo big;
	static uint64_t numbers[N];
	static bool in[N];
	int			located[CD_NPA_SLOTS];
	int			n_located;
	cd_route_pool *pool;
	double		t0,
				t1;
	uint64_t	checksum = 0;
	int			i;
	int			bad = 0,
				bad_reference = 0,
				referenced = 0,
				fallbacks_seen = 0,
				picked_located = 0;
	int			rules[4] = {0, 0, 0, 0};
	cd_geo		saved = geo;

	synthetic_geo(&big, located, &n_located);
	for (i = 0; i < N; i++)
	{
		int			npa;

		if (i % 100 == 0)
			npa = 800;
		else
		{
			/* leave every tenth located area code out of the pool */
			int			slot = i % (n_located - n_located / 10);

			npa = located[slot + slot / 9];
		}
		numbers[i] = (uint64_t) npa * 10000000u + ((uint64_t) i * 7919u) % 10000000u;
	}

	t0 = now_ms();
	pool = cd_route_build(&big, numbers, N, &test_alloc);
	t1 = now_ms();
	CHECK(pool != NULL, "build a pool of %d numbers over %d located area codes", N, n_located);
	if (pool == NULL)
		return;
	printf("# build of %d numbers: %.1f ms, %zu bytes (%.1f bytes per number)\n",
		   N, t1 - t0, cd_route_bytes(pool), (double) cd_route_bytes(pool) / N);
	CHECK(cd_route_bytes(pool) < (size_t) 24 * N,
		  "a pool of %d numbers takes under 24 bytes a number (%.1f)", N,
		  (double) cd_route_bytes(pool) / N);

	geo = big;
	rng_seed(3);
	for (i = 0; i < CALLEES; i++)
	{
		uint64_t	callee = rng_next() % UINT64_C(10000000000);
		int			cn = npa_of(callee);
		bool		falls_back = cn < 200 || !big.area[cn].has_location;
		cd_pick		p;

		if (falls_back && fallbacks_seen++ % FALLBACK_EVERY != 0)
			continue;
		p = pick(pool, callee);
		if (p.index < 0 || p.index >= N || p.chosen_npa != npa_of(numbers[p.index]) ||
			p.candidates < 1 || (int) p.rule < 0 || (int) p.rule > 3)
		{
			bad++;
			continue;
		}
		rules[p.rule]++;
		switch (p.rule)
		{
			case CD_RULE_AREA_CODE:
				if (p.chosen_npa != cn || p.distance_km != 0.0)
					bad++;
				break;
			case CD_RULE_OVERLAY:
			case CD_RULE_NEAREST:
				if (!big.area[cn].has_location || !big.area[p.chosen_npa].has_location ||
					p.distance_km != km_between(cn, p.chosen_npa))
					bad++;
				break;
			case CD_RULE_FALLBACK:
				if (!falls_back)
					bad++;
				if (p.candidates != N || !isnan(p.distance_km))
					bad++;
				break;
		}
		if (i % REFERENCE_EVERY == 0 || (falls_back && fallbacks_seen % (8 * FALLBACK_EVERY) == 1))
		{
			int			count;
			double		km;
			cd_rule		rule = ref_ladder(cn, numbers, N, in, &count, &km);

			referenced++;
			if (p.rule != rule || p.candidates != count ||
				p.index != ref_choose(callee, numbers, in, N))
				bad_reference++;
		}
	}
	CHECK(bad == 0 && rules[0] > 0 && rules[1] > 0 && rules[2] > 0 && rules[3] > 0,
		  "random callees on the big pool: valid picks under every rule (%d bad)", bad);
	CHECK(bad_reference == 0 && referenced > 50,
		  "%d of them equal the plain ladder and the reference choice (%d differ)", referenced, bad_reference);

	/* the time of the picks of located callees alone */
	rng_seed(3);
	t0 = now_ms();
	for (i = 0; i < CALLEES; i++)
	{
		uint64_t	callee = rng_next() % UINT64_C(10000000000);
		int			cn = npa_of(callee);

		if (cn >= 200 && big.area[cn].has_location)
		{
			checksum += (uint64_t) pick(pool, callee).index;
			picked_located++;
		}
	}
	t1 = now_ms();
	printf("# %d picks of located callees: %.0f ns per pick (area_code %d, overlay %d, nearest %d, fallback %d; checksum %llu)\n",
		   picked_located, (t1 - t0) * 1e6 / picked_located, rules[0], rules[1], rules[2], rules[3],
		   (unsigned long long) checksum);
	geo = saved;
}

int
main(void)
{
	build_geo();
	test_names();
	test_hash_stability();
	test_pick_stability();
	test_area_code();
	test_overlay();
	test_nearest();
	test_nearest_tie();
	test_fallback();
	test_toll_free_pool();
	test_non_geographic_never_chosen();
	test_sticky();
	test_even();
	test_movement();
	test_reference();
	test_wide_tie();
	test_multi_sets();
	test_duplicates();
	test_build_failures();
	test_single_number();
	test_big_pool();
	CD_TEST_DONE();
}
