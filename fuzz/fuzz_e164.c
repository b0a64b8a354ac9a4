/*
 * fuzz_e164.c - libFuzzer target for the us_e164 rule and the UUID text
 * functions of cd_e164.c.
 *
 * Properties checked on every input:
 *   - cd_e164_check accepts exactly "+1" and 10 ASCII digits, and accepts s
 *     if and only if cd_e164_normalize(s) succeeds and gives s back;
 *   - on a valid value, the area code, national number and NANP digit rule
 *     agree with its digits;
 *   - cd_uuid_parse accepts exactly the 8-4-4-4-12 hex form, and formatting
 *     the result gives the input in lower case;
 *   - cd_uuid7_make sets the timestamp, version and variant, keeps the rest.
 * The input is copied into an exact-size heap buffer so AddressSanitizer
 * catches any read past its end.
 */
#undef NDEBUG					/* the properties are asserts */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cd_e164.h"

static bool
is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static void
check_e164(const char *s, size_t len)
{
	cd_e164_status st = cd_e164_check(s, len);
	char	   *out = malloc(CD_E164_LEN + 1);
	cd_norm_status ns;
	bool		expect = (len == CD_E164_LEN && s[0] == '+' && s[1] == '1');
	size_t		i;

	for (i = 2; expect && i < len; i++)
		expect = (s[i] >= '0' && s[i] <= '9');
	assert((st == CD_E164_OK) == expect);
	if (len != CD_E164_LEN)
		assert(st == CD_E164_BAD_LENGTH);

	assert(out != NULL);
	ns = cd_e164_normalize(s, len, out, NULL);
	assert((st == CD_E164_OK) == (ns == CD_NORM_OK && len == CD_E164_LEN &&
								  memcmp(out, s, len) == 0));

	if (st == CD_E164_OK)
	{
		int			npa = cd_e164_npa(s);
		uint64_t	nat = cd_e164_national(s);
		bool		nanp = cd_e164_nanp_digits_ok(s);

		assert(npa >= 0 && npa <= 999);
		assert(nat <= UINT64_C(9999999999));
		assert((int) (nat / UINT64_C(10000000)) == npa);
		assert(nanp == (s[2] >= '2' && s[5] >= '2'));
	}
	free(out);
}

static void
check_uuid(const char *s, size_t len)
{
	unsigned char *u = malloc(16);
	char	   *text = malloc(CD_UUID_TEXT_LEN + 1);
	bool		expect = (len == CD_UUID_TEXT_LEN);
	bool		ok;
	size_t		i;

	assert(u != NULL && text != NULL);
	for (i = 0; expect && i < len; i++)
	{
		if (i == 8 || i == 13 || i == 18 || i == 23)
			expect = (s[i] == '-');
		else
			expect = is_hex((unsigned char) s[i]);
	}
	memset(u, 0xA5, 16);
	ok = cd_uuid_parse(s, len, u);
	assert(ok == expect);
	if (ok)
	{
		cd_uuid_format(u, text);
		assert(text[CD_UUID_TEXT_LEN] == '\0');
		for (i = 0; i < CD_UUID_TEXT_LEN; i++)
		{
			char		c = s[i];

			if (c >= 'A' && c <= 'F')
				c = (char) (c - 'A' + 'a');
			assert(text[i] == c);
		}
	}
	else
	{
		for (i = 0; i < 16; i++)
			assert(u[i] == 0xA5);
	}
	free(text);
	free(u);
}

static void
check_uuid7(const uint8_t *data, size_t size)
{
	uint64_t	ms = 0;
	unsigned char *rnd;
	unsigned char *out;
	uint64_t	got = 0;
	int			i;

	if (size < 24)
		return;
	rnd = malloc(16);
	out = malloc(16);
	assert(rnd != NULL && out != NULL);
	for (i = 0; i < 8; i++)
		ms = ms << 8 | data[i];
	memcpy(rnd, data + 8, 16);
	cd_uuid7_make(ms, rnd, out);
	for (i = 0; i < 6; i++)
		got = got << 8 | out[i];
	assert(got == (ms & UINT64_C(0xFFFFFFFFFFFF)));
	assert((out[6] >> 4) == 7);
	assert((out[6] & 0x0F) == (rnd[6] & 0x0F));
	assert(out[7] == rnd[7]);
	assert((out[8] & 0xC0) == 0x80);
	assert((out[8] & 0x3F) == (rnd[8] & 0x3F));
	assert(memcmp(out + 9, rnd + 9, 7) == 0);
	free(out);
	free(rnd);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *s = malloc(size ? size : 1);

	if (s == NULL)
		return 0;
	if (size)
		memcpy(s, data, size);
	check_e164(s, size);
	check_uuid(s, size);
	check_uuid7(data, size);
	free(s);
	return 0;
}
