/*
 * cd_route.c - the routing decision: for every callee area code, the rule of
 * the ladder that applies and the set of candidate pool numbers, computed
 * once per pool; inside a set, a sticky and fair choice by rendezvous
 * (highest-random-weight) hashing.  Pure C (C11, libc, libm); no server
 * headers, no malloc: all memory comes from the caller's cd_alloc.
 *
 * The choice (Thaler and Ravishankar, "Using name-based mappings to increase
 * hit rates", 1998): a callee c and a number n have a weight w(c, n), a
 * pseudo-random 64-bit function of the pair; the callee gets the candidate
 * of largest weight, ties going to the smaller national number.  A weight
 * does not depend on which other numbers are in the set, so each callee has
 * a fixed order of preference over all numbers: the answer is the same while
 * the set is unchanged, removing a number moves only the callees that had
 * it, and adding one moves only the callees that now take it (1/(k+1) of a
 * set of k in expectation).  Each number of a set is the most preferred one
 * for the same share of callees in expectation, whatever the set: no number
 * is favoured by where its hash happens to fall.  The price is one weight
 * per candidate at each pick, which is cheap for the few candidates an area
 * code usually has and linear in the size of the set otherwise.
 *
 * The weight, with mix64 the MurmurHash3 finalizer (a bijection on uint64):
 *   h(x)      = cd_route_hash(x) = mix64(x ^ HASH_SALT), for callees and numbers
 *   key(n)    = mix64(h(n) + KEY_STEP)
 *   w(c, n)   = mix64(h(c) ^ key(n))
 * Why this combiner: for a fixed callee, n -> w(c, n) is a composition of
 * bijections, so distinct numbers never have equal weights (the tie rule is
 * there for completeness); for a fixed number, h(c) -> w(c, n) is a
 * bijection too, so a number's weights are spread evenly over callees; with
 * two candidates, h(c) -> h(c) ^ key(n1) ^ key(n2) exchanges their weights,
 * so exactly half of all callee hashes prefer each.  The number's side is
 * hashed a second time, with its own constant, so that the two operands of
 * the XOR come from different functions: mix64(h(c) ^ h(n)) would be
 * symmetric (w(c, n) = w(n, c)) and would give every callee the smallest
 * weight, mix64(0), for its own number; with different functions an equal
 * XOR for two pairs is a 64-bit coincidence unrelated to the numbers.  A
 * plain XOR without the final mix64 would order candidates by the highest
 * bit in which their key differs from h(c), which is not fair.  key(n) is
 * computed once, when the pool is built, so a pick costs one mix64 per
 * candidate.
 *
 * COMPATIBILITY: mix64, HASH_SALT, KEY_STEP and the formulas above define
 * which number every callee gets.  Changing any of them moves callees
 * between numbers on upgrade, so they are frozen.  They use only unsigned
 * 64-bit integer arithmetic (no floating point, no byte order, no seeds from
 * the environment), so every platform gives the same answers.
 *
 * Layout: set 0 (every number) keeps its members in ascending national
 * number, so each area code's numbers are one run of it and a set of one
 * area code is a view of that run.  A set of several area codes (overlays,
 * or a distance tie) is a view too when its area codes are next to each
 * other in the pool, otherwise a copy of their runs one after another,
 * which keeps it in ascending order as well.  A member is key(n) (uint64) in
 * one array and the index of n among the numbers given to cd_route_build
 * (uint32) at the same position in another, so the pick loop reads
 * sequential memory only.  Sets are named by the list of area codes they
 * contain and identical sets are stored once.
 */
#include "cd_route.h"

#include <math.h>
#include <string.h>

#define MAX_NATIONAL UINT64_C(9999999999)
#define NPA_DIVISOR UINT64_C(10000000)

/* Pool numbers are grouped by area code; group 1000 holds invalid numbers. */
#define GROUP_INVALID CD_NPA_SLOTS
#define N_GROUPS (CD_NPA_SLOTS + 1)

/* npa[] value of a number that is not a national number */
#define NPA_NONE UINT16_MAX

/* route[] word: set id << 3 | distance-varies flag << 2 | rule */
#define ROUTE_RULE_MASK 3u
#define ROUTE_VARY 4u
#define ROUTE_SET_SHIFT 3

/* Key space (area codes) kept for deduplicating multi-area-code sets. */
#define KEYBUF_SIZE 4096

/* Runs longer than this are heapsorted, shorter ones insertion-sorted. */
#define INSERTION_MAX 16

/* ---------- the weight (frozen, see COMPATIBILITY) ---------- */

#define MIX_M1 UINT64_C(0xff51afd7ed558ccd)
#define MIX_M2 UINT64_C(0xc4ceb9fe1a85ec53)
#define HASH_SALT UINT64_C(0x243f6a8885a308d3)	/* pi, fractional hex digits */
#define KEY_STEP UINT64_C(0x9e3779b97f4a7c15)	/* 2^64 / golden ratio */

/*
 * The 64-bit finalizer of MurmurHash3 (fmix64): xor-shift by 33, multiply,
 * xor-shift, multiply, xor-shift.  A bijection on uint64.
 */
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
	return mix64(national ^ HASH_SALT);
}

/* The number's side of every weight. */
static inline uint64_t
number_key(uint64_t national)
{
	return mix64(cd_route_hash(national) + KEY_STEP);
}

uint64_t
cd_route_number_key(uint64_t national)
{
	return number_key(national);
}

uint64_t
cd_route_weight(uint64_t callee_hash, uint64_t key)
{
	return mix64(callee_hash ^ key);
}

/* ---------- the pool ---------- */

/* A set: size members from position off of keys[] and index[]. */
typedef struct route_set
{
	size_t		off;
	uint32_t	size;			/* >= 1 */
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
	uint32_t	n_vary;
	uint32_t	route[CD_NPA_SLOTS];	/* by callee area code */
	double		km[CD_NPA_SLOTS];	/* distance when it does not vary */
	uint64_t   *keys;			/* key(n) of the members of every set */
	uint32_t   *index;			/* the member's index into the numbers */
	uint16_t   *npa;			/* area code of each number, by index, or
								 * NPA_NONE */
	route_set  *sets;			/* sets[0] is every number (fallback) */
	route_vary *vary;			/* sorted by key */
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
 * Position of the member of largest weight for a callee whose hash is hc,
 * among size >= 2 members.  Members are in ascending national number and
 * only a strictly larger weight replaces the best, so a tie keeps the
 * smaller number.  The loop has no branch on the data: the weights are
 * independent of each other and the running maximum is kept with
 * conditional moves, so the multiplications of successive members overlap.
 */
static uint32_t
choose(const uint64_t *keys, uint32_t size, uint64_t hc)
{
	uint64_t	best_w = mix64(hc ^ keys[0]);
	uint32_t	best = 0;
	uint32_t	i;

	for (i = 1; i < size; i++)
	{
		uint64_t	w = mix64(hc ^ keys[i]);
		bool		better = w > best_w;

		best = better ? i : best;
		best_w = better ? w : best_w;
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
	size_t		pos;
	uint32_t	i;

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
	pos = s->off;
	if (s->size > 1)
		pos += choose(pool->keys + s->off, s->size, cd_route_hash(callee));
	i = pool->index[pos];

	out->index = (int) i;
	out->rule = (cd_rule) (r & ROUTE_RULE_MASK);
	out->candidates = (int) s->size;
	out->chosen_npa = pool->npa[i] == NPA_NONE ? -1 : (int) pool->npa[i];
	if ((r & ROUTE_VARY) && npa >= 0 && out->chosen_npa >= 0)
		km = vary_km(pool, (uint32_t) npa * 1000u + (uint32_t) out->chosen_npa);
	out->distance_km = km;
}

/* ---------- build ---------- */

/* What the build knows about the pool before any set is laid out. */
typedef struct build_state
{
	const cd_geo *geo;
	uint32_t	n;
	uint32_t	counts[N_GROUPS];	/* pool numbers per area code */
	uint32_t	start[N_GROUPS];	/* first position of each area code's
									 * numbers in set 0 */
	uint16_t	located[CD_NPA_SLOTS];	/* located area codes in the pool,
										 * ascending */
	int			n_located;
	/* sets before layout: at most the fallback set plus one per callee */
	uint32_t	n_sets;
	uint32_t	set_size[CD_NPA_SLOTS + 1];
	uint32_t	set_view[CD_NPA_SLOTS + 1];	/* position in set 0 of a view */
	int16_t		set_origin[CD_NPA_SLOTS + 1];	/* callee whose key made a
												 * copied set, else -1 (a
												 * view of set 0) */
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

/*
 * The set a key of two or more area codes names, creating it if new: a view
 * of set 0 when no other pool area code lies between the key's, else a copy.
 */
static uint32_t
multi_set(build_state *st, unsigned origin, const uint16_t *key, int len)
{
	uint64_t	size = st->counts[key[0]];
	bool		contiguous = true;
	int			i;
	uint32_t	id;

	for (i = 1; i < len; i++)
	{
		size += st->counts[key[i]];
		if (st->start[key[i]] != st->start[key[i - 1]] + st->counts[key[i - 1]])
			contiguous = false;
	}
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
	st->set_view[id] = st->start[key[0]];
	st->set_origin[id] = contiguous ? -1 : (int16_t) origin;
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

/* Order of set 0 while it holds national numbers: by number, then index. */
static inline bool
entry_less(const uint64_t *nat, const uint32_t *idx, size_t a, size_t b)
{
	return nat[a] < nat[b] || (nat[a] == nat[b] && idx[a] < idx[b]);
}

static inline void
swap_entries(uint64_t *nat, uint32_t *idx, size_t a, size_t b)
{
	uint64_t	tn = nat[a];
	uint32_t	ti = idx[a];

	nat[a] = nat[b];
	idx[a] = idx[b];
	nat[b] = tn;
	idx[b] = ti;
}

static void
sift_down(uint64_t *nat, uint32_t *idx, size_t root, size_t len)
{
	for (;;)
	{
		size_t		child = 2 * root + 1;

		if (child >= len)
			return;
		if (child + 1 < len && entry_less(nat, idx, child, child + 1))
			child++;
		if (!entry_less(nat, idx, root, child))
			return;
		swap_entries(nat, idx, root, child);
		root = child;
	}
}

/*
 * Sorts one area code's run of set 0 by (national number, index): nothing to
 * do when it is already in order (a pool entered in order), insertion sort
 * when short, else heapsort, which needs no memory and is never quadratic.
 */
static void
sort_run(uint64_t *nat, uint32_t *idx, size_t len)
{
	size_t		i;

	for (i = 1; i < len && !entry_less(nat, idx, i, i - 1); i++)
		;
	if (i >= len)
		return;

	if (len > INSERTION_MAX)
	{
		for (i = len / 2; i-- > 0;)
			sift_down(nat, idx, i, len);
		for (i = len - 1; i > 0; i--)
		{
			swap_entries(nat, idx, 0, i);
			sift_down(nat, idx, 0, i);
		}
		return;
	}
	for (i = 1; i < len; i++)
	{
		size_t		k;

		for (k = i; k > 0 && entry_less(nat, idx, k, k - 1); k--)
			swap_entries(nat, idx, k, k - 1);
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
	uint32_t	cursor[N_GROUPS];
	uint64_t	total = 0;
	size_t		n_vary = 0;
	size_t		sz_keys,
				sz_sets,
				sz_vary,
				sz_index,
				sz_npa,
				block_size;
	char	   *block;
	uint32_t	i;
	unsigned	c;

	if (n < 1)
		return NULL;

	memset(st, 0, sizeof(*st));
	st->geo = geo;
	st->n = (uint32_t) n;

	for (i = 0; i < st->n; i++)
		st->counts[group_of(numbers[i])]++;
	for (c = 0; c < N_GROUPS; c++)
	{
		st->start[c] = (uint32_t) total;
		total += st->counts[c];
	}
	for (c = 200; c < CD_NPA_SLOTS; c++)
	{
		if (st->counts[c] > 0 && npa_located(geo, c))
			st->located[st->n_located++] = (uint16_t) c;
	}

	/* set 0: every number; then one view per located area code of the pool */
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
			st->set_view[st->n_sets] = st->start[g];
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
		if (st->set_origin[i] >= 0)
			total += st->set_size[i];
	}
	if (total > SIZE_MAX / 16)
		return NULL;
	sz_keys = (size_t) total * sizeof(uint64_t);
	sz_sets = align8(st->n_sets * sizeof(route_set));
	sz_vary = align8(n_vary * sizeof(route_vary));
	sz_index = (size_t) total * sizeof(uint32_t);
	sz_npa = (size_t) st->n * sizeof(uint16_t);
	block_size = sz_keys + sz_sets + sz_vary + sz_index + sz_npa;
	block = cd_zalloc(alloc, block_size);
	if (block == NULL)
		return NULL;
	pool->bytes = sizeof(cd_route_pool) + block_size;
	pool->keys = (uint64_t *) block;
	block += sz_keys;
	pool->sets = (route_set *) block;
	block += sz_sets;
	pool->vary = (route_vary *) block;
	block += sz_vary;
	pool->index = (uint32_t *) block;
	block += sz_index;
	pool->npa = (uint16_t *) block;
	pool->n_vary = (uint32_t) n_vary;
	{
		size_t		off = st->n;

		for (i = 0; i < st->n_sets; i++)
		{
			route_set  *s = &pool->sets[i];

			s->size = st->set_size[i];
			if (st->set_origin[i] >= 0)
			{
				s->off = off;
				off += s->size;
			}
			else
				s->off = st->set_view[i];
		}
	}

	/*
	 * Set 0: the numbers by area code, then sorted within each area code,
	 * so in ascending national number; keys[] holds the numbers themselves
	 * until they are in place.
	 */
	memcpy(cursor, st->start, sizeof(cursor));
	for (i = 0; i < st->n; i++)
	{
		uint32_t	at = cursor[group_of(numbers[i])]++;

		pool->keys[at] = numbers[i];
		pool->index[at] = i;
		pool->npa[i] = numbers[i] <= MAX_NATIONAL ?
			(uint16_t) (numbers[i] / NPA_DIVISOR) : NPA_NONE;
	}
	for (c = 0; c < N_GROUPS; c++)
	{
		if (st->counts[c] > 1)
			sort_run(pool->keys + st->start[c], pool->index + st->start[c], st->counts[c]);
	}
	for (i = 0; i < st->n; i++)
		pool->keys[i] = number_key(pool->keys[i]);

	/* the copied sets: their area codes' runs, in ascending area code */
	for (i = 1; i < st->n_sets; i++)
	{
		const route_set *s = &pool->sets[i];
		size_t		at = s->off;
		int			len;
		int			k;
		double		km;
		bool		vary;

		if (st->set_origin[i] < 0)
			continue;
		(void) route_key(st, (unsigned) st->set_origin[i], key, &len, &km, &vary);
		for (k = 0; k < len; k++)
		{
			uint32_t	from = st->start[key[k]];
			uint32_t	count = st->counts[key[k]];

			memcpy(pool->keys + at, pool->keys + from, count * sizeof(uint64_t));
			memcpy(pool->index + at, pool->index + from, count * sizeof(uint32_t));
			at += count;
		}
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

/* ---------- read access for the dialing decision ---------- */

uint32_t
cd_route_size(const cd_route_pool *pool)
{
	return pool->sets[0].size;
}

void
cd_route_member(const cd_route_pool *pool, uint32_t pos, uint64_t *key, uint32_t *index)
{
	*key = pool->keys[pool->sets[0].off + pos];
	*index = pool->index[pool->sets[0].off + pos];
}

int
cd_route_number_npa(const cd_route_pool *pool, uint32_t index)
{
	return pool->npa[index] == NPA_NONE ? -1 : (int) pool->npa[index];
}
