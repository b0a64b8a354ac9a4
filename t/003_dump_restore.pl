# t/003_dump_restore.pl - pg_dump / pg_restore keep pools, credentials and
# a refreshed geography
#
# The user data (credentials, pools) and the CSV of the last
# refresh_area_codes() are extension configuration tables, so pg_dump writes
# their rows; on restore, CREATE EXTENSION first installs the shipped
# geography and reloading the stored CSV rebuilds area_codes from it.  This
# test proves that a database restored from a custom-format dump with
# pg_restore, and one restored from a plain-format dump with psql, are
# indistinguishable from the original: same rows, same refreshed (not
# shipped) area codes and exchanges, same picks, explanations, locations
# and calling hours.  The CSV of the last refresh_exchanges() travels the
# same way; its reload does not check area codes again (they were checked
# when it was stored), so the order in which the two CSVs are reloaded
# does not matter.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init;
# Statements carry a whole area-code CSV: keep them out of the log.
$node->append_conf('postgresql.conf', "log_statement = 'none'");
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql('postgres', 'CREATE DATABASE shipped');
$node->safe_psql('shipped', 'CREATE EXTENSION custom_dialing');
$node->safe_psql('src', 'CREATE EXTENSION custom_dialing');

# ---- the original database ----

my @owners = map { sprintf('0%s000000-0000-4000-8000-000000000000', $_) } qw(a b c);
my %key;
for my $o (0 .. 2)
{
	for my $k (1 .. 2)
	{
		$key{"$o.$k"} = sprintf('1%s000000-0000-4000-8000-00000000000%d', (qw(a b c))[$o], $k);
		# labels with quotes, a tab and non-ASCII text, fixed creation times
		$node->safe_psql('src', qq{
			INSERT INTO custom_dialing.twilio_credentials (id, owner_id, label, created_at)
			VALUES ('$key{"$o.$k"}', '$owners[$o]', E'key $k of owner $o: ''prod''\\tZürich',
			        '2024-0$k-1$o 10:30:00+00')});
	}
}

sub create_pool
{
	my ($owner, $numbers_sql, $key) = @_;
	my $k = defined $key ? "'$key'" : 'NULL';
	my $r = $node->safe_psql('src', qq{
		SELECT r->>'status' || ' ' || coalesce(r->'data'->>'id', r::text)
		FROM custom_dialing.create_dialing_pool('$owner', $numbers_sql, $k) r});
	my ($status, $id) = split / /, $r, 2;
	is($status, 'success', "pool $id created") or diag($r);
	return $id;
}

my %pool;
# 1,000 numbers over the whole 200-999 range of area codes (geographic ones,
# toll-free, unassigned ...), all distinct.
$pool{big} = create_pool($owners[0], q{ARRAY(
	SELECT '+1' || (200 + (n * 37) % 800)::text || pg_catalog.lpad((n * 1237 % 10000000)::text, 7, '0')
	FROM pg_catalog.generate_series(1, 1000) n)}, $key{'0.1'});
$pool{twenty} = create_pool($owners[0], q{'{+12125550101,+12125550102,+16465550103,
	+13125550104,+14155550105,+16175550106,+17135550107,+13055550108,+12065550109,
	+13035550110,+14045550111,+19075550112,+18085550113,+18005550114,+15125550115,
	+16025550116,+17025550117,+16155550118,+15035550119,+16125550120}'}, $key{'0.2'});
$pool{three} = create_pool($owners[1], q{'{+13125550001,+14065550002,+19075550003}'}, undef);
$pool{tollfree} = create_pool($owners[1], q{'{+18005550100}'}, $key{'1.1'});
$pool{updated} = create_pool($owners[2], q{'{+12125550301}'}, $key{'2.1'});
$pool{deleted} = create_pool($owners[2], q{'{+12125550401}'}, $key{'2.2'});
is( $node->safe_psql('src', qq{
	SELECT custom_dialing.update_dialing_pool('$owners[2]', '$pool{updated}',
		'{+17185550302,+12075550303,+14065550304}', NULL)->>'status'}),
	'success', 'a pool is updated (numbers replaced, credentials removed)');
is( $node->safe_psql('src', qq{
	SELECT custom_dialing.delete_dialing_pool('$owners[2]', '$pool{deleted}')->>'status'}),
	'success', 'a pool is deleted');

# A refreshed geography that differs from the shipped one: 406 (Montana)
# removed, 907 moved from Anchorage to Portland, Maine.
my $csv = $node->safe_psql('src', slurp_file('t/geography_moved.sql'));
is( $node->safe_psql('src', qq{
	SELECT added::text || ' ' || removed::text || ' ' || changed::text
	FROM custom_dialing.refresh_area_codes(\$csv\$$csv\$csv\$)}),
	'{} {406} {907}', 'refresh_area_codes removes 406 and moves 907');

# Calling rules changed by an administrator: a shipped rule edited (no
# longer shipped, its shipped key recorded as removed) and one deleted, a
# rule of one's own; a shipped holiday renamed (its key now held by an own
# row and a removal at once) and one deleted, one added; a blackout.  The
# rest stays shipped, and pg_dump leaves shipped rows to CREATE EXTENSION.
$node->safe_psql('src', q{
	UPDATE custom_dialing.calling_rules SET window_end = '19:00', note = 'shortened by policy'
	 WHERE region = 'FL';
	DELETE FROM custom_dialing.calling_rules WHERE region = 'CT';
	INSERT INTO custom_dialing.calling_rules (region, kinds, days, window_start, window_end, citation, strength)
	VALUES ('NY', '{sales,charitable}', 'Mon-Sat', '09:00', '20:00', 'company policy', 'policy');
	UPDATE custom_dialing.calling_holidays SET name = 'Thanksgiving (renamed)'
	 WHERE holiday_set = 'PA-legal' AND day = '2026-11-26';
	DELETE FROM custom_dialing.calling_holidays WHERE holiday_set = 'UT-legal' AND day = '2026-07-24';
	INSERT INTO custom_dialing.calling_holidays (holiday_set, day, name)
	VALUES ('PA-legal', '2026-11-27', 'day after Thanksgiving');
	INSERT INTO custom_dialing.calling_blackouts (region, starts_at, ends_at, reason)
	VALUES ('LA', '2026-08-27 00:00+00', '2026-08-29 17:00+00', 'declared emergency');
});
is( $node->safe_psql('src', q{
	SELECT count(*) FILTER (WHERE shipped) || ' shipped, ' || count(*) FILTER (WHERE NOT shipped) || ' own'
	FROM custom_dialing.calling_rules}),
	'40 shipped, 2 own', 'calling rules: 40 shipped rows and 2 of the administrator\'s');

# Refreshed exchanges that differ from the shipped ones: 406 gone (its area
# code is), 850-222 moved from Tallahassee to Pensacola (Central time).
my $exch_csv = $node->safe_psql('src', slurp_file('t/exchanges_moved.sql'));
is( $node->safe_psql('src', qq{
	SELECT cardinality(added) || ' ' || cardinality(removed) || ' ' || changed::text
	FROM custom_dialing.refresh_exchanges(\$x\$$exch_csv\$x\$)}),
	'0 173 {850-222}', 'refresh_exchanges removes 406\'s exchanges and moves 850-222');

# Pacing: caps, a resting number, calls and outcomes (a flagged one rests
# its number) in the twenty-number pool; all of it is user data.
is( $node->safe_psql('src', qq{
	SELECT custom_dialing.set_pool_pacing('$owners[0]', '$pool{twenty}', 2, 2)->>'status';
	SELECT custom_dialing.set_number_status('$owners[0]', '$pool{twenty}', '+13125550104', 'resting',
		'2026-07-01 00:00+00', E'complaint: ''spam''')->>'status';
	SELECT count(custom_dialing.dial_pool_number('$pool{twenty}', '+12125551234',
		'2026-06-01 12:00+00'::timestamptz + n * interval '1 minute')) FROM generate_series(1, 12) n;
	SELECT count(custom_dialing.record_call_outcome('$pool{twenty}', '+12125550101', '+12125551234', o,
		'2026-06-01 13:00+00')) FROM unnest('{answered,busy,flagged}'::text[]) o}),
	"success\nsuccess\n12\n3", 'pacing, a status, 12 calls and 3 outcomes are recorded');
is( $node->safe_psql('src', qq{SELECT custom_dialing.get_dialing_pool('$owners[0]', '$pool{twenty}')->'data'->'pacing'}),
	'{"max_calls_per_day": 2, "max_calls_per_hour": 2}', 'the pool object shows its caps');

# 1,000 callees over every kind of area code (t/callees.sql).
my $callees = slurp_file('t/callees.sql');

sub lines
{
	my ($db, $sql) = @_;
	return [ split /\n/, $node->safe_psql($db, $sql) ];
}

# Everything a user of the database can observe, each part sorted.
sub snapshot
{
	my ($db) = @_;
	my %s;
	$s{credentials} = lines($db,
		'SELECT c::text FROM custom_dialing.twilio_credentials c ORDER BY id');
	$s{pools} = lines($db,
		'SELECT p::text FROM custom_dialing.dialing_pools p ORDER BY id');
	$s{area_codes} = lines($db,
		'SELECT a::text FROM custom_dialing.area_codes a ORDER BY npa');
	$s{area_codes_refresh} = lines($db,
		'SELECT r::text FROM custom_dialing.area_codes_refresh r');
	$s{exchanges} = lines($db,
		'SELECT e::text FROM custom_dialing.exchanges e ORDER BY npa, nxx');
	$s{exchanges_refresh} = lines($db,
		'SELECT r::text FROM custom_dialing.exchanges_refresh r');
	# where each callee is, and whether its calling hours are open at
	# 13:30 UTC (08:30 Eastern, 07:30 Central in winter)
	$s{locate} = lines($db, qq{
		WITH callees AS ($callees
		                 UNION ALL SELECT 1001, '+18502221234'::custom_dialing.us_e164)
		SELECT n || ' ' || custom_dialing.us_e164_locate(callee)::text || ' '
		       || coalesce(custom_dialing.within_calling_hours(callee, '2026-01-15 13:30Z')::text, 'null')
		FROM callees ORDER BY n});
	$s{api} = lines($db, join(' UNION ALL ',
		map { "SELECT custom_dialing.list_dialing_pools('$_')::text" } @owners));
	$s{kinds} = lines($db, qq{
		WITH callees AS ($callees)
		SELECT n || ' ' || custom_dialing.us_e164_kind(callee) FROM callees ORDER BY n});
	# every pool, every callee: the number and its explanation
	$s{picks} = lines($db, qq{
		WITH callees AS ($callees)
		SELECT p.id || ' ' || c.n || ' ' || custom_dialing.pick_pool_number(p.id, c.callee)
		       || ' ' || custom_dialing.explain_pool_pick(p.id, c.callee)::text
		FROM custom_dialing.dialing_pools p CROSS JOIN callees c
		ORDER BY p.id, c.n});
	for my $t (qw(calling_rules calling_holidays calling_blackouts calling_rules_removed
		calling_holidays_removed))
	{
		$s{$t} = lines($db, "SELECT r::text FROM custom_dialing.$t r ORDER BY 1");
	}
	# the answers, on Thanksgiving evening and in the blackout
	$s{windows} = lines($db, qq{
		WITH callees AS ($callees)
		SELECT n || ' ' || custom_dialing.calling_window(callee, '2026-11-26 23:30+00')::text
		       || ' ' || custom_dialing.calling_window(callee, '2026-08-28 16:00+00', '{sales,charitable}')::text
		       || ' ' || coalesce(custom_dialing.next_calling_time(callee, '2026-07-24 03:30+00')::text, '-')
		FROM callees ORDER BY n});
	$s{coverage} = lines($db, qq{
		SELECT c::text FROM custom_dialing.dialing_pools p, custom_dialing.pool_coverage(p.id) c
		WHERE p.id = '$pool{twenty}' ORDER BY c.area_code});
	$s{pool_pacing} = lines($db,
		'SELECT p::text FROM custom_dialing.pool_pacing p ORDER BY pool_id');
	$s{pool_number_status} = lines($db,
		'SELECT s::text FROM custom_dialing.pool_number_status s ORDER BY pool_id, phone_number');
	$s{pool_calls} = lines($db,
		'SELECT c::text FROM custom_dialing.pool_calls c ORDER BY pool_id, at, phone_number');
	$s{pool_call_outcomes} = lines($db,
		'SELECT o::text FROM custom_dialing.pool_call_outcomes o ORDER BY pool_id, at, outcome');
	$s{health} = lines($db, qq{
		SELECT custom_dialing.pool_number_health('$owners[0]', '$pool{twenty}', '2026-06-01 13:30+00')});
	$s{dial} = lines($db, qq{
		WITH callees AS ($callees)
		SELECT c.n || ' ' || custom_dialing.explain_pool_dial('$pool{twenty}', c.callee, '2026-06-01 13:30+00')::text
		FROM callees c WHERE c.n <= 200 ORDER BY c.n});
	return \%s;
}

my $orig = snapshot('src');
is(scalar @{ $orig->{pools} }, 5, 'the original database has five pools');
is(scalar @{ $orig->{picks} }, 5000, 'picks recorded for 1,000 callees in each pool');
is(scalar @{ $orig->{pool_calls} }, 12, 'the original database has 12 calls');
like(join("\n", @{ $orig->{dial} }), qr/"daily_cap".*"resting"|"resting".*"daily_cap"/s,
	'the decisions compared below include capped and resting numbers');
is( $node->safe_psql('src', qq{
	SELECT pg_catalog.cardinality(phone_numbers) FROM custom_dialing.dialing_pools
	WHERE id = '$pool{big}'}), '1000', 'one pool holds 1,000 numbers');
is( $node->safe_psql('src', qq{
	WITH callees AS ($callees)
	SELECT string_agg(DISTINCT custom_dialing.explain_pool_pick('$pool{twenty}', callee)->>'rule', ',')
	FROM callees}),
	'area_code,fallback,nearest,overlay', 'the callees exercise every routing rule');

# The refreshed geography is not the shipped one, so comparing it below
# really tells the two apart.
my $shipped = lines('shipped', 'SELECT a::text FROM custom_dialing.area_codes a ORDER BY npa');
isnt(join("\n", @{ $orig->{area_codes} }), join("\n", @$shipped),
	'the refreshed area_codes differs from the shipped one');
my $shipped_exch = lines('shipped', 'SELECT e::text FROM custom_dialing.exchanges e ORDER BY npa, nxx');
isnt(join("\n", @{ $orig->{exchanges} }), join("\n", @$shipped_exch),
	'the refreshed exchanges differ from the shipped ones');
is($node->safe_psql('shipped', q{
	SELECT (custom_dialing.us_e164_locate('+18502221234')->>'place') || ' '
	       || custom_dialing.within_calling_hours('+18502221234', '2026-01-15 13:30Z')}),
	'Tallahassee true', 'shipped: 850-222 is Tallahassee, on Eastern time');
is($node->safe_psql('src', q{SELECT custom_dialing.us_e164_kind('+14065550100')}),
	'unassigned', 'the removed 406 is unassigned in the original');
my $shipped_rules = lines('shipped', 'SELECT r::text FROM custom_dialing.calling_rules r ORDER BY 1');
is(scalar @$shipped_rules, 42, 'a fresh database has the 42 shipped rules');
isnt(join("\n", @{ $orig->{calling_rules} }), join("\n", @$shipped_rules),
	'the changed calling rules differ from the shipped ones');
is(scalar @{ $orig->{calling_holidays} }, 324, 'holidays: 324 rows after one deleted and one added');

# ---- dump and restore ----

my $tmp = PostgreSQL::Test::Utils::tempdir;

$node->command_ok([ 'pg_dump', '-Fc', '-f', "$tmp/src.dump", '-d', $node->connstr('src') ],
	'pg_dump -Fc');
$node->command_ok([ 'pg_dump', '-Fp', '-f', "$tmp/src.sql", '-d', $node->connstr('src') ],
	'pg_dump -Fp');

$node->safe_psql('postgres', 'CREATE DATABASE restored_custom');
$node->command_ok(
	[ 'pg_restore', '--exit-on-error', '-d', $node->connstr('restored_custom'), "$tmp/src.dump" ],
	'pg_restore of the custom-format dump into a fresh database');

$node->safe_psql('postgres', 'CREATE DATABASE restored_plain');
$node->command_ok(
	[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('restored_plain'),
		'-f', "$tmp/src.sql" ],
	'psql restores the plain-format dump into a fresh database');

# A restored database, read in new sessions (so routing caches are built
# from the restored rows), must equal the original in every part.
sub compare_with_original
{
	my ($db) = @_;
	my $got = snapshot($db);
	for my $part (sort keys %$orig)
	{
		is_deeply($got->{$part}, $orig->{$part}, "$db: $part identical to the original");
	}
	is($node->safe_psql($db, q{SELECT custom_dialing.us_e164_kind('+14065550100')}),
		'unassigned', "$db: the removed 406 stays removed");
	is($node->safe_psql($db, q{SELECT place FROM custom_dialing.area_codes WHERE npa = '907'}),
		'Portland', "$db: 907 stays moved");
	is($node->safe_psql($db, q{
		SELECT (custom_dialing.us_e164_locate('+18502221234')->>'place') || ' '
		       || custom_dialing.within_calling_hours('+18502221234', '2026-01-15 13:30Z')}),
		'Pensacola false', "$db: 850-222 stays moved to Pensacola, on Central time");
	is($node->safe_psql($db, q{SELECT count(*) FROM custom_dialing.exchanges WHERE npa = '406'}),
		'0', "$db: 406's exchanges stay removed");
}

compare_with_original('restored_custom');
compare_with_original('restored_plain');

# Neither duplicated nor lost, and still tracked: reset_calling_rules() in
# the restored database gives exactly the shipped rows back.
is( $node->safe_psql('restored_custom', q{
	SELECT count(*) || ' ' || count(DISTINCT (region, kinds, days)) FROM custom_dialing.calling_rules}),
	'42 42', 'restored: 42 distinct calling rules, none twice');
$node->safe_psql('restored_custom', 'SELECT custom_dialing.reset_calling_rules()');
is_deeply(lines('restored_custom', 'SELECT r::text FROM custom_dialing.calling_rules r ORDER BY 1'),
	$shipped_rules, 'restored: reset_calling_rules() gives back the shipped rules');

# A restored database is fully live: the ownership rule still holds, and an
# update there is routed at once.
is( $node->safe_psql('restored_custom', qq{
	SELECT custom_dialing.update_dialing_pool('$owners[0]', '$pool{twenty}',
		'{+12075550999}', '$key{"1.1"}')->'errors'->0->>'error'}),
	'INVALID_CREDENTIALS', 'restored: another owner\'s credentials are still refused');
is( $node->safe_psql('restored_custom', qq{
	SELECT custom_dialing.update_dialing_pool('$owners[0]', '$pool{twenty}',
		'{+12075550999,+19075550998}', '$key{"0.1"}')->>'status'}),
	'success', 'restored: a pool can be updated');
is( $node->safe_psql('restored_custom', qq{
	SELECT custom_dialing.pick_pool_number('$pool{twenty}', '+12075550100')}),
	'+12075550999', 'restored: routing follows the update');
is( $node->safe_psql('restored_custom', qq{
	SELECT custom_dialing.explain_pool_pick('$pool{twenty}', '+16175550100')->>'number'}),
	'+19075550998', 'restored: routing uses the refreshed geography (907 in Maine is nearest to Boston)');

$node->stop;
done_testing();
