/*
 * cd_pace.h - the dialing decision: the routing ladder of cd_route.h turned
 * into tiers of candidates, of which only the available numbers count.
 * Pure C.
 *
 * Tiers, best first (API.md "Pacing and number health"):
 *   1. the pool numbers with the callee's area code          (rule area_code)
 *   2. those whose area code overlays the callee's            (rule overlay)
 *   3. the other located numbers of the pool, by increasing distance from
 *      the callee, each distinct distance one tier                (rule nearest)
 *   4. the numbers without a location                         (rule fallback)
 * A callee without a location, or a pool without a located number, has one
 * tier: every number (rule fallback).  Inside a tier the callee's rendezvous
 * preference of cd_route.c orders the numbers.  The first number in that
 * order that the caller's availability test accepts is the answer.
 *
 * The distances of tier 3 are those of the pick's nearest step (cd_near.h):
 * between the callee's exchange point (else its area code's) and each
 * number's exchange point (else its area code's).  When that step measures
 * the callee itself they are squared chords (cd_near_chord); when it keeps
 * cd_route's answer (the callee and every candidate at area-code points),
 * km between the same points, which are cd_route's distances.  For a callee
 * routed "area_code" or "overlay" the step is that of the pool without
 * those numbers (cd_near_area_only).  So with the better tiers unavailable,
 * the first nearest tier and its distance are exactly the pick's of the pool
 * without them.  Without exchange points (a database at 1.0) both sides are
 * area-code points: the tiers are the pool's area codes, as in 1.0.
 *
 * So when every number is available the answer is the pick's (cd_route_pick
 * refined by cd_near_pick): tier 1, 2 or the first of 3 is exactly the
 * candidate set of the area_code, overlay or nearest rule, and the most
 * preferred member of a set is the pick.  The decision starts with that pick
 * and orders the rest of the pool only when that number is not available.
 */
#ifndef CD_PACE_H
#define CD_PACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cd_alloc.h"
#include "cd_exch.h"
#include "cd_geo.h"
#include "cd_near.h"
#include "cd_route.h"

/* Why a number was passed over. */
typedef enum cd_unavail
{
	CD_AVAILABLE = 0,
	CD_RESTING,
	CD_HOURLY_CAP,
	CD_DAILY_CAP
} cd_unavail;

/* "available", "resting", "hourly_cap", "daily_cap" */
extern const char *cd_unavail_name(cd_unavail u);

/*
 * The caller's availability test of the number at index (into the numbers
 * given to cd_route_build).  It is called at most once per number, in the
 * order of preference, and not after the first CD_AVAILABLE.
 */
typedef cd_unavail (*cd_avail_fn) (void *arg, uint32_t index);

/*
 * The caller's 10-digit national number of the pool number at index (the
 * numbers given to cd_route_build), asked for only when the pool is ordered
 * at exchange precision (exchange points known).
 */
typedef uint64_t (*cd_number_fn) (void *arg, uint32_t index);

/* Passed-over numbers a decision reports. */
#define CD_DIAL_SKIP_MAX 20

typedef struct cd_dial_skip
{
	uint32_t	index;
	cd_unavail	reason;
} cd_dial_skip;

typedef struct cd_dial
{
	int			index;			/* the chosen number, or -1: none available */
	cd_rule		rule;			/* of the winning tier (last tier when none) */
	int			candidates;		/* numbers in the winning tier */
	double		tier_km;		/* callee to the chosen number: area code to
								 * area code for rules area_code and overlay,
								 * the nearest step's distance for nearest;
								 * NaN for fallback or none */
	int			n_skipped;		/* passed over, at most CD_DIAL_SKIP_MAX kept */
	int			n_skipped_total;
	cd_dial_skip skipped[CD_DIAL_SKIP_MAX];
} cd_dial;

/*
 * Decides for a callee given as its 10-digit national number.  geo and xg
 * must be the geography pool and near were built from; near and xg may be
 * NULL (no exchange-level step: area-code precision).  avail and number
 * are called with arg.  tier_km is computed only when want_km (else NaN;
 * dialing does not need it).  Scratch memory (proportional to the pool) comes
 * from alloc, only when the first choice is not available.  Returns false
 * when out of memory (out is then undefined).
 */
extern bool cd_route_dial(const cd_route_pool *pool, const cd_geo *geo,
						  const cd_near_pool *near, const cd_exch_geo *xg,
						  uint64_t callee, cd_avail_fn avail, cd_number_fn number,
						  void *arg, bool want_km, const cd_alloc *alloc,
						  cd_dial *out);

/*
 * The most calls any window (s - width, s] that contains "at" holds, calls
 * given as ascending times (any unit): the windows ending at "at" or at a
 * call in [at, at + width).  A call may be placed at "at" under a cap when
 * this is below the cap: then no window of that width, before or after "at",
 * ever holds more calls than the cap, even when calls are recorded out of
 * time order (a session whose "at" is older than calls other sessions have
 * recorded since).  times must cover (at - width, at + width).
 */
extern int64_t cd_window_peak(const int64_t *times, size_t n, int64_t at, int64_t width);

#endif							/* CD_PACE_H */
