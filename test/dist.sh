#!/usr/bin/env bash
# test/dist.sh - makes the PGXN distribution (make dist) of the committed
# tree and checks it: the zip's name and single top folder follow META.json's
# version, META.json inside it is spec 1.0.0 with the fields PGXN requires
# and "provides" in step with the control file, and no build output, test
# log or CI file is in it.  Prints its file list as comments and TAP-style
# "ok"/"not ok" lines.
set -u
cd "$(dirname "$0")/.."
n=0; bad=0
check() {
	local what=$1; shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $what"; else echo "not ok $n - $what"; bad=$((bad + 1)); fi
}
version=$(python3 -c 'import json; print(json.load(open("META.json"))["version"])')
name="custom_dialing-$version"
rm -f "$name.zip"
check "make dist makes $name.zip" sh -c "make -s dist >/dev/null && [ -f '$name.zip' ]"
[ -f "$name.zip" ] || { echo "1..$n"; exit 1; }
python3 -m zipfile -l "$name.zip" | sed 's/^/# /'
list=$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$name.zip")
check "every file is under the top folder $name/" sh -c "! printf '%s\n' \"\$1\" | grep -v '^$name/'" _ "$list"
for f in META.json README.md Changes Makefile custom_dialing.control LICENSE \
	src/sql/custom_dialing--1.0.sql.in src/sql/custom_dialing--1.1.sql.in \
	src/sql/custom_dialing--1.0--1.1.sql.in data/nanp_area_codes.csv data/1.0/nanp_area_codes.csv data/README.md \
	data/calling_rules.csv data/calling_holidays.csv tools/calling_rules_table.py; do
	check "the distribution has $f" sh -c "printf '%s\n' \"\$1\" | grep -qxF '$name/$f'" _ "$list"
done
check "no build output (.o .so .bc, built scripts, test/bin, fuzz/bin)" sh -c "! printf '%s\n' \"\$1\" |
	grep -E '\.(o|so|bc|zip|deb)$|^$name/custom_dialing--[0-9.-]+\.sql$|/(test|fuzz)/bin/'" _ "$list"
check "no test results or logs (results/, output_iso/, tmp_check/, regression.*, test/log/)" sh -c "! printf '%s\n' \"\$1\" |
	grep -E '/(results|output_iso|tmp_check|log)/|regression\.(diffs|out)$'" _ "$list"
check "no CI or git files" sh -c "! printf '%s\n' \"\$1\" | grep -E '/\.ci/|/\.git'" _ "$list"
meta=$(python3 -c 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())' \
	"$name.zip" "$name/META.json")
check "META.json in the zip is valid and PGXN-complete (spec 1.0.0)" python3 -c '
import json, sys
m = json.loads(sys.argv[1])
need = ["name", "abstract", "version", "maintainer", "license", "provides", "meta-spec"]
assert all(k in m for k in need), [k for k in need if k not in m]
assert m["meta-spec"]["version"] == "1.0.0"
assert m["name"] == "custom_dialing"
' "$meta"
ctl=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" custom_dialing.control)
check "META.json provides custom_dialing $version, the control file's $ctl" python3 -c '
import json, sys
m = json.loads(sys.argv[1])
p = m["provides"]["custom_dialing"]
assert p["version"] == m["version"] == sys.argv[2], (p["version"], m["version"])
assert m["version"].rsplit(".", 1)[0] == sys.argv[3]
assert p["file"] and p["docfile"]
' "$meta" "$version" "$ctl"
check "the files META.json names are in the zip" python3 -c '
import json, sys
m = json.loads(sys.argv[1]); names = set(sys.argv[3].split("\n"))
p = m["provides"]["custom_dialing"]
for f in (p["file"], p["docfile"]):
    assert sys.argv[2] + "/" + f in names, f
' "$meta" "$name" "$list"
rm -f "$name.zip"
echo "1..$n"
[ "$bad" -eq 0 ]
