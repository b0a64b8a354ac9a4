/*
 * test_window.c - unit tests of cd_window.c: weekdays, parsing, evaluation
 * at window edges, holidays, blackouts, and next-allowed searches across
 * DST transitions, checked also against a minute-by-minute scan.
 *
 * Zones here are made by hand (a fixed offset, or a list of transitions in
 * UTC), so the tests need no time-zone database; the regression tests run
 * the same code on the server's.
 */
#include "cd_test.h"

#include <stdbool.h>
#include <stdint.h>

#include "cd_window.h"

/* ---------- days and instants ---------- */

/* Days from 2000-01-01 to y-m-d (proleptic Gregorian). */
static cd_day
ymd(int y, int m, int d)
{
	/* days from civil, after H. Hinnant's well-known algorithm */
	int			era;
	unsigned	yoe,
				doy,
				doe;
	long		days;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned) (y - era * 400);
	doy = (unsigned) ((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	days = (long) era * 146097 + (long) doe - 719468;	/* since 1970-01-01 */
	return (cd_day) (days - 10957);
}

/* An instant from a UTC date and time. */
static cd_usec
utc(int y, int m, int d, int hh, int mm, int ss)
{
	return (cd_usec) ymd(y, m, d) * CD_USEC_PER_DAY +
		((cd_usec) hh * 3600 + mm * 60 + ss) * CD_USEC_PER_SEC;
}

#define MINUTE (60 * CD_USEC_PER_SEC)
#define HOUR (60 * MINUTE)

/* ---------- hand-made zones ---------- */

typedef struct fake_zone
{
	int32_t		base;			/* offset before the first transition */
	int			n;
	cd_usec		at[8];			/* transitions, ascending */
	int32_t		off[8];			/* offset from each transition on */
} fake_zone;

typedef struct fake_zones
{
	int			n;
	fake_zone	z[4];
	int			calls;
} fake_zones;

static bool
fake_zone_fn(void *arg, int zone, cd_usec at, int32_t *offset_s, cd_usec *next_change)
{
	fake_zones *zs = arg;
	const fake_zone *z = &zs->z[zone];
	int			i;

	zs->calls++;
	*offset_s = z->base;
	*next_change = CD_USEC_MAX;
	for (i = 0; i < z->n; i++)
	{
		if (at >= z->at[i])
			*offset_s = z->off[i];
		else
		{
			*next_change = z->at[i];
			break;
		}
	}
	return true;
}

/* America/New_York in 2026: EST, EDT from 03-08 07:00 UTC, EST from 11-01 06:00 UTC. */
static fake_zone
new_york_2026(void)
{
	fake_zone	z = {-5 * 3600, 2, {0}, {0}};

	z.at[0] = utc(2026, 3, 8, 7, 0, 0);
	z.off[0] = -4 * 3600;
	z.at[1] = utc(2026, 11, 1, 6, 0, 0);
	z.off[1] = -5 * 3600;
	return z;
}

/* America/Denver in 2026 (MST/MDT), and America/Phoenix (MST all year). */
static fake_zone
denver_2026(void)
{
	fake_zone	z = {-7 * 3600, 2, {0}, {0}};

	z.at[0] = utc(2026, 3, 8, 9, 0, 0);
	z.off[0] = -6 * 3600;
	z.at[1] = utc(2026, 11, 1, 8, 0, 0);
	z.off[1] = -7 * 3600;
	return z;
}

static fake_zone
fixed_zone(int32_t off)
{
	fake_zone	z = {off, 0, {0}, {0}};

	return z;
}

static cd_win_query
query(fake_zones *zs, bool federal, const cd_win_rule *rules, int n_rules)
{
	cd_win_query q;

	memset(&q, 0, sizeof(q));
	q.federal = federal;
	q.rules = rules;
	q.n_rules = n_rules;
	q.n_zones = zs->n;
	q.zone_fn = fake_zone_fn;
	q.zone_arg = zs;
	return q;
}

static bool
allowed_at(const cd_win_query *q, cd_usec t)
{
	bool		ok = false;
	int			n;

	if (!cd_win_eval(q, t, &ok, NULL, 0, &n, NULL))
		return false;
	return ok;
}

static cd_usec
next_of(const cd_win_query *q, cd_usec after)
{
	cd_usec		found = -1;
	int			r = cd_win_next(q, after, after + 14 * CD_USEC_PER_DAY, &found);

	return r == 1 ? found : (r == 0 ? -2 : -3);
}

/* ---------- the tests ---------- */

static void
test_days_and_parsing(void)
{
	CHECK(cd_weekday(0) == 5, "2000-01-01 is a Saturday");
	CHECK(cd_weekday(ymd(2026, 3, 2)) == 0, "2026-03-02 is a Monday");
	CHECK(cd_weekday(ymd(1999, 12, 31)) == 4, "1999-12-31 is a Friday (before the epoch)");
	CHECK(strcmp(cd_weekday_name(6), "Sunday") == 0, "weekday 6 is Sunday");
	CHECK(cd_win_parse_hhmm("08:00") == 8 * 3600, "08:00");
	CHECK(cd_win_parse_hhmm("21:30") == 21 * 3600 + 1800, "21:30");
	CHECK(cd_win_parse_hhmm("20:59:59") == 20 * 3600 + 59 * 60 + 59, "20:59:59");
	CHECK(cd_win_parse_hhmm("24:00") == 86400, "24:00 ends the day");
	CHECK(cd_win_parse_hhmm("24:01") == -1, "24:01 refused");
	CHECK(cd_win_parse_hhmm("8:00") == -1, "8:00 refused (two digits)");
	CHECK(cd_win_parse_hhmm("08:60") == -1, "08:60 refused");
	CHECK(cd_win_parse_hhmm("") == -1, "empty refused");
	CHECK(cd_win_parse_days("Mon-Sun") == CD_ALL_DAYS, "Mon-Sun");
	CHECK(cd_win_parse_days("Mon-Fri") == 0x1F, "Mon-Fri");
	CHECK(cd_win_parse_days("Sat-Sun") == 0x60, "Sat-Sun");
	CHECK(cd_win_parse_days("Sun") == 0x40, "Sun");
	CHECK(cd_win_parse_days("Fri-Mon") == (0x10 | 0x20 | 0x40 | 0x01), "Fri-Mon wraps");
	CHECK(cd_win_parse_days("mon") == 0, "lower case refused");
	CHECK(cd_win_parse_days("Mon-") == 0, "half a range refused");
	CHECK(cd_win_parse_days("Monday") == 0, "full names refused");
}

static void
test_edges(void)
{
	fake_zones zs = {1, {fixed_zone(-5 * 3600)}, 0};
	cd_win_query q = query(&zs, true, NULL, 0);
	cd_usec		eight = utc(2026, 1, 5, 13, 0, 0);	/* 08:00 EST */
	cd_usec		nine_pm = utc(2026, 1, 6, 2, 0, 0); /* 21:00 EST */

	CHECK(allowed_at(&q, eight), "08:00:00 local is inside the federal window");
	CHECK(!allowed_at(&q, eight - 1), "07:59:59.999999 is outside");
	CHECK(allowed_at(&q, nine_pm - CD_USEC_PER_SEC), "20:59:59 is inside");
	CHECK(allowed_at(&q, nine_pm - 1), "20:59:59.999999 is inside");
	CHECK(!allowed_at(&q, nine_pm), "21:00:00 is outside");
	CHECK(next_of(&q, eight - HOUR) == eight, "next after 07:00 is 08:00");
	CHECK(next_of(&q, eight + 17) == eight + 17, "an allowed instant is its own next, to the microsecond");
	CHECK(next_of(&q, nine_pm) == eight + CD_USEC_PER_DAY, "next after 21:00 is 08:00 the next day");
}

static void
test_rules_and_reasons(void)
{
	/* FL-like 08-20 daily; RI-like weekday 09-18, Sat 10-17, Sun none */
	cd_win_rule fl[] = {{CD_ALL_DAYS, false, 8 * 3600, 20 * 3600, -1}};
	cd_win_rule ri[] = {
		{0x1F, false, 9 * 3600, 18 * 3600, 0},
		{0x20, false, 10 * 3600, 17 * 3600, 0},
		{0x40, true, 0, 0, -1},
	};
	cd_day		hol[] = {ymd(2026, 5, 4), ymd(2026, 5, 25)};
	cd_win_set	set = {2, hol};
	fake_zones zs = {1, {fixed_zone(-4 * 3600)}, 0};
	cd_win_query q = query(&zs, true, fl, 1);
	cd_win_reason rs[8];
	cd_win_local loc[1];
	bool		ok;
	int			n;

	CHECK(allowed_at(&q, utc(2026, 6, 1, 23, 59, 0)), "FL 19:59 EDT allowed");
	CHECK(!allowed_at(&q, utc(2026, 6, 2, 0, 30, 0)), "FL 20:30 EDT refused");
	CHECK(cd_win_eval(&q, utc(2026, 6, 2, 1, 30, 0), &ok, rs, 8, &n, loc) && !ok && n == 2 &&
		  rs[0].why == CD_WHY_FEDERAL && rs[1].why == CD_WHY_OUTSIDE_RULE && rs[1].rule == 0,
		  "21:30 breaks both the federal window and the rule, in that order");
	CHECK(loc[0].weekday == 0 && loc[0].usec_of_day == (int64_t) (21 * 3600 + 1800) * CD_USEC_PER_SEC &&
		  loc[0].day == ymd(2026, 6, 1) && loc[0].offset_s == -4 * 3600,
		  "the local time is reported: Monday 21:30, offset -4 h");

	q = query(&zs, true, ri, 3);
	q.sets = &set;
	q.n_sets = 1;
	CHECK(allowed_at(&q, utc(2026, 6, 6, 20, 30, 0)), "RI Saturday 16:30 allowed");
	CHECK(!allowed_at(&q, utc(2026, 6, 6, 21, 30, 0)), "RI Saturday 17:30 refused");
	CHECK(cd_win_eval(&q, utc(2026, 6, 7, 16, 0, 0), &ok, rs, 8, &n, NULL) && !ok && n == 1 &&
		  rs[0].why == CD_WHY_NO_CALLS_DAY && rs[0].rule == 2, "RI Sunday noon: no calls on Sunday");
	CHECK(next_of(&q, utc(2026, 6, 6, 21, 30, 0)) == utc(2026, 6, 8, 13, 0, 0),
		  "after Saturday 17:30 the next RI call is Monday 09:00");
	CHECK(cd_win_eval(&q, utc(2026, 5, 4, 15, 0, 0), &ok, rs, 8, &n, NULL) && !ok && n == 1 &&
		  rs[0].why == CD_WHY_HOLIDAY && rs[0].set == 0,
		  "a holiday of a set two rules name is one reason");
	CHECK(next_of(&q, utc(2026, 5, 23, 21, 0, 0)) == utc(2026, 5, 26, 13, 0, 0),
		  "Saturday 17:00 before a Sunday ban and a Monday holiday: next is Tuesday 09:00");
	CHECK(cd_win_eval(&q, utc(2026, 6, 7, 16, 0, 0), &ok, rs, 0, &n, NULL) && n == 1,
		  "reasons are counted even when none is stored");
}

static void
test_dst(void)
{
	fake_zones zs = {1, {new_york_2026()}, 0};
	cd_win_query q = query(&zs, true, NULL, 0);
	/* a rule whose window starts inside the spring-forward gap */
	cd_win_rule gap[] = {{CD_ALL_DAYS, false, 2 * 3600 + 1800, 5 * 3600, -1}};
	cd_win_rule rep[] = {{CD_ALL_DAYS, false, 3600 + 1800, 3600 + 2700, -1}};

	CHECK(next_of(&q, utc(2026, 3, 8, 2, 30, 0)) == utc(2026, 3, 8, 12, 0, 0),
		  "Saturday 21:30 EST before spring forward: next is Sunday 08:00 EDT (12:00 UTC)");
	CHECK(next_of(&q, utc(2026, 10, 31, 1, 30, 0)) == utc(2026, 10, 31, 12, 0, 0),
		  "the day before fall back, 08:00 EDT is 12:00 UTC");
	CHECK(next_of(&q, utc(2026, 11, 1, 1, 30, 0)) == utc(2026, 11, 1, 13, 0, 0),
		  "the day of fall back, 08:00 EST is 13:00 UTC");
	CHECK(!allowed_at(&q, utc(2026, 11, 1, 12, 30, 0)), "07:30 EST on fall-back day refused");

	q = query(&zs, false, gap, 1);
	CHECK(next_of(&q, utc(2026, 3, 8, 6, 0, 0)) == utc(2026, 3, 8, 7, 0, 0),
		  "a window from 02:30 opens at 03:00 EDT when 02:30 does not exist");
	CHECK(next_of(&q, utc(2026, 3, 7, 8, 0, 0)) == utc(2026, 3, 7, 8, 0, 0),
		  "03:00 EST the day before is inside the window");
	CHECK(next_of(&q, utc(2026, 3, 7, 10, 0, 0)) == utc(2026, 3, 8, 7, 0, 0),
		  "after 05:00 EST the next opening is the gap's end, 03:00 EDT");

	q = query(&zs, false, rep, 1);
	CHECK(next_of(&q, utc(2026, 11, 1, 5, 0, 0)) == utc(2026, 11, 1, 5, 30, 0),
		  "01:30-01:45 window, first pass (EDT): 05:30 UTC");
	CHECK(next_of(&q, utc(2026, 11, 1, 5, 45, 0)) == utc(2026, 11, 1, 6, 30, 0),
		  "after the first 01:45, the repeated hour opens the window again at 01:30 EST (06:30 UTC)");
	CHECK(next_of(&q, utc(2026, 11, 1, 6, 45, 0)) == utc(2026, 11, 2, 6, 30, 0),
		  "after the second 01:45, the next is the next day");
}

static void
test_two_zones(void)
{
	/* 928: America/Phoenix (no DST) and America/Denver (Navajo Nation) */
	fake_zones zs = {2, {fixed_zone(-7 * 3600), denver_2026()}, 0};
	cd_win_query q = query(&zs, true, NULL, 0);
	cd_win_reason rs[4];
	bool		ok;
	int			n;

	CHECK(cd_win_eval(&q, utc(2026, 7, 1, 14, 30, 0), &ok, rs, 4, &n, NULL) && !ok && n == 1 &&
		  rs[0].zone == 0, "July 14:30 UTC: 07:30 in Phoenix refuses, 08:30 in Denver would not");
	CHECK(next_of(&q, utc(2026, 7, 1, 14, 30, 0)) == utc(2026, 7, 1, 15, 0, 0),
		  "summer: next is 08:00 Phoenix = 09:00 Denver");
	CHECK(next_of(&q, utc(2026, 7, 2, 2, 30, 0)) == utc(2026, 7, 2, 2, 30, 0),
		  "summer evening: 19:30 Phoenix, 20:30 Denver is allowed");
	CHECK(!allowed_at(&q, utc(2026, 7, 2, 3, 30, 0)), "summer 03:30 UTC: 21:30 in Denver refuses");
	CHECK(next_of(&q, utc(2026, 1, 5, 14, 30, 0)) == utc(2026, 1, 5, 15, 0, 0),
		  "winter: both zones agree, next is 08:00 MST");
}

static void
test_holiday_across_zones(void)
{
	/* A set holding 2026-07-04; zones New York and a Pacific-like -7 in summer */
	cd_day		hol[] = {ymd(2026, 7, 4)};
	cd_win_set	set = {1, hol};
	cd_win_rule r[] = {{CD_ALL_DAYS, false, 0, 86400, 0}};
	fake_zones zs = {2, {new_york_2026(), fixed_zone(-7 * 3600)}, 0};
	cd_win_query q = query(&zs, false, r, 1);
	cd_win_reason rs[4];
	bool		ok;
	int			n;

	q.sets = &set;
	q.n_sets = 1;
	/* 2026-07-04 05:00 UTC: 01:00 Jul 4 in New York, 22:00 Jul 3 at -7 */
	CHECK(cd_win_eval(&q, utc(2026, 7, 4, 5, 0, 0), &ok, rs, 4, &n, NULL) && !ok && n == 1 &&
		  rs[0].why == CD_WHY_HOLIDAY && rs[0].zone == 0,
		  "the holiday has begun in New York but not yet in the western zone: refused for New York");
	CHECK(allowed_at(&q, utc(2026, 7, 4, 3, 59, 59)), "23:59:59 on Jul 3 in New York: allowed in both");
	CHECK(next_of(&q, utc(2026, 7, 4, 5, 0, 0)) == utc(2026, 7, 5, 7, 0, 0),
		  "the next instant is when the holiday has ended in the western zone");
}

static void
test_holiday_weekend(void)
{
	/* UT-like: Mon-Sat 08-21 with a set, Sunday none; Saturday Jul 4 2026 */
	cd_day		hol[] = {ymd(2026, 7, 4), ymd(2026, 7, 24)};
	cd_win_set	set = {2, hol};
	cd_win_rule r[] = {{0x3F, false, 8 * 3600, 21 * 3600, 0}, {0x40, true, 0, 0, -1}};
	fake_zones zs = {1, {fixed_zone(-6 * 3600)}, 0};
	cd_win_query q = query(&zs, true, r, 2);

	q.sets = &set;
	q.n_sets = 1;
	CHECK(next_of(&q, utc(2026, 7, 4, 3, 0, 0)) == utc(2026, 7, 6, 14, 0, 0),
		  "Friday 21:00 before a Saturday holiday and a Sunday ban: next is Monday 08:00");
}

static void
test_blackouts(void)
{
	cd_win_blackout b[] = {{utc(2026, 8, 3, 15, 0, 0), utc(2026, 8, 3, 18, 30, 0)}};
	fake_zones zs = {1, {fixed_zone(-5 * 3600)}, 0};
	cd_win_query q = query(&zs, true, NULL, 0);
	cd_win_reason rs[4];
	bool		ok;
	int			n;

	q.blackouts = b;
	q.n_blackouts = 1;
	CHECK(cd_win_eval(&q, utc(2026, 8, 3, 16, 0, 0), &ok, rs, 4, &n, NULL) && !ok && n == 1 &&
		  rs[0].why == CD_WHY_BLACKOUT && rs[0].blackout == 0 && rs[0].zone == -1,
		  "inside a blackout: refused, one reason");
	CHECK(allowed_at(&q, utc(2026, 8, 3, 18, 30, 0)), "a blackout's end is allowed (half-open)");
	CHECK(!allowed_at(&q, utc(2026, 8, 3, 15, 0, 0)), "a blackout's start is refused");
	CHECK(next_of(&q, utc(2026, 8, 3, 14, 0, 0)) == utc(2026, 8, 3, 14, 0, 0), "before it: allowed at once");
	CHECK(next_of(&q, utc(2026, 8, 3, 15, 0, 0)) == utc(2026, 8, 3, 18, 30, 0), "inside: its end");
	b[0].end = utc(2026, 8, 4, 2, 30, 0);	/* ends at 21:30 local */
	CHECK(next_of(&q, utc(2026, 8, 3, 15, 0, 0)) == utc(2026, 8, 4, 13, 0, 0),
		  "a blackout that ends after the window: next morning");
}

static void
test_none(void)
{
	cd_win_rule never[] = {{CD_ALL_DAYS, true, 0, 0, -1}};
	fake_zones zs = {1, {fixed_zone(0)}, 0};
	cd_win_query q = query(&zs, true, never, 1);
	cd_usec		f = 0;

	CHECK(cd_win_next(&q, 0, 14 * CD_USEC_PER_DAY, &f) == 0, "a rule that forbids every day: none within 14 days");
	CHECK(zs.calls < 200, "and the search took few steps (%d zone lookups)", zs.calls);
	q = query(&zs, true, NULL, 0);
	CHECK(cd_win_next(&q, 0, 1, &f) == 0, "an empty search range finds nothing");
}

/* ---------- property test against a minute scan ---------- */

static uint64_t rng = 88172645463325252ULL;

static uint64_t
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int
rand_below(int n)
{
	return (int) (next_rand() % (uint64_t) n);
}

static void
test_property(void)
{
	int			iter,
				bad_next = 0,
				bad_scan = 0,
				bad_before = 0,
				found_count = 0;

	for (iter = 0; iter < 300; iter++)
	{
		cd_win_rule rules[4];
		cd_day		hol[6];
		cd_win_set	set;
		cd_win_blackout bl[2];
		fake_zones zs;
		cd_win_query q;
		int			nr = rand_below(4),
					i;
		cd_usec		after,
					found = 0,
					t;
		int			r;

		memset(&zs, 0, sizeof(zs));
		zs.n = 1 + rand_below(3);
		for (i = 0; i < zs.n; i++)
			zs.z[i] = rand_below(2) ? new_york_2026() : fixed_zone((rand_below(25) - 12) * 1800);
		for (i = 0; i < 6; i++)
			hol[i] = ymd(2026, 3, 1) + rand_below(300);
		cd_win_set_sort(hol, 6);
		set.n = 6;
		set.days = hol;
		for (i = 0; i < nr; i++)
		{
			int			a = rand_below(24 * 4) * 900,
						b = rand_below(24 * 4) * 900 + 900;

			rules[i].days = (uint8_t) (1 + rand_below(127));
			rules[i].no_calls = rand_below(6) == 0;
			rules[i].start_s = a < b ? a : b - 900;
			rules[i].end_s = a < b ? b : a + 900;
			if (rules[i].end_s > 86400)
				rules[i].end_s = 86400;
			rules[i].holiday_set = rand_below(3) == 0 ? 0 : -1;
		}
		q = query(&zs, rand_below(4) != 0, rules, nr);
		q.sets = &set;
		q.n_sets = 1;
		for (i = 0; i < 2; i++)
		{
			bl[i].start = utc(2026, 3, 1, 0, 0, 0) + (cd_usec) rand_below(300 * 24 * 60) * MINUTE;
			bl[i].end = bl[i].start + (cd_usec) rand_below(3 * 24 * 60) * MINUTE;
		}
		q.blackouts = bl;
		q.n_blackouts = rand_below(3);
		/* around the DST changes as often as elsewhere */
		switch (rand_below(3))
		{
			case 0:
				after = utc(2026, 3, 6, 0, 0, 0);
				break;
			case 1:
				after = utc(2026, 10, 30, 0, 0, 0);
				break;
			default:
				after = utc(2026, 3, 1, 0, 0, 0) + (cd_usec) rand_below(300) * CD_USEC_PER_DAY;
		}
		after += (cd_usec) rand_below(3 * 24 * 60) * MINUTE;
		r = cd_win_next(&q, after, after + 7 * CD_USEC_PER_DAY, &found);
		if (r == 1)
		{
			found_count++;
			if (found < after || !allowed_at(&q, found))
				bad_next++;
			if (found > after && allowed_at(&q, found - 1))
				bad_before++;
		}
		else
			found = after + 7 * CD_USEC_PER_DAY;
		/* every edge here is on a whole minute: a minute scan sees every change */
		for (t = after; t < found; t += MINUTE)
			if (allowed_at(&q, t))
			{
				bad_scan++;
				break;
			}
	}
	CHECK(bad_next == 0, "property: the next instant is >= after and allowed (%d found of 300)", found_count);
	CHECK(bad_before == 0, "property: the instant just before the next one is not allowed");
	CHECK(bad_scan == 0, "property: no minute between after and the next instant is allowed");
	CHECK(found_count > 100 && found_count < 300, "property: the random cases include both outcomes");
}

int
main(void)
{
	test_days_and_parsing();
	test_edges();
	test_rules_and_reasons();
	test_dst();
	test_two_zones();
	test_holiday_across_zones();
	test_holiday_weekend();
	test_blackouts();
	test_none();
	test_property();
	CD_TEST_DONE();
}
