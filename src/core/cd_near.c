/*
 * cd_near.c - the "nearest" step at exchange precision; see cd_near.h.
 * Pure C (C11, libc, libm); all memory from the caller's cd_alloc, and
 * nothing allocated that the result does not use, so the pool's memory is
 * what it keeps.
 */
#include "cd_near.h"

#include <math.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define MAX_NATIONAL UINT64_C(9999999999)
#define NPA_DIVISOR UINT64_C(10000000)

/*
 * Slack, in km, added to the bound that leaves a pool area code out of a
 * callee area code's candidates: the bound is exact in real numbers and
 * this covers the rounding of the distances it adds up.
 */
#define BOUND_SLACK_KM 0.001

#define MAX_SITE_COUNT ((UINT32_C(1) << 22) - 1)

#define AREA_ONLY UINT32_C(0x80000000)
#define OFF_MASK UINT32_C(0x7fffffff)

/* Numbers of one pool area code at one point. */
typedef struct near_site
{
	double		v[3];			/* unit vector of the point */
	uint32_t	first;			/* members first .. first + count - 1 */
	uint32_t	count:22;		/* <= MAX_SITE_COUNT: the build refuses larger pools */
	uint32_t	npa:10;
} near_site;

/* A located area code of the pool and how far its numbers lie from its point. */
typedef struct near_loc
{
	double		radius;
	uint16_t	npa;
} near_loc;

typedef struct near_group
{
	uint32_t	site_off;
	uint32_t	site_n;
} near_group;

struct cd_near_pool
{
	size_t		bytes;
	uint32_t	cand_off[CD_NPA_SLOTS + 1];	/* callee area code's candidate
											 * groups: cand[off[c] ..
											 * off[c+1]), offsets masked
											 * with OFF_MASK; AREA_ONLY set
											 * when its candidates' numbers
											 * all sit at their area code's
											 * point */
	uint16_t   *cand;			/* group ids */
	near_group *groups;
	near_site  *sites;
	uint64_t   *keys;			/* key(n) of each member */
	uint32_t   *index;			/* member's index into the pool's numbers */
	int			n_located;		/* the pool's located area codes */
	near_loc   *located;
};

static inline bool
npa_located(const cd_geo *geo, unsigned npa)
{
	return npa >= 200 && npa < CD_NPA_SLOTS &&
		geo->area[npa].kind == CD_KIND_GEOGRAPHIC && geo->area[npa].has_location;
}


/* The point of a located pool number (its area code is located). */
static inline void
number_point(const cd_geo *geo, const cd_exch_geo *xg, uint64_t nat,
			 double *lat, double *lon, bool *exact)
{
	if (!cd_exch_point(geo, xg, nat, lat, lon, exact))
	{
		*lat = *lon = 0.0;		/* cannot happen for a located area code */
		*exact = false;
	}
}

/* The same point as a unit vector. */
static inline const double *
number_unit(const cd_geo *geo, const cd_exch_geo *xg, uint64_t nat)
{
	static const double none[3] = {0.0, 0.0, 0.0};
	const double *v;
	bool		exact;

	return cd_exch_unit(geo, xg, nat, &v, &exact) ? v : none;
}

static inline bool
same_point(const double *a, const double *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2];
}

/* Order of a group's members: by point, then national number. */
static bool
member_less(const cd_geo *geo, const cd_exch_geo *xg, const uint64_t *numbers,
			uint32_t a, uint32_t b)
{
	const double *va = number_unit(geo, xg, numbers[a]);
	const double *vb = number_unit(geo, xg, numbers[b]);
	int			k;

	for (k = 0; k < 3; k++)
		if (va[k] != vb[k])
			return va[k] < vb[k];
	return numbers[a] < numbers[b];
}

static void
sift_down(const cd_geo *geo, const cd_exch_geo *xg, const uint64_t *numbers,
		  uint32_t *idx, size_t root, size_t len)
{
	for (;;)
	{
		size_t		child = 2 * root + 1;
		uint32_t	t;

		if (child >= len)
			return;
		if (child + 1 < len && member_less(geo, xg, numbers, idx[child], idx[child + 1]))
			child++;
		if (!member_less(geo, xg, numbers, idx[root], idx[child]))
			return;
		t = idx[root];
		idx[root] = idx[child];
		idx[child] = t;
		root = child;
	}
}

/* Heapsort: no memory, never quadratic. */
static void
sort_members(const cd_geo *geo, const cd_exch_geo *xg, const uint64_t *numbers,
			 uint32_t *idx, size_t len)
{
	size_t		i;

	if (len < 2)
		return;
	for (i = len / 2; i-- > 0;)
		sift_down(geo, xg, numbers, idx, i, len);
	for (i = len - 1; i > 0; i--)
	{
		uint32_t	t = idx[0];

		idx[0] = idx[i];
		idx[i] = t;
		sift_down(geo, xg, numbers, idx, 0, i);
	}
}

static inline size_t
align8(size_t x)
{
	return (x + 7) & ~(size_t) 7;
}

/*
 * The candidate groups of callee area code c among the located pool area
 * codes: those whose nearest possible point is not farther than some
 * group's farthest one.  Writes them to out (when not NULL) and returns how
 * many; *area_only says they hold area-code points only.
 */
static int
candidates(const cd_geo *geo, const cd_exch_geo *xg, unsigned c,
		   const uint16_t *located, int n_located, const double *radius,
		   double *dist, uint16_t *out, const int16_t *group_id, bool *area_only)
{
	double		rc = xg->radius_km[c];
	double		upper = INFINITY;
	int			i,
				k = 0;

	for (i = 0; i < n_located; i++)
	{
		unsigned	g = located[i];

		dist[i] = cd_distance_km(geo->area[c].lat, geo->area[c].lon,
								 geo->area[g].lat, geo->area[g].lon);
		if (dist[i] + rc + radius[g] < upper)
			upper = dist[i] + rc + radius[g];
	}
	*area_only = true;
	for (i = 0; i < n_located; i++)
	{
		unsigned	g = located[i];

		if (dist[i] - rc - radius[g] <= upper + BOUND_SLACK_KM)
		{
			if (out != NULL)
				out[k] = (uint16_t) group_id[g];
			if (radius[g] > 0.0)
				*area_only = false;
			k++;
		}
	}
	return k;
}

void
cd_near_note_radius(const cd_geo *geo, const cd_exch_geo *xg, uint64_t nat, double *radius)
{
	unsigned	g = (unsigned) (nat / NPA_DIVISOR);
	double		lat,
				lon;
	bool		exact;

	number_point(geo, xg, nat, &lat, &lon, &exact);
	if (exact)
	{
		double		d = cd_distance_km(geo->area[g].lat, geo->area[g].lon, lat, lon);

		if (d > radius[g])
			radius[g] = d;
	}
}

bool
cd_near_area_only_of(const cd_geo *geo, const cd_exch_geo *xg, unsigned c,
					 const uint16_t *located, int n_located, const double *radius)
{
	double		dist[CD_NPA_SLOTS];
	bool		area_only;

	(void) candidates(geo, xg, c, located, n_located, radius, dist, NULL, NULL, &area_only);
	return area_only;
}

bool
cd_near_area_only(const cd_near_pool *near, const cd_geo *geo, const cd_exch_geo *xg,
				  unsigned c, const bool *in_step)
{
	uint16_t	located[CD_NPA_SLOTS];
	double		radius[CD_NPA_SLOTS];
	int			n = 0,
				i;

	for (i = 0; i < near->n_located; i++)
	{
		unsigned	g = near->located[i].npa;

		if (!in_step[g])
			continue;
		located[n++] = (uint16_t) g;
		radius[g] = near->located[i].radius;
	}
	return cd_near_area_only_of(geo, xg, c, located, n, radius);
}

cd_near_pool *
cd_near_build(const cd_geo *geo, const cd_exch_geo *xg, const cd_route_pool *route,
			  const uint64_t *numbers, int n, const cd_alloc *alloc, bool *oom)
{
	cd_near_pool *near;
	bool		nearest[CD_NPA_SLOTS];
	uint32_t	counts[CD_NPA_SLOTS];
	double		radius[CD_NPA_SLOTS];
	uint16_t	located[CD_NPA_SLOTS];
	double		dist[CD_NPA_SLOTS];
	int16_t		group_id[CD_NPA_SLOTS];
	uint32_t	member_start[CD_NPA_SLOTS];
	int			n_located = 0;
	int			n_groups = 0;
	size_t		n_cand = 0;
	size_t		n_members = 0;
	size_t		max_sites = 0;
	size_t		sz_struct,
				sz_cand,
				sz_groups,
				sz_sites,
				sz_keys,
				sz_index,
				sz_located;
	char	   *block;
	unsigned	c;
	int			i;
	bool		any = false;

	*oom = false;
	if (xg == NULL || xg->n_points == 0 || route == NULL || n < 1 ||
		(uint64_t) n > MAX_SITE_COUNT)
		return NULL;			/* (far beyond custom_dialing.max_pool_size's range) */

	for (c = 0; c < CD_NPA_SLOTS; c++)
	{
		cd_pick		p;

		nearest[c] = false;
		if (!npa_located(geo, c))
			continue;
		cd_route_pick(route, (uint64_t) c * NPA_DIVISOR, &p);
		nearest[c] = (p.rule == CD_RULE_NEAREST);
		any = any || nearest[c];
	}
	if (!any)
		return NULL;

	/* located pool area codes, and how far their numbers lie from their point */
	memset(counts, 0, sizeof(counts));
	for (c = 0; c < CD_NPA_SLOTS; c++)
	{
		radius[c] = 0.0;
		group_id[c] = -1;
	}
	for (i = 0; i < n; i++)
	{
		uint64_t	nat = numbers[i];
		unsigned	g;

		if (nat > MAX_NATIONAL)
			continue;
		g = (unsigned) (nat / NPA_DIVISOR);
		if (!npa_located(geo, g))
			continue;
		counts[g]++;
		cd_near_note_radius(geo, xg, nat, radius);
	}
	for (c = 0; c < CD_NPA_SLOTS; c++)
		if (counts[c] > 0)
			located[n_located++] = (uint16_t) c;

	/* which groups some nearest callee may need */
	for (c = 0; c < CD_NPA_SLOTS; c++)
	{
		bool		area_only;

		if (!nearest[c])
			continue;
		n_cand += (size_t) candidates(geo, xg, c, located, n_located, radius,
									  dist, NULL, group_id, &area_only);
	}
	/* mark used groups: a candidate pass with ids still unset counts them */
	for (c = 0; c < CD_NPA_SLOTS; c++)
	{
		double		rc;
		double		upper = INFINITY;

		if (!nearest[c])
			continue;
		rc = xg->radius_km[c];
		for (i = 0; i < n_located; i++)
		{
			unsigned	g = located[i];

			dist[i] = cd_distance_km(geo->area[c].lat, geo->area[c].lon,
									 geo->area[g].lat, geo->area[g].lon);
			if (dist[i] + rc + radius[g] < upper)
				upper = dist[i] + rc + radius[g];
		}
		for (i = 0; i < n_located; i++)
		{
			unsigned	g = located[i];

			if (group_id[g] < 0 && dist[i] - rc - radius[g] <= upper + BOUND_SLACK_KM)
				group_id[g] = (int16_t) n_groups++;
		}
	}
	/* members by group, in group id order */
	{
		uint16_t	order[CD_NPA_SLOTS];

		memset(order, 0, sizeof(order));
		for (c = 0; c < CD_NPA_SLOTS; c++)
			if (group_id[c] >= 0)
				order[group_id[c]] = (uint16_t) c;
		for (i = 0; i < n_groups; i++)
		{
			member_start[order[i]] = (uint32_t) n_members;
			n_members += counts[order[i]];
		}
	}

	/*
	 * Sites: at most one per pool exchange with a point, plus one per group
	 * for its numbers at the area code's point (numbers of exchanges that
	 * share a town's point become one site, so there may be fewer).
	 */
	{
		/* one bit per exchange and one per area code's point: 125 kB of stack */
		uint8_t		seen[(CD_NPA_SLOTS * 1000 + CD_NPA_SLOTS + 7) / 8];

		memset(seen, 0, sizeof(seen));
		for (i = 0; i < n; i++)
		{
			uint64_t	nat = numbers[i];
			const double *v;
			bool		exact;
			size_t		bit;

			if (nat > MAX_NATIONAL || group_id[nat / NPA_DIVISOR] < 0 ||
				!cd_exch_unit(geo, xg, nat, &v, &exact))
				continue;
			bit = exact ? (size_t) (nat / 10000) : (size_t) CD_NPA_SLOTS * 1000 + (size_t) (nat / NPA_DIVISOR);
			if (!(seen[bit / 8] & (1u << (bit % 8))))
				max_sites++;
			seen[bit / 8] |= (uint8_t) (1u << (bit % 8));
		}
	}

	/* one block for everything, so its memory is exactly what it holds */
	sz_struct = align8(sizeof(cd_near_pool));
	sz_cand = align8((n_cand > 0 ? n_cand : 1) * sizeof(uint16_t));
	sz_groups = align8((size_t) (n_groups > 0 ? n_groups : 1) * sizeof(near_group));
	sz_keys = (n_members > 0 ? n_members : 1) * sizeof(uint64_t);
	sz_index = align8((n_members > 0 ? n_members : 1) * sizeof(uint32_t));
	sz_sites = (max_sites > 0 ? max_sites : 1) * sizeof(near_site);
	sz_located = (size_t) (n_located > 0 ? n_located : 1) * sizeof(near_loc);
	block = cd_zalloc(alloc, sz_struct + sz_sites + sz_located + sz_keys + sz_index +
					  sz_cand + sz_groups);
	if (block == NULL)
		goto oom;
	near = (cd_near_pool *) block;
	near->bytes = sz_struct + sz_sites + sz_located + sz_keys + sz_index + sz_cand +
		sz_groups;
	block += sz_struct;
	near->sites = (near_site *) block;
	block += sz_sites;
	near->located = (near_loc *) block;
	block += sz_located;
	near->keys = (uint64_t *) block;
	block += sz_keys;
	near->index = (uint32_t *) block;
	block += sz_index;
	near->cand = (uint16_t *) block;
	block += sz_cand;
	near->groups = (near_group *) block;
	near->n_located = n_located;
	for (i = 0; i < n_located; i++)
	{
		near->located[i].npa = located[i];
		near->located[i].radius = radius[located[i]];
	}

	/* candidate lists */
	{
		uint32_t	off = 0;

		for (c = 0; c < CD_NPA_SLOTS; c++)
		{
			bool		area_only = true;

			near->cand_off[c] = off;
			if (!nearest[c])
				continue;
			off += (uint32_t) candidates(geo, xg, c, located, n_located, radius,
										 dist, near->cand + off, group_id, &area_only);
			if (area_only)
				near->cand_off[c] |= AREA_ONLY;
		}
		near->cand_off[CD_NPA_SLOTS] = off;
	}

	/* members of the used groups */
	{
		uint32_t	cursor[CD_NPA_SLOTS];

		memcpy(cursor, member_start, sizeof(cursor));
		for (i = 0; i < n; i++)
		{
			uint64_t	nat = numbers[i];
			unsigned	g;

			if (nat > MAX_NATIONAL)
				continue;
			g = (unsigned) (nat / NPA_DIVISOR);
			if (!npa_located(geo, g) || group_id[g] < 0)
				continue;
			near->index[cursor[g]++] = (uint32_t) i;
		}
	}

	/* each group's members sorted by point; the sites are their runs */
	{
		size_t		st_n = 0;

		for (c = 0; c < CD_NPA_SLOTS; c++)
		{
			near_group *grp;
			uint32_t	k;

			if (group_id[c] < 0)
				continue;
			sort_members(geo, xg, numbers, near->index + member_start[c], counts[c]);
			grp = &near->groups[group_id[c]];
			grp->site_off = (uint32_t) st_n;
			for (k = 0; k < counts[c]; k++)
			{
				uint32_t	m = member_start[c] + k;
				uint64_t	nat = numbers[near->index[m]];
				const double *v = number_unit(geo, xg, nat);

				near->keys[m] = cd_route_number_key(nat);
				if (k == 0 || !same_point(v, near->sites[st_n - 1].v))
				{
					near_site  *st = &near->sites[st_n++];

					memcpy(st->v, v, sizeof(st->v));
					st->first = m;
					st->count = 0;
					st->npa = c;
				}
				near->sites[st_n - 1].count++;
			}
			grp->site_n = (uint32_t) st_n - grp->site_off;
		}
	}
	return near;

oom:
	*oom = true;
	return NULL;
}

/*
 * The candidate groups of callee (cand[*off .. *end)) and its unit vector
 * when cd_near_pick measures its nearest step; false when it keeps
 * cd_route's answer.
 */
static bool
refine_range(const cd_near_pool *near, const cd_geo *geo, const cd_exch_geo *xg,
			 uint64_t callee, uint32_t *off, uint32_t *end, const double **p)
{
	unsigned	c;
	bool		exact;

	if (near == NULL || callee > MAX_NATIONAL)
		return false;
	c = (unsigned) (callee / NPA_DIVISOR);
	*off = near->cand_off[c] & OFF_MASK;
	*end = near->cand_off[c + 1] & OFF_MASK;
	if (*off == *end)
		return false;			/* not routed "nearest" */
	if (!cd_exch_unit(geo, xg, callee, p, &exact))
		return false;
	if (!exact && (near->cand_off[c] & AREA_ONLY))
		return false;			/* area-code points on both sides: cd_route's answer */
	return true;
}

bool
cd_near_refines(const cd_near_pool *near, const cd_geo *geo, const cd_exch_geo *xg,
				uint64_t callee)
{
	uint32_t	off,
				end;
	const double *p;

	return refine_range(near, geo, xg, callee, &off, &end, &p);
}

double
cd_near_km(const cd_geo *geo, const cd_exch_geo *xg, uint64_t callee, const double *v)
{
	/* the points in degrees: the callee's as stored, the number's from its vector */
	double		lat,
				lon;
	bool		exact;
	const double to_deg = 180.0 / M_PI;

	if (!cd_exch_point(geo, xg, callee, &lat, &lon, &exact))
		return NAN;
	return cd_distance_km(lat, lon, asin(v[2]) * to_deg, atan2(v[1], v[0]) * to_deg);
}

void
cd_near_pick(const cd_near_pool *near, const cd_geo *geo, const cd_exch_geo *xg,
			 uint64_t callee, bool want_km, cd_pick *pick)
{
	uint32_t	off,
				end,
				k,
				s;
	const double *p;
	double		best = INFINITY;
	uint64_t	hc;
	uint64_t	best_w = 0;
	int64_t		chosen = -1;
	const near_site *chosen_site = NULL;
	int			n_cand = 0;

	if (pick->rule != CD_RULE_NEAREST ||
		!refine_range(near, geo, xg, callee, &off, &end, &p))
		return;

	for (k = off; k < end; k++)
	{
		const near_group *g = &near->groups[near->cand[k]];

		for (s = g->site_off; s < g->site_off + g->site_n; s++)
		{
			double		d = cd_near_chord(near->sites[s].v, p);

			best = d < best ? d : best;
		}
	}

	hc = cd_route_hash(callee);
	for (k = off; k < end; k++)
	{
		const near_group *g = &near->groups[near->cand[k]];

		for (s = g->site_off; s < g->site_off + g->site_n; s++)
		{
			const near_site *st = &near->sites[s];
			uint32_t	m;

			if (cd_near_chord(st->v, p) != best)
				continue;
			n_cand += (int) st->count;
			for (m = st->first; m < st->first + st->count; m++)
			{
				uint64_t	w = cd_route_weight(hc, near->keys[m]);

				if (chosen < 0 || w > best_w)
				{
					best_w = w;
					chosen = m;
					chosen_site = st;
				}
			}
		}
	}
	if (chosen < 0 || chosen_site == NULL)
		return;					/* cannot happen: the candidates have sites */
	pick->index = (int) near->index[chosen];
	pick->candidates = n_cand;
	pick->chosen_npa = (int) chosen_site->npa;
	pick->distance_km = want_km ? cd_near_km(geo, xg, callee, chosen_site->v) : NAN;
}

size_t
cd_near_bytes(const cd_near_pool *near)
{
	return near ? near->bytes : 0;
}
