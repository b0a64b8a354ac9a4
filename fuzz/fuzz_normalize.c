/*
 * fuzz_normalize.c - libFuzzer target for cd_e164_normalize.
 *
 * Properties checked on every input:
 *   - on success the output is a valid us_e164 value, normalizing it again
 *     gives it back, and its 10 digits are the last 10 digits of the input;
 *   - on failure the output is untouched, and bad_pos is set exactly for the
 *     character errors, pointing at a byte of the class the status names;
 *   - the status agrees with the input's digit count when every byte is
 *     acceptable;
 *   - an RFC 3966 tel: URI (the scheme after blanks, in any case) is read
 *     with the URI's classes: its number starts with "+", has no blanks
 *     but trailing ones, and any ";" is a parameter (";ext=" an extension).
 * The input and the output live in exact-size heap buffers so
 * AddressSanitizer catches any access past either.
 */
#undef NDEBUG					/* the properties are asserts */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cd_e164.h"

static bool
is_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_accepted(unsigned char c)
{
	return is_digit(c) || c == ' ' || c == '\t' || c == '(' || c == ')' ||
		c == '-' || c == '.' || c == '+';
}

static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char) (c - 'A' + 'a') : c;
}

/* Offset just past "tel:" when the input is a tel: URI, else 0. */
static size_t
uri_start(const uint8_t *data, size_t size)
{
	size_t		i = 0;

	while (i < size && (data[i] == ' ' || data[i] == '\t'))
		i++;
	if (size - i >= 4 && lower(data[i]) == 't' && lower(data[i + 1]) == 'e' &&
		lower(data[i + 2]) == 'l' && data[i + 3] == ':')
		return i + 4;
	return 0;
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *s = malloc(size ? size : 1);
	char	   *out = malloc(CD_E164_LEN + 1);
	long		bad_pos = -99;
	cd_norm_status st;
	size_t		n_digits = 0;
	size_t		i;
	size_t		uri;

	if (s == NULL || out == NULL)
	{
		free(s);
		free(out);
		return 0;
	}
	if (size)
		memcpy(s, data, size);
	for (i = 0; i < size; i++)
		n_digits += is_digit(data[i]);
	memset(out, 0x5A, CD_E164_LEN + 1);

	st = cd_e164_normalize(s, size, out, &bad_pos);
	uri = uri_start(data, size);
	if (uri > 0)
	{
		/* the URI's own properties; then its body is checked like the rest */
		if (st == CD_NORM_OK)
			assert(data[uri] == '+');
		if (st == CD_NORM_URI_NOT_GLOBAL)
			assert(bad_pos == (long) uri && data[uri] != '+');
		if (st == CD_NORM_URI_PARAMETER)
			assert(bad_pos >= (long) uri && data[bad_pos] == ';');
		if (st == CD_NORM_EXTENSION && data[bad_pos] == ';')
			assert(size - bad_pos >= 5 && lower(data[bad_pos + 1]) == 'e' &&
				   lower(data[bad_pos + 2]) == 'x' && lower(data[bad_pos + 3]) == 't' &&
				   data[bad_pos + 4] == '=');
		if (st == CD_NORM_BAD_CHARACTER && (data[bad_pos] == ' ' || data[bad_pos] == '\t'))
		{
			/* a blank inside the URI, something not blank after it */
			for (i = bad_pos; i < size && (data[i] == ' ' || data[i] == '\t'); i++)
				;
			assert(i < size);
		}
		else if (st != CD_NORM_OK && st != CD_NORM_URI_NOT_GLOBAL && st != CD_NORM_EMPTY)
			assert(st != CD_NORM_BAD_CHARACTER || data[bad_pos] != ';');
		/* the "tel:" and blanks before it were accepted */
		assert(bad_pos == -1 || bad_pos >= (long) uri);
		n_digits = 0;
		for (i = uri; i < size; i++)
			n_digits += is_digit(data[i]);
	}
	else
		assert(st != CD_NORM_URI_NOT_GLOBAL && st != CD_NORM_URI_PARAMETER);

	if (st == CD_NORM_OK)
	{
		char	   *again = malloc(CD_E164_LEN + 1);
		size_t		k = 10;

		assert(again != NULL);
		assert(bad_pos == -1);
		assert(out[CD_E164_LEN] == '\0');
		assert(cd_e164_check(out, CD_E164_LEN) == CD_E164_OK);
		assert(cd_e164_normalize(out, CD_E164_LEN, again, NULL) == CD_NORM_OK);
		assert(memcmp(out, again, CD_E164_LEN + 1) == 0);
		assert(n_digits == 10 || n_digits == 11);
		/* the last 10 input digits, in order */
		for (i = size; i > 0 && k > 0; i--)
		{
			if (is_digit(data[i - 1]))
				assert(out[2 + --k] == (char) data[i - 1]);
		}
		assert(k == 0);
		free(again);
	}
	else
	{
		for (i = 0; i < CD_E164_LEN + 1; i++)
			assert(out[i] == 0x5A);
		switch (st)
		{
			case CD_NORM_NON_ASCII:
				assert(bad_pos >= 0 && (size_t) bad_pos < size && data[bad_pos] >= 0x80);
				break;
			case CD_NORM_EXTENSION:
				assert(bad_pos >= 0 && (size_t) bad_pos < size);
				assert(is_letter(data[bad_pos]) || data[bad_pos] == '#' ||
					   data[bad_pos] == ';');
				break;
			case CD_NORM_LETTERS:
				assert(bad_pos >= 0 && (size_t) bad_pos < size && is_letter(data[bad_pos]));
				break;
			case CD_NORM_MISPLACED_PLUS:
				assert(bad_pos >= 0 && (size_t) bad_pos < size && data[bad_pos] == '+');
				break;
			case CD_NORM_BAD_CHARACTER:
				assert(bad_pos >= 0 && (size_t) bad_pos < size);
				assert((uri > 0 && (data[bad_pos] == ' ' || data[bad_pos] == '\t')) ||
					   (!is_accepted(data[bad_pos]) && !is_letter(data[bad_pos]) &&
						data[bad_pos] < 0x80));
				break;
			case CD_NORM_EMPTY:
				assert(bad_pos == -1 && n_digits == 0);
				break;
			case CD_NORM_TOO_FEW_DIGITS:
				assert(bad_pos == -1 && n_digits >= 1 && n_digits < 11);
				break;
			case CD_NORM_TOO_MANY_DIGITS:
				assert(bad_pos == -1 && n_digits > 11);
				break;
			case CD_NORM_BAD_TRUNK:
				assert(bad_pos == -1 && n_digits == 11);
				break;
			case CD_NORM_OTHER_COUNTRY:
				assert(bad_pos == -1 && n_digits >= 1);
				break;
			case CD_NORM_URI_NOT_GLOBAL:
			case CD_NORM_URI_PARAMETER:
				assert(uri > 0);	/* checked above */
				break;
			default:
				assert(!"unknown status");
		}
		/* bytes before the offending one (after a URI's "tel:") are all acceptable */
		if (bad_pos >= 0)
		{
			for (i = uri; i < (size_t) bad_pos; i++)
				assert(is_accepted(data[i]));
		}
		else
		{
			for (i = uri; i < size; i++)
				assert(is_accepted(data[i]));
		}
	}
	free(out);
	free(s);
	return 0;
}
