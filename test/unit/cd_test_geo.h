/*
 * cd_test_geo.h - what the routing and dialing unit tests share: a fixed-seed
 * random source, a small test geography (build_geo), great-circle distances
 * between its area codes, and a written-out reference of the rendezvous
 * weights.  Included by test_route.c and test_pace.c only; its functions are
 * static inline so a test that uses part of them builds without warnings.
 */
#ifndef CD_TEST_GEO_H
#define CD_TEST_GEO_H

#include <math.h>
#include <stdint.h>

#include "cd_route.h"
#include "cd_test.h"
/* ---------- a small random source, fixed seeds ---------- */

static uint64_t rng_state;

static inline void
rng_seed(uint64_t seed)
{
	rng_state = seed;
}

static inline uint64_t
rng_next(void)
{
	uint64_t	z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A random number in area code npa. */
static inline uint64_t
rng_number(int npa)
{
	return (uint64_t) npa * 10000000u + rng_next() % 10000000u;
}

static inline int
npa_of(uint64_t national)
{
	return (int) (national / 10000000u);
}

/* ---------- geography built by hand ---------- */

static cd_geo geo;

static inline void
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

static inline void
add_kind(cd_geo *g, int npa, cd_kind kind)
{
	memset(&g->area[npa], 0, sizeof(cd_area));
	g->area[npa].kind = (uint8_t) kind;
}

/* Rows of data/nanp_area_codes.csv (npa, lat, lon, overlays). */
static inline void
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

static inline double
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
static inline uint64_t
ref_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

static inline uint64_t
ref_hash(uint64_t x)
{
	return ref_mix(x ^ UINT64_C(0x243f6a8885a308d3));
}

static inline uint64_t
ref_weight(uint64_t callee, uint64_t number)
{
	return ref_mix(ref_hash(callee) ^ ref_mix(ref_hash(number) + UINT64_C(0x9e3779b97f4a7c15)));
}

#endif							/* CD_TEST_GEO_H */
