/*
 * cd_pace.h - the dialing decision: the routing ladder of cd_route.h turned
 * into tiers of candidates, of which only the available numbers count.
 * Pure C.
 *
 * Tiers, best first (API.md "Pacing and number health"):
 *   1. the pool numbers with the callee's area code          (rule area_code)
 *   2. those whose area code overlays the callee's            (rule overlay)
 *   3. the other located area codes of the pool, by increasing distance from
 *      the callee's area code, each distinct distance one tier (rule nearest)
 *   4. the numbers without a location                         (rule fallback)
 * A callee without a location, or a pool without a located number, has one
 * tier: every number (rule fallback).  Inside a tier the callee's rendezvous
 * preference of cd_route.c orders the numbers.  The first number in that
 * order that the caller's availability test accepts is the answer.
 *
 * So when every number is available the answer is cd_route_pick's: tier 1,
 * 2 or the first of 3 is exactly the candidate set of the area_code,
 * overlay or nearest rule, and the most preferred member of a set is the
 * pick.  The decision starts with cd_route_pick and orders the rest of the
 * pool only when that number is not available.
 */
#ifndef CD_PACE_H
#define CD_PACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cd_alloc.h"
#include "cd_geo.h"
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
	double		tier_km;		/* callee area code to the chosen number's;
								 * NaN for fallback or none */
	int			n_skipped;		/* passed over, at most CD_DIAL_SKIP_MAX kept */
	int			n_skipped_total;
	cd_dial_skip skipped[CD_DIAL_SKIP_MAX];
} cd_dial;

/*
 * Decides for a callee given as its 10-digit national number.  geo must be
 * the geography pool was built from.  Scratch memory (proportional to the
 * pool) comes from alloc, only when the first choice is not available.
 * Returns false when out of memory (out is then undefined).
 */
extern bool cd_route_dial(const cd_route_pool *pool, const cd_geo *geo,
						  uint64_t callee, cd_avail_fn avail, void *arg,
						  const cd_alloc *alloc, cd_dial *out);

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
