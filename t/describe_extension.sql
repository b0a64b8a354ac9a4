-- t/describe_extension.sql - everything CREATE EXTENSION custom_dialing
-- defines, one line per fact, sorted: the extension's member objects;
-- function signatures, bodies and labels (volatility, strictness, parallel
-- safety, SECURITY DEFINER, proconfig, cost), grants and initial privileges;
-- table columns, constraints, indexes, triggers and their enabled state;
-- domains; comments on all of them; the pg_extension_config_dump
-- registrations.  Two databases whose outputs are equal hold the same
-- extension, however they got it (t/004_upgrade.pl compares an updated one
-- with a fresh one).  Owners and OIDs are left out: they differ by design.
WITH ext AS (
	SELECT e.oid, e.extname, e.extversion, e.extrelocatable, e.extnamespace,
	       e.extconfig, e.extcondition
	FROM pg_catalog.pg_extension e WHERE e.extname = 'custom_dialing'
), nsp AS (
	SELECT extnamespace AS oid FROM ext
), members AS (
	SELECT d.classid, d.objid, d.objsubid
	FROM pg_catalog.pg_depend d, ext
	WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
	  AND d.refobjid = ext.oid AND d.deptype = 'e'
), rels AS (
	SELECT c.oid, c.relname, c.relkind
	FROM pg_catalog.pg_class c, nsp WHERE c.relnamespace = nsp.oid
), facts(fact) AS (
	SELECT 'extension ' || extname || ' version ' || extversion
	       || ' relocatable ' || extrelocatable
	       || ' schema ' || pg_catalog.quote_ident(extnamespace::pg_catalog.regnamespace::text)
	FROM ext
	UNION ALL
	SELECT 'schema acl ' || coalesce(n.nspacl::text, '-')
	       || ' comment ' || coalesce(pg_catalog.obj_description(n.oid, 'pg_namespace'), '-')
	FROM pg_catalog.pg_namespace n, nsp WHERE n.oid = nsp.oid
	UNION ALL
	SELECT 'member ' || pg_catalog.pg_describe_object(classid, objid, objsubid) FROM members
	UNION ALL
	-- extension configuration tables (pg_extension_config_dump)
	SELECT 'config_dump ' || c.tbl::pg_catalog.regclass::text || ' condition '
	       || pg_catalog.quote_literal(c.cond)
	FROM ext, LATERAL unnest(ext.extconfig, ext.extcondition) AS c(tbl, cond)
	UNION ALL
	SELECT 'function ' || p.proname || '(' || pg_catalog.pg_get_function_arguments(p.oid) || ')'
	       || ' returns ' || coalesce(pg_catalog.pg_get_function_result(p.oid), '-')
	       || ' kind ' || p.prokind::text
	       || ' language ' || l.lanname
	       || ' volatility ' || p.provolatile::text
	       || ' strict ' || p.proisstrict
	       || ' parallel ' || p.proparallel::text
	       || ' security_definer ' || p.prosecdef
	       || ' leakproof ' || p.proleakproof
	       || ' cost ' || p.procost || ' rows ' || p.prorows
	       || ' config ' || coalesce(p.proconfig::text, '-')
	       || ' acl ' || coalesce(p.proacl::text, '-')
	       || ' bin ' || coalesce(p.probin, '-')
	       || ' src ' || pg_catalog.md5(p.prosrc)
	       || ' comment ' || coalesce(pg_catalog.obj_description(p.oid, 'pg_proc'), '-')
	FROM pg_catalog.pg_proc p
	JOIN nsp ON p.pronamespace = nsp.oid
	JOIN pg_catalog.pg_language l ON l.oid = p.prolang
	UNION ALL
	SELECT 'relation ' || r.relname || ' kind ' || r.relkind::text
	       || ' persistence ' || c.relpersistence::text
	       || ' rls ' || c.relrowsecurity || '/' || c.relforcerowsecurity
	       || ' options ' || coalesce(c.reloptions::text, '-')
	       || ' acl ' || coalesce(c.relacl::text, '-')
	       || ' comment ' || coalesce(pg_catalog.obj_description(r.oid, 'pg_class'), '-')
	FROM rels r JOIN pg_catalog.pg_class c ON c.oid = r.oid
	UNION ALL
	-- columns by position among the live ones (an upgrade that adds a column
	-- puts it last; a fresh CREATE TABLE must too, or SELECT * differs)
	SELECT 'column ' || r.relname || '.' || a.attname
	       || ' position ' || pg_catalog.rank() OVER (PARTITION BY r.oid ORDER BY a.attnum)
	       || ' type ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
	       || ' not_null ' || a.attnotnull
	       || ' default ' || coalesce(pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), '-')
	       || ' identity ' || a.attidentity::text || ' generated ' || a.attgenerated::text
	       || ' collation ' || coalesce(a.attcollation::pg_catalog.regcollation::text, '-')
	       || ' acl ' || coalesce(a.attacl::text, '-')
	       || ' comment ' || coalesce(pg_catalog.col_description(r.oid, a.attnum), '-')
	FROM rels r
	JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
	LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = r.oid AND ad.adnum = a.attnum
	WHERE r.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
	UNION ALL
	SELECT 'constraint ' || coalesce(r.relname, t.typname) || '.' || co.conname
	       || ' ' || pg_catalog.pg_get_constraintdef(co.oid)
	       || ' deferrable ' || co.condeferrable || '/' || co.condeferred
	       || ' validated ' || co.convalidated
	       || ' comment ' || coalesce(pg_catalog.obj_description(co.oid, 'pg_constraint'), '-')
	FROM pg_catalog.pg_constraint co
	LEFT JOIN rels r ON r.oid = co.conrelid
	LEFT JOIN pg_catalog.pg_type t ON t.oid = co.contypid
	JOIN nsp ON co.connamespace = nsp.oid
	UNION ALL
	SELECT 'index ' || pg_catalog.pg_get_indexdef(i.indexrelid)
	       || ' comment ' || coalesce(pg_catalog.obj_description(i.indexrelid, 'pg_class'), '-')
	FROM pg_catalog.pg_index i JOIN rels r ON r.oid = i.indrelid
	UNION ALL
	SELECT 'trigger ' || pg_catalog.pg_get_triggerdef(tg.oid)
	       || ' enabled ' || tg.tgenabled::text
	       || ' comment ' || coalesce(pg_catalog.obj_description(tg.oid, 'pg_trigger'), '-')
	FROM pg_catalog.pg_trigger tg JOIN rels r ON r.oid = tg.tgrelid
	WHERE NOT tg.tgisinternal
	UNION ALL
	SELECT 'policy ' || r.relname || '.' || po.polname || ' cmd ' || po.polcmd::text
	       || ' permissive ' || po.polpermissive
	       || ' roles ' || po.polroles::text
	       || ' using ' || coalesce(pg_catalog.pg_get_expr(po.polqual, po.polrelid), '-')
	       || ' check ' || coalesce(pg_catalog.pg_get_expr(po.polwithcheck, po.polrelid), '-')
	FROM pg_catalog.pg_policy po JOIN rels r ON r.oid = po.polrelid
	UNION ALL
	SELECT 'type ' || t.typname || ' type ' || t.typtype::text
	       || ' base ' || coalesce(pg_catalog.format_type(NULLIF(t.typbasetype, 0), NULL), '-')
	       || ' not_null ' || t.typnotnull
	       || ' default ' || coalesce(t.typdefault, '-')
	       || ' acl ' || coalesce(t.typacl::text, '-')
	       || ' comment ' || coalesce(pg_catalog.obj_description(t.oid, 'pg_type'), '-')
	FROM pg_catalog.pg_type t JOIN nsp ON t.typnamespace = nsp.oid
	UNION ALL
	SELECT 'operator ' || o.oid::pg_catalog.regoperator::text
	FROM pg_catalog.pg_operator o JOIN nsp ON o.oprnamespace = nsp.oid
	UNION ALL
	SELECT 'cast ' || pg_catalog.format_type(c.castsource, NULL) || ' as '
	       || pg_catalog.format_type(c.casttarget, NULL) || ' ' || c.castcontext::text
	FROM pg_catalog.pg_cast c JOIN members m
	  ON m.classid = 'pg_catalog.pg_cast'::pg_catalog.regclass AND m.objid = c.oid
	UNION ALL
	-- the privileges pg_dump treats as the extension's own
	SELECT 'init_privs ' || pg_catalog.pg_describe_object(ip.classoid, ip.objoid, ip.objsubid)
	       || ' ' || ip.privtype::text || ' ' || ip.initprivs::text
	FROM pg_catalog.pg_init_privs ip
	JOIN members m ON m.classid = ip.classoid AND m.objid = ip.objoid
	              AND (m.objsubid = ip.objsubid OR ip.objsubid <> 0 AND m.objsubid = 0)
)
-- one line per fact: definitions spanning lines are folded
SELECT f FROM (SELECT pg_catalog.regexp_replace(fact, '\s*\n\s*', ' ', 'g') AS f FROM facts) s
ORDER BY f COLLATE "C";
