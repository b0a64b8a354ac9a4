/*
 * cd_e164.h - the us_e164 rule, normalization of what people type, NANP
 * digit rules, and canonical UUID text.  Pure C: no PostgreSQL headers.
 *
 * Inputs are (pointer, length) pairs and need not be NUL-terminated; they may
 * contain any bytes, including NUL.  Nothing here allocates.
 */
#ifndef CD_E164_H
#define CD_E164_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CD_E164_LEN 12			/* "+1" and 10 digits */

typedef enum cd_e164_status
{
	CD_E164_OK = 0,
	CD_E164_BAD_LENGTH,			/* not exactly 12 bytes */
	CD_E164_BAD_PREFIX,			/* does not start with "+1" */
	CD_E164_BAD_DIGIT			/* a byte after "+1" is not ASCII 0-9 */
} cd_e164_status;

/* Checks the us_e164 rule: exactly "+1" followed by 10 ASCII digits. */
extern cd_e164_status cd_e164_check(const char *s, size_t len);

typedef enum cd_norm_status
{
	CD_NORM_OK = 0,
	CD_NORM_EMPTY,				/* no digits at all */
	CD_NORM_NON_ASCII,			/* a byte >= 0x80: Unicode or full-width digits */
	CD_NORM_EXTENSION,			/* an extension: "x", "ext", "#", ";ext=" ... */
	CD_NORM_LETTERS,			/* other letters (vanity numbers, words) */
	CD_NORM_BAD_CHARACTER,		/* a character other than digits, blanks, ( ) - . + */
	CD_NORM_MISPLACED_PLUS,		/* "+" anywhere but first */
	CD_NORM_OTHER_COUNTRY,		/* "+" followed by a country code other than 1 */
	CD_NORM_TOO_FEW_DIGITS,		/* fewer than 10 digits */
	CD_NORM_TOO_MANY_DIGITS,	/* more than 11 digits */
	CD_NORM_BAD_TRUNK,			/* 11 digits not starting with 1 */
	CD_NORM_URI_NOT_GLOBAL,		/* a tel: URI whose number does not start with "+" */
	CD_NORM_URI_PARAMETER		/* a tel: URI parameter other than ;ext= (isub, phone-context...) */
} cd_norm_status;

/*
 * Turns a typed US number into canonical "+1NNNNNNNNNN" form.
 * Accepted: 10 digits, or 11 digits starting with 1, optionally after one
 * leading "+", separated by blanks (space, tab) and ( ) - . in any places.
 * Also an RFC 3966 tel: URI of a global US number ("tel:+1-212-555-0123",
 * scheme in any case, blanks around it only): "+1" and 10 digits with the
 * visual separators ( ) - . and no parameter; ";ext=" is an extension.
 * The parsing is done by each byte's class alone, in one pass.
 * On CD_NORM_OK, out holds 12 bytes plus a NUL; otherwise out is untouched.
 * *bad_pos (if not NULL) receives the 0-based byte offset of the first
 * offending byte for the character-class errors, else -1.
 */
extern cd_norm_status cd_e164_normalize(const char *s, size_t len,
										char out[CD_E164_LEN + 1],
										long *bad_pos);

/* Area code (NPA) of a valid us_e164 value as a number 0..999. */
extern int	cd_e164_npa(const char *valid_e164);

/* The 10-digit national number of a valid us_e164 value, as an integer. */
extern uint64_t cd_e164_national(const char *valid_e164);

/*
 * NANP digit rules on a valid us_e164 value: the area code and the
 * exchange (NXX) must each start with 2-9.
 */
extern bool cd_e164_nanp_digits_ok(const char *valid_e164);

#define CD_UUID_TEXT_LEN 36

/*
 * Parses a UUID in canonical 8-4-4-4-12 hex form (either letter case, no
 * braces, no blanks).  Returns false, leaving out untouched, otherwise.
 */
extern bool cd_uuid_parse(const char *s, size_t len, unsigned char out[16]);

/* Formats 16 bytes as canonical lower-case UUID text plus a NUL. */
extern void cd_uuid_format(const unsigned char in[16], char out[CD_UUID_TEXT_LEN + 1]);

/*
 * Lays out a version 7 UUID: the 48-bit Unix time in milliseconds, then the
 * random bits of rnd (16 bytes, e.g. from libuuid), with the version and
 * variant bits set.
 */
extern void cd_uuid7_make(uint64_t unix_ms, const unsigned char rnd[16],
						  unsigned char out[16]);

#endif							/* CD_E164_H */
