/*
 * pool_api.c - create/list/get/update/delete_dialing_pool: the public
 * "custom dialing pools" API as SQL functions returning its JSON envelope
 *
 *   {"status": "success", "data": ..., "errors": null}
 *   {"status": "error", "data": null, "errors": [{"error": CODE, "message": ...}]}
 *
 * Bad request data never raises: every problem becomes an error object, and
 * several are reported at once.  Only a NULL owner_id (a programming error in
 * the application) raises, with 22004.  A failed call writes nothing: all
 * checks run before the one INSERT/UPDATE/DELETE statement.
 *
 * Ownership: the credentials check reads twilio_credentials through SPI with
 * $n parameters and locks the row (FOR KEY SHARE) so it cannot be deleted or
 * handed to another owner before the pool row is written; the table's
 * composite foreign key (encrypted_key, owner_id) enforces the same rule for
 * rows written any other way.  A pool or credentials handle belonging to
 * someone else gets exactly the answer of one that does not exist.
 */
#include "cd_glue.h"

#include <sys/time.h>
#include <uuid/uuid.h>

#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(create_dialing_pool);
PG_FUNCTION_INFO_V1(list_dialing_pools);
PG_FUNCTION_INFO_V1(get_dialing_pool);
PG_FUNCTION_INFO_V1(update_dialing_pool);
PG_FUNCTION_INFO_V1(delete_dialing_pool);
PG_FUNCTION_INFO_V1(create_twilio_credentials);
PG_FUNCTION_INFO_V1(list_twilio_credentials);
PG_FUNCTION_INFO_V1(delete_twilio_credentials);

/* How many offending values one error message names before "and N more". */
#define CD_LIST_MAX 10

/*
 * The JSON of a pool row, built by the server so types format exactly.  The
 * writes pass the request's own text[] ($3) for phone_numbers: the same
 * strings, without converting the stored domain array back.
 */
#define POOL_JSON_WITH(numbers) \
	"pg_catalog.jsonb_build_object(" \
	"'id', id, 'owner_id', owner_id, 'phone_numbers', " numbers ", " \
	"'encrypted_key', encrypted_key, " \
	"'created_at', pg_catalog.to_char(pg_catalog.timezone('UTC', created_at), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), " \
	"'updated_at', pg_catalog.to_char(pg_catalog.timezone('UTC', updated_at), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"
#define POOL_JSON POOL_JSON_WITH("phone_numbers")

/* The success envelope, built by the same query that reads or writes. */
#define SUCCESS(data) \
	"pg_catalog.jsonb_build_object('status', 'success', 'data', " data ", 'errors', NULL)"

#define POOLS CD_SCHEMA ".dialing_pools"
#define CREDS CD_SCHEMA ".twilio_credentials"

static SPIPlanPtr plan_cred_check;
static SPIPlanPtr plan_cred_peek;
static SPIPlanPtr plan_insert;
static SPIPlanPtr plan_list;
static SPIPlanPtr plan_get;
static SPIPlanPtr plan_lock;
static SPIPlanPtr plan_pool_peek;
static SPIPlanPtr plan_update;
static SPIPlanPtr plan_delete;
static SPIPlanPtr plan_cred_insert;
static SPIPlanPtr plan_cred_list;
static SPIPlanPtr plan_cred_lock;
static SPIPlanPtr plan_cred_users;
static SPIPlanPtr plan_cred_delete;
static Oid	plan_insert_type;		/* us_e164[] type the kept plans were made for */
static Oid	plan_update_type;

static SPIPlanPtr
prepare_kept(SPIPlanPtr *slot, const char *sql, int nargs, Oid *argtypes)
{
	if (*slot == NULL)
	{
		SPIPlanPtr	p = SPI_prepare(sql, nargs, argtypes);

		if (p == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(p) != 0)
			elog(ERROR, "SPI_keepplan failed");
		*slot = p;
	}
	return *slot;
}

/*
 * A kept plan whose parameter $3 is the us_e164[] array type, re-prepared
 * when that type's OID changes (DROP and CREATE EXTENSION in this session).
 */
static void
prepare_typed(SPIPlanPtr *slot, Oid *slot_type, Oid array_type,
			  const char *sql, int nargs, Oid *argtypes)
{
	if (*slot != NULL && *slot_type != array_type)
	{
		SPI_freeplan(*slot);
		*slot = NULL;
	}
	prepare_kept(slot, sql, nargs, argtypes);
	*slot_type = array_type;
}

/*
 * Relabels a validated text[] as us_e164[] and returns that array type.
 * Every element has already passed cd_e164_check, the very rule of the
 * domain's CHECK, so casting would only check all of them a second time
 * (a function call per element: the largest part of writing a 10,000-number
 * pool after compression).  The array is copied, then its element type set.
 */
static Oid
as_number_array(Datum *numbers)
{
	Oid			nsp = get_namespace_oid(CD_SCHEMA, false);
	Oid			domain = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
										 CStringGetDatum("us_e164"), ObjectIdGetDatum(nsp));
	Oid			array_type = OidIsValid(domain) ? get_array_type(domain) : InvalidOid;
	ArrayType  *copy;

	if (!OidIsValid(array_type))
		elog(ERROR, "type %s.us_e164[] not found", CD_SCHEMA);
	copy = DatumGetArrayTypePCopy(*numbers);
	ARR_ELEMTYPE(copy) = domain;
	*numbers = PointerGetDatum(copy);
	return array_type;
}

/* ---------- the error list ---------- */

typedef struct api_errors
{
	StringInfoData buf;			/* JSON array body */
	int			count;
} api_errors;

static void
add_error(api_errors *errs, const char *code, const char *message)
{
	if (errs->count == 0)
		initStringInfo(&errs->buf);
	else
		appendStringInfoString(&errs->buf, ", ");
	appendStringInfoString(&errs->buf, "{\"error\": ");
	escape_json(&errs->buf, code);
	appendStringInfoString(&errs->buf, ", \"message\": ");
	escape_json(&errs->buf, message);
	appendStringInfoChar(&errs->buf, '}');
	errs->count++;
}

static Datum
envelope_error(api_errors *errs)
{
	StringInfoData out;

	initStringInfo(&out);
	appendStringInfo(&out, "{\"status\": \"error\", \"data\": null, \"errors\": [%s]}", errs->buf.data);
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(out.data));
}

/* ---------- request checks ---------- */

static pg_uuid_t *
arg_owner(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("owner_id must not be NULL"),
				 errdetail("owner_id identifies the calling organization and comes from the application's authenticated context.")));
	/* a role bound in owner_roles acts for its owners only: said first */
	cd_binding_check_owner(PG_GETARG_UUID_P(0));
	return PG_GETARG_UUID_P(0);
}

/*
 * Pools can only change on the primary.  Said up front, so a standby answers
 * in terms of pools rather than of the statement that would fail first.
 */
static void
check_writable(const char *function)
{
	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("%s cannot run on a hot standby", function),
				 errdetail("Dialing pools are changed on the primary server; a standby only routes."),
				 errhint("Call %s on the primary.", function)));
}

/*
 * Whether argument argno is declared uuid (the typed overloads of 1.1, which
 * share their C function with the text forms) rather than text.  The
 * declared types are looked up once per call site.
 */
static bool
arg_is_uuid(FunctionCallInfo fcinfo, int argno)
{
	Oid		   *types = (Oid *) fcinfo->flinfo->fn_extra;

	if (types == NULL)
	{
		Oid		   *declared;
		int			nargs;

		get_func_signature(fcinfo->flinfo->fn_oid, &declared, &nargs);
		types = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(Oid) * Max(nargs, fcinfo->nargs));
		memcpy(types, declared, sizeof(Oid) * nargs);
		fcinfo->flinfo->fn_extra = types;
	}
	return types[argno] == UUIDOID;
}

/*
 * A pool id or credentials key argument, text in canonical UUID form or a
 * uuid; NULL or malformed adds an error.
 */
static bool
check_uuid_arg(FunctionCallInfo fcinfo, int argno, const char *what,
			   const char *code, pg_uuid_t *out, api_errors *errs)
{
	StringInfoData msg;
	text	   *t;

	initStringInfo(&msg);
	if (PG_ARGISNULL(argno))
	{
		appendStringInfo(&msg, "%s must be a UUID in canonical 8-4-4-4-12 form; it is missing", what);
		add_error(errs, code, msg.data);
		return false;
	}
	if (arg_is_uuid(fcinfo, argno))
	{
		*out = *PG_GETARG_UUID_P(argno);
		return true;
	}
	t = PG_GETARG_TEXT_PP(argno);
	if (cd_uuid_parse(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), out->data))
		return true;
	appendStringInfo(&msg, "%s must be a UUID in canonical 8-4-4-4-12 form: ", what);
	cd_append_quoted_value(&msg, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	add_error(errs, code, msg.data);
	return false;
}

typedef struct number_pos
{
	uint64		national;
	int			pos;			/* 1-based position in the request */
} number_pos;

static int
cmp_number_pos(const void *a, const void *b)
{
	const number_pos *x = a;
	const number_pos *y = b;

	if (x->national != y->national)
		return x->national < y->national ? -1 : 1;
	return x->pos - y->pos;
}

/*
 * Checks phone_numbers (argument argno).  On success *numbers is a text[]
 * datum of the valid, unique numbers in request order.
 */
static bool
check_numbers(FunctionCallInfo fcinfo, int argno, Datum *numbers, api_errors *errs)
{
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i,
				bad = 0,
				ndup = 0,
				first;
	StringInfoData msg;
	number_pos *np;
	bool		ok = true;

	initStringInfo(&msg);
	appendStringInfoString(&msg, "All phone numbers must be valid US numbers with +1 prefix");
	if (PG_ARGISNULL(argno))
	{
		appendStringInfoString(&msg, "; phone_numbers is missing");
		add_error(errs, "INVALID_PHONE_NUMBERS", msg.data);
		return false;
	}
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(arr) > 1)
	{
		appendStringInfoString(&msg, "; phone_numbers must be a one-dimensional array");
		add_error(errs, "INVALID_PHONE_NUMBERS", msg.data);
		return false;
	}
	/*
	 * Too many is reported after the element checks, with them (all checks
	 * of a request come together).  Checking the elements of an oversized
	 * request costs one pass and one sort, linear-logarithmic in its size
	 * (about 0.2 s for a million numbers), much less than parsing it did.
	 */
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n == 0)
	{
		appendStringInfoString(&msg, "; phone_numbers is empty");
		add_error(errs, "INVALID_PHONE_NUMBERS", msg.data);
		return false;
	}

	np = palloc(sizeof(number_pos) * n);
	for (i = 0; i < n; i++)
	{
		text	   *t = NULL;

		CHECK_FOR_INTERRUPTS();
		np[i].pos = i + 1;
		np[i].national = 0;
		if (!nulls[i])
		{
			t = DatumGetTextPP(elems[i]);
			if (cd_e164_check(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)) == CD_E164_OK)
			{
				np[i].national = cd_e164_national(VARDATA_ANY(t));
				continue;
			}
		}
		np[i].national = UINT64_MAX;	/* invalid: left out of the duplicate check */
		if (bad < CD_LIST_MAX)
		{
			appendStringInfoString(&msg, bad == 0 ? ": " : ", ");
			if (nulls[i])
				appendStringInfoString(&msg, "NULL");
			else
				cd_append_quoted_value(&msg, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
			appendStringInfo(&msg, " (position %d)", i + 1);
		}
		bad++;
	}
	if (bad > 0)
	{
		if (bad > CD_LIST_MAX)
			appendStringInfo(&msg, " and %d more", bad - CD_LIST_MAX);
		add_error(errs, "INVALID_PHONE_NUMBERS", msg.data);
		ok = false;
	}

	/* duplicates among the valid numbers */
	qsort(np, n, sizeof(number_pos), cmp_number_pos);
	resetStringInfo(&msg);
	appendStringInfoString(&msg, "Each phone number may appear only once in a pool");
	for (i = 1, first = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (np[i].national != np[first].national)
			first = i;
		if (np[i].national == UINT64_MAX || first == i)
			continue;
		/* each repeat, named with the position of the number's first occurrence */
		if (ndup < CD_LIST_MAX)
			appendStringInfo(&msg, "%s\"+1%010llu\" (position %d repeats position %d)",
							 ndup == 0 ? ": " : ", ",
							 (unsigned long long) np[i].national, np[i].pos,
							 np[first].pos);
		ndup++;
	}
	if (ndup > 0)
	{
		if (ndup > CD_LIST_MAX)
			appendStringInfo(&msg, " and %d more", ndup - CD_LIST_MAX);
		add_error(errs, "DUPLICATE_PHONE_NUMBERS", msg.data);
		ok = false;
	}
	pfree(np);

	if (n > cd_max_pool_size)
	{
		resetStringInfo(&msg);
		appendStringInfo(&msg, "A pool may hold at most %d phone numbers (custom_dialing.max_pool_size); this request has %d",
						 cd_max_pool_size, n);
		add_error(errs, "TOO_MANY_PHONE_NUMBERS", msg.data);
		ok = false;
	}

	if (ok)
		*numbers = PointerGetDatum(arr);
	return ok;
}

/*
 * Looks up a well-formed credentials key with the owner; a key that is
 * missing or someone else's gets the same INVALID_CREDENTIALS.  With lock,
 * the row is locked (FOR KEY SHARE) so it cannot be deleted or handed to
 * another owner before the pool is written; a call that already has errors
 * only looks, so it neither locks nor writes.  Must run inside SPI.
 */
static bool
lookup_credentials(const pg_uuid_t *owner, pg_uuid_t *key, bool lock, api_errors *errs)
{
	Oid			types[2] = {UUIDOID, UUIDOID};
	Datum		vals[2];
	int			ret;

	vals[0] = UUIDPGetDatum(key);
	vals[1] = UUIDPGetDatum((pg_uuid_t *) owner);
	if (lock)
	{
		prepare_kept(&plan_cred_check,
					 "SELECT 1 FROM " CREDS
					 " WHERE id OPERATOR(pg_catalog.=) $1 AND owner_id OPERATOR(pg_catalog.=) $2"
					 " FOR KEY SHARE",
					 2, types);
		ret = SPI_execute_plan(plan_cred_check, vals, NULL, false, 1);
	}
	else
	{
		prepare_kept(&plan_cred_peek,
					 "SELECT 1 FROM " CREDS
					 " WHERE id OPERATOR(pg_catalog.=) $1 AND owner_id OPERATOR(pg_catalog.=) $2",
					 2, types);
		ret = SPI_execute_plan(plan_cred_peek, vals, NULL, true, 1);
	}
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "credentials check failed: %s", SPI_result_code_string(ret));
	if (SPI_processed == 0)
	{
		add_error(errs, "INVALID_CREDENTIALS",
				  "Twilio credentials not found or do not belong to your account");
		return false;
	}
	return true;
}

/* encrypted_key (argument argno): NULL means no credentials. */
static bool
parse_key(FunctionCallInfo fcinfo, int argno, pg_uuid_t *key, bool *has_key, api_errors *errs)
{
	*has_key = false;
	if (PG_ARGISNULL(argno))
		return true;
	if (!check_uuid_arg(fcinfo, argno, "encrypted_key", "INVALID_ENCRYPTED_KEY", key, errs))
		return false;
	*has_key = true;
	return true;
}

/* Appends the error objects of more to errs, keeping their order. */
static void
append_errors(api_errors *errs, const api_errors *more)
{
	if (more->count == 0)
		return;
	if (errs->count == 0)
		initStringInfo(&errs->buf);
	else
		appendStringInfoString(&errs->buf, ", ");
	appendStringInfoString(&errs->buf, more->buf.data);
	errs->count += more->count;
}

/*
 * Writes run with count 0: with a row limit the executor stops the
 * ModifyTable node after the RETURNING row it needs, and the AFTER STATEMENT
 * trigger that invalidates the routing caches would never fire.
 */

/* The first column of the first row: the envelope the query built. */
static Datum
first_datum(void)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

	if (isnull)
		elog(ERROR, "pool query returned NULL");
	return d;
}

/*
 * The functions are SECURITY INVOKER, so owner_roles sees the role that
 * calls them (owner_binding.c); their table access runs as the extension's
 * owner, from spi_connect to finish.
 */
static void
spi_connect(cd_user_save *save)
{
	cd_become_extension_owner(save);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
}

/* Copies a C string into the function's caller's context before SPI_finish. */
static Datum
finish(const cd_user_save *save, Datum result)
{
	Datum		out = SPI_datumTransfer(result, false, -1);

	SPI_finish();
	cd_restore_user(save);
	return out;
}

/*
 * A new time-ordered pool id in the version 7 layout: 48 bits of Unix time in
 * milliseconds, then libuuid's random bits.  Within a session ids also
 * strictly increase when several fall in one millisecond (or the clock steps
 * back): such an id is the previous one plus one in its low 62 random bits,
 * so "oldest first" listings of pools created together keep creation order.
 */
static void
new_pool_id(pg_uuid_t *id)
{
	static pg_uuid_t last;
	static bool have_last = false;
	struct timeval tv;
	uuid_t		rnd;

	gettimeofday(&tv, NULL);
	uuid_generate_random(rnd);
	cd_uuid7_make((uint64) tv.tv_sec * 1000 + (uint64) tv.tv_usec / 1000, rnd, id->data);
	if (have_last && memcmp(id->data, last.data, UUID_LEN) <= 0)
	{
		int			i;

		*id = last;
		for (i = UUID_LEN - 1; i >= 8; i--)
		{
			if (i == 8)
			{
				/* keep the variant bits (10xxxxxx) */
				id->data[8] = (unsigned char) ((id->data[8] & 0xC0) | ((id->data[8] + 1) & 0x3F));
				break;
			}
			if (++id->data[i] != 0)
				break;
		}
	}
	last = *id;
	have_last = true;
}

static void
pool_not_found(api_errors *errs, const pg_uuid_t *id)
{
	char		txt[CD_UUID_TEXT_LEN + 1];
	char		msg[128];

	cd_uuid_format(id->data, txt);
	snprintf(msg, sizeof(msg), "Dialing pool \"%s\" not found", txt);
	add_error(errs, "POOL_NOT_FOUND", msg);
}

/* ---------- the functions ---------- */

Datum
create_dialing_pool(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *owner = arg_owner(fcinfo);
	cd_user_save save;
	api_errors	errs = {{0}, 0};
	Datum		numbers = (Datum) 0;
	pg_uuid_t	key;
	pg_uuid_t	id;
	bool		has_key;
	Oid			types[4] = {UUIDOID, UUIDOID, InvalidOid, UUIDOID};
	Datum		vals[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};
	int			ret;

	check_writable("create_dialing_pool");

	check_numbers(fcinfo, 1, &numbers, &errs);
	parse_key(fcinfo, 2, &key, &has_key, &errs);
	spi_connect(&save);
	if (has_key)
		lookup_credentials(owner, &key, errs.count == 0, &errs);
	if (errs.count > 0)
		return finish(&save, envelope_error(&errs));

	new_pool_id(&id);
	types[2] = as_number_array(&numbers);
	prepare_typed(&plan_insert, &plan_insert_type, types[2],
				  "INSERT INTO " POOLS " (id, owner_id, phone_numbers, encrypted_key, created_at, updated_at)"
				  " VALUES ($1, $2, $3, $4, pg_catalog.now(), pg_catalog.now())"
				  " RETURNING " SUCCESS(POOL_JSON_WITH("$3::pg_catalog.text[]")),
				  4, types);
	vals[0] = UUIDPGetDatum(&id);
	vals[1] = UUIDPGetDatum(owner);
	vals[2] = numbers;
	vals[3] = has_key ? UUIDPGetDatum(&key) : (Datum) 0;
	if (!has_key)
		nulls[3] = 'n';
	ret = SPI_execute_plan(plan_insert, vals, nulls, false, 0);
	if (ret != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "inserting the dialing pool failed: %s", SPI_result_code_string(ret));
	return finish(&save, cd_pacing_decorate(first_datum()));
}

Datum
list_dialing_pools(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *owner = arg_owner(fcinfo);
	cd_user_save save;
	Oid			types[1] = {UUIDOID};
	Datum		vals[1];
	int			ret;

	spi_connect(&save);
	prepare_kept(&plan_list,
				 "SELECT " SUCCESS("COALESCE(pg_catalog.jsonb_agg(" POOL_JSON " ORDER BY created_at, id), '[]')")
				 " FROM " POOLS " WHERE owner_id OPERATOR(pg_catalog.=) $1",
				 1, types);
	vals[0] = UUIDPGetDatum(owner);
	ret = SPI_execute_plan(plan_list, vals, NULL, true, 1);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "listing dialing pools failed: %s", SPI_result_code_string(ret));
	return finish(&save, cd_pacing_decorate(first_datum()));
}

Datum
get_dialing_pool(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *owner = arg_owner(fcinfo);
	cd_user_save save;
	api_errors	errs = {{0}, 0};
	pg_uuid_t	id;
	Oid			types[2] = {UUIDOID, UUIDOID};
	Datum		vals[2];
	int			ret;

	if (!check_uuid_arg(fcinfo, 1, "pool_id", "INVALID_POOL_ID", &id, &errs))
		PG_RETURN_DATUM(envelope_error(&errs));
	spi_connect(&save);
	prepare_kept(&plan_get,
				 "SELECT " SUCCESS(POOL_JSON) " FROM " POOLS
				 " WHERE id OPERATOR(pg_catalog.=) $1 AND owner_id OPERATOR(pg_catalog.=) $2",
				 2, types);
	vals[0] = UUIDPGetDatum(&id);
	vals[1] = UUIDPGetDatum(owner);
	ret = SPI_execute_plan(plan_get, vals, NULL, true, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "reading the dialing pool failed: %s", SPI_result_code_string(ret));
	if (SPI_processed == 0)
	{
		pool_not_found(&errs, &id);
		return finish(&save, envelope_error(&errs));
	}
	return finish(&save, cd_pacing_decorate(first_datum()));
}

Datum
update_dialing_pool(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *owner = arg_owner(fcinfo);
	cd_user_save save;
	api_errors	errs = {{0}, 0};
	api_errors	later = {{0}, 0};
	pg_uuid_t	id;
	pg_uuid_t	key;
	bool		has_key;
	bool		id_ok;
	Datum		numbers = (Datum) 0;
	Oid			ltypes[2] = {UUIDOID, UUIDOID};
	Oid			utypes[4] = {UUIDOID, UUIDOID, InvalidOid, UUIDOID};
	Datum		vals[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};
	int			ret;

	check_writable("update_dialing_pool");

	/*
	 * Request checks first; the pool and the credentials are then locked
	 * only when the call can succeed, and only looked at otherwise.  Error
	 * objects keep the documented order: pool id, pool, numbers, key.
	 */
	id_ok = check_uuid_arg(fcinfo, 1, "pool_id", "INVALID_POOL_ID", &id, &errs);
	check_numbers(fcinfo, 2, &numbers, &later);
	parse_key(fcinfo, 3, &key, &has_key, &later);
	spi_connect(&save);
	if (id_ok)
	{
		bool		lock = (errs.count + later.count == 0);

		prepare_kept(&plan_lock,
					 "SELECT 1 FROM " POOLS
					 " WHERE id OPERATOR(pg_catalog.=) $1 AND owner_id OPERATOR(pg_catalog.=) $2"
					 " FOR NO KEY UPDATE",
					 2, ltypes);
		prepare_kept(&plan_pool_peek,
					 "SELECT 1 FROM " POOLS
					 " WHERE id OPERATOR(pg_catalog.=) $1 AND owner_id OPERATOR(pg_catalog.=) $2",
					 2, ltypes);
		vals[0] = UUIDPGetDatum(&id);
		vals[1] = UUIDPGetDatum(owner);
		ret = SPI_execute_plan(lock ? plan_lock : plan_pool_peek, vals, NULL, !lock, 1);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "reading the dialing pool failed: %s", SPI_result_code_string(ret));
		if (SPI_processed == 0)
			pool_not_found(&errs, &id);
	}
	if (has_key)
		lookup_credentials(owner, &key, errs.count + later.count == 0, &later);
	append_errors(&errs, &later);
	if (errs.count > 0)
		return finish(&save, envelope_error(&errs));

	utypes[2] = as_number_array(&numbers);
	prepare_typed(&plan_update, &plan_update_type, utypes[2],
				  "UPDATE " POOLS " SET phone_numbers = $3,"
				  " encrypted_key = $4, updated_at = pg_catalog.now()"
				  " WHERE id OPERATOR(pg_catalog.=) $1 AND owner_id OPERATOR(pg_catalog.=) $2"
				  " RETURNING " SUCCESS(POOL_JSON_WITH("$3::pg_catalog.text[]")),
				  4, utypes);
	vals[0] = UUIDPGetDatum(&id);
	vals[1] = UUIDPGetDatum(owner);
	vals[2] = numbers;
	vals[3] = has_key ? UUIDPGetDatum(&key) : (Datum) 0;
	if (!has_key)
		nulls[3] = 'n';
	ret = SPI_execute_plan(plan_update, vals, nulls, false, 0);
	if (ret != SPI_OK_UPDATE_RETURNING || SPI_processed != 1)
		elog(ERROR, "updating the dialing pool failed: %s", SPI_result_code_string(ret));
	return finish(&save, cd_pacing_decorate(first_datum()));
}

Datum
delete_dialing_pool(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *owner = arg_owner(fcinfo);
	cd_user_save save;
	api_errors	errs = {{0}, 0};
	pg_uuid_t	id;
	Oid			types[2] = {UUIDOID, UUIDOID};
	Datum		vals[2];
	Datum		pacing;
	int			ret;

	check_writable("delete_dialing_pool");

	if (!check_uuid_arg(fcinfo, 1, "pool_id", "INVALID_POOL_ID", &id, &errs))
		PG_RETURN_DATUM(envelope_error(&errs));
	spi_connect(&save);
	pacing = cd_pacing_of(&id);
	prepare_kept(&plan_delete,
				 "DELETE FROM " POOLS
				 " WHERE id OPERATOR(pg_catalog.=) $1 AND owner_id OPERATOR(pg_catalog.=) $2"
				 " RETURNING " SUCCESS(POOL_JSON),
				 2, types);
	vals[0] = UUIDPGetDatum(&id);
	vals[1] = UUIDPGetDatum(owner);
	ret = SPI_execute_plan(plan_delete, vals, NULL, false, 0);
	if (ret != SPI_OK_DELETE_RETURNING)
		elog(ERROR, "deleting the dialing pool failed: %s", SPI_result_code_string(ret));
	if (SPI_processed == 0)
	{
		pool_not_found(&errs, &id);
		return finish(&save, envelope_error(&errs));
	}
	return finish(&save, cd_pacing_attach(first_datum(), pacing));
}

/* ---------- credentials (1.1) ---------- */

/* The JSON of a twilio_credentials row. */
#define CRED_JSON \
	"pg_catalog.jsonb_build_object(" \
	"'id', id, 'owner_id', owner_id, 'label', label, " \
	"'created_at', pg_catalog.to_char(pg_catalog.timezone('UTC', created_at), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"

/* How many pools CREDENTIALS_IN_USE names before "and N more". */
#define CD_POOLS_NAMED 10

/*
 * Registers a credentials handle for owner_id; its id (time-ordered, like a
 * pool's) is what create/update_dialing_pool take as encrypted_key.
 */
Datum
create_twilio_credentials(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *owner = arg_owner(fcinfo);
	cd_user_save save;
	pg_uuid_t	id;
	Oid			types[3] = {UUIDOID, UUIDOID, TEXTOID};
	Datum		vals[3];
	char		nulls[3] = {' ', ' ', ' '};
	int			ret;

	check_writable("create_twilio_credentials");
	spi_connect(&save);
	new_pool_id(&id);
	prepare_kept(&plan_cred_insert,
				 "INSERT INTO " CREDS " (id, owner_id, label, created_at)"
				 " VALUES ($1, $2, $3, pg_catalog.now())"
				 " RETURNING " SUCCESS(CRED_JSON),
				 3, types);
	vals[0] = UUIDPGetDatum(&id);
	vals[1] = UUIDPGetDatum(owner);
	if (PG_ARGISNULL(1))
	{
		vals[2] = (Datum) 0;
		nulls[2] = 'n';
	}
	else
		vals[2] = PG_GETARG_DATUM(1);
	ret = SPI_execute_plan(plan_cred_insert, vals, nulls, false, 0);
	if (ret != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "inserting the credentials failed: %s", SPI_result_code_string(ret));
	return finish(&save, first_datum());
}

Datum
list_twilio_credentials(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *owner = arg_owner(fcinfo);
	cd_user_save save;
	Oid			types[1] = {UUIDOID};
	Datum		vals[1];
	int			ret;

	spi_connect(&save);
	prepare_kept(&plan_cred_list,
				 "SELECT " SUCCESS("COALESCE(pg_catalog.jsonb_agg(" CRED_JSON " ORDER BY created_at, id), '[]')")
				 " FROM " CREDS " WHERE owner_id OPERATOR(pg_catalog.=) $1",
				 1, types);
	vals[0] = UUIDPGetDatum(owner);
	ret = SPI_execute_plan(plan_cred_list, vals, NULL, true, 1);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "listing credentials failed: %s", SPI_result_code_string(ret));
	return finish(&save, first_datum());
}

/*
 * Deletes one of the owner's credentials handles, unless a pool uses it
 * (CREDENTIALS_IN_USE, naming the pools: all of them are the owner's, the
 * foreign key sees to that).  The row is locked first, so a pool created
 * concurrently with these credentials is either seen here or waits and then
 * finds them gone.
 */
Datum
delete_twilio_credentials(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *owner = arg_owner(fcinfo);
	cd_user_save save;
	api_errors	errs = {{0}, 0};
	pg_uuid_t	id;
	Oid			types[2] = {UUIDOID, UUIDOID};
	Datum		vals[2];
	int			ret;

	check_writable("delete_twilio_credentials");
	if (!check_uuid_arg(fcinfo, 1, "credentials_id", "INVALID_ENCRYPTED_KEY", &id, &errs))
		PG_RETURN_DATUM(envelope_error(&errs));
	spi_connect(&save);
	vals[0] = UUIDPGetDatum(&id);
	vals[1] = UUIDPGetDatum(owner);
	prepare_kept(&plan_cred_lock,
				 "SELECT 1 FROM " CREDS
				 " WHERE id OPERATOR(pg_catalog.=) $1 AND owner_id OPERATOR(pg_catalog.=) $2"
				 " FOR UPDATE",
				 2, types);
	ret = SPI_execute_plan(plan_cred_lock, vals, NULL, false, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "reading the credentials failed: %s", SPI_result_code_string(ret));
	if (SPI_processed == 0)
	{
		add_error(&errs, "INVALID_CREDENTIALS",
				  "Twilio credentials not found or do not belong to your account");
		return finish(&save, envelope_error(&errs));
	}

	prepare_kept(&plan_cred_users,
				 "SELECT id FROM " POOLS
				 " WHERE encrypted_key OPERATOR(pg_catalog.=) $1 AND owner_id OPERATOR(pg_catalog.=) $2"
				 " ORDER BY created_at, id",
				 2, types);
	ret = SPI_execute_plan(plan_cred_users, vals, NULL, false, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "reading the pools using the credentials failed: %s", SPI_result_code_string(ret));
	if (SPI_processed > 0)
	{
		StringInfoData msg;
		uint64		i;

		initStringInfo(&msg);
		appendStringInfoString(&msg, "Twilio credentials are used by dialing pools");
		for (i = 0; i < SPI_processed && i < CD_POOLS_NAMED; i++)
		{
			bool		isnull;
			Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
			char		txt[CD_UUID_TEXT_LEN + 1];

			cd_uuid_format(DatumGetUUIDP(d)->data, txt);
			appendStringInfo(&msg, "%s\"%s\"", i == 0 ? ": " : ", ", txt);
		}
		if (SPI_processed > CD_POOLS_NAMED)
			appendStringInfo(&msg, " and %llu more", (unsigned long long) (SPI_processed - CD_POOLS_NAMED));
		appendStringInfoString(&msg, "; update or delete those pools first");
		add_error(&errs, "CREDENTIALS_IN_USE", msg.data);
		return finish(&save, envelope_error(&errs));
	}

	prepare_kept(&plan_cred_delete,
				 "DELETE FROM " CREDS
				 " WHERE id OPERATOR(pg_catalog.=) $1 AND owner_id OPERATOR(pg_catalog.=) $2"
				 " RETURNING " SUCCESS(CRED_JSON),
				 2, types);
	ret = SPI_execute_plan(plan_cred_delete, vals, NULL, false, 0);
	if (ret != SPI_OK_DELETE_RETURNING || SPI_processed != 1)
		elog(ERROR, "deleting the credentials failed: %s", SPI_result_code_string(ret));
	return finish(&save, first_datum());
}
