/*
 * cd_pace.c - the dialing decision (see cd_pace.h): tiers of candidates in
 * the order of the routing ladder, the callee's rendezvous preference inside
 * a tier, and the caller's availability test.  Pure C (C11, libc, libm); all
 * memory from the caller's cd_alloc.
 *
 * The common case costs one pick (cd_route_pick, refined by cd_near_pick)
 * and one availability test: the pick is the most preferred number of the
 * first tier.  Only when it is not available is every number of the pool
 * given a tier, a distance and a weight, sorted, and tested in that order:
 * linear in the pool plus a sort, once per such decision.
 */
#include "cd_pace.h"

#include <math.h>
#include <string.h>

#define MAX_NATIONAL UINT64_C(9999999999)
#define NPA_DIVISOR UINT64_C(10000000)

/* tiers: 0 area code, 1 overlay, 2 nearest (then by distance), TIER_LAST no location */
#define TIER_OVERLAY 1
#define TIER_NEAREST 2
#define TIER_LAST UINT32_MAX

static const char *const unavail_names[] = {
	"available", "resting", "hourly_cap", "daily_cap"
};

const char *
cd_unavail_name(cd_unavail u)
{
	if ((int) u < 0 || (size_t) u >= sizeof(unavail_names) / sizeof(unavail_names[0]))
		return "unknown";
	return unavail_names[u];
}

static inline bool
npa_located(const cd_geo *geo, int npa)
{
	return npa >= 200 && npa < CD_NPA_SLOTS &&
		geo->area[npa].kind == CD_KIND_GEOGRAPHIC && geo->area[npa].has_location;
}

static inline double
npa_km(const cd_geo *geo, int a, int b)
{
	return cd_distance_km(geo->area[a].lat, geo->area[a].lon,
						  geo->area[b].lat, geo->area[b].lon);
}

static void
note_skip(cd_dial *out, uint32_t index, cd_unavail why)
{
	if (out->n_skipped < CD_DIAL_SKIP_MAX)
	{
		out->skipped[out->n_skipped].index = index;
		out->skipped[out->n_skipped].reason = why;
		out->n_skipped++;
	}
	out->n_skipped_total++;
}

/* One member of the ordering: its tier, its weight, its index. */
typedef struct order_entry
{
	uint32_t	tier;			/* 0, TIER_OVERLAY, TIER_NEAREST or TIER_LAST */
	uint32_t	index;
	double		dist;			/* TIER_NEAREST: the distance, else 0 */
	uint64_t	weight;
	uint32_t	pos;			/* ascending national number: the tie rule */
} order_entry;

/* One tier: the same step, and for nearest the same distance. */
static inline bool
same_tier(const order_entry *a, const order_entry *b)
{
	return a->tier == b->tier && a->dist == b->dist;
}

/* Better first: lower tier, nearer, then larger weight, then smaller number. */
static inline bool
entry_before(const order_entry *a, const order_entry *b)
{
	if (a->tier != b->tier)
		return a->tier < b->tier;
	if (a->dist != b->dist)
		return a->dist < b->dist;
	if (a->weight != b->weight)
		return a->weight > b->weight;
	return a->pos < b->pos;
}

static void
sift(order_entry *e, size_t root, size_t len)
{
	for (;;)
	{
		size_t		child = 2 * root + 1;
		order_entry t;

		if (child >= len)
			return;
		/* a max-heap of "worst first" so the sorted array ends best first */
		if (child + 1 < len && entry_before(&e[child], &e[child + 1]))
			child++;
		if (!entry_before(&e[root], &e[child]))
			return;
		t = e[root];
		e[root] = e[child];
		e[child] = t;
		root = child;
	}
}

/* Heapsort into ascending "worst last" order, i.e. best first. */
static void
sort_entries(order_entry *e, size_t len)
{
	size_t		i;

	/*
	 * entry_before(a, b) says a comes first; a heap ordered by it keeps the
	 * LAST element at the root, so popping it to the end sorts best first.
	 */
	for (i = len / 2; i-- > 0;)
		sift(e, i, len);
	for (i = len; i-- > 1;)
	{
		order_entry t = e[0];

		e[0] = e[i];
		e[i] = t;
		sift(e, 0, i);
	}
}

/*
 * How the nearest tiers are measured for one decision (see cd_pace.h): by
 * the squared chords of cd_near when the pick's nearest step measures this
 * callee itself, else in km; from the callee's best known point either way.
 */
typedef struct measure
{
	bool		exch;			/* exchange points known: numbers are looked
								 * up by exchange */
	bool		chord;
	const double *cv;			/* chord: the callee's unit vector */
	double		clat;			/* km: the callee's point */
	double		clon;
	double	   *km_of_npa;		/* km: cache for numbers at their area
								 * code's point, NaN until computed */
} measure;

/* The nearest-tier distance of the located number nat (area code p). */
static double
nearest_dist(const cd_geo *geo, const cd_exch_geo *xg, const measure *m,
			 uint64_t nat, int p)
{
	bool		exact;

	if (m->chord)
	{
		const double *v;

		if (!cd_exch_unit(geo, xg, nat, &v, &exact))
			return INFINITY;	/* cannot happen: the area code is located */
		return cd_near_chord(v, m->cv);
	}
	else
	{
		double		lat,
					lon;

		if (m->exch)
		{
			if (!cd_exch_point(geo, xg, nat, &lat, &lon, &exact))
				return INFINITY;	/* cannot happen: the area code is located */
			if (exact)
				return cd_distance_km(m->clat, m->clon, lat, lon);
		}
		/* at its area code's point: one distance per area code */
		if (isnan(m->km_of_npa[p]))
			m->km_of_npa[p] = cd_distance_km(m->clat, m->clon,
											 geo->area[p].lat, geo->area[p].lon);
		return m->km_of_npa[p];
	}
}

/*
 * For a callee at its area code c's point whose pick is not "nearest" (the
 * pool holds numbers of c or of its overlays): whether the nearest step of
 * the pool without those numbers would keep cd_route's answer, its
 * candidates holding area-code points only (cd_near_area_only).  Then the
 * nearest tiers are in km, as that pick's distances are.
 */
static bool
nearest_area_only(const cd_route_pool *pool, const cd_near_pool *near, const cd_geo *geo,
				  const cd_exch_geo *xg, int c, const uint32_t *tier_of_npa,
				  cd_number_fn number, void *arg, const cd_alloc *alloc, bool *oom)
{
	double	   *radius = cd_zalloc(alloc, sizeof(double) * CD_NPA_SLOTS);
	uint16_t   *located = cd_zalloc(alloc, sizeof(uint16_t) * CD_NPA_SLOTS);
	bool	   *seen = cd_zalloc(alloc, sizeof(bool) * CD_NPA_SLOTS);
	int			n_located = 0;
	uint32_t	n = cd_route_size(pool);
	uint32_t	pos;

	if (radius == NULL || located == NULL || seen == NULL)
	{
		*oom = true;
		return false;
	}
	if (near != NULL)
	{
		int			k;

		/* the pool's radii, kept by its structure */
		for (k = 0; k < CD_NPA_SLOTS; k++)
			seen[k] = tier_of_npa[k] == TIER_NEAREST;
		return cd_near_area_only(near, geo, xg, (unsigned) c, seen);
	}
	/* no structure (no callee of the pool is routed "nearest"): from the numbers */
	for (pos = 0; pos < n; pos++)
	{
		uint64_t	key;
		uint32_t	index;
		int			p;

		cd_route_member(pool, pos, &key, &index);
		p = cd_route_number_npa(pool, index);
		if (p < 0 || tier_of_npa[p] != TIER_NEAREST)
			continue;
		if (!seen[p])
			located[n_located++] = (uint16_t) p;
		seen[p] = true;
		cd_near_note_radius(geo, xg, number(arg, index), radius);
	}
	return cd_near_area_only_of(geo, xg, (unsigned) c, located, n_located, radius);
}

bool
cd_route_dial(const cd_route_pool *pool, const cd_geo *geo,
			  const cd_near_pool *near, const cd_exch_geo *xg, uint64_t callee,
			  cd_avail_fn avail, cd_number_fn number, void *arg,
			  bool want_km, const cd_alloc *alloc, cd_dial *out)
{
	cd_pick		pick;
	cd_unavail	why;
	uint32_t	n = cd_route_size(pool);
	int			c = callee <= MAX_NATIONAL ? (int) (callee / NPA_DIVISOR) : -1;
	bool		callee_located = c >= 0 && npa_located(geo, c);
	bool		any_located = false;
	bool		tiered;
	bool		oom = false;
	uint64_t	hc = cd_route_hash(callee);
	uint32_t   *tier_of_npa;
	measure		m;
	order_entry *e;
	uint32_t	pos;
	int			k;
	uint32_t	tier_start;
	uint32_t	tier_size;

	memset(out, 0, sizeof(*out));
	out->index = -1;

	/* the first choice: the pick (cd_pool_pick's) */
	cd_route_pick(pool, callee, &pick);
	cd_near_pick(near, geo, xg, callee, want_km, &pick);
	why = avail(arg, (uint32_t) pick.index);
	if (why == CD_AVAILABLE)
	{
		out->index = pick.index;
		out->rule = pick.rule;
		out->candidates = pick.candidates;
		out->tier_km = want_km ? pick.distance_km : NAN;
		return true;
	}

	/* every number gets its tier */
	tier_of_npa = cd_zalloc(alloc, sizeof(uint32_t) * CD_NPA_SLOTS);
	m.km_of_npa = cd_zalloc(alloc, sizeof(double) * CD_NPA_SLOTS);
	e = cd_zalloc(alloc, sizeof(order_entry) * (n > 0 ? n : 1));
	if (tier_of_npa == NULL || m.km_of_npa == NULL || e == NULL)
		return false;

	for (k = 0; k < CD_NPA_SLOTS; k++)
	{
		tier_of_npa[k] = TIER_LAST;
		m.km_of_npa[k] = NAN;
	}
	for (pos = 0; pos < n; pos++)
	{
		uint64_t	key;
		uint32_t	index;
		int			p;

		cd_route_member(pool, pos, &key, &index);
		p = cd_route_number_npa(pool, index);
		if (p >= 0 && npa_located(geo, p))
			any_located = true;
	}
	tiered = callee_located && any_located;
	m.exch = xg != NULL && xg->n_points > 0;
	m.chord = false;
	m.cv = NULL;
	m.clat = m.clon = 0.0;
	if (tiered)
	{
		const cd_area *a = &geo->area[c];
		int			n_over = a->n_overlays < CD_MAX_OVERLAYS ? a->n_overlays : CD_MAX_OVERLAYS;
		bool		exact;

		for (k = 0; k < CD_NPA_SLOTS; k++)
			if (npa_located(geo, k))
				tier_of_npa[k] = TIER_NEAREST;
		tier_of_npa[c] = 0;
		for (k = 0; k < n_over; k++)
		{
			int			o = a->overlays[k];

			if (o != c && npa_located(geo, o))
				tier_of_npa[o] = TIER_OVERLAY;
		}

		/*
		 * The pick's measure (cd_pace.h): chords when the nearest step
		 * measures this callee itself, else km.
		 */
		if (m.exch && cd_exch_unit(geo, xg, callee, &m.cv, &exact))
		{
			if (pick.rule == CD_RULE_NEAREST)
				m.chord = cd_near_refines(near, geo, xg, callee);
			else
				m.chord = exact || !nearest_area_only(pool, near, geo, xg, c, tier_of_npa,
													  number, arg, alloc, &oom);
			if (oom)
				return false;
		}
		if (!m.chord && !cd_exch_point(geo, xg, callee, &m.clat, &m.clon, &exact))
			tiered = false;		/* cannot happen: the callee is located */
	}

	for (pos = 0; pos < n; pos++)
	{
		uint64_t	key;
		uint32_t	index;
		int			p;

		cd_route_member(pool, pos, &key, &index);
		p = cd_route_number_npa(pool, index);
		e[pos].dist = 0.0;
		if (!tiered)
			e[pos].tier = 0;
		else if (p < 0)
			e[pos].tier = TIER_LAST;
		else
		{
			e[pos].tier = tier_of_npa[p];
			if (e[pos].tier == TIER_NEAREST)
				e[pos].dist = nearest_dist(geo, xg, &m, m.exch ? number(arg, index) : 0, p);
		}
		e[pos].index = index;
		e[pos].weight = cd_route_weight(hc, key);
		e[pos].pos = pos;
	}
	sort_entries(e, n);

	/* test in order; the pick, first of all, was tested already */
	tier_start = 0;
	for (pos = 0; pos < n; pos++)
	{
		cd_unavail	r;

		if (pos == 0 || !same_tier(&e[pos], &e[pos - 1]))
			tier_start = pos;
		r = e[pos].index == (uint32_t) pick.index ? why : avail(arg, e[pos].index);
		if (r != CD_AVAILABLE)
		{
			note_skip(out, e[pos].index, r);
			continue;
		}
		out->index = (int) e[pos].index;
		break;
	}

	/* describe the winning tier (the last one when nothing was available) */
	pos = out->index >= 0 ? tier_start : (n > 0 ? n - 1 : 0);
	if (out->index < 0)
	{
		while (pos > 0 && same_tier(&e[pos - 1], &e[n - 1]))
			pos--;
		tier_start = pos;
	}
	for (tier_size = 0; tier_start + tier_size < n &&
		 same_tier(&e[tier_start + tier_size], &e[tier_start]); tier_size++)
		;
	out->candidates = (int) tier_size;
	{
		uint32_t	t = n > 0 ? e[tier_start].tier : 0;

		if (!tiered)
			out->rule = CD_RULE_FALLBACK;
		else if (t == 0)
			out->rule = CD_RULE_AREA_CODE;
		else if (t == TIER_OVERLAY)
			out->rule = CD_RULE_OVERLAY;
		else if (t == TIER_LAST)
			out->rule = CD_RULE_FALLBACK;
		else
			out->rule = CD_RULE_NEAREST;
	}
	out->tier_km = NAN;
	if (want_km && out->index >= 0 && out->rule != CD_RULE_FALLBACK)
	{
		int			p = cd_route_number_npa(pool, (uint32_t) out->index);

		if (out->rule != CD_RULE_NEAREST)
			out->tier_km = npa_km(geo, c, p);
		else if (!m.chord)
			out->tier_km = e[tier_start].dist;
		else
		{
			const double *v;
			bool		exact;

			if (cd_exch_unit(geo, xg, number(arg, (uint32_t) out->index), &v, &exact))
				out->tier_km = cd_near_km(geo, xg, callee, v);
		}
	}
	return true;
}

int64_t
cd_window_peak(const int64_t *times, size_t n, int64_t at, int64_t width)
{
	size_t		lo = 0,
				hi = 0,
				next = 0;
	int64_t		best = 0;
	int64_t		s = at;

	/* the windows end at "at", then at each call in [at, at + width) */
	while (next < n && times[next] < at)
		next++;
	for (;;)
	{
		while (hi < n && times[hi] <= s)
			hi++;
		while (lo < hi && times[lo] <= s - width)
			lo++;
		if ((int64_t) (hi - lo) > best)
			best = (int64_t) (hi - lo);
		if (next >= n || times[next] >= at + width)
			break;
		s = times[next++];
	}
	return best;
}
