# t/004_upgrade.pl - ALTER EXTENSION custom_dialing UPDATE from 1.0 gives
# exactly what a fresh 1.1 install gives, and keeps every credential, pool,
# refreshed geography and sticky choice.
#
# Three databases: "fresh" gets CREATE EXTENSION at the default version;
# "refreshed" and "shipped" get version 1.0 as released, are filled with
# credentials and pools (and "refreshed" with a geography of its own), and
# are updated.  Then:
# - t/describe_extension.sql (member objects, function signatures, bodies
#   and labels, grants, comments, columns, constraints, indexes, triggers,
#   config-dump registrations) must print the same lines in all three;
# - the user data is unchanged, a refreshed geography stays as it was, and
#   a database still on 1.0's shipped geography gets 1.1's, row for row;
# - every callee routed by the area_code, overlay or fallback rule before
#   the update gets the same number after it, in sessions opened before and
#   after the update (the nearest rule may change: 1.1 measures between
#   exchange points where it knows them);
# - the shipped exchanges arrive with the update, also where the
#   administrator's area_codes lacks some of their area codes (those stay
#   dormant), and a 1.0 database run by the new library keeps 1.0's
#   every-zone calling hours.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
# Statements carry a whole area-code CSV: keep them out of the log.
$node->append_conf('postgresql.conf', "log_statement = 'none'");
$node->start;

my $default = $node->safe_psql('postgres', q{
	SELECT default_version FROM pg_available_extensions WHERE name = 'custom_dialing'});
is($default, '1.1', 'the default version is 1.1');
is( $node->safe_psql('postgres', q{
	SELECT string_agg(source || '>' || target || ':' || path, ',' ORDER BY source, target)
	FROM pg_extension_update_paths('custom_dialing') WHERE path IS NOT NULL}),
	'1.0>1.1:1.0--1.1', 'one update path: 1.0 to 1.1');

for my $db (qw(fresh refreshed shipped))
{
	$node->safe_psql('postgres', "CREATE DATABASE $db");
}
$node->safe_psql('fresh', 'CREATE EXTENSION custom_dialing');
for my $db (qw(refreshed shipped))
{
	$node->safe_psql($db, q{CREATE EXTENSION custom_dialing VERSION '1.0'});
	is($node->safe_psql($db, q{SELECT extversion FROM pg_extension WHERE extname = 'custom_dialing'}),
		'1.0', "$db: version 1.0 installed as released");
}

# ---- fill the 1.0 databases ----

my @owners = map { sprintf('0%s000000-0000-4000-8000-000000000000', $_) } qw(a b);
my %key = (a => '1a000000-0000-4000-8000-000000000001', b => '1b000000-0000-4000-8000-000000000001');
my %pool;

for my $db (qw(refreshed shipped))
{
	$node->safe_psql($db, qq{
		INSERT INTO custom_dialing.twilio_credentials (id, owner_id, label, created_at) VALUES
		('$key{a}', '$owners[0]', E'main ''prod''\\tZürich', '2024-01-15 10:30:00+00'),
		('$key{b}', '$owners[1]', NULL, '2024-02-15 10:30:00+00')});
	my $create = sub {
		my ($owner, $numbers, $k) = @_;
		my $kk = defined $k ? "'$k'" : 'NULL';
		my $r = $node->safe_psql($db, qq{
			SELECT r->>'status' || ' ' || coalesce(r->'data'->>'id', r::text)
			FROM custom_dialing.create_dialing_pool('$owner', $numbers, $kk) r});
		my ($status, $id) = split / /, $r, 2;
		is($status, 'success', "$db: pool created") or diag($r);
		return $id;
	};
	$pool{$db}{big} = $create->($owners[0], q{ARRAY(
		SELECT '+1' || (200 + (n * 37) % 800)::text || pg_catalog.lpad((n * 1237 % 10000000)::text, 7, '0')
		FROM pg_catalog.generate_series(1, 1000) n)}, $key{a});
	$pool{$db}{twenty} = $create->($owners[0], q{'{+12125550101,+12125550102,+16465550103,
		+13125550104,+14155550105,+16175550106,+17135550107,+13055550108,+12065550109,
		+13035550110,+14045550111,+19075550112,+18085550113,+18005550114,+15125550115,
		+16025550116,+17025550117,+16155550118,+15035550119,+16125550120}'}, $key{a});
	$pool{$db}{three} = $create->($owners[1], q{'{+13125550001,+14065550002,+19075550003}'}, $key{b});
	$pool{$db}{tollfree} = $create->($owners[1], q{'{+18005550100}'}, undef);
}

my $csv = $node->safe_psql('refreshed', slurp_file('t/geography_moved.sql'));
is( $node->safe_psql('refreshed', qq{
	SELECT added::text || ' ' || removed::text || ' ' || changed::text
	FROM custom_dialing.refresh_area_codes(\$csv\$$csv\$csv\$)}),
	'{} {406} {907}', 'refreshed: refresh_area_codes removes 406 and moves 907');

my $callees = slurp_file('t/callees.sql');

sub lines
{
	my ($db, $sql) = @_;
	return [ split /\n/, $node->safe_psql($db, $sql) ];
}

sub data_snapshot
{
	my ($db) = @_;
	my %s;
	$s{credentials} = lines($db, 'SELECT c::text FROM custom_dialing.twilio_credentials c ORDER BY id');
	$s{pools} = lines($db, 'SELECT p::text FROM custom_dialing.dialing_pools p ORDER BY id');
	$s{area_codes_refresh} = lines($db, 'SELECT r::text FROM custom_dialing.area_codes_refresh r');
	# 1.1 adds the key "pacing" to pool objects (checked separately below)
	$s{api} = lines($db, join(' UNION ALL ',
		map { qq{SELECT pg_catalog.jsonb_set(l, '{data}', COALESCE((SELECT pg_catalog.jsonb_agg(e - 'pacing' ORDER BY o)
			FROM pg_catalog.jsonb_array_elements(l->'data') WITH ORDINALITY AS a(e, o)), '[]'))::text
			FROM custom_dialing.list_dialing_pools('$_') AS l} } @owners));
	return \%s;
}

# pool, callee, number and rule of every pick, as a hash "pool n" => "number rule"
my $picks_sql = qq{
	WITH callees AS ($callees)
	SELECT p.id || ' ' || c.n || ' ' || custom_dialing.pick_pool_number(p.id, c.callee)
	       || ' ' || (custom_dialing.explain_pool_pick(p.id, c.callee)->>'rule')
	FROM custom_dialing.dialing_pools p CROSS JOIN callees c ORDER BY p.id, c.n};

sub picks_from
{
	my ($out) = @_;
	my %p;
	for (split /\n/, $out)
	{
		my ($pool, $n, $number, $rule) = split / /;
		$p{"$pool $n"} = "$number $rule";
	}
	return \%p;
}

my (%before, %before_picks, %before_geo);
for my $db (qw(refreshed shipped))
{
	$before{$db} = data_snapshot($db);
	$before_picks{$db} = picks_from($node->safe_psql($db, $picks_sql));
	is(scalar keys %{ $before_picks{$db} }, 4000, "$db: 4,000 picks recorded on 1.0");
	$before_geo{$db} = lines($db, 'SELECT a::text FROM custom_dialing.area_codes a ORDER BY npa');
}
# A 1.0 database runs the new library with no exchanges table: calling
# hours keep 1.0's every-zone rule (850 spans Central and Eastern; at 13:30
# UTC in January it is 07:30 in Panama City, 08:30 in Tallahassee).
my $tallahassee_hours = q{SELECT custom_dialing.within_calling_hours('+18502221234', '2026-01-15 13:30Z')};
is($node->safe_psql('shipped', $tallahassee_hours), 'f',
	'shipped on 1.0: calling hours in every zone of 850, as 1.0 answers');
my %rules = map { (split / /)[1] => 1 } values %{ $before_picks{shipped} };
is(join(',', sort keys %rules), 'area_code,fallback,nearest,overlay',
	'the callees exercise every routing rule');

# ---- update, with a session that routed on 1.0 kept open across it ----

my $old_session = $node->background_psql('shipped', on_error_stop => 1);
my $probe = qq{SELECT custom_dialing.pick_pool_number('$pool{shipped}{twenty}', '+16465550199')};
my $probe_before = $old_session->query_safe($probe);
like($probe_before, qr/^\+1(212|646)/, 'an open 1.0 session routes 646 to a 212/646 number');
is($old_session->query_safe($tallahassee_hours), 'f',
	'an open 1.0 session checks 850 calling hours in every zone');
# In "refreshed" the update leaves area_codes alone: only the update
# script's own invalidation tells an open session about the exchanges.
my $old_refreshed = $node->background_psql('refreshed', on_error_stop => 1);
is($old_refreshed->query_safe($tallahassee_hours), 'f',
	'an open 1.0 session of "refreshed" checks 850 calling hours in every zone');

for my $db (qw(refreshed shipped))
{
	$node->safe_psql($db, 'ALTER EXTENSION custom_dialing UPDATE');
	is($node->safe_psql($db, q{SELECT extversion FROM pg_extension WHERE extname = 'custom_dialing'}),
		'1.1', "$db: updated to 1.1");
}

# ---- the updated databases equal a fresh 1.1 install, object by object ----

my $describe = slurp_file('t/describe_extension.sql');
my $fresh_desc = lines('fresh', $describe);
cmp_ok(scalar @$fresh_desc, '>', 100, 'the description of a fresh install has over 100 facts');

sub compare_lists
{
	my ($got, $want, $name) = @_;
	my %w = map { $_ => 1 } @$want;
	my %g = map { $_ => 1 } @$got;
	my @missing = grep { !$g{$_} } @$want;
	my @extra = grep { !$w{$_} } @$got;
	ok(!@missing && !@extra && @$got == @$want, $name)
	  or diag(join("\n", (map { "only in the fresh install: $_" } @missing),
			(map { "only in the updated one:   $_" } @extra)));
}

for my $db (qw(refreshed shipped))
{
	compare_lists(lines($db, $describe), $fresh_desc,
		"$db: updated extension equals a fresh 1.1 install, object by object");
}

# ---- the data survives ----

for my $db (qw(refreshed shipped))
{
	my $after = data_snapshot($db);
	for my $part (sort keys %{ $before{$db} })
	{
		is_deeply($after->{$part}, $before{$db}{$part}, "$db: $part unchanged by the update");
	}
}

for my $db (qw(refreshed shipped))
{
	is( $node->safe_psql($db, 'SELECT string_agg(DISTINCT p, \' \') FROM (' . join(' UNION ALL ',
			map { qq{SELECT (e->'pacing')::text FROM pg_catalog.jsonb_array_elements(
				custom_dialing.list_dialing_pools('$_')->'data') AS e} } @owners) . ') AS s(p)'),
		'{"max_calls_per_day": null, "max_calls_per_hour": null}',
		"$db: after the update every pool object has \"pacing\", without caps");
}

is_deeply(lines('refreshed', 'SELECT a::text FROM custom_dialing.area_codes a ORDER BY npa'),
	$before_geo{refreshed}, 'refreshed: an administrator\'s geography is left as it was');
is($node->safe_psql('refreshed', q{SELECT place FROM custom_dialing.area_codes WHERE npa = '907'}),
	'Portland', 'refreshed: 907 stays moved');

my $fresh_geo = lines('fresh', 'SELECT a::text FROM custom_dialing.area_codes a ORDER BY npa');
is_deeply(lines('shipped', 'SELECT a::text FROM custom_dialing.area_codes a ORDER BY npa'),
	$fresh_geo, 'shipped: the geography is now 1.1\'s, row for row as a fresh install');
isnt(join("\n", @{ $before_geo{shipped} }), join("\n", @$fresh_geo),
	'shipped: 1.1 ships a geography different from 1.0\'s, so the comparison above tells them apart');
is($node->safe_psql('shipped', q{SELECT array_to_string(time_zones, ' ') FROM custom_dialing.area_codes WHERE npa = '907'}),
	'America/Anchorage America/Adak', 'shipped: 907 gains America/Adak with the 1.1 data');

# The calling rules and holidays new in 1.1 arrive with the update, row for
# row as a fresh install has them, and answer the same.
for my $t (qw(calling_rules calling_holidays))
{
	my $fresh_rows = lines('fresh', "SELECT r::text FROM custom_dialing.$t r ORDER BY 1");
	for my $db (qw(refreshed shipped))
	{
		is_deeply(lines($db, "SELECT r::text FROM custom_dialing.$t r ORDER BY 1"), $fresh_rows,
			"$db: $t as a fresh install has it");
	}
}
for my $db (qw(refreshed shipped))
{
	is( $node->safe_psql($db, q{
		SELECT custom_dialing.next_calling_time('+18015550100', '2026-07-04 03:00+00') AT TIME ZONE 'UTC'}),
		'2026-07-06 14:00:00', "$db: next_calling_time skips Utah's holiday weekend");
}

# ---- the shipped exchanges arrive with the update ----

my $fresh_exch = lines('fresh', 'SELECT e::text FROM custom_dialing.exchanges e ORDER BY npa, nxx');
cmp_ok(scalar @$fresh_exch, '>', 30000, 'a fresh install ships over 30,000 exchanges');
for my $db (qw(refreshed shipped))
{
	is_deeply(lines($db, 'SELECT e::text FROM custom_dialing.exchanges e ORDER BY npa, nxx'),
		$fresh_exch, "$db: the exchanges are a fresh install's, row for row");
	is($node->safe_psql($db, 'SELECT count(*) FROM custom_dialing.exchanges_refresh'), '0',
		"$db: no exchange refresh is recorded");
}
is($node->safe_psql('shipped', $tallahassee_hours), 't',
	'shipped on 1.1: calling hours in the zone of the Tallahassee exchange');
# The administrator's area_codes lacks 406: its shipped exchanges are kept
# but dormant, so 406 numbers stay without a location there.
is($node->safe_psql('refreshed', q{SELECT count(*) FROM custom_dialing.exchanges WHERE npa = '406'}),
	'173', 'refreshed: the 173 exchanges of the removed 406 are kept');
is($node->safe_psql('refreshed', q{SELECT custom_dialing.us_e164_locate('+14062391234')->>'precision'}),
	'', 'refreshed: they are dormant (a 406 number has no location)');
is($node->safe_psql('shipped', q{SELECT custom_dialing.us_e164_locate('+14062391234')->>'place'}),
	'Missoula', 'shipped: a 406 exchange is located');

# ---- sticky choices survive ----

for my $db (qw(refreshed shipped))
{
	my $after = picks_from($node->safe_psql($db, $picks_sql));
	my ($same, $compared, $changed) = (0, 0, 0);
	my %seen;
	for my $k (sort keys %{ $before_picks{$db} })
	{
		my ($number, $rule) = split / /, $before_picks{$db}{$k};
		next unless $rule =~ /^(area_code|overlay|fallback)$/;
		$compared++;
		$seen{$rule}++;
		my ($num_after) = split / /, ($after->{$k} // '');
		if ($num_after eq $number) { $same++ }
		elsif ($changed++ < 5) { diag("$db: $k was $number ($rule), now " . ($after->{$k} // 'nothing')) }
	}
	cmp_ok($compared, '>', 2000, "$db: over 2,000 picks by area_code, overlay or fallback compared");
	is(join(',', sort keys %seen), 'area_code,fallback,overlay', "$db: all three rules among them");
	is($same, $compared, "$db: every one of them keeps its number after the update");
}

is($old_session->query_safe($probe), $probe_before,
	'a session opened on 1.0 keeps routing the same way after the update');
is($old_session->query_safe($tallahassee_hours), 't',
	'a session opened on 1.0 uses the exchanges once the update commits');
is($old_refreshed->query_safe($tallahassee_hours), 't',
	'so does one in "refreshed", whose area codes the update did not touch');
$old_refreshed->quit;
$old_session->quit;

done_testing();
