#!/usr/bin/env bash
# test/tap_one.sh t/NNN_name.pl... - runs the named TAP tests alone, as the
# suite does (as postgres, in a copy of the tree), after make install.
# Prints prove's output; the server logs stay in the copy, whose path is
# printed last.  Run as root.
set -u
cd "$(dirname "$0")/.."
W=$(mktemp -d /tmp/custom_dialing_tap.XXXXXX)
cp -a . "$W/src"
mkdir -p "$W/tmp"
chown -R postgres:postgres "$W"
chmod 755 "$W"
(cd "$W/src" && TMPDIR="$W/tmp" runuser -u postgres -- make -s installcheck REGRESS= ISOLATION= \
	PROVE_TESTS="$*" PROVE_FLAGS="--timer")
rc=$?
echo "logs: $W/src/tmp_check/log"
exit $rc
