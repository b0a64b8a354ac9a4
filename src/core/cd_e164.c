/*
 * cd_e164.c - the us_e164 rule, normalization of typed US numbers, NANP
 * digit rules, and canonical UUID text.  Pure C: no PostgreSQL headers.
 *
 * Every function takes (pointer, length) input and reads only inside it; no
 * function allocates, and none depends on the C locale (classification is by
 * explicit ASCII ranges, never <ctype.h>).
 */
#include "cd_e164.h"

#include <string.h>

static inline bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
is_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static inline unsigned char
to_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char) (c - 'A' + 'a') : c;
}

cd_e164_status
cd_e164_check(const char *s, size_t len)
{
	size_t		i;

	if (len != CD_E164_LEN)
		return CD_E164_BAD_LENGTH;
	if (s[0] != '+' || s[1] != '1')
		return CD_E164_BAD_PREFIX;
	for (i = 2; i < CD_E164_LEN; i++)
	{
		if (!is_digit((unsigned char) s[i]))
			return CD_E164_BAD_DIGIT;
	}
	return CD_E164_OK;
}

/*
 * Does s[pos..len) start with the ASCII word w (lower case), compared without
 * regard to case?
 */
static bool
starts_with_ci(const char *s, size_t len, size_t pos, const char *w)
{
	size_t		wl = strlen(w);
	size_t		i;

	if (len - pos < wl)
		return false;
	for (i = 0; i < wl; i++)
	{
		if (to_lower((unsigned char) s[pos + i]) != (unsigned char) w[i])
			return false;
	}
	return true;
}

/*
 * Is there an extension marker at s[pos], which is a letter, '#' or ';'?
 * Recognized: the words "x", "ext", "extn", "extension" (any case; "ext."
 * too, since the dot is not a letter) ending where the letters end, "#",
 * and the RFC 3966 parameter ";ext=".  Only called once a digit has been
 * seen: a marker must follow a number.
 */
static bool
extension_at(const char *s, size_t len, size_t pos)
{
	static const char *const words[] = {"extension", "extn", "ext", "x"};
	size_t		i;
	unsigned char c = (unsigned char) s[pos];

	if (c == '#')
		return true;
	if (c == ';')
		return starts_with_ci(s, len, pos + 1, "ext=");
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
	{
		size_t		wl = strlen(words[i]);

		if (starts_with_ci(s, len, pos, words[i]) &&
			(pos + wl == len || !is_letter((unsigned char) s[pos + wl])))
			return true;
	}
	return false;
}

/*
 * One left-to-right pass.  The first byte that can belong to no US number
 * decides the status (so bad_pos points at it); only when every byte is
 * acceptable does the digit count decide.  Up to 11 digits are kept, the
 * rest only counted.
 */
cd_norm_status
cd_e164_normalize(const char *s, size_t len, char out[CD_E164_LEN + 1],
				  long *bad_pos)
{
	char		digits[11];
	size_t		n_digits = 0;
	bool		plus = false;
	bool		seen_nonblank = false;
	bool		uri = false;
	size_t		i;

	if (bad_pos)
		*bad_pos = -1;

	/* a tel: URI: the scheme after any blanks, then a global number */
	for (i = 0; i < len && is_blank((unsigned char) s[i]); i++)
		;
	if (starts_with_ci(s, len, i, "tel:"))
	{
		uri = true;
		i += 4;
		if (i == len)
			return CD_NORM_EMPTY;
		if (s[i] != '+')
		{
			if (bad_pos)
				*bad_pos = (long) i;
			return CD_NORM_URI_NOT_GLOBAL;
		}
	}
	else
		i = 0;

	for (; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];
		cd_norm_status err;

		if (is_digit(c))
		{
			if (n_digits < sizeof(digits))
				digits[n_digits] = (char) c;
			if (n_digits < SIZE_MAX)
				n_digits++;
			seen_nonblank = true;
			continue;
		}
		if (is_blank(c))
		{
			size_t		j;

			if (!uri)
				continue;
			/* a URI has no blanks; only trailing ones are forgiven */
			for (j = i; j < len && is_blank((unsigned char) s[j]); j++)
				;
			if (j == len)
				break;
			if (bad_pos)
				*bad_pos = (long) i;
			return CD_NORM_BAD_CHARACTER;
		}
		if (c == '(' || c == ')' || c == '-' || c == '.')
		{
			seen_nonblank = true;
			continue;
		}
		if (c == '+' && !seen_nonblank)
		{
			plus = true;
			seen_nonblank = true;
			continue;
		}

		/* c is an offending byte: classify it */
		if (uri && c == ';')
			err = starts_with_ci(s, len, i + 1, "ext=") ? CD_NORM_EXTENSION : CD_NORM_URI_PARAMETER;
		else if (c == '+')
			err = CD_NORM_MISPLACED_PLUS;
		else if (c >= 0x80)
			err = CD_NORM_NON_ASCII;
		else if (n_digits > 0 && (is_letter(c) || c == '#' || c == ';') &&
				 extension_at(s, len, i))
			err = CD_NORM_EXTENSION;
		else if (is_letter(c))
			err = CD_NORM_LETTERS;
		else
			err = CD_NORM_BAD_CHARACTER;
		if (bad_pos)
			*bad_pos = (long) i;
		return err;
	}

	if (n_digits == 0)
		return CD_NORM_EMPTY;
	if (plus)
	{
		if (digits[0] != '1')
			return CD_NORM_OTHER_COUNTRY;
		if (n_digits < 11)
			return CD_NORM_TOO_FEW_DIGITS;
		if (n_digits > 11)
			return CD_NORM_TOO_MANY_DIGITS;
	}
	else
	{
		if (n_digits < 10)
			return CD_NORM_TOO_FEW_DIGITS;
		if (n_digits > 11)
			return CD_NORM_TOO_MANY_DIGITS;
		if (n_digits == 11 && digits[0] != '1')
			return CD_NORM_BAD_TRUNK;
	}

	out[0] = '+';
	out[1] = '1';
	memcpy(out + 2, digits + (n_digits - 10), 10);
	out[CD_E164_LEN] = '\0';
	return CD_NORM_OK;
}

int
cd_e164_npa(const char *valid_e164)
{
	return (valid_e164[2] - '0') * 100 + (valid_e164[3] - '0') * 10 +
		(valid_e164[4] - '0');
}

uint64_t
cd_e164_national(const char *valid_e164)
{
	uint64_t	v = 0;
	int			i;

	for (i = 2; i < CD_E164_LEN; i++)
		v = v * 10 + (uint64_t) (valid_e164[i] - '0');
	return v;
}

bool
cd_e164_nanp_digits_ok(const char *valid_e164)
{
	return valid_e164[2] >= '2' && valid_e164[2] <= '9' &&
		valid_e164[5] >= '2' && valid_e164[5] <= '9';
}

/* ---------- UUIDs ---------- */

static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
cd_uuid_parse(const char *s, size_t len, unsigned char out[16])
{
	unsigned char buf[16];
	size_t		i;
	int			nb = 0;

	if (len != CD_UUID_TEXT_LEN)
		return false;
	for (i = 0; i < CD_UUID_TEXT_LEN; i++)
	{
		int			hi,
					lo;

		if (i == 8 || i == 13 || i == 18 || i == 23)
		{
			if (s[i] != '-')
				return false;
			continue;
		}
		hi = hex_value((unsigned char) s[i]);
		lo = hex_value((unsigned char) s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		buf[nb++] = (unsigned char) (hi << 4 | lo);
		i++;					/* the pair never straddles a hyphen */
	}
	memcpy(out, buf, sizeof(buf));
	return true;
}

void
cd_uuid_format(const unsigned char in[16], char out[CD_UUID_TEXT_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	int			i;
	char	   *p = out;

	for (i = 0; i < 16; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[in[i] >> 4];
		*p++ = hex[in[i] & 0x0f];
	}
	*p = '\0';
}

/*
 * RFC 9562 section 5.7: bytes 0-5 the big-endian Unix millisecond time
 * (only its low 48 bits; that lasts until the year 10889), the high nibble
 * of byte 6 the version 7, the top two bits of byte 8 the variant 10.  All
 * other bits come from rnd at the same positions; rnd's bytes 0-5 are unused.
 */
void
cd_uuid7_make(uint64_t unix_ms, const unsigned char rnd[16],
			  unsigned char out[16])
{
	int			i;

	for (i = 0; i < 6; i++)
		out[i] = (unsigned char) (unix_ms >> (8 * (5 - i)));
	for (i = 6; i < 16; i++)
		out[i] = rnd[i];
	out[6] = (unsigned char) (0x70 | (rnd[6] & 0x0f));
	out[8] = (unsigned char) (0x80 | (rnd[8] & 0x3f));
}
