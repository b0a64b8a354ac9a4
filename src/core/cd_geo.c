/*
 * cd_geo.c - area-code geography: distance, kind names, the CSV parser and
 * validator.  Pure C: no PostgreSQL headers, no malloc (all memory comes
 * from the caller's cd_alloc), nothing that depends on the C locale.
 */
#include "cd_geo.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* strict C11 <math.h> does not define M_PI */
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define CD_EARTH_RADIUS_KM 6371.0088	/* IUGG mean Earth radius */

static const char *const kind_names[] = {
	"unassigned", "geographic", "toll_free", "non_geographic", "not_area_code"
};

const char *
cd_kind_name(cd_kind k)
{
	if ((int) k < 0 || (size_t) k >= sizeof(kind_names) / sizeof(kind_names[0]))
		return "unassigned";
	return kind_names[k];
}

/*
 * Haversine formula; exact for identical points (0) and numerically stable
 * for small distances.  The argument of asin is clamped to [0,1] so rounding
 * can never produce NaN for antipodal points.
 */
double
cd_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	const double rad = M_PI / 180.0;
	double		dlat = (lat2 - lat1) * rad;
	double		dlon = (lon2 - lon1) * rad;
	double		s1 = sin(dlat / 2.0);
	double		s2 = sin(dlon / 2.0);
	double		h = s1 * s1 + cos(lat1 * rad) * cos(lat2 * rad) * s2 * s2;

	if (h > 1.0)
		h = 1.0;
	if (h < 0.0)
		h = 0.0;
	return 2.0 * CD_EARTH_RADIUS_KM * asin(sqrt(h));
}

/* ---------- CSV ---------- */

/*
 * How the parser works.  A pre-pass checks every byte (NUL, UTF-8) and
 * reports at the physical line of the byte.  Then records are read one at a
 * time (RFC 4180: a quoted field may hold commas, doubled quotes and line
 * breaks, so one record can span several physical lines).  Quoting problems
 * are reported at the physical line where they occur, everything about a
 * record's fields at the line where the record starts.  The header is the
 * first record, compared field by field after unquoting.
 * Each data record with 12 fields is checked field by field; it becomes a
 * row when its npa is valid and not a duplicate, whatever else is wrong
 * with it, so the overlay checks (a second pass over the rows, since an
 * overlay may name a later row) refer to every area code the file defines.
 * Rows are therefore only meaningful when the file has no problems.
 *
 * Beyond the checks listed in cd_geo.h, the parser also rejects what would
 * otherwise slip through silently: invalid UTF-8, empty lines, stray quotes
 * and bare carriage returns, empty entries in the space-separated lists
 * (leading, trailing or doubled spaces), an overlay listed twice, and zone
 * names longer than TZ_NAME_MAX bytes.
 *
 * Problems are kept sorted by line (stable: same-line problems keep the
 * order found) in an array that holds at most max_problems; once it is full
 * a new problem displaces the last one only if it comes earlier in the
 * file, so the kept problems are always the first max_problems in line
 * order, whatever order the passes found them in.
 */

#define QUOTE_MAX 48			/* bytes of a value quoted in a message */
#define QUOTE_BUF (QUOTE_MAX + 6)	/* two quotes, "...", NUL */
#define TZ_NAME_MAX 255			/* longer tokens cannot be zone names */
#define NPA_BITMAP_BYTES ((CD_NPA_SLOTS + 7) / 8)

/* Span of one field's content in the text, before unquoting. */
typedef struct field_span
{
	size_t		start;
	size_t		end;
	bool		quoted;			/* "" inside stands for one quote */
} field_span;

typedef struct csv_record
{
	int			line;			/* physical line where it starts */
	int			n_fields;		/* every field, may exceed CD_CSV_COLUMNS */
	bool		broken;			/* a quoting problem was reported */
	field_span	f[CD_CSV_COLUMNS];
} csv_record;

/* The valid overlays a row lists, as a list and as a bitmap for lookups. */
typedef struct overlay_set
{
	int			n;
	uint16_t   *list;
	uint8_t		bits[NPA_BITMAP_BYTES];
} overlay_set;

typedef struct csv_ctx
{
	const char *text;
	size_t		len;
	const cd_alloc *alloc;
	cd_tz_known_fn tz_known;
	void	   *tz_arg;
	cd_csv_result *out;
	int			max_problems;
	int			cap_problems;
	int			cap_rows;
	bool		oom;
	int			line;			/* current physical line, 1-based */
	overlay_set *sets;			/* parallel to out->rows */
	int			first_line[CD_NPA_SLOTS];	/* line defining each npa, 0 if
											 * none yet */
	int			row_of[CD_NPA_SLOTS];	/* index into out->rows, -1 if none */
} csv_ctx;

static inline bool
csv_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * n zeroed elements of size bytes from the caller's allocator.  On failure
 * (or overflow) sets cx->oom, after which every call fails and the parse
 * winds down, returning false.
 */
static void *
csv_alloc(csv_ctx *cx, size_t n, size_t size)
{
	void	   *p;

	if (cx->oom)
		return NULL;
	if (size != 0 && n > SIZE_MAX / size)
	{
		cx->oom = true;
		return NULL;
	}
	p = cd_zalloc(cx->alloc, n * size == 0 ? 1 : n * size);
	if (p == NULL)
		cx->oom = true;
	return p;
}

static void
line_inc(csv_ctx *cx)
{
	if (cx->line < INT_MAX)
		cx->line++;
}

/*
 * Length of the valid UTF-8 sequence at p (at most avail bytes), or 0 if
 * the bytes there are not one (overlong forms, surrogates and code points
 * above U+10FFFF are invalid, as in PostgreSQL's UTF-8 verifier).
 */
static size_t
utf8_seq_len(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80,
				hi = 0xBF;
	size_t		n,
				i;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
	{
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	}
	else
		return 0;
	if (avail < n)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
	{
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	}
	return n;
}

/*
 * Writes s[0..len) in double quotes into dst (QUOTE_BUF bytes) for a
 * message: at most QUOTE_MAX bytes of it, cut at a character boundary and
 * followed by "..." when longer; control characters and bytes that are not
 * valid UTF-8 become '?', so a message is always printable UTF-8.
 */
static void
quote_value(char *dst, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		i = 0;
	size_t		o = 0;

	dst[o++] = '"';
	while (i < len)
	{
		size_t		n = utf8_seq_len(u + i, len - i);

		if (n == 0)
			n = 1;
		if (o - 1 + n > QUOTE_MAX)
			break;
		if (n == 1 && (u[i] < 0x20 || u[i] >= 0x7F))
			dst[o++] = '?';
		else
		{
			memcpy(dst + o, s + i, n);
			o += n;
		}
		i += n;
	}
	if (i < len)
	{
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o++] = '"';
	dst[o] = '\0';
}

#if defined(__GNUC__)
#define CSV_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CSV_PRINTF(f, a)
#endif

static void problem(csv_ctx *cx, int line, const char *fmt,...) CSV_PRINTF(3, 4);

/* Records a problem; see the ordering rule at the top of this section. */
static void
problem(csv_ctx *cx, int line, const char *fmt,...)
{
	cd_csv_result *out = cx->out;
	cd_csv_problem *pr;
	va_list		ap;
	int			lo = 0,
				hi = out->n_problems;

	if (out->n_problems_total < INT_MAX)
		out->n_problems_total++;
	if (cx->max_problems <= 0 || cx->oom)
		return;

	/* first kept problem on a later line */
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (out->problems[mid].line <= line)
			lo = mid + 1;
		else
			hi = mid;
	}

	if (out->n_problems == cx->max_problems)
	{
		if (lo == out->n_problems)
			return;
		out->n_problems--;		/* the last one gives way */
	}
	else if (out->n_problems == cx->cap_problems)
	{
		int			cap;
		cd_csv_problem *np;

		if (cx->cap_problems == 0)
			cap = 16;
		else if (cx->cap_problems > cx->max_problems / 2)
			cap = cx->max_problems;
		else
			cap = cx->cap_problems * 2;
		if (cap > cx->max_problems)
			cap = cx->max_problems;
		np = csv_alloc(cx, (size_t) cap, sizeof(cd_csv_problem));
		if (np == NULL)
			return;
		if (out->n_problems > 0)
			memcpy(np, out->problems, (size_t) out->n_problems * sizeof(cd_csv_problem));
		out->problems = np;
		cx->cap_problems = cap;
	}

	memmove(&out->problems[lo + 1], &out->problems[lo],
			(size_t) (out->n_problems - lo) * sizeof(cd_csv_problem));
	pr = &out->problems[lo];
	pr->line = line;
	va_start(ap, fmt);
	vsnprintf(pr->message, sizeof(pr->message), fmt, ap);
	va_end(ap);
	out->n_problems++;
}

/* Pre-pass: NUL bytes and invalid UTF-8, once per physical line each. */
static void
check_bytes(csv_ctx *cx)
{
	const unsigned char *t = (const unsigned char *) cx->text;
	size_t		p = 0;
	int			line = 1;
	bool		nul_seen = false;
	bool		bad_seen = false;

	while (p < cx->len)
	{
		size_t		n;

		if (t[p] == '\n')
		{
			if (line < INT_MAX)
				line++;
			nul_seen = bad_seen = false;
			p++;
			continue;
		}
		if (t[p] == '\0')
		{
			if (!nul_seen)
				problem(cx, line, "line contains a NUL byte");
			nul_seen = true;
			p++;
			continue;
		}
		n = utf8_seq_len(t + p, cx->len - p);
		if (n == 0)
		{
			if (!bad_seen)
				problem(cx, line, "line is not valid UTF-8");
			bad_seen = true;
			n = 1;
		}
		p += n;
	}
}

/*
 * Reads the record starting at *ppos (< len), leaving *ppos after its line
 * end.  Quoting problems are reported here, once per kind and record, and
 * mark the record broken.
 */
static void
read_record(csv_ctx *cx, size_t *ppos, csv_record *rec)
{
	const char *t = cx->text;
	size_t		len = cx->len;
	size_t		p = *ppos;
	bool		stray_quote = false;
	bool		after_quote = false;
	bool		bare_cr = false;

	rec->line = cx->line;
	rec->n_fields = 0;
	rec->broken = false;

	for (;;)
	{
		field_span span;

		if (p < len && t[p] == '"')
		{
			int			field_line = cx->line;
			bool		closed = false;

			span.quoted = true;
			span.start = ++p;
			while (p < len)
			{
				if (t[p] == '"')
				{
					if (p + 1 < len && t[p + 1] == '"')
					{
						p += 2;
						continue;
					}
					closed = true;
					break;
				}
				if (t[p] == '\n')
					line_inc(cx);
				p++;
			}
			span.end = p;
			if (!closed)
			{
				problem(cx, field_line, "unterminated quoted field");
				rec->broken = true;
			}
			else
			{
				p++;			/* the closing quote */
				while (p < len && t[p] != ',' && t[p] != '\n' &&
					   !(t[p] == '\r' && p + 1 < len && t[p + 1] == '\n'))
				{
					if (!after_quote)
						problem(cx, cx->line,
								"unexpected character after a closing quote");
					after_quote = true;
					rec->broken = true;
					p++;
				}
			}
		}
		else
		{
			span.quoted = false;
			span.start = p;
			while (p < len && t[p] != ',' && t[p] != '\n')
			{
				if (t[p] == '\r')
				{
					if (p + 1 < len && t[p + 1] == '\n')
						break;
					if (!bare_cr)
						problem(cx, cx->line,
								"carriage return not followed by a line feed");
					bare_cr = true;
					rec->broken = true;
				}
				else if (t[p] == '"')
				{
					if (!stray_quote)
						problem(cx, cx->line, "quote inside an unquoted field");
					stray_quote = true;
					rec->broken = true;
				}
				p++;
			}
			span.end = p;
		}

		if (rec->n_fields < CD_CSV_COLUMNS)
			rec->f[rec->n_fields] = span;
		if (rec->n_fields < INT_MAX)
			rec->n_fields++;

		if (p >= len)
			break;
		if (t[p] == ',')
		{
			p++;
			continue;
		}
		if (t[p] == '\r')
			p++;				/* only ever here when a '\n' follows */
		p++;					/* the '\n' */
		line_inc(cx);
		break;
	}
	*ppos = p;
}

/*
 * Copies the (at most CD_CSV_COLUMNS) fields of rec into one allocation,
 * unquoted and NUL-terminated; lens gets their lengths (a field may contain
 * NUL bytes, already reported by the pre-pass).  False when out of memory.
 */
static bool
copy_fields(csv_ctx *cx, const csv_record *rec, char **vals, size_t *lens)
{
	int			nf = rec->n_fields < CD_CSV_COLUMNS ? rec->n_fields : CD_CSV_COLUMNS;
	size_t		total = 0;
	char	   *buf;
	int			i;

	for (i = 0; i < nf; i++)
		total += rec->f[i].end - rec->f[i].start + 1;
	buf = csv_alloc(cx, total, 1);
	if (buf == NULL)
		return false;
	for (i = 0; i < nf; i++)
	{
		const field_span *f = &rec->f[i];
		size_t		p = f->start;
		size_t		o = 0;

		vals[i] = buf;
		while (p < f->end)
		{
			buf[o++] = cx->text[p];
			/* inside a closed quoted field every quote is doubled */
			if (f->quoted && cx->text[p] == '"' && p + 1 < f->end &&
				cx->text[p + 1] == '"')
				p++;
			p++;
		}
		buf[o] = '\0';
		lens[i] = o;
		buf += o + 1;
	}
	return true;
}

/* Is s[0..len) the text w? */
static bool
equals(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && memcmp(s, w, len) == 0;
}

/* Parses a valid npa "[2-9][0-9][0-9]"; -1 otherwise. */
static int
parse_npa(const char *s, size_t len)
{
	if (len != 3 || s[0] < '2' || s[0] > '9' ||
		!csv_is_digit((unsigned char) s[1]) || !csv_is_digit((unsigned char) s[2]))
		return -1;
	return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

/*
 * Parses a strict decimal number: an optional sign, one or more digits,
 * optionally a point and one or more digits.  No blanks, exponents, "nan" or
 * "inf", and no dependence on the locale's decimal point (strtod would have
 * both problems).  Up to 19 significant digits are used; the value is the
 * correctly rounded double for up to 15 of them and at most 22 decimals,
 * which covers any real coordinate.
 */
static bool
parse_decimal(const char *s, size_t len, double *result)
{
	static const double p10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
	};
	size_t		i = 0;
	bool		neg = false;
	uint64_t	mant = 0;
	int			n_sig = 0;
	long		exp10 = 0;
	size_t		int_digits = 0;
	double		v;

	if (i < len && (s[i] == '+' || s[i] == '-'))
	{
		neg = (s[i] == '-');
		i++;
	}
	for (; i < len && csv_is_digit((unsigned char) s[i]); i++)
	{
		int_digits++;
		if (n_sig < 19)
		{
			mant = mant * 10 + (uint64_t) (s[i] - '0');
			if (mant != 0)
				n_sig++;
		}
		else if (exp10 < LONG_MAX)
			exp10++;
	}
	if (int_digits == 0)
		return false;
	if (i < len && s[i] == '.')
	{
		size_t		frac_digits = 0;

		for (i++; i < len && csv_is_digit((unsigned char) s[i]); i++)
		{
			frac_digits++;
			if (n_sig < 19)
			{
				mant = mant * 10 + (uint64_t) (s[i] - '0');
				if (mant != 0)
					n_sig++;
				if (exp10 > LONG_MIN)
					exp10--;
			}
		}
		if (frac_digits == 0)
			return false;
	}
	if (i != len)
		return false;

	v = (double) mant;
	if (v != 0.0)
	{
		while (exp10 > 0 && v < 1e300)
		{
			v *= 10.0;
			exp10--;
		}
		while (exp10 < -22 && v != 0.0)
		{
			v /= 1e22;
			exp10 += 22;
		}
		if (exp10 < 0 && exp10 >= -22)
			v /= p10[-exp10];
	}
	*result = neg ? -v : v;
	return true;
}

/* Returns the kind a name denotes, or CD_KIND_UNASSIGNED if none. */
static cd_kind
parse_kind(const char *s, size_t len)
{
	static const cd_kind kinds[] = {
		CD_KIND_GEOGRAPHIC, CD_KIND_TOLL_FREE, CD_KIND_NON_GEOGRAPHIC,
		CD_KIND_NOT_AREA_CODE
	};
	size_t		i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
	{
		if (equals(s, len, cd_kind_name(kinds[i])))
			return kinds[i];
	}
	return CD_KIND_UNASSIGNED;
}

/*
 * Steps through a space-separated list: *pos is where the next entry
 * starts; returns false at the end of s, else sets the entry's start and
 * length (0 for an empty entry: a leading, trailing or doubled space).  An
 * empty s has no entries.
 */
static bool
next_entry(const char *s, size_t len, size_t *pos, size_t *start, size_t *elen)
{
	size_t		p = *pos;

	if (len == 0 || p > len)
		return false;
	*start = p;
	while (p < len && s[p] != ' ')
		p++;
	*elen = p - *start;
	*pos = p + 1;				/* past the space, or len + 1 at the end */
	return true;
}

/*
 * Asks tz_known about one zone name (NUL-terminated copy).  A name longer
 * than TZ_NAME_MAX bytes or containing a NUL byte cannot be a zone and is
 * reported without asking.  A NULL tz_known accepts every name.
 */
static void
check_zone(csv_ctx *cx, int line, const char *name, size_t len)
{
	char		q[QUOTE_BUF];

	if (cx->tz_known == NULL)
		return;
	if (len <= TZ_NAME_MAX && memchr(name, '\0', len) == NULL)
	{
		char		buf[TZ_NAME_MAX + 1];

		memcpy(buf, name, len);
		buf[len] = '\0';
		if (cx->tz_known(buf, cx->tz_arg))
			return;
	}
	quote_value(q, name, len);
	problem(cx, line, "unknown time zone %s", q);
}

/* Column indexes */
enum
{
	COL_NPA, COL_COUNTRY, COL_REGION, COL_PLACE, COL_LAT, COL_LON,
	COL_TIME_ZONE, COL_TIME_ZONES, COL_OVERLAYS, COL_KIND, COL_IN_SERVICE,
	COL_NOTE
};

/*
 * Checks lat or lon; on success stores the value and returns true.  A
 * non-geographic row must leave it empty; a row of unknown kind is only
 * checked for syntax and range.
 */
static bool
check_coordinate(csv_ctx *cx, int line, const char *name, double limit,
				 const char *s, size_t len, bool kind_known, cd_kind kind,
				 double *value)
{
	char		q[QUOTE_BUF];

	quote_value(q, s, len);
	if (len == 0)
	{
		if (kind_known && kind == CD_KIND_GEOGRAPHIC)
			problem(cx, line, "geographic row has no %s", name);
		return false;
	}
	if (kind_known && kind != CD_KIND_GEOGRAPHIC)
	{
		problem(cx, line, "%s row has %s %s", cd_kind_name(kind), name, q);
		return false;
	}
	if (!parse_decimal(s, len, value))
	{
		problem(cx, line, "%s %s is not a number", name, q);
		return false;
	}
	if (*value < -limit || *value > limit)
	{
		problem(cx, line, "%s %s is not between %d and %d", name, q,
				-(int) limit, (int) limit);
		return false;
	}
	return true;
}

static void
check_zones(csv_ctx *cx, int line, const char *tz, size_t tzlen,
			const char *tzs, size_t tzslen, bool kind_known, cd_kind kind)
{
	char		q[QUOTE_BUF];
	char		q2[QUOTE_BUF];
	size_t		pos = 0,
				start,
				elen;
	bool		empty_reported = false;
	bool		first = true;
	bool		tz_is_first = false;

	if (kind_known && kind != CD_KIND_GEOGRAPHIC)
	{
		if (tzlen > 0)
		{
			quote_value(q, tz, tzlen);
			problem(cx, line, "%s row has time_zone %s", cd_kind_name(kind), q);
		}
		if (tzslen > 0)
		{
			quote_value(q, tzs, tzslen);
			problem(cx, line, "%s row has time_zones %s", cd_kind_name(kind), q);
		}
		return;
	}

	if (kind_known && tzlen == 0)
		problem(cx, line, "geographic row has no time_zone");
	else if (kind_known && tzslen == 0)
		problem(cx, line, "geographic row has no time_zones");

	while (next_entry(tzs, tzslen, &pos, &start, &elen))
	{
		if (first)
		{
			tz_is_first = (tzlen > 0 && elen == tzlen &&
						   memcmp(tzs + start, tz, tzlen) == 0);
			if (!tz_is_first && tzlen > 0)
			{
				quote_value(q, tzs, tzslen);
				quote_value(q2, tz, tzlen);
				problem(cx, line, "time_zones %s does not start with time_zone %s",
						q, q2);
			}
			first = false;
		}
		if (elen == 0)
		{
			if (!empty_reported)
			{
				quote_value(q, tzs, tzslen);
				problem(cx, line, "time_zones %s has an empty entry", q);
			}
			empty_reported = true;
		}
		else
			check_zone(cx, line, tzs + start, elen);
	}
	/* time_zone is asked about here unless it was as the first entry */
	if (tzlen > 0 && !tz_is_first)
		check_zone(cx, line, tz, tzlen);
}

/*
 * Checks the overlays field's syntax, self-reference, duplicates and count;
 * collects the valid entries into set (when set is not NULL, i.e. the row
 * is kept).  Existence and symmetry need the whole file: see
 * check_overlay_links.
 */
static void
check_overlays(csv_ctx *cx, int line, const char *q_npa, int npa,
			   const char *s, size_t len, overlay_set *set)
{
	char		q[QUOTE_BUF];
	uint8_t		seen[NPA_BITMAP_BYTES];
	size_t		pos = 0,
				start,
				elen;
	size_t		n_entries = 0;
	bool		empty_reported = false;

	if (len == 0)
		return;
	memset(seen, 0, sizeof(seen));
	if (set != NULL)
	{
		size_t		max_entries = len / 4 + 1;	/* "NNN " each */

		set->list = csv_alloc(cx, max_entries, sizeof(uint16_t));
		if (set->list == NULL)
			return;
	}

	while (next_entry(s, len, &pos, &start, &elen))
	{
		int			o;

		if (elen == 0)
		{
			if (!empty_reported)
			{
				quote_value(q, s, len);
				problem(cx, line, "overlays %s has an empty entry", q);
			}
			empty_reported = true;
			continue;
		}
		n_entries++;
		quote_value(q, s + start, elen);
		o = parse_npa(s + start, elen);
		if (o < 0)
		{
			problem(cx, line, "overlay %s of %s is not three digits starting with 2-9",
					q, q_npa);
			continue;
		}
		if (o == npa)
		{
			problem(cx, line, "%s lists itself as an overlay", q_npa);
			continue;
		}
		if (seen[o / 8] & (1u << (o % 8)))
		{
			problem(cx, line, "overlay %s of %s is listed twice", q, q_npa);
			continue;
		}
		seen[o / 8] |= (uint8_t) (1u << (o % 8));
		if (set != NULL)
		{
			set->list[set->n++] = (uint16_t) o;
			set->bits[o / 8] |= (uint8_t) (1u << (o % 8));
		}
	}
	if (n_entries > CD_MAX_OVERLAYS)
		problem(cx, line, "%s lists %zu overlays, more than %d",
				q_npa, n_entries, CD_MAX_OVERLAYS);
}

/* Appends a row, growing the array; NULL when out of memory. */
static cd_csv_row *
new_row(csv_ctx *cx)
{
	cd_csv_result *out = cx->out;

	if (out->n_rows == cx->cap_rows)
	{
		/* at most one row per npa, so this stops at CD_NPA_SLOTS */
		int			cap = cx->cap_rows == 0 ? 64 : cx->cap_rows * 2;
		cd_csv_row *nr;
		overlay_set *ns;

		if (cap > CD_NPA_SLOTS)
			cap = CD_NPA_SLOTS;
		nr = csv_alloc(cx, (size_t) cap, sizeof(cd_csv_row));
		ns = csv_alloc(cx, (size_t) cap, sizeof(overlay_set));
		if (nr == NULL || ns == NULL)
			return NULL;
		if (out->n_rows > 0)
		{
			memcpy(nr, out->rows, (size_t) out->n_rows * sizeof(cd_csv_row));
			memcpy(ns, cx->sets, (size_t) out->n_rows * sizeof(overlay_set));
		}
		out->rows = nr;
		cx->sets = ns;
		cx->cap_rows = cap;
	}
	return &out->rows[out->n_rows++];
}

/* Checks one data record that has exactly CD_CSV_COLUMNS fields. */
static void
check_row(csv_ctx *cx, const csv_record *rec)
{
	char	   *v[CD_CSV_COLUMNS];
	size_t		l[CD_CSV_COLUMNS];
	char		q_npa[QUOTE_BUF];
	char		q[QUOTE_BUF];
	int			line = rec->line;
	int			npa;
	cd_kind		kind;
	bool		kind_known;
	bool		in_service = false;
	bool		has_lat,
				has_lon;
	double		lat = 0.0,
				lon = 0.0;
	cd_csv_row *row = NULL;
	overlay_set *set = NULL;

	if (!copy_fields(cx, rec, v, l))
		return;

	quote_value(q_npa, v[COL_NPA], l[COL_NPA]);
	npa = parse_npa(v[COL_NPA], l[COL_NPA]);
	if (npa < 0)
		problem(cx, line, "npa %s is not three digits starting with 2-9", q_npa);
	else if (cx->first_line[npa] != 0)
		problem(cx, line, "duplicate npa %s (first on line %d)", q_npa,
				cx->first_line[npa]);
	else
	{
		cx->first_line[npa] = line;
		row = new_row(cx);
		if (row == NULL)
			return;
		cx->row_of[npa] = cx->out->n_rows - 1;
		set = &cx->sets[cx->out->n_rows - 1];
	}

	kind = parse_kind(v[COL_KIND], l[COL_KIND]);
	kind_known = (kind != CD_KIND_UNASSIGNED);
	if (!kind_known)
	{
		quote_value(q, v[COL_KIND], l[COL_KIND]);
		problem(cx, line,
				"kind %s is not geographic, toll_free, non_geographic or not_area_code",
				q);
	}

	if (equals(v[COL_IN_SERVICE], l[COL_IN_SERVICE], "true"))
		in_service = true;
	else if (!equals(v[COL_IN_SERVICE], l[COL_IN_SERVICE], "false"))
	{
		quote_value(q, v[COL_IN_SERVICE], l[COL_IN_SERVICE]);
		problem(cx, line, "in_service %s is not true or false", q);
	}

	has_lat = check_coordinate(cx, line, "lat", 90.0, v[COL_LAT], l[COL_LAT],
							   kind_known, kind, &lat);
	has_lon = check_coordinate(cx, line, "lon", 180.0, v[COL_LON], l[COL_LON],
							   kind_known, kind, &lon);
	check_zones(cx, line, v[COL_TIME_ZONE], l[COL_TIME_ZONE],
				v[COL_TIME_ZONES], l[COL_TIME_ZONES], kind_known, kind);
	check_overlays(cx, line, q_npa, npa, v[COL_OVERLAYS], l[COL_OVERLAYS], set);

	if (row != NULL)
	{
		row->line = line;
		row->npa = npa;
		row->country = v[COL_COUNTRY];
		row->region = v[COL_REGION];
		row->place = v[COL_PLACE];
		row->has_location = has_lat && has_lon;
		row->lat = row->has_location ? lat : 0.0;
		row->lon = row->has_location ? lon : 0.0;
		row->time_zone = v[COL_TIME_ZONE];
		row->time_zones = v[COL_TIME_ZONES];
		row->overlays = v[COL_OVERLAYS];
		row->kind = kind;
		row->in_service = in_service;
		row->note = v[COL_NOTE];
	}
}

/* Second pass: every overlay must be a row of the file that lists us back. */
static void
check_overlay_links(csv_ctx *cx)
{
	const cd_csv_result *out = cx->out;
	int			i,
				j;

	for (i = 0; i < out->n_rows; i++)
	{
		const cd_csv_row *row = &out->rows[i];
		const overlay_set *set = &cx->sets[i];

		for (j = 0; j < set->n; j++)
		{
			int			o = set->list[j];
			int			r = cx->row_of[o];

			if (r < 0)
				problem(cx, row->line, "overlay \"%03d\" of \"%03d\" is not in the file",
						o, row->npa);
			else if (!(cx->sets[r].bits[row->npa / 8] & (1u << (row->npa % 8))))
				problem(cx, row->line,
						"overlay \"%03d\" of \"%03d\" does not list \"%03d\" back",
						o, row->npa, row->npa);
		}
	}
}

bool
cd_csv_parse(const char *text, size_t len,
			 cd_tz_known_fn tz_known, void *tz_arg,
			 int max_problems,
			 const cd_alloc *alloc, cd_csv_result *out)
{
	csv_ctx    *cx;
	size_t		pos = 0;
	int			data_records = 0;
	bool		header_seen = false;
	int			i;

	memset(out, 0, sizeof(*out));
	cx = cd_zalloc(alloc, sizeof(csv_ctx));
	if (cx == NULL)
		return false;
	cx->text = text;
	cx->len = len;
	cx->alloc = alloc;
	cx->tz_known = tz_known;
	cx->tz_arg = tz_arg;
	cx->out = out;
	cx->max_problems = max_problems < 0 ? 0 : max_problems;
	cx->line = 1;
	for (i = 0; i < CD_NPA_SLOTS; i++)
		cx->row_of[i] = -1;

	if (len == 0)
	{
		problem(cx, 0, "the file is empty");
		goto done;
	}

	check_bytes(cx);

	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
	{
		problem(cx, 1, "the file starts with a UTF-8 byte order mark");
		pos = 3;
	}

	while (pos < len && !cx->oom)
	{
		csv_record	rec;

		read_record(cx, &pos, &rec);
		if (!header_seen)
		{
			static const char *const names[CD_CSV_COLUMNS] = {
				"npa", "country", "region", "place", "lat", "lon", "time_zone",
				"time_zones", "overlays", "kind", "in_service", "note"
			};
			char	   *v[CD_CSV_COLUMNS];
			size_t		l[CD_CSV_COLUMNS];
			bool		ok = (rec.n_fields == CD_CSV_COLUMNS);

			header_seen = true;
			if (!copy_fields(cx, &rec, v, l))
				break;
			for (i = 0; ok && i < CD_CSV_COLUMNS; i++)
				ok = equals(v[i], l[i], names[i]);
			if (!ok)
				problem(cx, rec.line, "the first line is not the header \"%s\"",
						CD_CSV_HEADER);
			continue;
		}
		if (rec.broken)
		{
			data_records++;
			continue;
		}
		if (rec.n_fields == 1 && rec.f[0].end == rec.f[0].start && !rec.f[0].quoted)
		{
			problem(cx, rec.line, "empty line");
			continue;
		}
		data_records++;
		if (rec.n_fields != CD_CSV_COLUMNS)
		{
			problem(cx, rec.line, "row has %d field%s, expected %d",
					rec.n_fields, rec.n_fields == 1 ? "" : "s", CD_CSV_COLUMNS);
			continue;
		}
		check_row(cx, &rec);
	}

	if (!cx->oom)
	{
		check_overlay_links(cx);
		if (data_records == 0)
			problem(cx, 0, "the file has no area codes");
	}

done:
	if (cx->oom)
	{
		memset(out, 0, sizeof(*out));
		return false;
	}
	return true;
}

void
cd_geo_from_rows(cd_geo *geo, const cd_csv_row *rows, int n_rows)
{
	int			i;

	memset(geo, 0, sizeof(*geo));
	for (i = 0; i < n_rows; i++)
	{
		const cd_csv_row *r = &rows[i];
		cd_area    *a;
		const char *s = r->overlays;
		size_t		len,
					pos = 0,
					start,
					elen;

		if (r->npa < 0 || r->npa >= CD_NPA_SLOTS)
			continue;
		a = &geo->area[r->npa];
		a->kind = (uint8_t) r->kind;
		a->has_location = r->has_location && r->kind == CD_KIND_GEOGRAPHIC;
		if (a->has_location)
		{
			a->lat = r->lat;
			a->lon = r->lon;
		}
		if (s == NULL)
			continue;
		len = strlen(s);
		while (a->n_overlays < CD_MAX_OVERLAYS &&
			   next_entry(s, len, &pos, &start, &elen))
		{
			int			o = parse_npa(s + start, elen);

			if (o >= 0)
				a->overlays[a->n_overlays++] = (uint16_t) o;
		}
	}
}
