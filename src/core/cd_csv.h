/*
 * cd_csv.h - the CSV reading shared by the geography's data files (the
 * area codes of cd_geo.c, the exchanges of cd_exch.c): RFC 4180 records,
 * the byte checks, the header, the list of problems kept in line order, and
 * the small field parsers every row rule uses.  Each data set supplies only
 * its row rule.  Pure C: no PostgreSQL headers, no malloc (all memory comes
 * from the caller's cd_alloc), nothing that depends on the C locale.
 */
#ifndef CD_CSV_H
#define CD_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cd_alloc.h"

#define CD_CSV_MAX_COLUMNS 12	/* the widest format read */
#define CD_CSV_QUOTE_BUF 54		/* a value quoted for a message, see
								 * cd_csv_quote */

/* One problem found in a file. */
typedef struct cd_csv_problem
{
	int			line;			/* 1-based line, 0 for the file as a whole */
	char		message[160];	/* one sentence, no trailing period, e.g.
								 * "npa \"12a\" is not three digits starting with 2-9" */
} cd_csv_problem;

/* Says whether the server knows a time-zone name. */
typedef bool (*cd_tz_known_fn) (const char *name, void *arg);

typedef struct cd_csv_reader cd_csv_reader;

/*
 * A data set's format: its columns, and the rule checking one data record
 * that has exactly n_columns fields.  v[i] are the unquoted fields,
 * NUL-terminated, allocated through the reader (they live as long as the
 * parse result); l[i] their lengths (a field may contain NUL bytes, already
 * reported).
 */
typedef struct cd_csv_format
{
	const char *header;			/* the header line, for messages */
	int			n_columns;		/* <= CD_CSV_MAX_COLUMNS */
	const char *const *columns;
	const char *rows_name;		/* "the file has no <rows_name>" */
	void		(*row) (cd_csv_reader *rd, int line, char **v, const size_t *l,
						void *arg);
} cd_csv_format;

/*
 * Reads and checks a whole text: a pre-pass over every byte (NUL, UTF-8),
 * a byte order mark, the exact header, empty lines, quoting, the number of
 * fields of each record, and calls fmt->row for each other data record.
 * Problems are kept in *problems (at most max_problems, the first ones in
 * line order; *n_problems_total counts all).  Returns false only when out
 * of memory (the row rule may also report that, see cd_csv_oom).
 */
extern bool cd_csv_read(const char *text, size_t len, const cd_csv_format *fmt,
						void *arg, cd_tz_known_fn tz_known, void *tz_arg,
						int max_problems, const cd_alloc *alloc,
						cd_csv_problem **problems, int *n_problems,
						int *n_problems_total);

/* For row rules: */

/* Records a problem at line (printf format). */
extern void cd_csv_problemf(cd_csv_reader *rd, int line, const char *fmt,...)
#if defined(__GNUC__)
			__attribute__((format(printf, 3, 4)))
#endif
			;

/* n zeroed elements from the reader's allocator; NULL (and the parse fails) when out of memory. */
extern void *cd_csv_alloc(cd_csv_reader *rd, size_t n, size_t size);

/* Whether an allocation failed. */
extern bool cd_csv_oom(const cd_csv_reader *rd);

/*
 * Writes s[0..len) in double quotes into dst (CD_CSV_QUOTE_BUF bytes): at
 * most 48 bytes of it, cut at a character boundary and followed by "..."
 * when longer; control characters and invalid UTF-8 become '?'.
 */
extern void cd_csv_quote(char *dst, const char *s, size_t len);

/* Is s[0..len) the text w? */
extern bool cd_csv_equals(const char *s, size_t len, const char *w);

/* A valid area code or exchange "[2-9][0-9][0-9]" as a number, else -1. */
extern int	cd_csv_parse_npa(const char *s, size_t len);

/*
 * A strict decimal: optional sign, digits, optionally a point and digits;
 * no blanks, exponents, nan or inf; locale-independent.
 */
extern bool cd_csv_parse_decimal(const char *s, size_t len, double *result);

/*
 * Steps through a space-separated list: *pos is where the next entry
 * starts; returns false at the end, else the entry's start and length (0
 * for an empty entry: a leading, trailing or doubled space).
 */
extern bool cd_csv_next_entry(const char *s, size_t len, size_t *pos,
							  size_t *start, size_t *elen);

/*
 * Asks the reader's tz_known about one zone name and reports it unknown
 * ("unknown time zone \"X\"") when it is not (or is too long, or holds a
 * NUL byte).  A NULL tz_known accepts every name.
 */
extern void cd_csv_check_zone(cd_csv_reader *rd, int line, const char *name, size_t len);

#endif							/* CD_CSV_H */
