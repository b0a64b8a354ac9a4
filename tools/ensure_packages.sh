#!/usr/bin/env bash
# tools/ensure_packages.sh PACKAGE... - installs, from Debian's archive, those
# of the named packages that are not installed yet (apt-get update first);
# does nothing when all are there.  apt's output goes to $APT_LOG (default
# /dev/null); on failure its last lines are shown and the exit status is 1.
# Run as root.
set -u
missing=""
for p in "$@"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -n "$missing" ] || exit 0
echo "installing:$missing"
log=${APT_LOG:-/dev/null}
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! { apt-get update && apt-get install -y --no-install-recommends $missing; } >>"$log" 2>&1; then
	[ "$log" != /dev/null ] && tail -20 "$log" >&2
	echo "installing$missing failed" >&2
	exit 1
fi
