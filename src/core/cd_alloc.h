/*
 * cd_alloc.h - the allocator the pure core allocates through.
 *
 * The core never calls malloc or free itself.  Every function that needs
 * memory takes a cd_alloc; the caller owns everything allocated through it
 * and frees it all at once (the server glue passes a palloc-based allocator
 * bound to a memory context, the unit tests an arena).  An allocator returns
 * NULL only when out of memory; the core then returns CD_ENOMEM-style
 * failures and leaves nothing half-built that the caller must free
 * separately.
 */
#ifndef CD_ALLOC_H
#define CD_ALLOC_H

#include <stddef.h>

typedef struct cd_alloc
{
	/* returns zeroed memory of at least size bytes, aligned for any type */
	void	   *(*zalloc) (size_t size, void *arg);
	void	   *arg;
} cd_alloc;

static inline void *
cd_zalloc(const cd_alloc *a, size_t size)
{
	return a->zalloc(size, a->arg);
}

#endif							/* CD_ALLOC_H */
