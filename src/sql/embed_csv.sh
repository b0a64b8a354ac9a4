#!/bin/sh
# embed_csv.sh TEMPLATE CSV - prints TEMPLATE with "@NANP_AREA_CODES_CSV@" at
# the start of a line replaced by the CSV's exact contents as a dollar-quoted
# literal ($nanp$...$nanp$); the rest of that line follows the literal.
# Fails if the CSV could end the literal early.
set -eu
template=$1
csv=$2
if grep -q '\$nanp\$' "$csv"; then
	echo "embed_csv.sh: $csv contains the quote tag \$nanp\$" >&2
	exit 1
fi
awk -v csv="$csv" '
	index($0, "@NANP_AREA_CODES_CSV@") == 1 {
		rest = substr($0, length("@NANP_AREA_CODES_CSV@") + 1)
		printf "%s", "$nanp$"
		while ((getline line < csv) > 0) print line
		close(csv)
		print "$nanp$" rest
		next
	}
	{ print }
' "$template"
