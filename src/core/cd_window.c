/*
 * cd_window.c - calling windows by jurisdiction (see cd_window.h).  Pure C.
 */
#include "cd_window.h"

#include <stdlib.h>
#include <string.h>

static const char *const day_abbrev[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const day_name[7] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
};

/* Floor division, for instants before 2000. */
static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t		q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int
cd_weekday(cd_day day)
{
	/* 2000-01-01 was a Saturday (5) */
	int			w = (int) (((int64_t) day + 5) % 7);

	return w < 0 ? w + 7 : w;
}

const char *
cd_weekday_name(int weekday)
{
	return (weekday >= 0 && weekday < 7) ? day_name[weekday] : "?";
}

bool
cd_win_set_contains(const cd_win_set *set, cd_day day)
{
	int			lo = 0,
				hi = set->n - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (set->days[mid] == day)
			return true;
		if (set->days[mid] < day)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return false;
}

static int
cmp_day(const void *a, const void *b)
{
	cd_day		x = *(const cd_day *) a;
	cd_day		y = *(const cd_day *) b;

	return x < y ? -1 : x > y ? 1 : 0;
}

void
cd_win_set_sort(cd_day *days, int n)
{
	if (n > 1)
		qsort(days, (size_t) n, sizeof(cd_day), cmp_day);
}

static bool
local_of(const cd_win_query *q, int zone, cd_usec at, cd_win_local *l, cd_usec *next_change)
{
	int32_t		off;
	cd_usec		nc;
	int64_t		local;

	if (!q->zone_fn(q->zone_arg, zone, at, &off, &nc))
		return false;
	/* offsets are at most a day; instants near the int64 ends are refused */
	if (at > INT64_MAX - CD_USEC_PER_DAY || at < INT64_MIN + CD_USEC_PER_DAY)
		return false;
	local = at + (int64_t) off * CD_USEC_PER_SEC;
	l->offset_s = off;
	l->day = (cd_day) floor_div(local, CD_USEC_PER_DAY);
	l->usec_of_day = local - (int64_t) l->day * CD_USEC_PER_DAY;
	l->weekday = cd_weekday(l->day);
	if (next_change)
		*next_change = nc;
	return true;
}

static void
add_reason(cd_win_reason *reasons, int max_reasons, int *n, cd_win_why why,
		   int zone, int rule, int set, int blackout)
{
	if (*n < max_reasons)
	{
		reasons[*n].why = why;
		reasons[*n].zone = zone;
		reasons[*n].rule = rule;
		reasons[*n].set = set;
		reasons[*n].blackout = blackout;
	}
	(*n)++;
}

/* Evaluates one zone's local time; appends its reasons. */
static void
eval_zone(const cd_win_query *q, int zone, const cd_win_local *l,
		  cd_win_reason *reasons, int max_reasons, int *n)
{
	int64_t		t = l->usec_of_day;
	int			i,
				j;

	if (q->federal &&
		(t < (int64_t) CD_FEDERAL_START * CD_USEC_PER_SEC ||
		 t >= (int64_t) CD_FEDERAL_END * CD_USEC_PER_SEC))
		add_reason(reasons, max_reasons, n, CD_WHY_FEDERAL, zone, -1, -1, -1);
	for (i = 0; i < q->n_rules; i++)
	{
		const cd_win_rule *r = &q->rules[i];

		if (r->days & (1u << l->weekday))
		{
			if (r->no_calls)
				add_reason(reasons, max_reasons, n, CD_WHY_NO_CALLS_DAY, zone, i, -1, -1);
			else if (t < (int64_t) r->start_s * CD_USEC_PER_SEC ||
					 t >= (int64_t) r->end_s * CD_USEC_PER_SEC)
				add_reason(reasons, max_reasons, n, CD_WHY_OUTSIDE_RULE, zone, i, -1, -1);
		}
	}
	/* each set once per zone, under the first rule naming it */
	for (i = 0; i < q->n_rules; i++)
	{
		int			s = q->rules[i].holiday_set;
		bool		seen = false;

		if (s < 0 || s >= q->n_sets)
			continue;
		for (j = 0; j < i; j++)
			if (q->rules[j].holiday_set == s)
				seen = true;
		if (!seen && cd_win_set_contains(&q->sets[s], l->day))
			add_reason(reasons, max_reasons, n, CD_WHY_HOLIDAY, zone, i, s, -1);
	}
}

bool
cd_win_eval(const cd_win_query *q, cd_usec at, bool *allowed,
			cd_win_reason *reasons, int max_reasons, int *n_reasons,
			cd_win_local *locals)
{
	int			z,
				i,
				n = 0;

	for (z = 0; z < q->n_zones; z++)
	{
		cd_win_local l;

		if (!local_of(q, z, at, &l, NULL))
			return false;
		if (locals)
			locals[z] = l;
		eval_zone(q, z, &l, reasons, max_reasons, &n);
	}
	for (i = 0; i < q->n_blackouts; i++)
		if (q->blackouts[i].start <= at && at < q->blackouts[i].end)
			add_reason(reasons, max_reasons, &n, CD_WHY_BLACKOUT, -1, -1, -1, i);
	*allowed = (n == 0);
	if (n_reasons)
		*n_reasons = n;
	return true;
}

/*
 * The next local time of day after t (strictly) at which some edge of the
 * query lies: midnight, the federal edges, any rule's window edges.
 */
static int64_t
next_edge(const cd_win_query *q, int64_t t)
{
	int64_t		best = CD_USEC_PER_DAY;	/* the next midnight */
	int			i;

#define CONSIDER(sec) \
	do { \
		int64_t e_ = (int64_t) (sec) * CD_USEC_PER_SEC; \
		if (e_ > t && e_ < best) \
			best = e_; \
	} while (0)

	if (q->federal)
	{
		CONSIDER(CD_FEDERAL_START);
		CONSIDER(CD_FEDERAL_END);
	}
	for (i = 0; i < q->n_rules; i++)
		if (!q->rules[i].no_calls)
		{
			CONSIDER(q->rules[i].start_s);
			CONSIDER(q->rules[i].end_s);
		}
#undef CONSIDER
	return best;
}

/* Most change points one search visits before giving up (a safety net). */
#define CD_WIN_MAX_STEPS 100000

int
cd_win_next(const cd_win_query *q, cd_usec after, cd_usec limit, cd_usec *found)
{
	cd_usec		t = after;
	int			steps;

	for (steps = 0; steps < CD_WIN_MAX_STEPS && t < limit; steps++)
	{
		cd_usec		change = CD_USEC_MAX;
		int			z,
					i,
					n = 0;

		for (z = 0; z < q->n_zones; z++)
		{
			cd_win_local l;
			cd_usec		nc;
			cd_usec		edge;

			if (!local_of(q, z, t, &l, &nc))
				return -1;
			eval_zone(q, z, &l, NULL, 0, &n);

			/*
			 * While the offset holds, the local clock reaches the next edge
			 * after (edge - now) of real time; if the offset changes first,
			 * the change is the next point to look at.
			 */
			edge = t + (next_edge(q, l.usec_of_day) - l.usec_of_day);
			if (nc < edge)
				edge = nc;
			if (edge < change)
				change = edge;
		}
		for (i = 0; i < q->n_blackouts; i++)
		{
			const cd_win_blackout *b = &q->blackouts[i];

			if (b->start <= t && t < b->end)
			{
				n++;
				if (b->end < change)
					change = b->end;
			}
			else if (b->start > t && b->start < change)
				change = b->start;
		}
		if (n == 0)
		{
			*found = t;
			return 1;
		}
		if (change <= t)		/* cannot happen: every point lies ahead */
			change = t + 1;
		t = change;
	}
	return 0;
}

int32_t
cd_win_parse_hhmm(const char *s)
{
	int			h,
				m,
				sec = 0;
	size_t		len = strlen(s);

	if (len != 5 && len != 8)
		return -1;
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] != ':' ||
		s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (len == 8)
	{
		if (s[5] != ':' || s[6] < '0' || s[6] > '5' || s[7] < '0' || s[7] > '9')
			return -1;
		sec = (s[6] - '0') * 10 + (s[7] - '0');
	}
	if (h > 24 || (h == 24 && (m != 0 || sec != 0)))
		return -1;
	return (int32_t) (h * 3600 + m * 60 + sec);
}

static int
day_index(const char *s, size_t len)
{
	int			i;

	if (len != 3)
		return -1;
	for (i = 0; i < 7; i++)
		if (strncmp(s, day_abbrev[i], 3) == 0)
			return i;
	return -1;
}

uint8_t
cd_win_parse_days(const char *s)
{
	const char *dash = strchr(s, '-');
	int			a,
				b;
	uint8_t		mask = 0;

	if (dash == NULL)
	{
		a = day_index(s, strlen(s));
		return a < 0 ? 0 : (uint8_t) (1u << a);
	}
	a = day_index(s, (size_t) (dash - s));
	b = day_index(dash + 1, strlen(dash + 1));
	if (a < 0 || b < 0)
		return 0;
	for (;;)
	{
		mask |= (uint8_t) (1u << a);
		if (a == b)
			break;
		a = (a + 1) % 7;
	}
	return mask;
}
