/*
 * owner_binding.c - custom_dialing.owner_roles: which owners a role may act
 * for, checked by every function that takes an owner_id or a pool id.
 *
 * The rule: a role bound to one or more owners in owner_roles, directly or
 * through membership in a bound role, may act only for those owners; a role
 * with no binding acts for any owner (the application vouches for owner_id,
 * as in 1.0); a superuser is never restricted.  A database still at 1.0 has
 * no owner_roles table: there every role is unbound.
 *
 * Which role: the current user at the moment our function is called.  That
 * is why the functions that check are SECURITY INVOKER and become the
 * extension's owner only around their own table access
 * (cd_become_extension_owner): inside a SECURITY DEFINER function the
 * current user is the definer, and fmgr_security_definer() keeps the
 * caller's user id only in a local variable, out of reach.  So SET ROLE, SET
 * SESSION AUTHORIZATION and the caller's own SECURITY DEFINER wrappers (which
 * run as their owner, as PostgreSQL intends) are all seen as the role they
 * make current.  Parallel workers run as the leader's current user.
 *
 * Why a cache: a pick must stay a function call.  The binding of each role
 * seen is computed once (one read of owner_roles, then is_member_of_role on
 * each bound role) and kept until something it depends on changes: a row of
 * owner_roles (its trigger sends a relcache invalidation of the table, which
 * every session and every hot standby receives after commit), a role's
 * creation, removal, renaming or superuser flag (pg_authid), or a membership
 * (pg_auth_members).  The callbacks only bump cd_binding_gen; the next check
 * rebuilds.  Reads use the latest snapshot, like catalog lookups; in
 * parallel mode, where none can be taken, what is read is trusted by that
 * query only (the reasoning of cache.c).
 */
#include "cd_glue.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "storage/proc.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

/* Bumped by every invalidation that may change a binding. */
uint64		cd_binding_gen = 1;

/* owner_roles as resolved at the last load; InvalidOid: none (1.0) or not yet */
static Oid	owner_roles_relid = InvalidOid;

/* One row of owner_roles, its role resolved (InvalidOid: no such role now). */
typedef struct binding_row
{
	pg_uuid_t	owner;
	Oid			role;
} binding_row;

/* What one role may do. */
typedef struct role_binding
{
	Oid			role;
	bool		unrestricted;
	int			n_owners;
	pg_uuid_t  *owners;			/* sorted, unique */
} role_binding;

#define CD_BINDING_ROLES 16		/* roles remembered per generation */

static MemoryContext binding_cxt = NULL;
static uint64 loaded_gen = 0;	/* cd_binding_gen of the cached rows; 0: none */
static bool loaded_trusted = false;
static LocalTransactionId loaded_lxid;
static TimestampTz loaded_stmt;
static bool table_exists = false;
static int	n_rows = 0;
static binding_row *rows = NULL;
static int	n_roles = 0;
static role_binding roles[CD_BINDING_ROLES];

static SPIPlanPtr rows_plan = NULL;

void
cd_binding_relcache_callback(Datum arg, Oid relid)
{
	(void) arg;
	/* while owner_roles is unknown any relation may be it */
	if (relid == InvalidOid || relid == owner_roles_relid || !OidIsValid(owner_roles_relid))
		cd_binding_gen++;
}

void
cd_binding_syscache_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	(void) arg;
	(void) cacheid;
	(void) hashvalue;
	cd_binding_gen++;
}

/*
 * Makes the extension's owner (the owner of its schema) the current user,
 * as SECURITY DEFINER would, saving the caller's user and security context.
 * An error before cd_restore_user is fine: transaction and subtransaction
 * abort restore both.
 */
void
cd_become_extension_owner(cd_user_save *save)
{
	Oid			nsp = get_namespace_oid(CD_SCHEMA, false);
	HeapTuple	tup = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(nsp));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for schema %u", nsp);
	owner = ((Form_pg_namespace) GETSTRUCT(tup))->nspowner;
	ReleaseSysCache(tup);
	GetUserIdAndSecContext(&save->user, &save->sec_context);
	SetUserIdAndSecContext(owner, save->sec_context | SECURITY_LOCAL_USERID_CHANGE);
}

void
cd_restore_user(const cd_user_save *save)
{
	SetUserIdAndSecContext(save->user, save->sec_context);
}

static int
cmp_uuid(const void *a, const void *b)
{
	return memcmp(((const pg_uuid_t *) a)->data, ((const pg_uuid_t *) b)->data, UUID_LEN);
}

/*
 * Reads owner_roles (if the table exists) into a fresh binding_cxt.  The new
 * context hangs under the caller's until it is complete, so an error on the
 * way frees it with the rest of the statement's memory.
 */
static void
load_rows(void)
{
	MemoryContext cxt;
	Oid			nsp;
	uint64		gen = cd_binding_gen;
	bool		exists;
	binding_row *new_rows = NULL;
	int			new_n = 0;

	cxt = AllocSetContextCreate(CurrentMemoryContext, "custom_dialing owner bindings",
								ALLOCSET_SMALL_SIZES);
	nsp = get_namespace_oid(CD_SCHEMA, true);
	owner_roles_relid = OidIsValid(nsp) ? get_relname_relid("owner_roles", nsp) : InvalidOid;
	exists = OidIsValid(owner_roles_relid);
	if (exists)
	{
		cd_user_save save;
		int			ret;
		uint64		r;

		cd_become_extension_owner(&save);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (rows_plan == NULL)
		{
			SPIPlanPtr	p = SPI_prepare("SELECT owner_id, role_name FROM " CD_SCHEMA ".owner_roles",
										0, NULL);

			if (p == NULL || SPI_keepplan(p) != 0)
				elog(ERROR, "preparing the owner_roles query failed");
			rows_plan = p;
		}
		ret = cd_spi_execute_latest(rows_plan, NULL, NULL, 0);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "reading owner_roles failed: %s", SPI_result_code_string(ret));
		new_rows = MemoryContextAllocZero(cxt, sizeof(binding_row) * Max(SPI_processed, 1));
		for (r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			bool		n1,
						n2;
			Datum		owner = SPI_getbinval(tup, SPI_tuptable->tupdesc, 1, &n1);
			Datum		name = SPI_getbinval(tup, SPI_tuptable->tupdesc, 2, &n2);

			if (n1 || n2)
				continue;		/* the table's NOT NULLs forbid it */
			new_rows[new_n].owner = *DatumGetUUIDP(owner);
			new_rows[new_n].role = get_role_oid(NameStr(*DatumGetName(name)), true);
			new_n++;
		}
		SPI_finish();
		cd_restore_user(&save);
	}
	MemoryContextSetParent(cxt, CacheMemoryContext);

	if (binding_cxt)
		MemoryContextDelete(binding_cxt);
	binding_cxt = cxt;
	rows = new_rows;
	n_rows = new_n;
	n_roles = 0;
	table_exists = exists;
	loaded_gen = gen;
	loaded_trusted = !IsInParallelMode();
	loaded_lxid = MyProc->lxid;
	loaded_stmt = GetCurrentStatementStartTimestamp();
}

/* The binding of role under the rows loaded now. */
static const role_binding *
compute(Oid role)
{
	role_binding *b;

	if (n_roles == CD_BINDING_ROLES)
		n_roles = 0;			/* forget the others; each costs little to redo */
	b = &roles[n_roles];
	b->role = role;
	b->unrestricted = true;
	b->n_owners = 0;
	b->owners = NULL;
	if (table_exists && n_rows > 0 && !superuser_arg(role))
	{
		pg_uuid_t  *owners = MemoryContextAlloc(binding_cxt, sizeof(pg_uuid_t) * n_rows);
		int			i,
					k = 0;

		for (i = 0; i < n_rows; i++)
		{
			if (OidIsValid(rows[i].role) && is_member_of_role(role, rows[i].role))
				owners[k++] = rows[i].owner;
		}
		if (k > 0)
		{
			int			j = 0;

			qsort(owners, k, sizeof(pg_uuid_t), cmp_uuid);
			for (i = 0; i < k; i++)
				if (j == 0 || cmp_uuid(&owners[j - 1], &owners[i]) != 0)
					owners[j++] = owners[i];
			b->unrestricted = false;
			b->n_owners = j;
			b->owners = owners;
		}
	}
	n_roles++;
	return b;
}

/*
 * The binding of the current user.  The caller has taken in invalidation
 * messages (AcceptInvalidationMessages) when it matters that changes
 * committed by other sessions are seen.
 */
static const role_binding *
current_binding(Oid role)
{
	int			i;

	if (loaded_gen != cd_binding_gen ||
		!(loaded_trusted ||
		  (IsInParallelMode() && loaded_lxid == MyProc->lxid &&
		   loaded_stmt == GetCurrentStatementStartTimestamp())))
		load_rows();
	for (i = 0; i < n_roles; i++)
		if (roles[i].role == role)
			return &roles[i];
	return compute(role);
}

bool
cd_binding_allows(const pg_uuid_t *owner)
{
	const role_binding *b = current_binding(GetUserId());

	return b->unrestricted ||
		bsearch(owner, b->owners, b->n_owners, sizeof(pg_uuid_t), cmp_uuid) != NULL;
}

bool
cd_binding_cacheable(void)
{
	return loaded_gen == cd_binding_gen && loaded_trusted;
}

void
cd_binding_check_owner(const pg_uuid_t *owner)
{
	char		txt[CD_UUID_TEXT_LEN + 1];

	AcceptInvalidationMessages();
	if (cd_binding_allows(owner))
		return;
	cd_uuid_format(owner->data, txt);
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to act for owner \"%s\"", txt),
			 errdetail("Role \"%s\" is bound to other owners in %s.owner_roles, directly or through a role it is a member of.",
					   GetUserNameFromId(GetUserId(), false), CD_SCHEMA)));
}
