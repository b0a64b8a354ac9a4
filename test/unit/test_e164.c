/*
 * test_e164.c - unit tests of cd_e164.c: the us_e164 rule, normalization,
 * NANP digit rules and UUID text.
 */
#include "cd_test.h"

#include "cd_e164.h"

/* ---------- helpers ---------- */

static cd_e164_status
chk(const char *s)
{
	return cd_e164_check(s, strlen(s));
}

/*
 * Printable form of s for test names: bytes outside printable ASCII as
 * \xNN.  Returns one of two static buffers, so two calls can share a line.
 */
static const char *
show(const char *s)
{
	static char bufs[2][256];
	static int	which = 0;
	char	   *b = bufs[which];
	size_t		o = 0;

	which = 1 - which;
	for (; *s && o + 5 < sizeof(bufs[0]); s++)
	{
		unsigned char c = (unsigned char) *s;

		if (c >= 0x20 && c < 0x7F)
			b[o++] = (char) c;
		else
			o += (size_t) snprintf(b + o, sizeof(bufs[0]) - o, "\\x%02x", c);
	}
	b[o] = '\0';
	return b;
}

static char norm_out[CD_E164_LEN + 1];
static long norm_pos;

/* Normalizes s (len bytes) into norm_out / norm_pos. */
static cd_norm_status
norm_n(const char *s, size_t len)
{
	memset(norm_out, 'Z', sizeof(norm_out));
	norm_pos = -99;
	return cd_e164_normalize(s, len, norm_out, &norm_pos);
}

static cd_norm_status
norm(const char *s)
{
	return norm_n(s, strlen(s));
}

/* Checks that s normalizes to want. */
static void
norm_ok(const char *s, const char *want)
{
	cd_norm_status st = norm(s);

	CHECK(st == CD_NORM_OK && strcmp(norm_out, want) == 0 && norm_pos == -1,
		  "normalize \"%s\" -> %s (status %d, got \"%.12s\")", show(s), want,
		  (int) st, norm_out);
}

/* Checks that s fails with status want and bad_pos pos (-1: none). */
static void
norm_fail(const char *s, cd_norm_status want, long pos)
{
	cd_norm_status st = norm(s);
	bool		untouched = true;
	size_t		i;

	for (i = 0; i < sizeof(norm_out); i++)
		untouched = untouched && norm_out[i] == 'Z';
	CHECK(st == want && norm_pos == pos && untouched,
		  "normalize \"%s\" fails with %d at %ld (got %d at %ld)", show(s),
		  (int) want, pos, (int) st, norm_pos);
}

/* ---------- cd_e164_check ---------- */

static void
test_check(void)
{
	char		buf[32];
	size_t		i;

	CHECK(chk("+12125550123") == CD_E164_OK, "check: canonical number");
	CHECK(chk("+15551234567") == CD_E164_OK, "check: API example +15551234567");
	CHECK(chk("+19876543210") == CD_E164_OK, "check: API example +19876543210");
	CHECK(chk("+10000000000") == CD_E164_OK, "check: the rule is digits only, not NANP");
	CHECK(chk("") == CD_E164_BAD_LENGTH, "check: empty");
	CHECK(cd_e164_check(NULL, 0) == CD_E164_BAD_LENGTH, "check: NULL with length 0");
	CHECK(chk("+1212555012") == CD_E164_BAD_LENGTH, "check: 11 bytes");
	CHECK(chk("+121255501234") == CD_E164_BAD_LENGTH, "check: 13 bytes");
	CHECK(chk("+1212555012 ") == CD_E164_BAD_DIGIT, "check: 12 bytes ending in a space");
	CHECK(chk(" +1212555012") == CD_E164_BAD_PREFIX, "check: 12 bytes starting with a space");
	CHECK(chk("+12125550123 ") == CD_E164_BAD_LENGTH, "check: trailing space");
	CHECK(chk(" +12125550123") == CD_E164_BAD_LENGTH, "check: leading space");
	CHECK(chk("+442079460958") == CD_E164_BAD_LENGTH, "check: UK number is 13 bytes");
	CHECK(chk("+44207946095") == CD_E164_BAD_PREFIX, "check: other country, 12 bytes");
	CHECK(chk("112125550123") == CD_E164_BAD_PREFIX, "check: no plus");
	CHECK(chk("1+2125550123") == CD_E164_BAD_PREFIX, "check: plus second");
	CHECK(chk("+2212555012x") == CD_E164_BAD_PREFIX, "check: prefix checked before digits");
	CHECK(chk("+1212555012a") == CD_E164_BAD_DIGIT, "check: letter");
	CHECK(chk("+1212-550123") == CD_E164_BAD_DIGIT, "check: hyphen");
	CHECK(chk("+1 2125550123") == CD_E164_BAD_LENGTH, "check: space after +1");
	CHECK(chk("+1212555012\xd9") == CD_E164_BAD_DIGIT, "check: high byte");
	/* "+1" then nine digits and a full-width digit is 14 bytes */
	CHECK(chk("+1212555012\xef\xbc\x93") == CD_E164_BAD_LENGTH, "check: full-width digit");
	CHECK(cd_e164_check("+1212555\0" "123", 12) == CD_E164_BAD_DIGIT, "check: NUL inside");
	CHECK(cd_e164_check("+12125550123", 11) == CD_E164_BAD_LENGTH,
		  "check: reads only len bytes");
	CHECK(cd_e164_check("+12125550123XYZ", 12) == CD_E164_OK,
		  "check: ignores bytes after len");

	/* every single byte substituted at every digit position */
	for (i = 2; i < 12; i++)
	{
		int			c;
		int			bad = 0;

		for (c = 0; c < 256; c++)
		{
			cd_e164_status st;
			bool		digit = (c >= '0' && c <= '9');

			memcpy(buf, "+12125550123", 12);
			buf[i] = (char) c;
			st = cd_e164_check(buf, 12);
			if ((st == CD_E164_OK) != digit || (!digit && st != CD_E164_BAD_DIGIT))
				bad++;
		}
		CHECK(bad == 0, "check: all 256 bytes at position %zu", i);
	}
}

/* ---------- cd_e164_normalize ---------- */

static void
test_normalize_ok(void)
{
	norm_ok("+12125550123", "+12125550123");
	norm_ok("1-212-555-0123", "+12125550123");
	norm_ok("(212) 555-0123", "+12125550123");
	norm_ok("212.555.0123", "+12125550123");
	norm_ok("+1 212 555 0123", "+12125550123");
	norm_ok("12125550123", "+12125550123");
	norm_ok("2125550123", "+12125550123");
	norm_ok("+1 (212) 555-0123", "+12125550123");
	norm_ok("1 (212) 555-0123", "+12125550123");
	norm_ok("  2125550123  ", "+12125550123");
	norm_ok("\t+12125550123\t", "+12125550123");
	norm_ok(" \t +1-212-555-0123 \t ", "+12125550123");
	norm_ok("+ 1 212 555 0123", "+12125550123");
	norm_ok("212 - 555 - 0123", "+12125550123");
	norm_ok("((212))..555--0123", "+12125550123");
	norm_ok("2 1 2 5 5 5 0 1 2 3", "+12125550123");
	norm_ok("-212-555-0123-", "+12125550123");
	norm_ok(".2125550123.", "+12125550123");
	norm_ok("1.212.555.0123", "+12125550123");
	norm_ok("5551234567", "+15551234567");
	norm_ok("+15551234567", "+15551234567");
	norm_ok("0123456789", "+10123456789");
	norm_ok("11234567890", "+11234567890");

	{
		cd_norm_status st = cd_e164_normalize("2125550123", 10, norm_out, NULL);

		CHECK(st == CD_NORM_OK && strcmp(norm_out, "+12125550123") == 0,
			  "normalize: bad_pos may be NULL");
	}
	{
		cd_norm_status st = norm_n("2125550123999", 10);

		CHECK(st == CD_NORM_OK && strcmp(norm_out, "+12125550123") == 0,
			  "normalize: reads only len bytes");
	}
}

static void
test_normalize_fail(void)
{
	/* nothing to normalize */
	norm_fail("", CD_NORM_EMPTY, -1);
	norm_fail("   ", CD_NORM_EMPTY, -1);
	norm_fail("\t \t", CD_NORM_EMPTY, -1);
	norm_fail("()-.", CD_NORM_EMPTY, -1);
	norm_fail("+", CD_NORM_EMPTY, -1);
	norm_fail(" + ", CD_NORM_EMPTY, -1);
	{
		cd_norm_status st = cd_e164_normalize(NULL, 0, norm_out, &norm_pos);

		CHECK(st == CD_NORM_EMPTY && norm_pos == -1, "normalize: NULL with length 0");
	}

	/* digit counts */
	norm_fail("555-0123", CD_NORM_TOO_FEW_DIGITS, -1);
	norm_fail("5550123", CD_NORM_TOO_FEW_DIGITS, -1);
	norm_fail("212555012", CD_NORM_TOO_FEW_DIGITS, -1);
	norm_fail("1", CD_NORM_TOO_FEW_DIGITS, -1);
	norm_fail("121255501", CD_NORM_TOO_FEW_DIGITS, -1);
	norm_fail("22125550123", CD_NORM_BAD_TRUNK, -1);
	norm_fail("02125550123", CD_NORM_BAD_TRUNK, -1);
	norm_fail("(212) 555-01234", CD_NORM_BAD_TRUNK, -1);
	norm_fail("121255501234", CD_NORM_TOO_MANY_DIGITS, -1);
	norm_fail("212555012345", CD_NORM_TOO_MANY_DIGITS, -1);
	norm_fail("1212555012345678901234567890", CD_NORM_TOO_MANY_DIGITS, -1);
	norm_fail("+1212555012", CD_NORM_TOO_FEW_DIGITS, -1);
	norm_fail("+1 212 555 012", CD_NORM_TOO_FEW_DIGITS, -1);
	norm_fail("+1", CD_NORM_TOO_FEW_DIGITS, -1);
	norm_fail("+121255501234", CD_NORM_TOO_MANY_DIGITS, -1);
	norm_fail("+2125550123", CD_NORM_OTHER_COUNTRY, -1);

	/* other countries */
	norm_fail("+44 20 7946 0958", CD_NORM_OTHER_COUNTRY, -1);
	norm_fail("+442079460958", CD_NORM_OTHER_COUNTRY, -1);
	norm_fail("+52 55 1234 5678", CD_NORM_OTHER_COUNTRY, -1);
	norm_fail("+7 495 123 4567", CD_NORM_OTHER_COUNTRY, -1);
	norm_fail("+0 212 555 0123", CD_NORM_OTHER_COUNTRY, -1);
	norm_fail("+(44) 20 7946 0958", CD_NORM_OTHER_COUNTRY, -1);

	/* misplaced plus */
	norm_fail("1+2125550123", CD_NORM_MISPLACED_PLUS, 1);
	norm_fail("++12125550123", CD_NORM_MISPLACED_PLUS, 1);
	norm_fail("(+1) 212 555 0123", CD_NORM_MISPLACED_PLUS, 1);
	norm_fail("2125550123+", CD_NORM_MISPLACED_PLUS, 10);
	norm_fail("  -+12125550123", CD_NORM_MISPLACED_PLUS, 3);

	/* extensions */
	norm_fail("212-555-0123 x123", CD_NORM_EXTENSION, 13);
	norm_fail("212-555-0123x123", CD_NORM_EXTENSION, 12);
	norm_fail("212-555-0123 X 123", CD_NORM_EXTENSION, 13);
	norm_fail("212-555-0123 ext. 12", CD_NORM_EXTENSION, 13);
	norm_fail("212-555-0123 ext 12", CD_NORM_EXTENSION, 13);
	norm_fail("212-555-0123 EXT12", CD_NORM_EXTENSION, 13);
	norm_fail("212-555-0123 Ext.12", CD_NORM_EXTENSION, 13);
	norm_fail("212-555-0123 extn 12", CD_NORM_EXTENSION, 13);
	norm_fail("212-555-0123 extension 12", CD_NORM_EXTENSION, 13);
	norm_fail("212-555-0123 #12", CD_NORM_EXTENSION, 13);
	norm_fail("212-555-0123#12", CD_NORM_EXTENSION, 12);
	norm_fail("+12125550123;ext=12", CD_NORM_EXTENSION, 12);
	norm_fail("+12125550123;EXT=12", CD_NORM_EXTENSION, 12);
	norm_fail("212-555-0123 x", CD_NORM_EXTENSION, 13);
	norm_fail("555 x12", CD_NORM_EXTENSION, 4);

	/* letters that are not an extension */
	norm_fail("1-800-FLOWERS", CD_NORM_LETTERS, 6);
	norm_fail("1-800-flowers", CD_NORM_LETTERS, 6);
	norm_fail("abc", CD_NORM_LETTERS, 0);
	norm_fail("x123", CD_NORM_LETTERS, 0);
	norm_fail("ext 12", CD_NORM_LETTERS, 0);
	norm_fail("tel+12125550123", CD_NORM_LETTERS, 0);
	norm_fail("te:+12125550123", CD_NORM_LETTERS, 0);
	norm_fail("sip:+12125550123", CD_NORM_LETTERS, 0);
	norm_fail("212555xxxx", CD_NORM_LETTERS, 6);
	norm_fail("212-555-0123 extra", CD_NORM_LETTERS, 13);
	norm_fail("212-555-0123 xtra", CD_NORM_LETTERS, 13);
	norm_fail("212-555-0123 e", CD_NORM_LETTERS, 13);
	norm_fail("212-555-O123", CD_NORM_LETTERS, 8);
	norm_fail("212-555-0123 ex", CD_NORM_LETTERS, 13);

	/* other characters */
	norm_fail("#12", CD_NORM_BAD_CHARACTER, 0);
	norm_fail(";ext=12", CD_NORM_BAD_CHARACTER, 0);
	norm_fail("212-555-0123;", CD_NORM_BAD_CHARACTER, 12);
	norm_fail("212-555-0123;foo", CD_NORM_BAD_CHARACTER, 12);
	norm_fail("212/555/0123", CD_NORM_BAD_CHARACTER, 3);
	norm_fail("212,555,0123", CD_NORM_BAD_CHARACTER, 3);
	norm_fail("[212] 555 0123", CD_NORM_BAD_CHARACTER, 0);
	norm_fail("2125550123\n", CD_NORM_BAD_CHARACTER, 10);
	norm_fail("\r2125550123", CD_NORM_BAD_CHARACTER, 0);
	norm_fail("212_555_0123", CD_NORM_BAD_CHARACTER, 3);
	norm_fail("*2125550123", CD_NORM_BAD_CHARACTER, 0);
	{
		cd_norm_status st = norm_n("212\0" "5550123", 11);

		CHECK(st == CD_NORM_BAD_CHARACTER && norm_pos == 3,
			  "normalize: NUL byte inside (status %d at %ld)", (int) st, norm_pos);
	}
	{
		cd_norm_status st = norm_n("2125550123\0", 11);

		CHECK(st == CD_NORM_BAD_CHARACTER && norm_pos == 10,
			  "normalize: trailing NUL byte counts (status %d at %ld)", (int) st, norm_pos);
	}

	/* non-ASCII: full-width digits, Arabic-Indic digits, Unicode spaces */
	norm_fail("\xef\xbc\x92\xef\xbc\x91\xef\xbc\x92\xef\xbc\x95\xef\xbc\x95\xef\xbc\x95"
			  "\xef\xbc\x90\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93", CD_NORM_NON_ASCII, 0);
	norm_fail("212555012\xef\xbc\x93", CD_NORM_NON_ASCII, 9);
	norm_fail("\xd9\xa2\xd9\xa1\xd9\xa2\xd9\xa5\xd9\xa5\xd9\xa5\xd9\xa0\xd9\xa1\xd9\xa2\xd9\xa3",
			  CD_NORM_NON_ASCII, 0);
	norm_fail("212\xc2\xa0" "555 0123", CD_NORM_NON_ASCII, 3);	/* no-break space */
	norm_fail("212\xe2\x80\x91" "555-0123", CD_NORM_NON_ASCII, 3);	/* non-breaking hyphen */
	norm_fail("\xef\xbc\x8b" "12125550123", CD_NORM_NON_ASCII, 0);	/* full-width plus */
	norm_fail("212-555-0123 \xc3\xa9xt", CD_NORM_NON_ASCII, 13);
	norm_fail("\xff", CD_NORM_NON_ASCII, 0);

	/* the first offending byte decides */
	norm_fail("abc\xef\xbc\x91", CD_NORM_LETTERS, 0);
	norm_fail("\xef\xbc\x91" "abc", CD_NORM_NON_ASCII, 0);
	norm_fail("+44 abc", CD_NORM_LETTERS, 4);
	norm_fail("1+abc", CD_NORM_MISPLACED_PLUS, 1);
	norm_fail("2125550123456 x1", CD_NORM_EXTENSION, 14);

	/* output is left untouched on failure even for long inputs */
	{
		char		out[CD_E164_LEN + 1] = "unchanged!!";
		cd_norm_status st = cd_e164_normalize("2125550123x", 11, out, NULL);

		CHECK(st == CD_NORM_EXTENSION && strcmp(out, "unchanged!!") == 0,
			  "normalize: out untouched on failure");
	}
}

/* ---------- RFC 3966 tel: URIs ---------- */

static void
test_normalize_tel(void)
{
	norm_ok("tel:+1-212-555-0123", "+12125550123");
	norm_ok("tel:+12125550123", "+12125550123");
	norm_ok("TEL:+1.212.555.0123", "+12125550123");
	norm_ok("Tel:+1(212)555-0123", "+12125550123");
	norm_ok("  tel:+1-212-555-0123  ", "+12125550123");
	norm_ok("\ttel:+1-212-555-0123\t", "+12125550123");
	norm_ok("tel:+1-800-555-0199", "+18005550199");

	/* a local number, or none */
	norm_fail("tel:212-555-0123", CD_NORM_URI_NOT_GLOBAL, 4);
	norm_fail("tel:1-212-555-0123", CD_NORM_URI_NOT_GLOBAL, 4);
	norm_fail("tel: +1-212-555-0123", CD_NORM_URI_NOT_GLOBAL, 4);
	norm_fail("  tel:(212) 555-0123", CD_NORM_URI_NOT_GLOBAL, 6);
	norm_fail("tel:", CD_NORM_EMPTY, -1);
	norm_fail("tel:+", CD_NORM_EMPTY, -1);
	norm_fail("tel:+-", CD_NORM_EMPTY, -1);

	/* an extension is refused; so is any other parameter */
	norm_fail("tel:+1-212-555-0123;ext=45", CD_NORM_EXTENSION, 19);
	norm_fail("tel:+1-212-555-0123;EXT=45", CD_NORM_EXTENSION, 19);
	norm_fail("tel:+1-212-555-0123;isub=45", CD_NORM_URI_PARAMETER, 19);
	norm_fail("tel:+1-212-555-0123;phone-context=example.com", CD_NORM_URI_PARAMETER, 19);
	norm_fail("tel:+1-212-555-0123;", CD_NORM_URI_PARAMETER, 19);
	norm_fail("tel:+1-212-555-0123;ext", CD_NORM_URI_PARAMETER, 19);
	norm_fail("tel:+1-212-555-0123 x45", CD_NORM_BAD_CHARACTER, 19);

	/* the number's own rules */
	norm_fail("tel:+44-20-7946-0958", CD_NORM_OTHER_COUNTRY, -1);
	norm_fail("tel:+1-212-555-012", CD_NORM_TOO_FEW_DIGITS, -1);
	norm_fail("tel:+1-212-555-01234", CD_NORM_TOO_MANY_DIGITS, -1);
	norm_fail("tel:+1 212 555 0123", CD_NORM_BAD_CHARACTER, 6);
	norm_fail("tel:+1-212-555-0123+", CD_NORM_MISPLACED_PLUS, 19);
	norm_fail("tel:+1-800-FLOWERS", CD_NORM_LETTERS, 11);
	norm_fail("tel:+1/212/555/0123", CD_NORM_BAD_CHARACTER, 6);
	norm_fail("tel:+1-212-555-\xef\xbc\x90" "123", CD_NORM_NON_ASCII, 15);
	norm_fail("tel:tel:+12125550123", CD_NORM_URI_NOT_GLOBAL, 4);
	norm_fail("x tel:+12125550123", CD_NORM_LETTERS, 0);
	{
		cd_norm_status st = norm_n("tel:+1212555012399", 16);

		CHECK(st == CD_NORM_OK && strcmp(norm_out, "+12125550123") == 0,
			  "normalize tel: reads only len bytes");
	}
	{
		cd_norm_status st = norm_n("tel", 3);

		CHECK(st == CD_NORM_LETTERS && norm_pos == 0, "normalize: \"tel\" alone is letters");
	}
}

/* Every canonical value normalizes to itself; every byte sequence that
 * check accepts is exactly what normalize produces for it. */
static void
test_normalize_roundtrip(void)
{
	static const char *const inputs[] = {
		"+12125550123", "+10000000000", "+19999999999", "+15551234567"
	};
	size_t		i;
	int			bad = 0;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
	{
		char		out[CD_E164_LEN + 1];
		char		out2[CD_E164_LEN + 1];

		if (cd_e164_normalize(inputs[i], strlen(inputs[i]), out, NULL) != CD_NORM_OK ||
			strcmp(out, inputs[i]) != 0 ||
			cd_e164_check(out, strlen(out)) != CD_E164_OK ||
			cd_e164_normalize(out, strlen(out), out2, NULL) != CD_NORM_OK ||
			strcmp(out, out2) != 0)
			bad++;
	}
	CHECK(bad == 0, "normalize: canonical values are fixed points");
}

/* ---------- area code, national number, NANP digits ---------- */

static void
test_parts(void)
{
	CHECK(cd_e164_npa("+12125550123") == 212, "npa 212");
	CHECK(cd_e164_npa("+10005550123") == 0, "npa 000");
	CHECK(cd_e164_npa("+19995550123") == 999, "npa 999");
	CHECK(cd_e164_national("+12125550123") == UINT64_C(2125550123), "national 2125550123");
	CHECK(cd_e164_national("+10000000000") == 0, "national 0");
	CHECK(cd_e164_national("+19999999999") == UINT64_C(9999999999), "national 9999999999");
	CHECK(cd_e164_national("+10000000001") == 1, "national 1");

	CHECK(cd_e164_nanp_digits_ok("+12125550123"), "nanp: 212-555 ok");
	CHECK(cd_e164_nanp_digits_ok("+12002000000"), "nanp: 200-200 ok");
	CHECK(cd_e164_nanp_digits_ok("+19999999999"), "nanp: 999-999 ok");
	CHECK(!cd_e164_nanp_digits_ok("+10125550123"), "nanp: area code starting 0");
	CHECK(!cd_e164_nanp_digits_ok("+11125550123"), "nanp: area code starting 1");
	CHECK(!cd_e164_nanp_digits_ok("+12120550123"), "nanp: exchange starting 0");
	CHECK(!cd_e164_nanp_digits_ok("+12121550123"), "nanp: exchange starting 1");
	CHECK(cd_e164_nanp_digits_ok("+12122000000"), "nanp: line number may start with 0");
}

/* ---------- UUIDs ---------- */

static void
test_uuid(void)
{
	static const unsigned char want[16] = {
		0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3,
		0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00
	};
	unsigned char u[16];
	unsigned char keep[16];
	char		text[CD_UUID_TEXT_LEN + 1];
	const char *lower = "123e4567-e89b-12d3-a456-426614174000";
	const char *upper = "123E4567-E89B-12D3-A456-426614174000";
	int			i;

	CHECK(cd_uuid_parse(lower, 36, u) && memcmp(u, want, 16) == 0, "uuid: lower case");
	CHECK(cd_uuid_parse(upper, 36, u) && memcmp(u, want, 16) == 0, "uuid: upper case");
	CHECK(cd_uuid_parse("123e4567-E89B-12d3-A456-426614174000", 36, u) &&
		  memcmp(u, want, 16) == 0, "uuid: mixed case");
	CHECK(cd_uuid_parse("00000000-0000-0000-0000-000000000000", 36, u), "uuid: nil");
	CHECK(cd_uuid_parse("ffffffff-ffff-ffff-ffff-ffffffffffff", 36, u), "uuid: max");

	memset(keep, 0xAB, 16);
	memcpy(u, keep, 16);
	CHECK(!cd_uuid_parse("{123e4567-e89b-12d3-a456-426614174000}", 38, u) &&
		  memcmp(u, keep, 16) == 0, "uuid: braces rejected, out untouched");
	CHECK(!cd_uuid_parse("123e4567e89b12d3a456426614174000", 32, u), "uuid: no hyphens");
	CHECK(!cd_uuid_parse("123e4567-e89b-12d3-a456-42661417400", 35, u), "uuid: 35 chars");
	CHECK(!cd_uuid_parse("123e4567-e89b-12d3-a456-4266141740000", 37, u), "uuid: 37 chars");
	CHECK(!cd_uuid_parse("123e4567-e89b-12d3-a456-426614174000", 35, u), "uuid: len 35");
	CHECK(!cd_uuid_parse("", 0, u), "uuid: empty");
	CHECK(!cd_uuid_parse("123e4567+e89b-12d3-a456-426614174000", 36, u), "uuid: plus for hyphen");
	CHECK(!cd_uuid_parse("123e456-7e89b-12d3-a456-426614174000", 36, u), "uuid: hyphen moved");
	CHECK(!cd_uuid_parse("123e4567-e89b12d3--a456-426614174000", 36, u), "uuid: hyphens moved");
	CHECK(!cd_uuid_parse("123e4567-e89b-12d3-a456-42661417400g", 36, u), "uuid: non-hex g");
	CHECK(!cd_uuid_parse("g23e4567-e89b-12d3-a456-426614174000", 36, u), "uuid: non-hex first");
	CHECK(!cd_uuid_parse("123e4567-e89b-12d3-a456-4266 4174000", 36, u), "uuid: space inside");
	CHECK(!cd_uuid_parse(" 23e4567-e89b-12d3-a456-426614174000", 36, u), "uuid: leading space");
	CHECK(!cd_uuid_parse("123e4567-e89b-12d3-a456-42661417400\0", 36, u), "uuid: NUL last");
	CHECK(!cd_uuid_parse("123e4567-e89b-12d3-a456-4266141740\xc3\xa9", 36, u), "uuid: UTF-8");
	CHECK(!cd_uuid_parse("123e4567-e89b-12d3-a456-42661417400G", 36, u), "uuid: non-hex G");
	CHECK(!cd_uuid_parse("123e4567-e89b-12d3-a456-42661417400:", 36, u), "uuid: colon");
	CHECK(!cd_uuid_parse("123e4567-e89b-12d3-a456-42661417400/", 36, u), "uuid: slash");
	CHECK(!cd_uuid_parse("123e4567-e89b-12d3-a456-42661417400@", 36, u), "uuid: at sign");
	CHECK(!cd_uuid_parse("123e4567-e89b-12d3-a456-42661417400`", 36, u), "uuid: backquote");

	/* each hex position and each hyphen position */
	{
		int			bad = 0;

		for (i = 0; i < 36; i++)
		{
			char		buf[36];
			bool		hyphen_pos = (i == 8 || i == 13 || i == 18 || i == 23);

			memcpy(buf, lower, 36);
			buf[i] = hyphen_pos ? '0' : '-';
			if (cd_uuid_parse(buf, 36, u))
				bad++;
			buf[i] = hyphen_pos ? '-' : 'x';
			if (hyphen_pos != cd_uuid_parse(buf, 36, u))
				bad++;
		}
		CHECK(bad == 0, "uuid: every position checked");
	}

	cd_uuid_format(want, text);
	CHECK(strcmp(text, lower) == 0, "uuid: format lower case (%s)", text);
	{
		unsigned char all[16];

		for (i = 0; i < 16; i++)
			all[i] = (unsigned char) (i * 17);
		cd_uuid_format(all, text);
		CHECK(strcmp(text, "00112233-4455-6677-8899-aabbccddeeff") == 0 && text[36] == '\0',
			  "uuid: format every nibble (%s)", text);
		CHECK(cd_uuid_parse(text, 36, u) && memcmp(u, all, 16) == 0, "uuid: round trip");
	}
}

static void
test_uuid7(void)
{
	unsigned char rnd[16];
	unsigned char u[16];
	char		text[CD_UUID_TEXT_LEN + 1];
	uint64_t	ms = UINT64_C(0x017F22E279B0);	/* RFC 9562 appendix A.6 */
	uint64_t	got = 0;
	int			i;

	for (i = 0; i < 16; i++)
		rnd[i] = 0xFF;
	cd_uuid7_make(ms, rnd, u);
	for (i = 0; i < 6; i++)
		got = got << 8 | u[i];
	CHECK(got == ms, "uuid7: 48-bit big-endian timestamp");
	CHECK((u[6] >> 4) == 7, "uuid7: version nibble 7");
	CHECK((u[8] & 0xC0) == 0x80, "uuid7: variant 10 (all-ones random)");
	CHECK((u[6] & 0x0F) == 0x0F && u[7] == 0xFF && (u[8] & 0x3F) == 0x3F,
		  "uuid7: random bits kept around version and variant");
	for (i = 9; i < 16; i++)
		CHECK(u[i] == 0xFF, "uuid7: byte %d from rnd", i);

	memset(rnd, 0, 16);
	cd_uuid7_make(ms, rnd, u);
	CHECK((u[6] >> 4) == 7 && (u[8] & 0xC0) == 0x80, "uuid7: version/variant with zero random");
	cd_uuid_format(u, text);
	CHECK(strncmp(text, "017f22e2-79b0-7000-8000-000000000000", 36) == 0,
		  "uuid7: RFC 9562 timestamp layout (%s)", text);
	CHECK(text[14] == '7' && strchr("89ab", text[19]) != NULL, "uuid7: text version/variant");

	/* the RFC's example random bits: 017F22E2-79B0-7CC3-98C4-DC0C0C07398F */
	{
		static const unsigned char r2[16] = {
			0, 0, 0, 0, 0, 0, 0x0C, 0xC3, 0x18, 0xC4, 0xDC, 0x0C, 0x0C, 0x07, 0x39, 0x8F
		};

		cd_uuid7_make(ms, r2, u);
		cd_uuid_format(u, text);
		CHECK(strcmp(text, "017f22e2-79b0-7cc3-98c4-dc0c0c07398f") == 0,
			  "uuid7: RFC 9562 example value (%s)", text);
	}

	/* only 48 bits of time are used */
	cd_uuid7_make(UINT64_C(0xFFFF000000000001), rnd, u);
	got = 0;
	for (i = 0; i < 6; i++)
		got = got << 8 | u[i];
	CHECK(got == 1, "uuid7: time truncated to 48 bits");

	/* later milliseconds sort later as bytes */
	{
		unsigned char a[16];
		unsigned char b[16];

		cd_uuid7_make(ms, rnd, a);
		for (i = 0; i < 16; i++)
			rnd[i] = 0xFF;
		cd_uuid7_make(ms - 1, rnd, b);
		CHECK(memcmp(b, a, 16) < 0, "uuid7: time-ordered");
	}
}

int
main(void)
{
	test_check();
	test_normalize_ok();
	test_normalize_fail();
	test_normalize_roundtrip();
	test_normalize_tel();
	test_parts();
	test_uuid();
	test_uuid7();
	CD_TEST_DONE();
}
