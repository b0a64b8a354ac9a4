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

/* Bytes allocated for the structure (0 for NULL). */
extern size_t cd_near_bytes(const cd_near_pool *near);

#endif							/* CD_NEAR_H */
