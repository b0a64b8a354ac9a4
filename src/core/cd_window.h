/*
 * cd_window.h - calling windows by jurisdiction: whether a call is allowed
 * at an instant, why not, and the next instant it is.  Pure C.
 *
 * Time is counted as PostgreSQL counts it, without its headers: an instant
 * is microseconds since 2000-01-01 00:00 UTC (cd_usec), a date is days since
 * 2000-01-01 (cd_day).  The core knows nothing of time-zone databases: the
 * caller passes a function that tells, for one of the callee's zones and an
 * instant, the zone's UTC offset then and the next instant that offset may
 * change (a DST transition).  With it the core evaluates local times and
 * finds the next allowed instant exactly, across spring-forward gaps and
 * fall-back repeats, by walking from one change point to the next: the
 * answer can only change where some zone's local clock reaches a window
 * edge or midnight, where a zone's offset changes, or where a blackout
 * starts or ends.
 *
 * The caller also chooses the rules: cd_win_query holds only the rules that
 * apply to the callee (its region, the kinds of the call) and only the
 * blackouts of its region.
 */
#ifndef CD_WINDOW_H
#define CD_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

typedef int64_t cd_usec;		/* microseconds since 2000-01-01 00:00 UTC */
typedef int32_t cd_day;			/* days since 2000-01-01 */

#define CD_USEC_PER_SEC INT64_C(1000000)
#define CD_USEC_PER_DAY (INT64_C(86400) * CD_USEC_PER_SEC)

/* The US federal window, 08:00-21:00 local (47 CFR 64.1200(c)(1)). */
#define CD_FEDERAL_START (8 * 3600)
#define CD_FEDERAL_END (21 * 3600)

/* Weekday numbers: Monday 0 ... Sunday 6; a days mask has bit (1 << weekday). */
#define CD_ALL_DAYS 0x7F

/* One calling rule, as it applies. */
typedef struct cd_win_rule
{
	uint8_t		days;			/* weekdays it covers */
	bool		no_calls;		/* on those days: no calls at all */
	int32_t		start_s;		/* else the window [start_s, end_s), seconds */
	int32_t		end_s;			/* of the local day, 0 <= start_s < end_s <= 86400 */
	int			holiday_set;	/* index into the query's sets, or -1 */
} cd_win_rule;

/* The dates of one holiday set, sorted ascending. */
typedef struct cd_win_set
{
	int			n;
	const cd_day *days;
} cd_win_set;

/* A blackout: no calls in [start, end). */
typedef struct cd_win_blackout
{
	cd_usec		start;
	cd_usec		end;
} cd_win_blackout;

/*
 * The zone callback: for zone number zone (0 .. n_zones-1) and instant at,
 * sets *offset_s to the zone's UTC offset at that instant (local = UTC +
 * offset) and *next_change to an instant > at before which the offset does
 * not change (CD_USEC_MAX when it never changes again).  Returns false when
 * the instant is outside what the zone database can convert.
 */
#define CD_USEC_MAX INT64_MAX
typedef bool (*cd_win_zone_fn) (void *arg, int zone, cd_usec at,
								int32_t *offset_s, cd_usec *next_change);

typedef struct cd_win_query
{
	bool		federal;		/* apply the US federal window */
	int			n_rules;
	const cd_win_rule *rules;
	int			n_sets;
	const cd_win_set *sets;
	int			n_blackouts;
	const cd_win_blackout *blackouts;
	int			n_zones;		/* at least 1 */
	cd_win_zone_fn zone_fn;
	void	   *zone_arg;
} cd_win_query;

/* What forbids a call. */
typedef enum cd_win_why
{
	CD_WHY_FEDERAL,				/* outside 08:00-21:00 (zone) */
	CD_WHY_NO_CALLS_DAY,		/* a rule allows no calls that weekday (zone, rule) */
	CD_WHY_OUTSIDE_RULE,		/* outside a rule's window (zone, rule) */
	CD_WHY_HOLIDAY,				/* the local date is in a set (zone, rule, set) */
	CD_WHY_BLACKOUT				/* a blackout covers the instant (blackout) */
} cd_win_why;

typedef struct cd_win_reason
{
	cd_win_why	why;
	int			zone;			/* -1 for a blackout */
	int			rule;			/* -1 unless a rule's */
	int			set;			/* -1 unless a holiday */
	int			blackout;		/* -1 unless a blackout */
} cd_win_reason;

/* A zone's local time at an instant. */
typedef struct cd_win_local
{
	int32_t		offset_s;		/* UTC offset */
	cd_day		day;			/* local date */
	int			weekday;		/* Monday 0 ... Sunday 6 */
	int64_t		usec_of_day;	/* local time of day, microseconds */
} cd_win_local;

/* The weekday of a date (Monday 0 ... Sunday 6). */
extern int	cd_weekday(cd_day day);

/* Whether day is in the sorted set. */
extern bool cd_win_set_contains(const cd_win_set *set, cd_day day);

/* A sorted set from its dates in any order, sorted in place. */
extern void cd_win_set_sort(cd_day *days, int n);

/*
 * Evaluates the query at an instant: *allowed, and up to max_reasons
 * reasons (*n_reasons counts them all, even those not stored); locals, if
 * not NULL, receives each zone's local time (n_zones entries).  Returns
 * false when a zone cannot convert the instant.
 */
extern bool cd_win_eval(const cd_win_query *q, cd_usec at, bool *allowed,
						cd_win_reason *reasons, int max_reasons, int *n_reasons,
						cd_win_local *locals);

/*
 * The earliest instant t with after <= t < limit at which the call is
 * allowed.  Returns 1 and sets *found, 0 when there is none, -1 when a zone
 * cannot convert an instant of the search.
 */
extern int	cd_win_next(const cd_win_query *q, cd_usec after, cd_usec limit, cd_usec *found);

/* Parses "HH:MM" or "HH:MM:SS" (00:00 to 24:00) into seconds; -1 when malformed. */
extern int32_t cd_win_parse_hhmm(const char *s);

/*
 * Parses a days field (Mon-Sun, Mon-Fri, Sat-Sun, Sat, a single day, or
 * any "Ddd-Ddd" range, wrapping past Sunday) into a mask; 0 when malformed.
 */
extern uint8_t cd_win_parse_days(const char *s);

/* The English name of a weekday ("Monday"). */
extern const char *cd_weekday_name(int weekday);

#endif							/* CD_WINDOW_H */
