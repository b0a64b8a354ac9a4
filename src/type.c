/*
 * type.c - the us_e164 domain's check and its helper functions.
 */
#include "cd_glue.h"

#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(us_e164_check);
PG_FUNCTION_INFO_V1(us_e164_is_valid);
PG_FUNCTION_INFO_V1(us_e164_normalize);
PG_FUNCTION_INFO_V1(us_e164_try_normalize);
PG_FUNCTION_INFO_V1(us_e164_area_code);
PG_FUNCTION_INFO_V1(us_e164_kind);

/*
 * The domain's CHECK.  Raises 22P02 itself rather than returning false, so a
 * bad value gets a message that quotes it and names the broken rule instead
 * of a generic check_violation.
 */
Datum
us_e164_check(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	cd_e164_status st = cd_e164_check(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));

	if (st != CD_E164_OK)
		cd_report_e164(st, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	PG_RETURN_BOOL(true);
}

Datum
us_e164_is_valid(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_BOOL(cd_e164_check(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)) == CD_E164_OK);
}

Datum
us_e164_normalize(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	char		out[CD_E164_LEN + 1];
	long		bad_pos = -1;
	cd_norm_status st;

	st = cd_e164_normalize(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), out, &bad_pos);
	if (st != CD_NORM_OK)
		cd_report_norm(st, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), bad_pos);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out, CD_E164_LEN));
}

/* As us_e164_normalize, but NULL for what cannot be normalized (1.1). */
Datum
us_e164_try_normalize(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	char		out[CD_E164_LEN + 1];

	if (cd_e164_normalize(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), out, NULL) != CD_NORM_OK)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out, CD_E164_LEN));
}

/*
 * Checks a us_e164 argument again (a domain value can reach a C function
 * unchecked, e.g. through a plain text column cast with a binary-coercible
 * path in a hand-written query) and returns a pointer to its 12 bytes.
 */
static const char *
valid_e164(text *t)
{
	cd_e164_status st = cd_e164_check(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));

	if (st != CD_E164_OK)
		cd_report_e164(st, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	return VARDATA_ANY(t);
}

uint64
cd_callee_national(text *callee)
{
	return cd_e164_national(valid_e164(callee));
}

Datum
us_e164_area_code(PG_FUNCTION_ARGS)
{
	const char *s = valid_e164(PG_GETARG_TEXT_PP(0));

	PG_RETURN_TEXT_P(cstring_to_text_with_len(s + 2, 3));
}

Datum
us_e164_kind(PG_FUNCTION_ARGS)
{
	const char *s = valid_e164(PG_GETARG_TEXT_PP(0));
	const cd_geo_cache *gc;

	if (!cd_e164_nanp_digits_ok(s))
		PG_RETURN_TEXT_P(cstring_to_text("invalid_nanp"));
	gc = cd_geo_get();
	PG_RETURN_TEXT_P(cstring_to_text(cd_kind_name((cd_kind) gc->geo.area[cd_e164_npa(s)].kind)));
}
