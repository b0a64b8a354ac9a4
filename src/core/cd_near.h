/*
 * cd_near.h - the "nearest" step at exchange precision.  Pure C.
 *
 * cd_route decides the rule of every callee by area code, and for the
 * nearest rule the candidates by the distance between area-code points.
 * With exchange points known, the nearest step measures instead between
 * the callee's exchange point (else its area code's) and each pool number's
 * exchange point (else its area code's); the area_code, overlay and
 * fallback steps, and the rendezvous weights among equally near numbers,
 * are cd_route's, unchanged.
 *
 * Cost.  Per pool, built once: for each callee area code routed "nearest",
 * the pool area codes that can hold the nearest number for some point of
 * that callee area code (by the triangle inequality: an area code whose
 * points are all farther than some other area code's farthest point is
 * left out), and for those pool area codes their numbers grouped by
 * distinct point ("sites").  A pick scans the sites of its callee area
 * code's candidates (squared chord lengths between unit vectors, which
 * order like great-circle distances), then hashes the numbers of the
 * nearest site(s).  A callee without an exchange point whose candidates
 * hold only area-code points keeps cd_route's answer at no cost.  Nothing
 * is kept per callee exchange, so the size of a pool's structure does not
 * depend on how many exchanges its callees' area codes have.
 */
#ifndef CD_NEAR_H
#define CD_NEAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cd_alloc.h"
#include "cd_exch.h"
#include "cd_geo.h"
#include "cd_route.h"

typedef struct cd_near_pool cd_near_pool;

/*
 * Builds the structure for a pool (numbers and n as given to cd_route_build,
 * route its result).  Returns NULL with *oom false when the pool needs none
 * (no exchange point in the geography, or no callee area code is routed
 * "nearest"): cd_route's picks are then the answer.  NULL with *oom true
 * when out of memory.  Keeps no pointer to its arguments.
 */
extern cd_near_pool *cd_near_build(const cd_geo *geo, const cd_exch_geo *xg,
								   const cd_route_pool *route,
								   const uint64_t *numbers, int n,
								   const cd_alloc *alloc, bool *oom);

/*
 * Refines a pick of cd_route_pick for callee (a 10-digit national number)
 * when its rule is "nearest": index, candidates and chosen_npa may change,
 * and distance_km is then the distance between the two points used when
 * want_km, else NaN (pick_pool_number does not need it).  near may be NULL
 * (nothing to refine).  geo and xg must be those of the build.
 */
extern void cd_near_pick(const cd_near_pool *near, const cd_geo *geo,
						 const cd_exch_geo *xg, uint64_t callee, bool want_km,
						 cd_pick *pick);

/*
 * Whether cd_near_pick measures callee's nearest step itself, by squared
 * chords between exchange-precision unit vectors (see cd_near_chord), rather
 * than keeping cd_route's answer, which compares area-code distances in km:
 * false when near is NULL, when callee's area code is not routed "nearest",
 * and when callee and every candidate number sit at area-code points.  The
 * dialing decision (cd_pace.c) orders its nearest tiers the same way, so
 * that its first nearest tier is exactly the pick's candidates.
 */
extern bool cd_near_refines(const cd_near_pool *near, const cd_geo *geo,
							const cd_exch_geo *xg, uint64_t callee);

/*
 * The same question for the pool without some of its area codes (the
 * dialing decision: the pool without the numbers of the callee's area code
 * and overlays): for a callee at area code c's point, whether every
 * candidate area code of the nearest step among the pool's located area
 * codes g with in_step[g] holds area-code points only, so that the step
 * would keep cd_route's answer, in km.  near must not be NULL.
 */
extern bool cd_near_area_only(const cd_near_pool *near, const cd_geo *geo,
							  const cd_exch_geo *xg, unsigned c, const bool *in_step);

/*
 * The same from the numbers, without a structure: cd_near_note_radius notes
 * in radius[] (by area code, zeroed by the caller) how far the located
 * number nat lies from its area code's point; cd_near_area_only_of answers
 * among the area codes located[0 .. n_located) (c and its overlays not
 * among them).
 */
extern void cd_near_note_radius(const cd_geo *geo, const cd_exch_geo *xg, uint64_t nat,
								double *radius);
extern bool cd_near_area_only_of(const cd_geo *geo, const cd_exch_geo *xg, unsigned c,
								 const uint16_t *located, int n_located, const double *radius);

/*
 * The squared chord between two unit vectors, the distance the nearest step
 * compares (equal chords are equally near).  One definition for the pick
 * and the dialing decision, so that both see the same ties.
 */
static inline double
cd_near_chord(const double *a, const double *b)
{
	double		dx = a[0] - b[0],
				dy = a[1] - b[1],
				dz = a[2] - b[2];

	return dx * dx + dy * dy + dz * dz;
}

/*
 * The distance in km cd_near_pick reports between callee's point and a pool
 * number's point given as its unit vector v (NaN when callee has no point).
 */
extern double cd_near_km(const cd_geo *geo, const cd_exch_geo *xg, uint64_t callee,
						 const double *v);

/* Bytes allocated for the structure (0 for NULL). */
extern size_t cd_near_bytes(const cd_near_pool *near);

#endif							/* CD_NEAR_H */
