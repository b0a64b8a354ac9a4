#!/bin/sh
# build_script.sh TEMPLATE - prints an install or upgrade script built from
# TEMPLATE (a file under src/sql).  Two directives, each alone at the start
# of a line:
#
#   @INCLUDE path@          the named file (relative to src/sql), itself
#                           processed the same way; a 1.1 object is written
#                           once, in a fragment under src/sql/1.1/, and
#                           included by both the fresh 1.1 script and the
#                           1.0--1.1 upgrade script
#   @CSV path tag@rest      the exact contents of the file (relative to the
#                           project's top folder) as a dollar-quoted literal
#                           $tag$...$tag$, followed by the rest of the line
#
# Fails if a CSV contains its quote tag (it could end the literal early), if
# a file is missing, or if includes nest more than 8 deep.
# (The 1.0 script is still built by embed_csv.sh, byte for byte as released.)
set -eu
template=$1
sqldir=$(dirname "$template")
top=$(cd "$sqldir/../.." && pwd)
awk -v sqldir="$sqldir" -v top="$top" '
	function fail(msg) {
		print "build_script.sh: " msg > "/dev/stderr"
		failed = 1
		exit 1
	}
	function readable(path,   probe, r) {
		r = (getline probe < path)
		close(path)
		return r >= 0
	}
	function emit(file, depth,   line, arg, inner, at, parts, rest, csvline, tag) {
		if (depth > 8)
			fail("includes nest too deep at " file)
		if (!readable(file))
			fail("cannot read " file)
		while ((getline line < file) > 0) {
			if (line ~ /^@INCLUDE [^@ ]+@$/) {
				arg = substr(line, 10, length(line) - 10)
				emit(sqldir "/" arg, depth + 1)
			} else if (line ~ /^@CSV [^@ ]+ [a-z_]+@/) {
				inner = substr(line, 2)
				at = index(inner, "@")
				rest = substr(inner, at + 1)
				split(substr(inner, 5, at - 5), parts, " ")
				tag = "$" parts[2] "$"
				if (!readable(top "/" parts[1]))
					fail("cannot read " top "/" parts[1])
				printf "%s", tag
				while ((getline csvline < (top "/" parts[1])) > 0) {
					if (index(csvline, tag))
						fail(parts[1] " contains the quote tag " tag)
					print csvline
				}
				close(top "/" parts[1])
				print tag rest
			} else if (line ~ /^@[A-Z]/) {
				fail("unknown directive in " file ": " line)
			} else
				print line
		}
		close(file)
	}
	BEGIN { emit(ARGV[1], 0); ARGV[1] = "" }
	END { if (failed) exit 1 }
' "$template"
