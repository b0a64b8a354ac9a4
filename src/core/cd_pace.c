/*
 * cd_pace.c - the dialing decision (see cd_pace.h): tiers of candidates in
 * the order of the routing ladder, the callee's rendezvous preference inside
 * a tier, and the caller's availability test.  Pure C (C11, libc, libm); all
 * memory from the caller's cd_alloc.
 *
 * The common case costs one cd_route_pick and one availability test: the
 * pick is the most preferred number of the first tier.  Only when it is not
 * available is every number of the pool given a tier and a weight, sorted,
 * and tested in that order: linear in the pool plus a sort, once per such
 * decision.
 */
#include "cd_pace.h"

#include <math.h>
#include <string.h>

#define MAX_NATIONAL UINT64_C(9999999999)
#define NPA_DIVISOR UINT64_C(10000000)

/* tier numbers: 0 area code, 1 overlay, 2.. distances, TIER_LAST no location */
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
	uint32_t	tier;
	uint32_t	index;
	uint64_t	weight;
	uint32_t	pos;			/* ascending national number: the tie rule */
} order_entry;

/* Better first: lower tier, then larger weight, then smaller number. */
static inline bool
entry_before(const order_entry *a, const order_entry *b)
{
	if (a->tier != b->tier)
		return a->tier < b->tier;
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

typedef struct npa_dist
{
	int			npa;
	double		km;
} npa_dist;

static void
sort_dists(npa_dist *d, int n)
{
	int			i;

	/* insertion sort: at most a few hundred area codes, once per decision */
	for (i = 1; i < n; i++)
	{
		npa_dist	t = d[i];
		int			k = i;

		while (k > 0 && (d[k - 1].km > t.km || (d[k - 1].km == t.km && d[k - 1].npa > t.npa)))
		{
			d[k] = d[k - 1];
			k--;
		}
		d[k] = t;
	}
}

bool
cd_route_dial(const cd_route_pool *pool, const cd_geo *geo, uint64_t callee,
			  cd_avail_fn avail, void *arg, const cd_alloc *alloc, cd_dial *out)
{
	cd_pick		pick;
	cd_unavail	why;
	uint32_t	n = cd_route_size(pool);
	int			c = callee <= MAX_NATIONAL ? (int) (callee / NPA_DIVISOR) : -1;
	bool		callee_located = c >= 0 && npa_located(geo, c);
	bool		any_located = false;
	uint64_t	hc = cd_route_hash(callee);
	uint32_t   *tier_of_npa;
	npa_dist   *dists;
	order_entry *e;
	uint32_t	pos;
	int			k;
	uint32_t	tier_start;
	uint32_t	tier_size;

	memset(out, 0, sizeof(*out));
	out->index = -1;

	/* the first choice: the pick */
	cd_route_pick(pool, callee, &pick);
	why = avail(arg, (uint32_t) pick.index);
	if (why == CD_AVAILABLE)
	{
		out->index = pick.index;
		out->rule = pick.rule;
		out->candidates = pick.candidates;
		out->tier_km = pick.distance_km;
		return true;
	}

	/* every number gets its tier */
	tier_of_npa = cd_zalloc(alloc, sizeof(uint32_t) * CD_NPA_SLOTS);
	dists = cd_zalloc(alloc, sizeof(npa_dist) * CD_NPA_SLOTS);
	e = cd_zalloc(alloc, sizeof(order_entry) * (n > 0 ? n : 1));
	if (tier_of_npa == NULL || dists == NULL || e == NULL)
		return false;

	for (k = 0; k < CD_NPA_SLOTS; k++)
		tier_of_npa[k] = TIER_LAST;
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
	if (callee_located && any_located)
	{
		const cd_area *a = &geo->area[c];
		int			n_over = a->n_overlays < CD_MAX_OVERLAYS ? a->n_overlays : CD_MAX_OVERLAYS;
		bool		seen[CD_NPA_SLOTS];
		int			n_dists = 0;

		tier_of_npa[c] = 0;
		for (k = 0; k < n_over; k++)
		{
			int			o = a->overlays[k];

			if (o != c && npa_located(geo, o))
				tier_of_npa[o] = TIER_OVERLAY;
		}
		/* the remaining located area codes of the pool, by distance */
		memset(seen, 0, sizeof(seen));
		for (pos = 0; pos < n; pos++)
		{
			uint64_t	key;
			uint32_t	index;
			int			p;

			cd_route_member(pool, pos, &key, &index);
			p = cd_route_number_npa(pool, index);
			if (p < 0 || !npa_located(geo, p) || tier_of_npa[p] != TIER_LAST || seen[p])
				continue;
			seen[p] = true;
			dists[n_dists].npa = p;
			dists[n_dists].km = npa_km(geo, c, p);
			n_dists++;
		}
		sort_dists(dists, n_dists);
		{
			uint32_t	t = TIER_NEAREST - 1;

			for (k = 0; k < n_dists; k++)
			{
				if (k == 0 || !(dists[k].km == dists[k - 1].km))
					t++;
				tier_of_npa[dists[k].npa] = t;
			}
		}
	}
	else
	{
		/* one tier, every number */
		for (k = 0; k < CD_NPA_SLOTS; k++)
			tier_of_npa[k] = 0;
	}

	for (pos = 0; pos < n; pos++)
	{
		uint64_t	key;
		uint32_t	index;
		int			p;

		cd_route_member(pool, pos, &key, &index);
		p = cd_route_number_npa(pool, index);
		e[pos].tier = p >= 0 ? tier_of_npa[p] : (callee_located && any_located ? TIER_LAST : 0);
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

		if (pos == 0 || e[pos].tier != e[pos - 1].tier)
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
		while (pos > 0 && e[pos - 1].tier == e[n - 1].tier)
			pos--;
		tier_start = pos;
	}
	for (tier_size = 0; tier_start + tier_size < n &&
		 e[tier_start + tier_size].tier == e[tier_start].tier; tier_size++)
		;
	out->candidates = (int) tier_size;
	{
		uint32_t	t = n > 0 ? e[tier_start].tier : 0;

		if (!(callee_located && any_located))
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
	if (out->index >= 0 && out->rule != CD_RULE_FALLBACK)
	{
		int			p = cd_route_number_npa(pool, (uint32_t) out->index);

		out->tier_km = npa_km(geo, c, p);
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
