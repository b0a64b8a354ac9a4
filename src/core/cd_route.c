/*
 * cd_route.c - the routing decision: for every callee area code, the rule of
 * the ladder that applies and the set of candidate pool numbers, computed
 * once per pool; inside a set, a sticky and fair choice by multi-probe
 * consistent hashing.  Pure C (C11, libc, libm); no server headers, no
 * malloc: all memory comes from the caller's cd_alloc.
 *
 * The choice (Appleton and O'Reilly, "Multi-probe consistent hashing", 2015):
 * every number n has CD_ROUTE_POINTS points on a 64-bit ring, derived from
 * cd_route_hash(n); a callee c has CD_ROUTE_PROBES probe points.  For each
 * probe the distance (clockwise, mod 2^64) to the next point of a candidate
 * in the set is taken; the callee gets the candidate at the smallest such
 * distance over all probes, ties going to the smaller national number.
 * Written per candidate: score(c, n) = min over probes j and points v of
 * (point_v(n) - probe_j(c)) mod 2^64, and the callee takes the candidate with
 * the smallest (score, national number).  The score does not depend on which
 * other numbers are in the set, so each callee has a fixed order of
 * preference over all numbers: the answer is the same while the set is
 * unchanged, removing a number moves only the callees that had it, and
 * adding one moves only the callees that now take it.
 *
 * Why several points per number: with one point, a number's share of
 * callees is about K/(K-1) * (1 - exp(-(K-1) g)) of its fair share, g its
 * preceding gap on the ring in units of the mean gap and K the probes.  More
 * probes cap the largest share near fair, but gaps are exponentially
 * distributed, so whatever K about one number in twenty gets under three
 * quarters of its fair share, and some almost nothing.  Several points per
 * number average several gaps.  Measured over random sets of 2 to 50
 * numbers and 100,000 callees: with 8 points and 21 probes 92-100% of the
 * numbers are within 10% of their fair share and none of the sets of up to
 * 10 has one outside 25%; with one point and 21 probes 77-93% are within
 * 10% and a fifth of the sets of 5 have a number outside 25%.
 *
 * COMPATIBILITY: the hash functions, their constants, CD_ROUTE_POINTS and
 * CD_ROUTE_PROBES define which number every callee gets.  Changing any of
 * them moves callees between numbers on upgrade, so they must never change.
 * They use only unsigned 64-bit integer arithmetic (no floating point, no
 * byte order, no seeds from the environment), so every platform gives the
 * same answers.
 *
 * Layout: a candidate set keeps its numbers' points sorted (uint64 array)
 * with a parallel uint32 array of indexes into the numbers given to
 * cd_route_build, and a bucket index on the top b bits of the point, b the
 * smallest with 2^b >= numbers in the set: bucket i holds the first
 * position whose point is >= i << (64 - b).  Points are uniform, so a
 * probe's successor is found in O(1) expected steps (a scan of 4 to 8
 * points, one or two cache lines) and a pick costs CD_ROUTE_PROBES probes
 * whatever the pool's size.  Candidate sets are unions of whole area
 * codes of the pool, so they are named by the list of area codes they
 * contain and identical sets are stored once.
 */
#include "cd_route.h"

#include <math.h>
#include <string.h>

/*
 * Points per number and probes per callee (see above for why).  Part of the
 * compatibility contract.
 */
#define CD_ROUTE_POINTS 8
#define CD_ROUTE_PROBES 21

#define MAX_NATIONAL UINT64_C(9999999999)
#define NPA_DIVISOR UINT64_C(10000000)

/* Pool numbers are grouped by area code; group 1000 holds invalid numbers. */
#define GROUP_INVALID CD_NPA_SLOTS
#define N_GROUPS (CD_NPA_SLOTS + 1)

/* route[] word: set id << 3 | distance-varies flag << 2 | rule */
#define ROUTE_RULE_MASK 3u
#define ROUTE_VARY 4u
#define ROUTE_SET_SHIFT 3

/* Sets of more area codes than this are filled by filtering all numbers. */
#define MERGE_MAX_WAYS 16

/* Key space (area codes) kept for deduplicating multi-area-code sets. */
#define KEYBUF_SIZE 4096

/* ---------- the hash (fixed forever, see COMPATIBILITY) ---------- */

/*
 * The 64-bit finalizer of MurmurHash3 (fmix64): xor-shift by 33, multiply,
 * xor-shift, multiply, xor-shift.  A bijection on uint64.
 */
#define MIX_M1 UINT64_C(0xff51afd7ed558ccd)
#define MIX_M2 UINT64_C(0xc4ceb9fe1a85ec53)

/* Salts and steps keep number points and callee probes independent. */
#define POINT_SALT UINT64_C(0x243f6a8885a308d3)	/* pi, fractional hex digits */
#define PROBE_SALT UINT64_C(0x13198a2e03707344)	/* the digits that follow */
#define POINT_STEP UINT64_C(0xbf58476d1ce4e5b9)	/* odd (a SplitMix64 multiplier) */
#define PROBE_STEP UINT64_C(0x9e3779b97f4a7c15)	/* 2^64 / golden ratio */

static inline uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= MIX_M1;
	x ^= x >> 33;
	x *= MIX_M2;
	x ^= x >> 33;
	return x;
}

uint64_t
cd_route_hash(uint64_t national)
{
	return mix64(national ^ POINT_SALT);
}

/* Point v (0 <= v < CD_ROUTE_POINTS) of a number whose hash is h. */
static inline uint64_t
number_point(uint64_t h, unsigned v)
{
	return mix64(h + (uint64_t) v * POINT_STEP);
}

/* Probe j (0 <= j < CD_ROUTE_PROBES) of a callee. */
static inline uint64_t
probe_point(uint64_t callee_h, unsigned j)
{
	return mix64(callee_h + (uint64_t) (j + 1) * PROBE_STEP);
}

/* ---------- the pool ---------- */

/* A set holds size * CD_ROUTE_POINTS points, sorted by (point, number). */
typedef struct route_set
{
	size_t		off;			/* first point in points[] and index[] */
	size_t		boff;			/* first bucket in buckets[]; none when
								 * size == 1 */
	uint32_t	size;			/* numbers, >= 1 */
	uint32_t	shift;			/* 64 - bucket bits */
} route_set;

/* Distance for an overlay route whose overlays lie at different points. */
typedef struct route_vary
{
	uint32_t	key;			/* callee area code * 1000 + chosen area code */
	double		km;
} route_vary;

struct cd_route_pool
{
	size_t		bytes;			/* everything allocated for this pool */
	uint32_t	n_numbers;
	uint32_t	n_sets;
	uint32_t	n_vary;
	uint32_t	route[CD_NPA_SLOTS];	/* by callee area code */
	double		km[CD_NPA_SLOTS];	/* distance when it does not vary */
	uint64_t   *numbers;		/* copy of the numbers, for ties and area
								 * codes */
	route_set  *sets;			/* sets[0] is every number (fallback) */
	route_vary *vary;			/* sorted by key */
	uint64_t   *points;
	uint32_t   *index;
	uint32_t   *buckets;
};

static const char *const rule_names[] = {
	"area_code", "overlay", "nearest", "fallback"
};

const char *
cd_rule_name(cd_rule r)
{
	if ((int) r < 0 || (size_t) r >= sizeof(rule_names) / sizeof(rule_names[0]))
		return "unknown";
	return rule_names[r];
}

size_t
cd_route_bytes(const cd_route_pool *pool)
{
	return pool ? pool->bytes : 0;
}

/* ---------- pick ---------- */

/*
 * Position (within set s) of the point that callee takes: the smallest
 * (clockwise distance from a probe to the next point, national number).
 */
static uint32_t
choose(const cd_route_pool *pool, const route_set *s, uint64_t callee)
{
	const uint64_t *pts = pool->points + s->off;
	const uint32_t *idx = pool->index + s->off;
	const uint32_t *bk = pool->buckets + s->boff;
	uint32_t	n_points = s->size * CD_ROUTE_POINTS;
	uint64_t	h;
	uint64_t	best_d = UINT64_MAX;
	uint32_t	best = UINT32_MAX;
	unsigned	j;

	if (s->size == 1)
		return 0;

	h = mix64(callee ^ PROBE_SALT);
	for (j = 0; j < CD_ROUTE_PROBES; j++)
	{
		uint64_t	p = probe_point(h, j);
		uint64_t	b = p >> s->shift;
		uint32_t	pos = bk[b];
		uint32_t	end = bk[b + 1];
		uint64_t	d;

		while (pos < end && pts[pos] < p)
			pos++;
		if (pos == n_points)
			pos = 0;			/* past the last point: wrap around the ring */
		d = pts[pos] - p;		/* mod 2^64 */
		if (best == UINT32_MAX || d < best_d ||
			(d == best_d && idx[pos] != idx[best] &&
			 pool->numbers[idx[pos]] < pool->numbers[idx[best]]))
		{
			best_d = d;
			best = pos;
		}
	}
	return best;
}

static double
vary_km(const cd_route_pool *pool, uint32_t key)
{
	uint32_t	lo = 0;
	uint32_t	hi = pool->n_vary;

	while (lo < hi)
	{
		uint32_t	mid = lo + (hi - lo) / 2;

		if (pool->vary[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < pool->n_vary && pool->vary[lo].key == key)
		return pool->vary[lo].km;
	return NAN;
}

void
cd_route_pick(const cd_route_pool *pool, uint64_t callee, cd_pick *out)
{
	uint32_t	r;
	double		km;
	int			npa = -1;
	const route_set *s;
	uint32_t	i;
	uint64_t	chosen;

	if (callee <= MAX_NATIONAL)
	{
		npa = (int) (callee / NPA_DIVISOR);
		r = pool->route[npa];
		km = pool->km[npa];
	}
	else
	{
		/* not a national number: its area code is unknown */
		r = (uint32_t) CD_RULE_FALLBACK;
		km = NAN;
	}

	s = &pool->sets[r >> ROUTE_SET_SHIFT];
	i = pool->index[s->off + choose(pool, s, callee)];
	chosen = pool->numbers[i];

	out->index = (int) i;
	out->rule = (cd_rule) (r & ROUTE_RULE_MASK);
	out->candidates = (int) s->size;
	out->chosen_npa = chosen <= MAX_NATIONAL ? (int) (chosen / NPA_DIVISOR) : -1;
	if ((r & ROUTE_VARY) && npa >= 0 && out->chosen_npa >= 0)
		km = vary_km(pool, (uint32_t) npa * 1000u + (uint32_t) out->chosen_npa);
	out->distance_km = km;
}

/* ---------- build ---------- */

/* What the build knows about the pool before any set is laid out. */
typedef struct build_state
{
	const cd_geo *geo;
	const uint64_t *numbers;
	uint32_t	n;
	uint32_t	counts[N_GROUPS];	/* pool numbers per area code */
	uint16_t	located[CD_NPA_SLOTS];	/* located area codes in the pool,
										 * ascending */
	int			n_located;
	/* sets before layout: at most the fallback set plus one per callee */
	uint32_t	n_sets;
	uint32_t	set_size[CD_NPA_SLOTS + 1];
	int16_t		set_origin[CD_NPA_SLOTS + 1];	/* callee whose key made a
												 * multi-area-code set, else
												 * -1 */
	int32_t		group_set[N_GROUPS];	/* set of one area code's numbers */
	/* keys of the multi-area-code sets, for deduplication */
	int			n_keys;
	int			key_used;
	uint32_t	key_set[CD_NPA_SLOTS];
	uint16_t	key_off[CD_NPA_SLOTS];
	uint16_t	key_len[CD_NPA_SLOTS];
	uint16_t	keybuf[KEYBUF_SIZE];
} build_state;

static inline uint32_t
group_of(uint64_t national)
{
	return national <= MAX_NATIONAL ? (uint32_t) (national / NPA_DIVISOR) : GROUP_INVALID;
}

/*
 * An area code has a location when it is geographic and located; area
 * codes starting with 0 or 1 never do, whatever the table says.
 */
static inline bool
npa_located(const cd_geo *geo, unsigned npa)
{
	return npa >= 200 && npa < CD_NPA_SLOTS &&
		geo->area[npa].kind == CD_KIND_GEOGRAPHIC && geo->area[npa].has_location;
}

static inline double
npa_km(const cd_geo *geo, unsigned a, unsigned b)
{
	return cd_distance_km(geo->area[a].lat, geo->area[a].lon,
						  geo->area[b].lat, geo->area[b].lon);
}

/*
 * The ladder for callee area code c: the rule, and the candidates as the
 * ascending list of pool area codes (key, *len; *len == 0 for fallback,
 * meaning every number).  *km is the distance for the route, NaN for
 * fallback; *vary says that overlay candidates lie at different distances
 * (then *km is NaN and the distance depends on the number chosen).
 */
static cd_rule
route_key(const build_state *st, unsigned c, uint16_t *key, int *len,
		  double *km, bool *vary)
{
	const cd_geo *geo = st->geo;
	const cd_area *a;
	int			n_over;
	int			i;
	double		best;

	*len = 0;
	*vary = false;
	*km = NAN;
	if (!npa_located(geo, c) || st->n_located == 0)
		return CD_RULE_FALLBACK;

	if (st->counts[c] > 0)
	{
		key[0] = (uint16_t) c;
		*len = 1;
		*km = 0.0;
		return CD_RULE_AREA_CODE;
	}

	a = &geo->area[c];
	n_over = a->n_overlays < CD_MAX_OVERLAYS ? a->n_overlays : CD_MAX_OVERLAYS;
	for (i = 0; i < n_over; i++)
	{
		unsigned	o = a->overlays[i];
		int			k;

		if (o == c || !npa_located(geo, o) || st->counts[o] == 0)
			continue;
		/* insert into the sorted key, skipping duplicates */
		for (k = *len; k > 0 && key[k - 1] > o; k--)
			;
		if (k > 0 && key[k - 1] == o)
			continue;
		memmove(key + k + 1, key + k, (size_t) (*len - k) * sizeof(uint16_t));
		key[k] = (uint16_t) o;
		(*len)++;
	}
	if (*len > 0)
	{
		double		d0 = npa_km(geo, c, key[0]);

		for (i = 1; i < *len; i++)
		{
			if (!(npa_km(geo, c, key[i]) == d0))
				*vary = true;
		}
		*km = *vary ? NAN : d0;
		return CD_RULE_OVERLAY;
	}

	/* nearest: every located pool area code at exactly the smallest distance */
	best = INFINITY;
	for (i = 0; i < st->n_located; i++)
	{
		unsigned	g = st->located[i];
		double		d = npa_km(geo, c, g);

		if (d < best)
		{
			best = d;
			*len = 0;
		}
		if (d == best)
			key[(*len)++] = (uint16_t) g;
	}
	if (*len == 0)
		return CD_RULE_FALLBACK;	/* no usable distance (bad coordinates) */
	*km = best;
	return CD_RULE_NEAREST;
}

/* The set a key of two or more area codes names, creating it if new. */
static uint32_t
multi_set(build_state *st, unsigned origin, const uint16_t *key, int len)
{
	uint64_t	size = 0;
	int			i;
	uint32_t	id;

	for (i = 0; i < len; i++)
		size += st->counts[key[i]];
	if (size == st->n)
		return 0;				/* every number: the fallback set */

	for (i = 0; i < st->n_keys; i++)
	{
		if (st->key_len[i] == len &&
			memcmp(st->keybuf + st->key_off[i], key, (size_t) len * sizeof(uint16_t)) == 0)
			return st->key_set[i];
	}

	id = st->n_sets++;
	st->set_size[id] = (uint32_t) size;
	st->set_origin[id] = (int16_t) origin;
	/* remember the key; when space runs out, later sets are just not shared */
	if (st->key_used + len <= KEYBUF_SIZE)
	{
		memcpy(st->keybuf + st->key_used, key, (size_t) len * sizeof(uint16_t));
		st->key_set[st->n_keys] = id;
		st->key_off[st->n_keys] = (uint16_t) st->key_used;
		st->key_len[st->n_keys] = (uint16_t) len;
		st->n_keys++;
		st->key_used += len;
	}
	return id;
}

/*
 * Bucket bits of a set of size numbers: the smallest b with 2^b >= size, so
 * that a bucket holds 4 to 8 points (one or two cache lines) on average.
 */
static inline unsigned
bucket_bits(uint32_t size)
{
	unsigned	b = 0;

	while ((UINT64_C(1) << b) < size)
		b++;
	return b;
}

static inline size_t
bucket_slots(uint32_t size)
{
	return size < 2 ? 0 : ((size_t) 1 << bucket_bits(size)) + 1;
}

/* Order of points in a set: by point, then by national number. */
static inline bool
entry_less(const uint64_t *numbers, const uint64_t *pts, const uint32_t *idx,
		   size_t a, size_t b)
{
	return pts[a] < pts[b] ||
		(pts[a] == pts[b] && numbers[idx[a]] < numbers[idx[b]]);
}

static inline void
swap_entries(uint64_t *pts, uint32_t *idx, size_t a, size_t b)
{
	uint64_t	tp = pts[a];
	uint32_t	ti = idx[a];

	pts[a] = pts[b];
	idx[a] = idx[b];
	pts[b] = tp;
	idx[b] = ti;
}

static void
sift_down(const uint64_t *numbers, uint64_t *pts, uint32_t *idx,
		  size_t root, size_t len)
{
	for (;;)
	{
		size_t		child = 2 * root + 1;

		if (child >= len)
			return;
		if (child + 1 < len && entry_less(numbers, pts, idx, child, child + 1))
			child++;
		if (!entry_less(numbers, pts, idx, root, child))
			return;
		swap_entries(pts, idx, root, child);
		root = child;
	}
}

/*
 * Sorts a run expected to be tiny (one bucket): insertion sort, or heapsort
 * when the run is long, so that no input can make the build quadratic.
 */
static void
sort_run(const uint64_t *numbers, uint64_t *pts, uint32_t *idx, size_t len)
{
	size_t		i;

	if (len > 24)
	{
		for (i = len / 2; i-- > 0;)
			sift_down(numbers, pts, idx, i, len);
		for (i = len - 1; i > 0; i--)
		{
			swap_entries(pts, idx, 0, i);
			sift_down(numbers, pts, idx, 0, i);
		}
		return;
	}
	for (i = 1; i < len; i++)
	{
		size_t		k;

		for (k = i; k > 0 && entry_less(numbers, pts, idx, k, k - 1); k--)
			swap_entries(pts, idx, k, k - 1);
	}
}

/*
 * Sorts points (with their indexes) by (point, number): an in-place
 * most-significant-digit radix sort, 8 bits a level, runs of a few points
 * finished by sort_run.  Each level partitions without scratch memory:
 * end[d] starts as the end of digit d's range; a point not yet in its range
 * is swapped into the slot just below that end, which then moves down, so
 * that end[d] finishes at the start of the range.  Each level writes 256
 * sequential streams, which keeps it cache-friendly on large sets; on
 * uniform points it is two levels deep for a million points.
 */
static void
radix_sort(const uint64_t *numbers, uint64_t *pts, uint32_t *idx, uint32_t len,
		   unsigned shift)
{
	uint32_t	end[257];
	uint32_t	pos;
	unsigned	d;

	if (len <= 24)
	{
		sort_run(numbers, pts, idx, len);
		return;
	}

	memset(end, 0, sizeof(end));
	for (pos = 0; pos < len; pos++)
		end[(pts[pos] >> shift) & 0xff]++;
	for (d = 1; d < 256; d++)
		end[d] += end[d - 1];
	end[256] = len;

	/* the points below pos are in their ranges */
	pos = 0;
	while (pos < len)
	{
		unsigned	digit = (unsigned) ((pts[pos] >> shift) & 0xff);

		if (pos >= end[digit])
			pos++;
		else
		{
			end[digit]--;
			swap_entries(pts, idx, pos, end[digit]);
		}
	}

	for (d = 0; d < 256; d++)
	{
		uint32_t	from = end[d];
		uint32_t	n_run = end[d + 1] - from;

		if (shift == 0)
			sort_run(numbers, pts + from, idx + from, n_run);	/* equal points */
		else
			radix_sort(numbers, pts + from, idx + from, n_run, shift - 8);
	}
}

/* The bucket index of a set whose points are already sorted. */
static void
index_sorted(const uint64_t *pts, uint32_t *bk, uint32_t n_points, unsigned shift)
{
	size_t		nb = (size_t) 1 << (64 - shift);
	size_t		i;
	uint32_t	pos = 0;

	for (i = 0; i < nb; i++)
	{
		while (pos < n_points && (pts[pos] >> shift) < i)
			pos++;
		bk[i] = pos;
	}
	bk[nb] = n_points;
}

/*
 * Fills a multi-area-code set from the sets of its area codes by a k-way
 * merge, or for many area codes by filtering the (sorted) fallback set.
 */
static void
fill_multi(cd_route_pool *pool, const build_state *st, const route_set *dst,
		   const uint16_t *key, int len)
{
	uint64_t   *out_p = pool->points + dst->off;
	uint32_t   *out_i = pool->index + dst->off;
	size_t		k = 0;

	if (len <= MERGE_MAX_WAYS)
	{
		size_t		head[MERGE_MAX_WAYS];
		size_t		end[MERGE_MAX_WAYS];
		int			i;

		for (i = 0; i < len; i++)
		{
			const route_set *g = &pool->sets[st->group_set[key[i]]];

			head[i] = g->off;
			end[i] = g->off + (size_t) g->size * CD_ROUTE_POINTS;
		}
		for (;;)
		{
			int			w = -1;

			for (i = 0; i < len; i++)
			{
				if (head[i] < end[i] &&
					(w < 0 || entry_less(pool->numbers, pool->points, pool->index,
										 head[i], head[w])))
					w = i;
			}
			if (w < 0)
				break;
			out_p[k] = pool->points[head[w]];
			out_i[k] = pool->index[head[w]];
			k++;
			head[w]++;
		}
	}
	else
	{
		bool		member[N_GROUPS];
		size_t		n_points = (size_t) st->n * CD_ROUTE_POINTS;
		size_t		e;
		int			i;

		memset(member, 0, sizeof(member));
		for (i = 0; i < len; i++)
			member[key[i]] = true;
		for (e = 0; e < n_points; e++)
		{
			if (member[group_of(pool->numbers[pool->index[e]])])
			{
				out_p[k] = pool->points[e];
				out_i[k] = pool->index[e];
				k++;
			}
		}
	}
}

static inline size_t
align8(size_t x)
{
	return (x + 7) & ~(size_t) 7;
}

cd_route_pool *
cd_route_build(const cd_geo *geo, const uint64_t *numbers, int n,
			   const cd_alloc *alloc)
{
	build_state st_space;
	build_state *st = &st_space;
	cd_route_pool *pool;
	uint16_t	key[N_GROUPS];
	size_t		cursor[N_GROUPS];
	size_t		total_p = 0;
	size_t		total_b = 0;
	size_t		n_vary = 0;
	size_t		sz_numbers,
				sz_points,
				sz_sets,
				sz_vary,
				sz_index,
				sz_buckets,
				block_size;
	char	   *block;
	uint32_t	i;
	unsigned	c;

	/* every set's point positions must fit uint32 */
	if (n < 1 || (uint64_t) n > UINT32_MAX / CD_ROUTE_POINTS - 1)
		return NULL;

	memset(st, 0, sizeof(*st));
	st->geo = geo;
	st->numbers = numbers;
	st->n = (uint32_t) n;

	for (i = 0; i < st->n; i++)
		st->counts[group_of(numbers[i])]++;
	for (c = 200; c < CD_NPA_SLOTS; c++)
	{
		if (st->counts[c] > 0 && npa_located(geo, c))
			st->located[st->n_located++] = (uint16_t) c;
	}

	/* set 0: every number; then one set per located area code of the pool */
	st->n_sets = 1;
	st->set_size[0] = st->n;
	st->set_origin[0] = -1;
	for (c = 0; c < N_GROUPS; c++)
		st->group_set[c] = -1;
	for (i = 0; i < (uint32_t) st->n_located; i++)
	{
		unsigned	g = st->located[i];

		if (st->counts[g] == st->n)
			st->group_set[g] = 0;
		else
		{
			st->group_set[g] = (int32_t) st->n_sets;
			st->set_size[st->n_sets] = st->counts[g];
			st->set_origin[st->n_sets] = -1;
			st->n_sets++;
		}
	}

	pool = cd_zalloc(alloc, sizeof(cd_route_pool));
	if (pool == NULL)
		return NULL;

	/* the route of every callee area code */
	for (c = 0; c < CD_NPA_SLOTS; c++)
	{
		int			len;
		double		km;
		bool		vary;
		cd_rule		rule = route_key(st, c, key, &len, &km, &vary);
		uint32_t	set;

		if (len == 0)
			set = 0;
		else if (len == 1)
			set = (uint32_t) st->group_set[key[0]];
		else
			set = multi_set(st, c, key, len);
		pool->route[c] = set << ROUTE_SET_SHIFT | (vary ? ROUTE_VARY : 0) | (uint32_t) rule;
		pool->km[c] = km;
		if (vary)
			n_vary += (size_t) len;
	}

	/* one block for everything whose size depends on the pool */
	for (i = 0; i < st->n_sets; i++)
	{
		total_p += (size_t) st->set_size[i] * CD_ROUTE_POINTS;
		total_b += bucket_slots(st->set_size[i]);
	}
	if (total_p > SIZE_MAX / 32 || total_b > SIZE_MAX / 8)
		return NULL;
	sz_numbers = (size_t) st->n * sizeof(uint64_t);
	sz_points = total_p * sizeof(uint64_t);
	sz_sets = align8(st->n_sets * sizeof(route_set));
	sz_vary = align8(n_vary * sizeof(route_vary));
	sz_index = total_p * sizeof(uint32_t);
	sz_buckets = total_b * sizeof(uint32_t);
	block_size = sz_numbers + sz_points + sz_sets + sz_vary + sz_index + sz_buckets;
	block = cd_zalloc(alloc, block_size);
	if (block == NULL)
		return NULL;
	pool->bytes = sizeof(cd_route_pool) + block_size;
	pool->numbers = (uint64_t *) block;
	block += sz_numbers;
	pool->points = (uint64_t *) block;
	block += sz_points;
	pool->sets = (route_set *) block;
	block += sz_sets;
	pool->vary = (route_vary *) block;
	block += sz_vary;
	pool->index = (uint32_t *) block;
	block += sz_index;
	pool->buckets = (uint32_t *) block;
	pool->n_numbers = st->n;
	pool->n_sets = st->n_sets;
	pool->n_vary = (uint32_t) n_vary;
	memcpy(pool->numbers, numbers, sz_numbers);
	{
		size_t		off = 0;
		size_t		boff = 0;

		for (i = 0; i < st->n_sets; i++)
		{
			route_set  *s = &pool->sets[i];

			s->off = off;
			s->boff = boff;
			s->size = st->set_size[i];
			s->shift = 64 - bucket_bits(s->size);
			off += (size_t) s->size * CD_ROUTE_POINTS;
			boff += bucket_slots(s->size);
		}
	}

	/* set 0, sorted */
	for (i = 0; i < st->n; i++)
	{
		uint64_t	h = cd_route_hash(numbers[i]);
		unsigned	v;

		for (v = 0; v < CD_ROUTE_POINTS; v++)
		{
			pool->points[(size_t) i * CD_ROUTE_POINTS + v] = number_point(h, v);
			pool->index[(size_t) i * CD_ROUTE_POINTS + v] = i;
		}
	}
	radix_sort(pool->numbers, pool->points, pool->index, st->n * CD_ROUTE_POINTS, 56);

	/* the sets of one area code, taken in order from set 0 */
	for (c = 0; c < N_GROUPS; c++)
		cursor[c] = st->group_set[c] > 0 ? pool->sets[st->group_set[c]].off : 0;
	for (i = 0; i < st->n * CD_ROUTE_POINTS; i++)
	{
		uint32_t	g = group_of(numbers[pool->index[i]]);

		if (st->group_set[g] > 0)
		{
			size_t		at = cursor[g]++;

			pool->points[at] = pool->points[i];
			pool->index[at] = pool->index[i];
		}
	}

	/* the sets of several area codes, from the sets of their area codes */
	for (i = 1; i < st->n_sets; i++)
	{
		int			len;
		double		km;
		bool		vary;

		if (st->set_origin[i] < 0)
			continue;
		(void) route_key(st, (unsigned) st->set_origin[i], key, &len, &km, &vary);
		fill_multi(pool, st, &pool->sets[i], key, len);
	}

	for (i = 0; i < st->n_sets; i++)
	{
		const route_set *s = &pool->sets[i];

		if (s->size >= 2)
			index_sorted(pool->points + s->off, pool->buckets + s->boff,
						 s->size * CD_ROUTE_POINTS, s->shift);
	}

	/* distances of overlay routes whose candidates lie at different points */
	if (n_vary > 0)
	{
		size_t		v = 0;

		for (c = 0; c < CD_NPA_SLOTS; c++)
		{
			int			len;
			int			k;
			double		km;
			bool		vary;

			if (!(pool->route[c] & ROUTE_VARY))
				continue;
			(void) route_key(st, c, key, &len, &km, &vary);
			for (k = 0; k < len; k++)
			{
				pool->vary[v].key = c * 1000u + key[k];
				pool->vary[v].km = npa_km(geo, c, key[k]);
				v++;
			}
		}
	}

	return pool;
}
