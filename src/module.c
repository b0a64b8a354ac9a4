/*
 * module.c - the module's entry: PG_MODULE_MAGIC, GUCs, and the registration
 * of the cache invalidation callback (callback slots are few and cannot be
 * freed, so this happens once, here).
 */
#include "cd_glue.h"

#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

PG_MODULE_MAGIC;

int			cd_max_pool_size = 10000;
int			cd_cache_size_kb = 65536;
int			cd_rest_after_flag = 30 * 86400;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("custom_dialing.max_pool_size",
							"Most phone numbers one dialing pool may hold.",
							"create_dialing_pool and update_dialing_pool answer TOO_MANY_PHONE_NUMBERS above it.",
							&cd_max_pool_size,
							10000, 1, 1000000,
							PGC_SUSET, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("custom_dialing.cache_size",
							"Memory each session may use for cached pool routing structures.",
							"Least recently used pools are dropped from the cache above it; "
							"the pool being picked from is always kept.",
							&cd_cache_size_kb,
							65536, 64, MAX_KILOBYTES,
							PGC_SUSET, GUC_UNIT_KB,
							NULL, NULL, NULL);

	DefineCustomIntVariable("custom_dialing.rest_after_flag",
							"How long a number rests after a call it placed was reported flagged as spam.",
							"record_call_outcome with outcome flagged sets the number resting for this long.",
							&cd_rest_after_flag,
							30 * 86400, 60, INT_MAX,
							PGC_SUSET, GUC_UNIT_S,
							NULL, NULL, NULL);

	MarkGUCPrefixReserved("custom_dialing");

	CacheRegisterRelcacheCallback(cd_cache_relcache_callback, (Datum) 0);
	CacheRegisterRelcacheCallback(cd_binding_relcache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHOID, cd_binding_syscache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHMEMROLEMEM, cd_binding_syscache_callback, (Datum) 0);
	CacheRegisterRelcacheCallback(cd_windows_relcache_callback, (Datum) 0);
	CacheRegisterRelcacheCallback(cd_pace_relcache_callback, (Datum) 0);
}

static void *
cd_palloc_zalloc(size_t size, void *arg)
{
	return MemoryContextAllocExtended((MemoryContext) arg, size,
									  MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO | MCXT_ALLOC_NO_OOM);
}

/* The core's allocator over a memory context; NULL on out-of-memory. */
void
cd_palloc_allocator(cd_alloc *a, MemoryContext cxt)
{
	a->zalloc = cd_palloc_zalloc;
	a->arg = cxt;
}
