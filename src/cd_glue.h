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
#include "cd_geo.h"
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

typedef struct cd_geo_cache
{
	cd_geo		geo;
	cd_area_text text[CD_NPA_SLOTS];
	uint64		version;		/* changes at every reload */
} cd_geo_cache;

extern const cd_geo_cache *cd_geo_get(void);
extern void cd_cache_relcache_callback(Datum arg, Oid relid);
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
	MemoryContext cxt;			/* owns route and numbers */
	cd_route_pool *route;
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

/* Parses a us_e164 text datum, raising 22P02 if invalid; returns the national number. */
extern uint64 cd_callee_national(text *callee);

/* pacing.c: the pool object's "pacing" key and the dialing cache */
extern Datum cd_pacing_decorate(Datum envelope);
extern Datum cd_pacing_of(const pg_uuid_t *id);
extern Datum cd_pacing_attach(Datum envelope, Datum pacing);
extern void cd_pace_relcache_callback(Datum arg, Oid relid);
extern int	cd_rest_after_flag;

#endif							/* CD_GLUE_H */
