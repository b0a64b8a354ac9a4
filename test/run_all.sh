#!/usr/bin/env bash
# test/run_all.sh - the whole test suite of custom_dialing, from a fresh
# Debian 12 machine: installs what it needs, builds with -Wall -Wextra
# -Werror, runs cppcheck, builds and checks the Debian package and the PGXN
# distribution, runs the pure-core unit tests (AddressSanitizer and
# UndefinedBehaviorSanitizer, then valgrind), the fuzzers for a bounded time,
# and pg_regress, isolation and TAP suites against throwaway clusters.
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
#
# Run as root (it installs packages and the extension).  Environment:
#   FUZZ_SECONDS      seconds per simple fuzz target (default 20)
#   FUZZ_CSV_SECONDS  seconds per CSV fuzz target (default 60: the CSV
#                     parsers have far more paths and were still finding new
#                     inputs after 300 s)
#   SKIP_DEPS=1    do not install packages
set -u
cd "$(dirname "$0")/.."
TOP=$(pwd)
LOG=${TEST_LOG_DIR:-$TOP/test/log}
rm -rf "$LOG" && mkdir -p "$LOG"
passed=0
failed=0
failures=()

note() { printf '== %s\n' "$*"; }
pass() { passed=$((passed + $1)); }
fail() { failed=$((failed + $1)); failures+=("$2"); }

PKGS="postgresql-15 postgresql-server-dev-15 postgresql-client-15 uuid-dev libipc-run-perl
      clang-14 libclang-rt-14-dev valgrind cppcheck sqlsmith make gcc
      debhelper postgresql-server-dev-all lintian python3-psycopg"
if [ "${SKIP_DEPS:-0}" != 1 ]; then
	# shellcheck disable=SC2086
	APT_LOG="$LOG/apt.log" bash tools/ensure_packages.sh $PKGS ||
		{ echo "0 passed, 1 failed"; exit 1; }
fi
export PATH=/usr/lib/postgresql/15/bin:$PATH

# ---- build (a failed build fails everything) ----
note "build"
make clean >/dev/null 2>&1
if make COPT="-Wall -Wextra -Werror" >"$LOG/build.log" 2>&1 && make install >>"$LOG/build.log" 2>&1; then
	pass 1
else
	tail -30 "$LOG/build.log"
	echo "0 passed, 1 failed"
	exit 1
fi

# ---- static analysis ----
note "cppcheck"
if cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability \
	--inline-suppr --suppress=missingIncludeSystem --std=c11 \
	-I src/core src/core >"$LOG/cppcheck.log" 2>&1 && ! [ -s "$LOG/cppcheck.log" ] &&
	cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability \
	--inline-suppr --suppress=missingIncludeSystem --suppress=missingInclude --std=c11 \
	-I src/core src/*.c >>"$LOG/cppcheck.log" 2>&1 && ! [ -s "$LOG/cppcheck.log" ]; then
	pass 1
else
	cat "$LOG/cppcheck.log"
	fail 1 cppcheck
fi

count_tap() { # file label
	local ok nok
	ok=$(grep -c '^ok ' "$1")
	nok=$(grep -c '^not ok ' "$1")
	pass "$ok"
	[ "$nok" -gt 0 ] && { grep '^not ok ' "$1" | head -20; fail "$nok" "$2"; }
	echo "   $2: $ok ok, $nok not ok"
}
note "versions in step"
bash test/check_versions.sh >"$LOG/versions.log" 2>&1
count_tap "$LOG/versions.log" "version checks"

note "README's table of the shipped calling rules"
/usr/bin/python3 tools/calling_rules_table.py --check README.md >"$LOG/readme_table.log" 2>&1
count_tap "$LOG/readme_table.log" "README calling-rules table"

# ---- packaging: the Debian package and the PGXN distribution ----
note "Debian package (dpkg-buildpackage, lintian, smoke test of the packaged files)"
bash test/package.sh >"$LOG/package.log" 2>&1
count_tap "$LOG/package.log" "Debian package"
grep -q '^1\.\.' "$LOG/package.log" || { tail -20 "$LOG/package.log"; fail 1 "Debian package (did not finish)"; }

note "PGXN distribution (make dist)"
bash test/dist.sh >"$LOG/dist.log" 2>&1
count_tap "$LOG/dist.log" "PGXN distribution"
grep -q '^1\.\.' "$LOG/dist.log" || { tail -20 "$LOG/dist.log"; fail 1 "PGXN distribution (did not finish)"; }

# ---- pure-core unit tests ----
note "unit tests (ASan + UBSan)"
if make unittest >"$LOG/unit.log" 2>&1; then :; else
	tail -30 "$LOG/unit.log"
	grep -q '^not ok ' "$LOG/unit.log" || fail 1 "unit tests (crashed or did not build)"
fi
count_tap "$LOG/unit.log" "unit tests"

note "unit tests (valgrind)"
if make unittest-valgrind >"$LOG/valgrind.log" 2>&1; then :; else
	tail -30 "$LOG/valgrind.log"
	fail 1 "unit tests under valgrind"
fi
count_tap "$LOG/valgrind.log" "unit tests under valgrind"

# ---- fuzzing, bounded ----
note "fuzzing (${FUZZ_SECONDS:-20} s per target, ${FUZZ_CSV_SECONDS:-60} s per CSV target)"
make fuzz-build >"$LOG/fuzz-build.log" 2>&1 || { tail -20 "$LOG/fuzz-build.log"; fail 1 "fuzz build"; }
for t in $(sed -n 's/^FUZZ_TARGETS = //p' Makefile); do
	[ -x "fuzz/bin/$t" ] || { fail 1 "$t (not built)"; continue; }
	case " $(sed -n 's/^FUZZ_CSV_TARGETS = //p' Makefile) " in
	*" $t "*) seconds=${FUZZ_CSV_SECONDS:-60} ;;
	*) seconds=${FUZZ_SECONDS:-20} ;;
	esac
	work=$(mktemp -d)
	if "./fuzz/bin/$t" -max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$LOG/$t-" "$work" "fuzz/corpus/$t" >"$LOG/$t.log" 2>&1; then
		pass 1
		echo "   $t: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$LOG/$t.log" | grep -o '[0-9]*$') executions, no finding"
	else
		tail -30 "$LOG/$t.log"
		fail 1 "$t"
	fi
	rm -rf "$work"
done

# ---- server suites, run as postgres in a copy of the tree ----
W=$(mktemp -d /tmp/custom_dialing_test.XXXXXX)
cp -a "$TOP/." "$W/src"
mkdir -p "$W/tmp"
chown -R postgres:postgres "$W"
chmod 755 "$W"
as_pg() { (cd "$W/src" && TMPDIR="$W/tmp" runuser -u postgres -- "$@"); }

count_regress() { # file label
	local ok nok
	ok=$(grep -Ec '^(test | +)[^ ].* \.\.\. ok' "$1")
	nok=$(grep -Ec '^(test | +)[^ ].* \.\.\. FAILED' "$1")
	pass "$ok"
	[ "$nok" -gt 0 ] && fail "$nok" "$2"
	echo "   $2: $ok ok, $nok failed"
	[ "$ok" -gt 0 ] || [ "$nok" -gt 0 ] || fail 1 "$2 (did not run)"
}

note "pg_regress"
as_pg pg_virtualenv make installcheck ISOLATION= TAP_TESTS= >"$LOG/regress.log" 2>&1
count_regress "$LOG/regress.log" "pg_regress"
[ -f "$W/src/regression.diffs" ] && cp "$W/src/regression.diffs" "$LOG/" && head -100 "$LOG/regression.diffs"

if grep -q '^ISOLATION = [a-z]' Makefile; then
	note "isolation"
	as_pg pg_virtualenv make installcheck REGRESS= TAP_TESTS= >"$LOG/isolation.log" 2>&1
	count_regress "$LOG/isolation.log" "isolation"
	[ -f "$W/src/output_iso/regression.diffs" ] && cp "$W/src/output_iso/regression.diffs" "$LOG/isolation.diffs" &&
		head -100 "$LOG/isolation.diffs"
fi

if grep -q '^TAP_TESTS = 1' Makefile; then
	note "TAP"
	as_pg make installcheck REGRESS= ISOLATION= PROVE_FLAGS="--timer" >"$LOG/tap.log" 2>&1
	tap_ok=$(grep -Ec '^(\[[0-9:]+\] )?t/[^ ]+ \.+ ok' "$LOG/tap.log")
	tap_files=$(ls t/*.pl 2>/dev/null | wc -l)
	pass "$tap_ok"
	if [ "$tap_ok" -lt "$tap_files" ]; then
		fail $((tap_files - tap_ok)) TAP
		grep -E '^t/|not ok|Failed|Dubious' "$LOG/tap.log" | head -40
		cp -r "$W/src/tmp_check/log" "$LOG/tap-server-logs" 2>/dev/null
	fi
	grep -E '^# (acknowledged|survived|crash|dials)' "$LOG/tap.log" || true
	echo "   TAP: $tap_ok of $tap_files files ok"
fi

# a real client: the README's psycopg 3 example, as an application role bound
# to one owner, against a throwaway cluster; TAP lines counted like the rest
note "psycopg client"
as_pg pg_virtualenv /usr/bin/python3 test/client/psycopg_app.py --setup >"$LOG/client.log" 2>&1
client_rc=$?
count_tap "$LOG/client.log" "psycopg client"
client_plan=$(grep -Eo '^1\.\.[0-9]+' "$LOG/client.log" | cut -c4-)
client_ran=$(grep -Ec '^(not )?ok ' "$LOG/client.log")
if [ "$client_rc" -ne 0 ] && ! grep -q '^not ok ' "$LOG/client.log" || [ "${client_plan:-x}" != "$client_ran" ]; then
	tail -20 "$LOG/client.log"
	fail 1 "psycopg client (exit $client_rc, plan ${client_plan:-missing}, ran $client_ran)"
fi
grep '^# ' "$LOG/client.log" || true

if [ -x test/sqlsmith.sh ]; then
	note "sqlsmith (bounded)"
	if bash test/sqlsmith.sh >"$LOG/sqlsmith.log" 2>&1; then
		pass 1
	else
		fail 1 sqlsmith
	fi
	tail -5 "$LOG/sqlsmith.log"
fi

rm -rf "$W"
[ ${#failures[@]} -gt 0 ] && printf 'failed: %s\n' "${failures[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
