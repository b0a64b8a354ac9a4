#!/usr/bin/env bash
# test/package.sh - builds the Debian package postgresql-15-custom-dialing
# from the project's files (tracked and not ignored) in a temporary folder
# with dpkg-buildpackage -us -uc -b (which also runs the pg_regress suite
# against the package's own files), then checks it: its file list, lintian
# (no errors), and a smoke test in a throwaway cluster that loads the
# extension from the unpacked package (pg_virtualenv -p, which points the
# server's extension_destdir and dynamic_library_path at it): CREATE
# EXTENSION, a pool, a pick, the update from 1.0, and proof that the library
# the backend mapped is the packaged one.
#
# Needs root (pg_virtualenv as root, dpkg-buildpackage's build dependencies:
# debhelper, postgresql-server-dev-all, postgresql-15, uuid-dev, lintian).
# Prints TAP-style "ok"/"not ok" lines; the folder it built in is removed
# unless KEEP=1.
set -u
cd "$(dirname "$0")/.."
TOP=$(pwd)
n=0; bad=0
check() { # description, then a command that succeeds when the check holds
	local what=$1; shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $what"; else echo "not ok $n - $what"; bad=$((bad + 1)); fi
}

version=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
meta=$(sed -n 's/^   "version": "\([^"]*\)".*/\1/p' META.json | head -1)
check "debian/changelog version ($version) equals META.json ($meta)" [ "$version" = "$meta" ]
check "debian/control is debian/control.in for the versions in debian/pgversions" \
	sh -c 'for v in $(cat debian/pgversions); do sed "s/PGVERSION/$v/g" debian/control.in; done | cmp -s - debian/control'

D=$(mktemp -d /tmp/custom_dialing_deb.XXXXXX)
chmod 755 "$D"
SRC="$D/custom-dialing-$version"
mkdir "$SRC"
# what a clean checkout has, including uncommitted changes to it
git ls-files -co --exclude-standard -z | tar -c --null -T - | tar -x -C "$SRC"

(cd "$SRC" && dpkg-buildpackage -us -uc -b) >"$D/build.log" 2>&1
rc=$?
check "dpkg-buildpackage -us -uc -b builds the package (its pg_regress run included)" [ "$rc" -eq 0 ]
deb="$D/postgresql-15-custom-dialing_${version}_$(dpkg --print-architecture).deb"
if [ "$rc" -ne 0 ] || [ ! -f "$deb" ]; then
	tail -40 "$D/build.log"
	echo "1..$n"
	exit 1
fi
grep -E '^(test | +)[^ ].* \.\.\. (ok|FAILED)' "$D/build.log" | sed 's/^/# package build: /'

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$D/files"
for f in /usr/lib/postgresql/15/lib/custom_dialing.so \
	/usr/share/postgresql/15/extension/custom_dialing.control \
	/usr/share/postgresql/15/extension/custom_dialing--1.0.sql \
	/usr/share/postgresql/15/extension/custom_dialing--1.1.sql \
	/usr/share/postgresql/15/extension/custom_dialing--1.0--1.1.sql \
	/usr/share/postgresql/15/extension/custom_dialing_nanp_area_codes.csv \
	/usr/share/postgresql/15/extension/custom_dialing_calling_rules.csv \
	/usr/share/postgresql/15/extension/custom_dialing_calling_holidays.csv \
	/usr/share/doc/postgresql-15-custom-dialing/copyright \
	/usr/share/doc/postgresql-15-custom-dialing/data-sources.md.gz; do
	check "the package ships $f" grep -qxF "$f" "$D/files"
done
check "the package ships nothing outside the server's lib, extension and doc folders" \
	sh -c "! grep -vE '^/(usr/?|usr/lib/?|usr/lib/postgresql/?|usr/lib/postgresql/15/?|usr/lib/postgresql/15/lib/.*|usr/share/?|usr/share/postgresql/?|usr/share/postgresql/15/?|usr/share/postgresql/15/extension/.*|usr/share/doc/?|usr/share/doc/postgresql-15-custom-dialing/.*)?$' '$D/files'"
check "the released 1.0 script is packaged byte for byte" sh -c "
	dpkg-deb --fsys-tarfile '$deb' | tar -xO ./usr/share/postgresql/15/extension/custom_dialing--1.0.sql |
	sha256sum | cut -d' ' -f1 | grep -qx \"\$(awk '\$2 == \"custom_dialing--1.0.sql\" {print \$1}' test/released_scripts.sha256)\""

lintian --fail-on error "$D"/*.changes >"$D/lintian.log" 2>&1
rc=$?
check "lintian reports no errors" [ "$rc" -eq 0 ]
sed 's/^/# lintian: /' "$D/lintian.log"

# ---- smoke test against the unpacked package ----
SMOKE="$D/smoke"
mkdir -p "$SMOKE/debian/postgresql-15-custom-dialing"
dpkg-deb -x "$deb" "$SMOKE/debian/postgresql-15-custom-dialing"
chmod -R a+rX "$D"
cat >"$SMOKE/smoke.sql" <<'EOF'
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
CREATE EXTENSION custom_dialing;
SELECT 'version ' || extversion FROM pg_extension WHERE extname = 'custom_dialing';
INSERT INTO custom_dialing.twilio_credentials (id, owner_id, label)
VALUES ('5f0c6d1e-8a4b-4c2d-9e7f-1a2b3c4d5e6f', '0b5e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b', 'main');
SELECT 'pool ' || (custom_dialing.create_dialing_pool('0b5e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
	ARRAY['+12125550123', '+13125550123', '+14155550123'], '5f0c6d1e-8a4b-4c2d-9e7f-1a2b3c4d5e6f')->>'status');
SELECT 'pick ' || custom_dialing.pick_pool_number(id, '+16465550199') FROM custom_dialing.dialing_pools;
-- the library this backend mapped
SELECT 'library ' || l FROM pg_catalog.regexp_split_to_table(
	pg_catalog.pg_read_file('/proc/' || pg_catalog.pg_backend_pid() || '/maps'), E'\n') AS l
WHERE l LIKE '%custom_dialing.so' LIMIT 1;
CREATE DATABASE smoke_update;
\c smoke_update
CREATE EXTENSION custom_dialing VERSION '1.0';
ALTER EXTENSION custom_dialing UPDATE;
SELECT 'updated ' || extversion FROM pg_extension WHERE extname = 'custom_dialing';
EOF
(cd "$SMOKE" && pg_virtualenv -p postgresql-15-custom-dialing \
	psql -X -q -f smoke.sql) >"$D/smoke.out" 2>&1
rc=$?
sed 's/^/# smoke: /' "$D/smoke.out"
check "smoke test: psql ran the whole script" [ "$rc" -eq 0 ]
check "smoke test: CREATE EXTENSION installs version ${meta%.*}" grep -qx "version ${meta%.*}" "$D/smoke.out"
check "smoke test: create_dialing_pool succeeds" grep -qx "pool success" "$D/smoke.out"
check "smoke test: 646 is routed to the overlaid 212 number" grep -qx "pick +12125550123" "$D/smoke.out"
check "smoke test: the backend runs the packaged library" \
	grep -q "^library .*$SMOKE/debian/postgresql-15-custom-dialing/usr/lib/postgresql/15/lib/custom_dialing.so$" "$D/smoke.out"
check "smoke test: the packaged scripts update 1.0 to ${meta%.*}" grep -qx "updated ${meta%.*}" "$D/smoke.out"

[ "${KEEP:-0}" = 1 ] && echo "# kept: $D" || rm -rf "$D"
echo "1..$n"
[ "$bad" -eq 0 ]
