#!/usr/bin/env bash
# check_versions.sh - the control file, META.json, Changes and the install
# scripts must agree on the version.  Prints TAP-style "ok"/"not ok" lines.
set -u
cd "$(dirname "$0")/.."
n=0; bad=0
check() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; bad=$((bad + 1)); fi; }

ctl=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" custom_dialing.control)
meta=$(python3 -c 'import json;print(json.load(open("META.json"))["version"])' 2>/dev/null ||
	sed -n 's/^   "version": "\([^"]*\)".*/\1/p' META.json | head -1)
meta_ext=$(python3 -c 'import json;print(json.load(open("META.json"))["provides"]["custom_dialing"]["version"])' 2>/dev/null)
changes=$(awk 'NF && $1 ~ /^[0-9]/ {print $1; exit}' Changes)

check "control default_version ($ctl) is set" '[ -n "$ctl" ]'
check "META.json version ($meta) matches control ($ctl)" '[ "${meta%.*}" = "$ctl" ]'
check "META.json provides version ($meta_ext) equals its version" '[ "$meta_ext" = "$meta" ]'
check "newest Changes entry ($changes) equals META.json version" '[ "$changes" = "$meta" ]'
check "install script source for $ctl exists" '[ -f "src/sql/custom_dialing--$ctl.sql.in" ]'
check "Makefile builds the install script for $ctl" 'grep -q "custom_dialing--$ctl.sql" Makefile'
# Every version's install script is built; every older version has an
# update path to the newest; released scripts are byte for byte as shipped.
check "an update script source from 1.0 to $ctl exists" '[ "$ctl" = 1.0 ] || [ -f "src/sql/custom_dialing--1.0--$ctl.sql.in" ]'
check "Makefile builds the update script from 1.0 to $ctl" '[ "$ctl" = 1.0 ] || grep -q "custom_dialing--1.0--$ctl.sql" Makefile'
while read -r sum file; do
	check "released $file is byte for byte as shipped (sha256 $sum)" \
		'[ -f "$file" ] && [ "$(sha256sum < "$file" | cut -d" " -f1)" = "$sum" ]'
done < test/released_scripts.sha256
check "Changes entry is dated" 'awk "NF && \$1 ~ /^[0-9]/ {print; exit}" Changes | grep -Eq "[0-9]{4}-[0-9]{2}-[0-9]{2}"'
echo "1..$n"
[ "$bad" -eq 0 ]
