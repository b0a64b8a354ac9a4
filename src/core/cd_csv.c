/*
 * cd_csv.c - the CSV reading shared by the area-code and exchange files;
 * see cd_csv.h.  Pure C: no PostgreSQL headers, no malloc, nothing that
 * depends on the C locale.
 */
#include "cd_csv.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * How the parser works.  A pre-pass checks every byte (NUL, UTF-8) and
 * reports at the physical line of the byte.  Then records are read one at a
 * time (RFC 4180: a quoted field may hold commas, doubled quotes and line
 * breaks, so one record can span several physical lines).  Quoting problems
 * are reported at the physical line where they occur, everything about a
 * record's fields at the line where the record starts.  The header is the
 * first record, compared field by field after unquoting.
 * Each data record with the format's number of fields goes to the
 * format's row rule (cd_geo.c for area codes, cd_exch.c for exchanges).
 *
 * Beyond what the row rules check, the reader also rejects what would
 * otherwise slip through silently: invalid UTF-8, empty lines, stray quotes
 * and bare carriage returns, and zone names longer than TZ_NAME_MAX bytes.
 *
 * Problems are kept sorted by line (stable: same-line problems keep the
 * order found) in an array that holds at most max_problems; once it is full
 * a new problem displaces the last one only if it comes earlier in the
 * file, so the kept problems are always the first max_problems in line
 * order, whatever order the passes found them in.
 */

#define QUOTE_MAX 48			/* bytes of a value quoted in a message */
#define QUOTE_BUF CD_CSV_QUOTE_BUF	/* QUOTE_MAX + two quotes, "...", NUL */
#define TZ_NAME_MAX 255			/* longer tokens cannot be zone names */

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
	int			n_fields;		/* every field, may exceed CD_CSV_MAX_COLUMNS */
	bool		broken;			/* a quoting problem was reported */
	field_span	f[CD_CSV_MAX_COLUMNS];
} csv_record;

struct cd_csv_reader
{
	const char *text;
	size_t		len;
	const cd_alloc *alloc;
	cd_tz_known_fn tz_known;
	void	   *tz_arg;
	cd_csv_problem **problems;
	int		   *n_problems;
	int		   *n_problems_total;
	int			max_problems;
	int			cap_problems;
	int			n_columns;
	bool		oom;
	int			line;			/* current physical line, 1-based */
};

/* QUOTE_BUF must hold QUOTE_MAX bytes, two quotes, "..." and a NUL */
typedef char quote_buf_size_check[QUOTE_BUF == QUOTE_MAX + 6 ? 1 : -1];

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
csv_alloc(cd_csv_reader *cx, size_t n, size_t size)
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
line_inc(cd_csv_reader *cx)
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
void
cd_csv_quote(char *dst, const char *s, size_t len)
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

static void problem(cd_csv_reader *cx, int line, const char *fmt,...) CSV_PRINTF(3, 4);
static void problemv(cd_csv_reader *cx, int line, const char *fmt, va_list ap) CSV_PRINTF(3, 0);

/* Records a problem; see the ordering rule at the top of this section. */
static void
problemv(cd_csv_reader *cx, int line, const char *fmt, va_list ap)
{
	cd_csv_problem *pr;
	int			lo = 0,
				hi = (*cx->n_problems);

	if ((*cx->n_problems_total) < INT_MAX)
		(*cx->n_problems_total)++;
	if (cx->max_problems <= 0 || cx->oom)
		return;

	/* first kept problem on a later line */
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if ((*cx->problems)[mid].line <= line)
			lo = mid + 1;
		else
			hi = mid;
	}

	if ((*cx->n_problems) == cx->max_problems)
	{
		if (lo == (*cx->n_problems))
			return;
		(*cx->n_problems)--;		/* the last one gives way */
	}
	else if ((*cx->n_problems) == cx->cap_problems)
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
		if ((*cx->n_problems) > 0)
			memcpy(np, (*cx->problems), (size_t) (*cx->n_problems) * sizeof(cd_csv_problem));
		(*cx->problems) = np;
		cx->cap_problems = cap;
	}

	memmove(&(*cx->problems)[lo + 1], &(*cx->problems)[lo],
			(size_t) ((*cx->n_problems) - lo) * sizeof(cd_csv_problem));
	pr = &(*cx->problems)[lo];
	pr->line = line;
	vsnprintf(pr->message, sizeof(pr->message), fmt, ap);
	(*cx->n_problems)++;
}

static void
problem(cd_csv_reader *cx, int line, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	problemv(cx, line, fmt, ap);
	va_end(ap);
}

void
cd_csv_problemf(cd_csv_reader *rd, int line, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	problemv(rd, line, fmt, ap);
	va_end(ap);
}

/* Pre-pass: NUL bytes and invalid UTF-8, once per physical line each. */
static void
check_bytes(cd_csv_reader *cx)
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
read_record(cd_csv_reader *cx, size_t *ppos, csv_record *rec)
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

		if (rec->n_fields < CD_CSV_MAX_COLUMNS)
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
 * Copies the (at most n_columns) fields of rec into one allocation,
 * unquoted and NUL-terminated; lens gets their lengths (a field may contain
 * NUL bytes, already reported by the pre-pass).  False when out of memory.
 */
static bool
copy_fields(cd_csv_reader *cx, const csv_record *rec, char **vals, size_t *lens)
{
	int			nf = rec->n_fields < cx->n_columns ? rec->n_fields : cx->n_columns;
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
bool
cd_csv_equals(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && memcmp(s, w, len) == 0;
}

/* Parses a valid npa "[2-9][0-9][0-9]"; -1 otherwise. */
int
cd_csv_parse_npa(const char *s, size_t len)
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
bool
cd_csv_parse_decimal(const char *s, size_t len, double *result)
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

/*
 * Steps through a space-separated list: *pos is where the next entry
 * starts; returns false at the end of s, else sets the entry's start and
 * length (0 for an empty entry: a leading, trailing or doubled space).  An
 * empty s has no entries.
 */
bool
cd_csv_next_entry(const char *s, size_t len, size_t *pos, size_t *start, size_t *elen)
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
void
cd_csv_check_zone(cd_csv_reader *cx, int line, const char *name, size_t len)
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
	cd_csv_quote(q, name, len);
	problem(cx, line, "unknown time zone %s", q);
}


void *
cd_csv_alloc(cd_csv_reader *rd, size_t n, size_t size)
{
	return csv_alloc(rd, n, size);
}

bool
cd_csv_oom(const cd_csv_reader *rd)
{
	return rd->oom;
}

bool
cd_csv_read(const char *text, size_t len, const cd_csv_format *fmt,
			void *arg, cd_tz_known_fn tz_known, void *tz_arg,
			int max_problems, const cd_alloc *alloc,
			cd_csv_problem **problems, int *n_problems,
			int *n_problems_total)
{
	cd_csv_reader *cx;
	size_t		pos = 0;
	int			data_records = 0;
	bool		header_seen = false;
	int			i;

	*problems = NULL;
	*n_problems = 0;
	*n_problems_total = 0;
	cx = cd_zalloc(alloc, sizeof(cd_csv_reader));
	if (cx == NULL)
		return false;
	cx->text = text;
	cx->len = len;
	cx->alloc = alloc;
	cx->tz_known = tz_known;
	cx->tz_arg = tz_arg;
	cx->problems = problems;
	cx->n_problems = n_problems;
	cx->n_problems_total = n_problems_total;
	cx->max_problems = max_problems < 0 ? 0 : max_problems;
	cx->n_columns = fmt->n_columns;
	cx->line = 1;

	if (len == 0)
	{
		problem(cx, 0, "the file is empty");
		return !cx->oom;
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
			char	   *v[CD_CSV_MAX_COLUMNS];
			size_t		l[CD_CSV_MAX_COLUMNS];
			bool		ok = (rec.n_fields == fmt->n_columns);

			header_seen = true;
			if (!copy_fields(cx, &rec, v, l))
				break;
			for (i = 0; ok && i < fmt->n_columns; i++)
				ok = cd_csv_equals(v[i], l[i], fmt->columns[i]);
			if (!ok)
				problem(cx, rec.line, "the first line is not the header \"%s\"",
						fmt->header);
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
		if (rec.n_fields != fmt->n_columns)
		{
			problem(cx, rec.line, "row has %d field%s, expected %d",
					rec.n_fields, rec.n_fields == 1 ? "" : "s", fmt->n_columns);
			continue;
		}
		{
			char	   *v[CD_CSV_MAX_COLUMNS];
			size_t		l[CD_CSV_MAX_COLUMNS];

			if (!copy_fields(cx, &rec, v, l))
				break;
			fmt->row(cx, rec.line, v, l, arg);
		}
	}

	if (!cx->oom && data_records == 0)
		problem(cx, 0, "the file has no %s", fmt->rows_name);
	return !cx->oom;
}
