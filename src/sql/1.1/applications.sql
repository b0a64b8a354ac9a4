-- src/sql/1.1/applications.sql - new in 1.1 for applications: typed ids,
-- credentials functions, owner binding, forgiving normalization.  Included
-- unchanged by custom_dialing--1.1.sql.in and custom_dialing--1.0--1.1.sql.in.

------------------------------------------------------------------------
-- Forgiving normalization
------------------------------------------------------------------------

CREATE FUNCTION @extschema@.us_e164_try_normalize(value pg_catalog.text)
RETURNS @extschema@.us_e164
AS 'MODULE_PATHNAME', 'us_e164_try_normalize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.us_e164_try_normalize(pg_catalog.text) IS
'As us_e164_normalize (typed numbers and tel: URIs), but NULL instead of an error for what is not one US number';

------------------------------------------------------------------------
-- Owner binding
------------------------------------------------------------------------

CREATE TABLE @extschema@.owner_roles (
	owner_id uuid NOT NULL,
	role_name pg_catalog.name NOT NULL,
	CONSTRAINT owner_roles_pkey PRIMARY KEY (owner_id, role_name)
);

COMMENT ON TABLE @extschema@.owner_roles IS
'Which owners a role may act for: a role bound here (directly or through membership in a bound role) may act only for its owners; unbound roles act for any owner; superusers are never restricted';
COMMENT ON COLUMN @extschema@.owner_roles.owner_id IS 'The organization (the owner_id of pools and credentials)';
COMMENT ON COLUMN @extschema@.owner_roles.role_name IS 'A role name; the binding follows the name (a renamed role loses it)';
COMMENT ON CONSTRAINT owner_roles_pkey ON @extschema@.owner_roles IS 'One row per owner and role';
COMMENT ON INDEX @extschema@.owner_roles_pkey IS 'One row per owner and role';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.owner_roles', '');

-- Committed changes reach every session's binding cache (owner_binding.c).
CREATE TRIGGER owner_roles_invalidate_cache
	AFTER INSERT OR UPDATE OR DELETE ON @extschema@.owner_roles
	FOR EACH ROW EXECUTE FUNCTION @extschema@.invalidate_routing_cache();
CREATE TRIGGER owner_roles_invalidate_cache_truncate
	AFTER TRUNCATE ON @extschema@.owner_roles
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.invalidate_routing_cache();
ALTER TABLE @extschema@.owner_roles ENABLE ALWAYS TRIGGER owner_roles_invalidate_cache;
ALTER TABLE @extschema@.owner_roles ENABLE ALWAYS TRIGGER owner_roles_invalidate_cache_truncate;
COMMENT ON TRIGGER owner_roles_invalidate_cache ON @extschema@.owner_roles IS
'Tells every session that owner bindings changed';
COMMENT ON TRIGGER owner_roles_invalidate_cache_truncate ON @extschema@.owner_roles IS
'Tells every session that owner bindings changed';

------------------------------------------------------------------------
-- Typed ids: uuid overloads of the pool functions.  No DEFAULT on the
-- typed encrypted_key, so create_dialing_pool(owner, numbers) keeps one
-- candidate; a quoted literal or an untyped NULL still resolves to the text
-- forms (the string category is preferred for unknown arguments).
------------------------------------------------------------------------

CREATE FUNCTION @extschema@.create_dialing_pool(owner_id uuid,
	phone_numbers pg_catalog.text[], encrypted_key uuid)
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'create_dialing_pool'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

COMMENT ON FUNCTION @extschema@.create_dialing_pool(uuid, pg_catalog.text[], uuid) IS
'create_dialing_pool with encrypted_key as uuid; same results';

CREATE FUNCTION @extschema@.get_dialing_pool(owner_id uuid, pool_id uuid)
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'get_dialing_pool'
LANGUAGE C STABLE
SET search_path = pg_catalog, pg_temp;

COMMENT ON FUNCTION @extschema@.get_dialing_pool(uuid, uuid) IS
'get_dialing_pool with pool_id as uuid; same results';

CREATE FUNCTION @extschema@.update_dialing_pool(owner_id uuid, pool_id uuid,
	phone_numbers pg_catalog.text[], encrypted_key uuid)
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'update_dialing_pool'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

COMMENT ON FUNCTION @extschema@.update_dialing_pool(uuid, uuid, pg_catalog.text[], uuid) IS
'update_dialing_pool with pool_id and encrypted_key as uuid; same results';

CREATE FUNCTION @extschema@.update_dialing_pool(owner_id uuid, pool_id uuid,
	phone_numbers pg_catalog.text[], encrypted_key pg_catalog.text)
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'update_dialing_pool'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

COMMENT ON FUNCTION @extschema@.update_dialing_pool(uuid, uuid, pg_catalog.text[], pg_catalog.text) IS
'update_dialing_pool with pool_id as uuid (encrypted_key text or an untyped NULL); same results';

CREATE FUNCTION @extschema@.update_dialing_pool(owner_id uuid, pool_id pg_catalog.text,
	phone_numbers pg_catalog.text[], encrypted_key uuid)
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'update_dialing_pool'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

COMMENT ON FUNCTION @extschema@.update_dialing_pool(uuid, pg_catalog.text, pg_catalog.text[], uuid) IS
'update_dialing_pool with encrypted_key as uuid; same results';

CREATE FUNCTION @extschema@.delete_dialing_pool(owner_id uuid, pool_id uuid)
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'delete_dialing_pool'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

COMMENT ON FUNCTION @extschema@.delete_dialing_pool(uuid, uuid) IS
'delete_dialing_pool with pool_id as uuid; same results';

------------------------------------------------------------------------
-- Credentials without table grants
------------------------------------------------------------------------

CREATE FUNCTION @extschema@.create_twilio_credentials(owner_id uuid,
	label pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'create_twilio_credentials'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

COMMENT ON FUNCTION @extschema@.create_twilio_credentials(uuid, pg_catalog.text) IS
'Registers a Twilio credentials handle for owner_id; returns {"id","owner_id","label","created_at"} in the API envelope; the id is the encrypted_key of pools';

CREATE FUNCTION @extschema@.list_twilio_credentials(owner_id uuid)
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'list_twilio_credentials'
LANGUAGE C STABLE
SET search_path = pg_catalog, pg_temp;

COMMENT ON FUNCTION @extschema@.list_twilio_credentials(uuid) IS
'The owner''s Twilio credentials handles, oldest first, in the API envelope';

CREATE FUNCTION @extschema@.delete_twilio_credentials(owner_id uuid, credentials_id pg_catalog.text)
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'delete_twilio_credentials'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

COMMENT ON FUNCTION @extschema@.delete_twilio_credentials(uuid, pg_catalog.text) IS
'Deletes one of the owner''s credentials handles; CREDENTIALS_IN_USE names the pools using it, INVALID_CREDENTIALS alike for missing and another owner''s';

CREATE FUNCTION @extschema@.delete_twilio_credentials(owner_id uuid, credentials_id uuid)
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'delete_twilio_credentials'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

COMMENT ON FUNCTION @extschema@.delete_twilio_credentials(uuid, uuid) IS
'delete_twilio_credentials with credentials_id as uuid; same results';

REVOKE ALL ON FUNCTION @extschema@.create_dialing_pool(uuid, pg_catalog.text[], uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.get_dialing_pool(uuid, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.update_dialing_pool(uuid, uuid, pg_catalog.text[], uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.update_dialing_pool(uuid, uuid, pg_catalog.text[], pg_catalog.text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.update_dialing_pool(uuid, pg_catalog.text, pg_catalog.text[], uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.delete_dialing_pool(uuid, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.create_twilio_credentials(uuid, pg_catalog.text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.list_twilio_credentials(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.delete_twilio_credentials(uuid, pg_catalog.text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.delete_twilio_credentials(uuid, uuid) FROM PUBLIC;
