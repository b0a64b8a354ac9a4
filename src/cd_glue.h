/*
 * cd_glue.h - declarations shared by the server glue files (the .c files of src/).
 * Only these files include PostgreSQL headers; the logic they call lives in
 * src/core/ and knows nothing of the server.
 */
#ifndef CD_GLUE_H
#define CD_GLUE_H

#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "lib/ilist.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/itemptr.h"
#include "datatype/timestamp.h"
#include "storage/lock.h"
#include "utils/uuid.h"

#include "cd_alloc.h"
#include "cd_e164.h"
#include "cd_exch.h"
#include "cd_geo.h"
#include "cd_near.h"
#include "cd_route.h"

/* The schema the control file fixes; every query qualifies names with it. */
#define CD_SCHEMA "custom_dialing"

/* GUCs (module.c) */
extern int	cd_max_pool_size;
extern int	cd_cache_size_kb;

/* errors.c: every user-facing message is written once, here */
extern void cd_report_e164(cd_e164_status st, const char *value, size_t len) pg_attribute_noreturn();
extern void cd_report_norm(cd_norm_status st, const char *value, size_t len, long bad_pos) pg_attribute_noreturn();
extern const char *cd_norm_problem(cd_norm_status st);
extern void cd_append_quoted_value(StringInfo buf, const char *value, size_t len);
extern void cd_report_csv(const cd_csv_result *res) pg_attribute_noreturn();
extern void cd_report_exch_csv(const cd_exch_result *res) pg_attribute_noreturn();
extern void cd_report_pool_missing(const pg_uuid_t *id) pg_attribute_noreturn();

/* A cd_alloc that pallocs (zeroed) in the given memory context. */
extern void cd_palloc_allocator(cd_alloc *a, MemoryContext cxt);

/* geo_cache.c: the area-code geography as this session last read it */
typedef struct cd_area_text
{
	char	   *country;
	char	   *region;
	char	   *place;
	char	   *time_zone;
	int			n_zones;
	char	  **zones;
} cd_area_text;

/* An exchange's text: offsets into cd_geo_cache.exch_strings, 0 = none. */
typedef struct cd_exch_text
{
	uint32		region;
	uint32		place;
	uint32		time_zone;
} cd_exch_text;

typedef struct cd_geo_cache
{
	cd_geo		geo;
	cd_area_text text[CD_NPA_SLOTS];
	/* exchanges: NULL xg when the database has none (version 1.0) */
	cd_exch_geo *xg;
	cd_exch_text *exch_text;	/* by entry index of xg */
	char	   *exch_strings;	/* NUL-terminated strings; offset 0 is "" */
	uint64		version;		/* changes at every reload */
} cd_geo_cache;

/* An exchange's string, NULL when empty. */
static inline const char *
cd_exch_str(const cd_geo_cache *gc, uint32 off)
{
	return off == 0 ? NULL : gc->exch_strings + off;
}

extern const cd_geo_cache *cd_geo_get(void);

/*
 * The geography a pool entry just returned by cd_pool_get (or found valid
 * through cd_cache_epoch) was built with, without taking in invalidations:
 * the same as cd_geo_get() would return at that moment, at no cost.
 */
extern const cd_geo_cache *cd_geo_current(void);

/* Bytes the geography cache holds (for reports). */
extern Size cd_geo_bytes(void);
extern void cd_cache_relcache_callback(Datum arg, Oid relid);
/* calling_windows.c: its cache of the calling rules follows their tables */
extern void cd_windows_relcache_callback(Datum arg, Oid relid);
extern uint64 cd_cache_epoch;	/* bumped by anything that may free a pool entry */

/* The running statement, to scope what parallel mode builds (cache.c). */
typedef struct cd_query_stamp
{
	LocalTransactionId lxid;
	TimestampTz stmt_start;
} cd_query_stamp;

/* A pool's cached routing entry (cache.c) */
typedef struct cd_pool_entry
{
	pg_uuid_t	id;				/* hash key: must be first */
	pg_uuid_t	owner_id;		/* the pool's owner, for owner_roles */
	MemoryContext cxt;			/* owns route and numbers */
	cd_route_pool *route;
	cd_near_pool *near;			/* exchange-level nearest step, or NULL */
	int			n;
	char	   *numbers;		/* n canonical numbers, 12 bytes each */
	TransactionId xmin;			/* row version it was built from */
	ItemPointerData ctid;
	Oid			relid;
	uint64		geo_version;
	uint64		checked_gen;	/* pools_gen at its last confirmation */
	bool		trusted;		/* read under the latest snapshot */
	cd_query_stamp stamp;		/* else: the query that read it */
	Size		bytes;
	dlist_node	lru;
} cd_pool_entry;

/* Whether a cached entry may answer in the current query. */
extern bool cd_pool_entry_usable(const cd_pool_entry *e);

/* The entry of a pool, valid until cd_cache_epoch changes; raises 42704 if missing. */
extern const cd_pool_entry *cd_pool_get(const pg_uuid_t *id);

/* Runs a kept plan under a fresh snapshot (the latest committed data). */
extern int	cd_spi_execute_latest(SPIPlanPtr plan, Datum *values, const char *nulls, long count);

/*
 * The pick for a callee from a pool entry and the geography it was built
 * with (exchanges.c): cd_route_pick refined by the exchange-level nearest
 * step; distance_km is computed only when want_km.
 */
extern void cd_pool_pick(const cd_pool_entry *e, const cd_geo_cache *gc,
						 uint64 callee, bool want_km, cd_pick *pick);

/* The active exchange text of a national number, or NULL (exchanges.c). */
extern const cd_exch_text *cd_exch_text_of(const cd_geo_cache *gc, uint64 national);

/* Parses a us_e164 text datum, raising 22P02 if invalid; returns the national number. */
extern uint64 cd_callee_national(text *callee);

/*
 * owner_binding.c: owner_roles, which owners the current user may act for.
 * Functions that check must be SECURITY INVOKER (the check is on the role
 * that calls them) and read tables between cd_become_extension_owner and
 * cd_restore_user.
 */
typedef struct cd_user_save
{
	Oid			user;
	int			sec_context;
} cd_user_save;

extern uint64 cd_binding_gen;	/* changes whenever a binding may have */
extern void cd_become_extension_owner(cd_user_save *save);
extern void cd_restore_user(const cd_user_save *save);
/* Raises 42501 unless the current user may act for owner (functions taking owner_id). */
extern void cd_binding_check_owner(const pg_uuid_t *owner);
/* Whether the current user may act for owner; a pool-id function answers a
 * false as cd_report_pool_missing, exactly as for a missing pool. */
extern bool cd_binding_allows(const pg_uuid_t *owner);
/* Whether the last answer may be remembered until cd_binding_gen changes. */
extern bool cd_binding_cacheable(void);
extern void cd_binding_relcache_callback(Datum arg, Oid relid);
extern void cd_binding_syscache_callback(Datum arg, int cacheid, uint32 hashvalue);

/* pacing.c: the pool object's "pacing" key and the dialing cache */
extern Datum cd_pacing_decorate(Datum envelope);
extern Datum cd_pacing_of(const pg_uuid_t *id);
extern Datum cd_pacing_attach(Datum envelope, Datum pacing);
extern void cd_pace_relcache_callback(Datum arg, Oid relid);
extern int	cd_rest_after_flag;

#endif							/* CD_GLUE_H */
