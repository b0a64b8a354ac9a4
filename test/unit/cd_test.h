/*
 * cd_test.h - a tiny test harness for the pure core's unit tests.
 *
 * Each CHECK prints "ok N - name" or "not ok N - name" (TAP style); main()
 * ends with CD_TEST_DONE(), which prints "1..N" and exits non-zero when any
 * check failed.
 */
#ifndef CD_TEST_H
#define CD_TEST_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_alloc.h"

static int	cd_test_n = 0;
static int	cd_test_failed = 0;

#define CHECK(cond, ...) \
	do { \
		cd_test_n++; \
		if (cond) \
			printf("ok %d - ", cd_test_n); \
		else \
		{ \
			cd_test_failed++; \
			printf("not ok %d - ", cd_test_n); \
		} \
		printf(__VA_ARGS__); \
		printf("%s\n", (cond) ? "" : "  <-- FAILED (" #cond ")"); \
	} while (0)

#define CD_TEST_DONE() \
	do { \
		printf("1..%d\n", cd_test_n); \
		test_arena_free_all(); \
		return cd_test_failed ? 1 : 0; \
	} while (0)

/* An arena allocator: every block is freed by test_arena_free_all(). */
typedef union test_block
{
	union test_block *next;
	max_align_t align;			/* keeps the block after the header aligned */
} test_block;
static test_block *test_blocks = NULL;

static void *
test_zalloc(size_t size, void *arg)
{
	test_block *b;

	(void) arg;
	b = calloc(1, sizeof(test_block) + size);
	if (b == NULL)
		return NULL;
	b->next = test_blocks;
	test_blocks = b;
	return b + 1;
}

static void
test_arena_free_all(void)
{
	while (test_blocks)
	{
		test_block *n = test_blocks->next;

		free(test_blocks);
		test_blocks = n;
	}
}

static const cd_alloc test_alloc = {test_zalloc, NULL};

#endif							/* CD_TEST_H */
