#!/usr/bin/python3
"""psycopg_app.py - custom_dialing from a Python application, with psycopg 3.

This is the README's psycopg example and a test the suite runs
(test/run_all.sh, against a throwaway cluster made by pg_virtualenv).  It
prints TAP: one "ok N - what" or "not ok N - what" line per check, then the
plan "1..N"; it exits non-zero if any check failed.

Connection settings come from the usual PG* environment variables.  With
--setup it first plays the administrator (a superuser connection): creates
the extension, an application role "cd_example_app" that may log in, grants
it the functions, and binds it to one owner in custom_dialing.owner_roles.
Then it connects as that role, the way an application would.

What an application gets here:
  * ids as uuid.UUID, sent typed as uuid (the uuid overloads of the pool
    functions take them; the same parameter also serves pick_pool_number);
  * jsonb results as dicts;
  * errors as exception classes by SQLSTATE (psycopg.errors);
  * arrays of us_e164 cast to text[] so they arrive as lists (psycopg does
    not know the domain's array type and would hand back one string);
  * messy phone numbers normalized in bulk with us_e164_try_normalize.
Under pgbouncer in transaction pooling, connect with prepare_threshold=None
(no server-side prepared statements) and qualify names with custom_dialing.
"""
import os
import sys
import time
import uuid

import psycopg
from psycopg import errors, sql

APP_ROLE = "cd_example_app"
APP_PASSWORD = "cd-example-" + uuid.uuid4().hex  # a fresh one per run
OWNER = uuid.UUID("0190c0de-0000-7000-8000-00000000a001")   # the application's tenant
OTHER = uuid.UUID("0190c0de-0000-7000-8000-00000000b002")   # someone else

_n = 0
_failed = 0


def check(cond, what):
    """One TAP line."""
    global _n, _failed
    _n += 1
    if not cond:
        _failed += 1
    print(("ok" if cond else "not ok"), _n, "-", what, flush=True)


def raises(exc_class, fn, what):
    """Checks that fn() raises exc_class (an exception class of psycopg.errors)."""
    try:
        fn()
    except exc_class:
        check(True, what)
    except psycopg.Error as e:
        check(False, f"{what} (got {type(e).__name__}: {e})")
    else:
        check(False, f"{what} (no error)")


def setup():
    """The administrator's part: run once per database, as a superuser."""
    with psycopg.connect(autocommit=True) as admin:
        admin.execute("CREATE EXTENSION IF NOT EXISTS custom_dialing")
        admin.execute(f"DROP ROLE IF EXISTS {APP_ROLE}")
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(APP_ROLE), APP_PASSWORD))
        # the functions an application needs: EXECUTE only, no table privileges
        admin.execute(f"""
            DO $$
            DECLARE f regprocedure;
            BEGIN
              FOR f IN SELECT p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                       WHERE n.nspname = 'custom_dialing'
                         AND p.proname ~ '(dialing_pool|twilio_credentials|pool_pick|pool_number|pool_coverage)'
              LOOP
                EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO {APP_ROLE}', f);
              END LOOP;
            END $$""")
        # this role acts for OWNER only
        admin.execute("DELETE FROM custom_dialing.owner_roles WHERE role_name = %s", (APP_ROLE,))
        admin.execute("INSERT INTO custom_dialing.owner_roles (owner_id, role_name) VALUES (%s, %s)",
                      (OWNER, APP_ROLE))
        # a pool of someone else's, to be left alone
        other = admin.execute("SELECT custom_dialing.create_dialing_pool(%s, %s)",
                              (OTHER, ["+14155550100"])).fetchone()[0]
        return uuid.UUID(other["data"]["id"])


def app(other_pool, conninfo):
    """What an application does, connected as its own role."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        # credentials and a pool, with typed ids
        res = conn.execute("SELECT custom_dialing.create_twilio_credentials(%s, %s)",
                           (OWNER, "main account")).fetchone()[0]
        check(res["status"] == "success" and res["data"]["label"] == "main account",
              "create_twilio_credentials returns the envelope as a dict")
        key = uuid.UUID(res["data"]["id"])

        numbers = ["+12125550100", "+13105550100", "+13125550100", "+17135550100"]
        res = conn.execute("SELECT custom_dialing.create_dialing_pool(%s, %s, %s)",
                           (OWNER, numbers, key)).fetchone()[0]
        check(res["status"] == "success" and res["data"]["encrypted_key"] == str(key),
              "create_dialing_pool with a uuid.UUID encrypted_key")
        pool = uuid.UUID(res["data"]["id"])

        res = conn.execute("SELECT custom_dialing.get_dialing_pool(%s, %s)", (OWNER, pool)).fetchone()[0]
        check(res["data"]["phone_numbers"] == numbers, "get_dialing_pool with a uuid.UUID pool_id")

        # one typed parameter for a get and a pick, in a server-side prepared statement
        cur = conn.cursor()
        row = cur.execute("SELECT custom_dialing.get_dialing_pool(%(owner)s, %(pool)s)->>'status',"
                          " custom_dialing.pick_pool_number(%(pool)s, %(callee)s)",
                          {"owner": OWNER, "pool": pool, "callee": "+16465550123"},
                          prepare=True).fetchone()
        check(row == ("success", "+12125550100"), "a prepared statement reuses one uuid parameter for get and pick")
        for _ in range(3):
            cur.execute("SELECT custom_dialing.pick_pool_number(%s, %s)", (pool, "+13235550123"), prepare=True)
        check(cur.fetchone()[0] == "+13105550100", "the prepared pick routes 323 to the 310 number")

        res = conn.execute("SELECT custom_dialing.update_dialing_pool(%s, %s, %s, %s)",
                           (OWNER, pool, numbers + ["+19075550100"], None)).fetchone()[0]
        check(res["status"] == "success" and res["data"]["encrypted_key"] is None,
              "update_dialing_pool with a uuid pool_id and None for encrypted_key")
        res = conn.execute("SELECT custom_dialing.get_dialing_pool(%s, %s)", (OWNER, "not-a-uuid")).fetchone()[0]
        check(res["errors"][0]["error"] == "INVALID_POOL_ID",
              "a str pool_id goes to the text form: bad input is an error object")

        # bad request data is an error object, never an exception
        res = conn.execute("SELECT custom_dialing.create_dialing_pool(%s, %s)",
                           (OWNER, ["+12125550100", "212-555-0100", "+12125550100"])).fetchone()[0]
        check([e["error"] for e in res["errors"]] == ["INVALID_PHONE_NUMBERS", "DUPLICATE_PHONE_NUMBERS"],
              "every check of a request is reported together")

        # errors by SQLSTATE
        raises(errors.InsufficientPrivilege,
               lambda: conn.execute("SELECT custom_dialing.list_dialing_pools(%s)", (OTHER,)),
               "acting for another owner raises InsufficientPrivilege (42501)")
        raises(errors.UndefinedObject,
               lambda: conn.execute("SELECT custom_dialing.pick_pool_number(%s, %s)", (other_pool, "+12125550123")),
               "another owner's pool raises UndefinedObject (42704), as a missing one")
        raises(errors.UndefinedObject,
               lambda: conn.execute("SELECT custom_dialing.pick_pool_number(%s, %s)", (uuid.uuid4(), "+12125550123")),
               "a missing pool raises UndefinedObject (42704)")
        raises(errors.NullValueNotAllowed,
               lambda: conn.execute("SELECT custom_dialing.list_dialing_pools(%s)", (None,)),
               "a None owner_id raises NullValueNotAllowed (22004)")
        raises(errors.InvalidTextRepresentation,
               lambda: conn.execute("SELECT custom_dialing.pick_pool_number(%s, %s)", (pool, "212-555-0123")),
               "a callee that is not us_e164 raises InvalidTextRepresentation (22P02)")
        raises(errors.InsufficientPrivilege,
               lambda: conn.execute("SELECT count(*) FROM custom_dialing.dialing_pools"),
               "the tables stay closed to the application")

        # a bulk pick: messy lead numbers, normalized and routed in one statement
        leads = ["(646) 555-%04d" % i for i in range(5000)] + ["tel:+1-310-555-0199", "call me", "x", None]
        rows = conn.execute("""
            SELECT n.phone, n.callee::text, custom_dialing.pick_pool_number(%s, n.callee)::text
              FROM (SELECT phone, custom_dialing.us_e164_try_normalize(phone) AS callee
                      FROM unnest(%s::text[]) AS phone) n
             WHERE n.callee IS NOT NULL""", (pool, leads)).fetchall()
        check(len(rows) == 5001 and all(r[2] == "+12125550100" for r in rows[:5000])
              and rows[5000] == ("tel:+1-310-555-0199", "+13105550199", "+13105550100"),
              "bulk pick of 5,001 normalized leads; the 3 unusable ones are skipped, not fatal")

        # arrays of the domain: a string unless cast to text[]
        raw = conn.execute("SELECT phone_numbers FROM (SELECT %s::custom_dialing.us_e164[] AS phone_numbers) s",
                           (numbers,)).fetchone()[0]
        cast = conn.execute("SELECT %s::custom_dialing.us_e164[]::text[]", (numbers,)).fetchone()[0]
        check(isinstance(raw, str) and cast == numbers, "us_e164[] arrives as a string; cast to text[] for a list")

        # a million numbers in one request: answered fast, with every check
        big = ["+1%010d" % (2000000000 + i) for i in range(1_000_000)]
        big[500_000] = "bad"
        t0 = time.monotonic()
        res = conn.execute("SELECT custom_dialing.create_dialing_pool(%s, %s)", (OWNER, big)).fetchone()[0]
        elapsed = time.monotonic() - t0
        print(f"# a request of 1,000,000 numbers was answered in {elapsed * 1000:.0f} ms (client round trip)")
        check([e["error"] for e in res["errors"]] == ["INVALID_PHONE_NUMBERS", "TOO_MANY_PHONE_NUMBERS"]
              and elapsed < 10, "1,000,000 numbers: INVALID_PHONE_NUMBERS and TOO_MANY_PHONE_NUMBERS together, in under 10 s")

        # clean up our own
        res = conn.execute("SELECT custom_dialing.delete_twilio_credentials(%s, %s)", (OWNER, key)).fetchone()[0]
        check(res["status"] == "success", "unused credentials are deleted")
        res = conn.execute("SELECT custom_dialing.delete_dialing_pool(%s, %s)", (OWNER, pool)).fetchone()[0]
        check(res["status"] == "success", "delete_dialing_pool with a uuid pool_id")


def main():
    other_pool = None
    if "--setup" in sys.argv:
        other_pool = setup()
    else:
        other_pool = uuid.uuid4()
    conninfo = psycopg.conninfo.make_conninfo(user=APP_ROLE, password=APP_PASSWORD,
                                              host=os.environ.get("PGHOST", "localhost"))
    try:
        app(other_pool, conninfo)
    except Exception as e:  # a crash counts as a failure, with its reason
        check(False, f"the application ran to the end ({type(e).__name__}: {e})")
    print(f"1..{_n}")
    return 1 if _failed else 0


if __name__ == "__main__":
    sys.exit(main())
