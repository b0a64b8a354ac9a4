/*
 * errors.c - the one table of user-facing error messages.
 *
 * The pure core returns status codes; this file turns each into an ereport
 * with a chosen SQLSTATE, a primary message quoting the offending value, and
 * a detail that says what rule was broken.  The JSON error objects of the pool
 * API reuse the same wording (cd_norm_problem, cd_append_quoted_value).
 */
#include "cd_glue.h"

#include "mb/pg_wchar.h"
#include "utils/memutils.h"

/* Longest part of a user value quoted in a message, in bytes. */
#define CD_QUOTE_MAX 48

/*
 * Appends value in double quotes, cut at CD_QUOTE_MAX bytes on a character
 * boundary (then "..." follows the closing quote).  Control characters and
 * NUL are shown as \xNN so a message never carries raw control bytes.
 */
void
cd_append_quoted_value(StringInfo buf, const char *value, size_t len)
{
	size_t		shown = len;
	size_t		i;

	if (shown > CD_QUOTE_MAX)
		shown = pg_mbcliplen(value, (int) Min(len, (size_t) INT_MAX), CD_QUOTE_MAX);
	appendStringInfoChar(buf, '"');
	for (i = 0; i < shown; i++)
	{
		unsigned char c = (unsigned char) value[i];

		if (c < 0x20 || c == 0x7f)
			appendStringInfo(buf, "\\x%02X", c);
		else
			appendStringInfoChar(buf, (char) c);
	}
	appendStringInfoChar(buf, '"');
	if (shown < len)
		appendStringInfoString(buf, "...");
}

static char *
quoted(const char *value, size_t len)
{
	StringInfoData buf;

	initStringInfo(&buf);
	cd_append_quoted_value(&buf, value, len);
	return buf.data;
}

#define E164_RULE "A US E.164 number is \"+1\" followed by 10 ASCII digits, 12 characters in all."
#define E164_HINT "us_e164_normalize() converts numbers as people type them, such as \"(212) 555-0123\"."

void
cd_report_e164(cd_e164_status st, const char *value, size_t len)
{
	const char *q = quoted(value, len);

	switch (st)
	{
		case CD_E164_BAD_LENGTH:
			{
				int			chars = pg_mbstrlen_with_len(value, (int) Min(len, (size_t) INT_MAX));

				if ((size_t) chars != len)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
							 errmsg("invalid US E.164 phone number: %s", q),
							 errdetail("The value has non-ASCII characters; only ASCII digits 0-9 may follow \"+1\". " E164_RULE),
							 errhint(E164_HINT)));
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("invalid US E.164 phone number: %s", q),
						 errdetail_plural("The value has %d character. " E164_RULE,
										  "The value has %d characters. " E164_RULE,
										  chars, chars),
						 errhint(E164_HINT)));
			}
			break;
		case CD_E164_BAD_PREFIX:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid US E.164 phone number: %s", q),
					 errdetail("The value does not start with \"+1\". " E164_RULE),
					 errhint(E164_HINT)));
			break;
		case CD_E164_BAD_DIGIT:
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid US E.164 phone number: %s", q),
					 errdetail("The value has a character other than an ASCII digit after \"+1\". " E164_RULE),
					 errhint(E164_HINT)));
			break;
	}
	pg_unreachable();
}

/* One sentence per normalization problem, used in errdetail and JSON. */
static const char *const norm_problems[] = {
	[CD_NORM_OK] = "The value is valid.",
	[CD_NORM_EMPTY] = "The value has no digits.",
	[CD_NORM_NON_ASCII] = "The value has a non-ASCII character; only ASCII digits 0-9 count as digits.",
	[CD_NORM_EXTENSION] = "The value has an extension; a caller ID cannot carry one.",
	[CD_NORM_LETTERS] = "The value has letters; vanity numbers are not converted.",
	[CD_NORM_BAD_CHARACTER] = "The value has a character other than digits, blanks and ( ) - . +.",
	[CD_NORM_MISPLACED_PLUS] = "A \"+\" may only come first.",
	[CD_NORM_OTHER_COUNTRY] = "The country code is not 1; only US numbers (+1) are accepted.",
	[CD_NORM_TOO_FEW_DIGITS] = "The value has fewer than 10 digits; a US number has a 3-digit area code and 7 more digits.",
	[CD_NORM_TOO_MANY_DIGITS] = "The value has more than 11 digits; a US number has 10 digits, or 11 starting with country code 1.",
	[CD_NORM_BAD_TRUNK] = "The value has 11 digits but does not start with country code 1.",
	[CD_NORM_URI_NOT_GLOBAL] = "A tel: URI must hold a global number, \"+1\" and 10 digits, as in \"tel:+1-212-555-0123\".",
	[CD_NORM_URI_PARAMETER] = "The tel: URI has a parameter; only the number itself is accepted."
};

const char *
cd_norm_problem(cd_norm_status st)
{
	if ((int) st < 0 || (size_t) st >= lengthof(norm_problems) || norm_problems[st] == NULL)
		return "The value is not a US phone number.";
	return norm_problems[st];
}

void
cd_report_norm(cd_norm_status st, const char *value, size_t len, long bad_pos)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("cannot normalize %s to a US E.164 phone number", quoted(value, len)),
			 bad_pos >= 0 ?
			 errdetail("%s The first such character is at byte %ld.", cd_norm_problem(st), bad_pos + 1) :
			 errdetail("%s", cd_norm_problem(st)),
			 errhint("Accepted: 10 digits, or 11 starting with 1, optionally after \"+\", separated by blanks and ( ) - . as in \"(212) 555-0123\".")));
	pg_unreachable();
}

/*
 * One 22P02 error for a CSV with problems: the count, every kept problem
 * by line in the detail, and the format in the hint.  what is "area-code"
 * or "exchange".
 */
static void report_csv_problems(const char *what, const char *file, const char *header,
								const cd_csv_problem *problems, int n_problems,
								int n_total) pg_attribute_noreturn();

static void
report_csv_problems(const char *what, const char *file, const char *header,
					const cd_csv_problem *problems, int n_problems, int n_total)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < n_problems; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, '\n');
		if (problems[i].line > 0)
			appendStringInfo(&buf, "line %d: %s", problems[i].line, problems[i].message);
		else
			appendStringInfoString(&buf, problems[i].message);
	}
	if (n_total > n_problems)
		appendStringInfo(&buf, "\n... and %d more problems", n_total - n_problems);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg_plural("%s CSV has %d problem",
						   "%s CSV has %d problems",
						   n_total, what, n_total),
			 errdetail("%s", buf.data),
			 errhint("The format is that of %s, header \"%s\". Nothing was changed.",
					 file, header)));
	pg_unreachable();
}

void
cd_report_csv(const cd_csv_result *res)
{
	report_csv_problems("area-code", "data/nanp_area_codes.csv", CD_CSV_HEADER,
						res->problems, res->n_problems, res->n_problems_total);
}

void
cd_report_exch_csv(const cd_exch_result *res)
{
	report_csv_problems("exchange", "data/nanp_exchanges.csv", CD_EXCH_CSV_HEADER,
						res->problems, res->n_problems, res->n_problems_total);
}

void
cd_report_pool_missing(const pg_uuid_t *id)
{
	char		txt[CD_UUID_TEXT_LEN + 1];

	cd_uuid_format(id->data, txt);
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("dialing pool \"%s\" does not exist", txt)));
	pg_unreachable();
}
