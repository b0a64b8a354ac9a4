/*
 * cd_route.h - the routing decision: which pool number to present when
 * calling a callee.  Pure C.
 *
 * Ladder (API.md "Routing"):
 *   1. area_code: pool numbers with the callee's area code;
 *   2. overlay:   else pool numbers whose area code is listed in the
 *                 callee area code's overlays;
 *   3. nearest:   else the pool numbers whose area code's location is at the
 *                 smallest great-circle distance from the callee's area code
 *                 location (every area code at exactly that distance);
 *   4. fallback:  callee area code without a location (toll-free, 5XX, N11,
 *                 unassigned, invalid), or a pool with no geographic number:
 *                 every pool number.
 * Pool numbers whose own area code has no location take part only in step 4.
 *
 * Among the candidates of a step the choice is sticky and fair: rendezvous
 * (highest-random-weight) hashing, see cd_route.c.  Every pair of callee and
 * number has a pseudo-random 64-bit weight computed from their hashes; the
 * callee gets the candidate of largest weight, ties going to the smaller
 * national number.  So each callee has a fixed order of preference over all
 * possible numbers and takes the most preferred candidate present: the same
 * callee gets the same number while the set is unchanged, whatever order the
 * pool lists its numbers in; removing a number moves only the callees that
 * had it, and adding one moves only the callees that now prefer it; every
 * candidate is the favourite of an equal share of callees in expectation.
 * The weight is fixed by cd_route.c's algorithm and constants, which are
 * frozen: an upgrade must not move callees.
 *
 * All work that depends on the pool is done once in cd_route_build; a pick is
 * a table lookup by callee area code plus one weight per candidate of the
 * route (none when there is a single candidate).
 */
#ifndef CD_ROUTE_H
#define CD_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cd_alloc.h"
#include "cd_geo.h"

typedef enum cd_rule
{
	CD_RULE_AREA_CODE = 0,
	CD_RULE_OVERLAY,
	CD_RULE_NEAREST,
	CD_RULE_FALLBACK
} cd_rule;

/* "area_code", "overlay", "nearest", "fallback" */
extern const char *cd_rule_name(cd_rule r);

typedef struct cd_route_pool cd_route_pool;

/*
 * Builds the routing structure of a pool.  numbers are the 10-digit national
 * numbers (e.g. 2125550123), n >= 1, no duplicates (the caller guarantees
 * both).  Everything is allocated through alloc; geo is copied from only
 * during the build (the result keeps no pointer to it or to numbers).
 * Returns NULL when out of memory.
 */
extern cd_route_pool *cd_route_build(const cd_geo *geo, const uint64_t *numbers,
									 int n, const cd_alloc *alloc);

typedef struct cd_pick
{
	int			index;			/* into the numbers given to cd_route_build */
	cd_rule		rule;
	int			candidates;		/* how many equally good numbers there were */
	int			chosen_npa;		/* area code of the chosen number */
	double		distance_km;	/* callee area code to chosen area code;
								 * NaN when either has no location */
} cd_pick;

/* Picks for a callee given as its 10-digit national number. */
extern void cd_route_pick(const cd_route_pool *pool, uint64_t callee, cd_pick *out);

/* Bytes allocated for the pool's structure (for cache accounting). */
extern size_t cd_route_bytes(const cd_route_pool *pool);

/*
 * The frozen 64-bit hash of a 10-digit national number, a callee's or a pool
 * number's, from which the weights are computed (exposed for tests).
 */
extern uint64_t cd_route_hash(uint64_t national);

/*
 * The two sides of the weight, for a choice made outside the route (the
 * exchange-level nearest step, cd_near.c): key(n) of a pool number, and
 * w(c, n) from cd_route_hash(c) and key(n).  Frozen like the rest.
 */
extern uint64_t cd_route_number_key(uint64_t national);
extern uint64_t cd_route_weight(uint64_t callee_hash, uint64_t key);

/*
 * Read access to a built pool for the dialing decision (cd_pace.c), which
 * orders every number of the pool rather than picking one.  Positions
 * 0 .. cd_route_size() - 1 list every number once, in ascending national
 * number: the member at a position has the number-side key of the weight
 * and the number's index into the numbers given to cd_route_build.
 */
extern uint32_t cd_route_size(const cd_route_pool *pool);
extern void cd_route_member(const cd_route_pool *pool, uint32_t pos,
							uint64_t *key, uint32_t *index);

/* Area code of the number at index, or -1 when it is not a national number. */
extern int	cd_route_number_npa(const cd_route_pool *pool, uint32_t index);

#endif							/* CD_ROUTE_H */
