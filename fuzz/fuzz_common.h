/*
 * fuzz_common.h - what the CSV fuzz targets share: an arena whose every
 * allocation is its own malloc block (so AddressSanitizer sees each
 * overrun) and which frees them all after a run, a stand-in for the
 * server's time-zone lookup that the fuzzer can answer both ways, and a
 * check that a string is printable UTF-8.  Included by fuzz_csv.c and
 * fuzz_exch_csv.c, after <assert.h> with NDEBUG undefined.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cd_alloc.h"

/* ---------- an arena of separately malloc'd blocks ---------- */

typedef union arena_block
{
	union arena_block *next;
	max_align_t align;
} arena_block;

static arena_block *arena_head = NULL;

static inline void *
arena_zalloc(size_t size, void *arg)
{
	arena_block *b;

	(void) arg;
	if (size > SIZE_MAX - sizeof(arena_block))
		return NULL;
	b = calloc(1, sizeof(arena_block) + size);
	if (b == NULL)
		return NULL;
	b->next = arena_head;
	arena_head = b;
	return b + 1;
}

static inline void
arena_free_all(void)
{
	while (arena_head != NULL)
	{
		arena_block *n = arena_head->next;

		free(arena_head);
		arena_head = n;
	}
}

static const cd_alloc arena = {arena_zalloc, NULL};

/*
 * Known zones: names of two parts, each an upper-case letter and then
 * letters or '_' (America/New_York, Europe/X...), so the fuzzer can reach
 * both answers.  The name must be a short NUL-terminated string.
 */
static inline bool
tz_known(const char *name, void *arg)
{
	size_t		len = strlen(name);
	int			parts = 0;
	bool		part_start = true;
	size_t		i;

	(void) arg;
	assert(len > 0 && len <= 255);
	for (i = 0; i < len; i++)
	{
		char		c = name[i];

		if (part_start)
		{
			if (c < 'A' || c > 'Z')
				return false;
			parts++;
			part_start = false;
		}
		else if (c == '/')
			part_start = true;
		else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'))
			return false;
	}
	return parts == 2 && !part_start;
}

/* Is s a valid UTF-8 string without control characters? */
static inline bool
printable_utf8(const char *s)
{
	const unsigned char *u = (const unsigned char *) s;

	while (*u)
	{
		int			n,
					i;

		if (*u < 0x20 || *u == 0x7F)
			return false;
		if (*u < 0x80)
		{
			u++;
			continue;
		}
		if (*u >= 0xC2 && *u <= 0xDF)
			n = 1;
		else if (*u >= 0xE0 && *u <= 0xEF)
			n = 2;
		else if (*u >= 0xF0 && *u <= 0xF4)
			n = 3;
		else
			return false;
		for (i = 1; i <= n; i++)
		{
			if ((u[i] & 0xC0) != 0x80)
				return false;
		}
		u += n + 1;
	}
	return true;
}

#endif							/* FUZZ_COMMON_H */
