# t/002_standby.pl - routing on a streaming hot standby
#
# Routing makes no writes and uses no randomness, so a hot standby must give
# exactly the primary's answers, follow pool updates and area-code and
# exchange refreshes as they are replayed (also in a session whose cache was built before the
# change), and refuse every pool-changing call with a read-only error.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $owner = '0a000000-0000-4000-8000-000000000000';
my $key = '1a000000-0000-4000-8000-000000000001';

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
# Statements carry a whole area-code CSV: keep them out of the logs.
$primary->append_conf('postgresql.conf', "log_statement = 'none'");
$primary->start;
$primary->safe_psql('postgres', qq{
CREATE EXTENSION custom_dialing;
INSERT INTO custom_dialing.twilio_credentials (id, owner_id, label)
VALUES ('$key', '$owner', 'standby test');
});

$primary->backup('bkp');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'bkp', has_streaming => 1);
$standby->start;

# The pool is created after the backup, so the standby learns of it only by
# streaming.  Twenty numbers: two in 212 and one in its overlay 646 (sticky
# choice among equals), a spread of area codes for the nearest rule, and a
# toll-free number that only takes part in the fallback.
my @numbers = qw(
  +12125550101 +12125550102 +16465550103 +13125550104 +14155550105
  +16175550106 +17135550107 +13055550108 +12065550109 +13035550110
  +14045550111 +19075550112 +18085550113 +18005550114 +15125550115
  +16025550116 +17025550117 +16155550118 +15035550119 +16125550120);
my $pool = $primary->safe_psql('postgres', qq{
	SELECT custom_dialing.create_dialing_pool('$owner', '{@{[join ',', @numbers]}}', '$key')->'data'->>'id'});
like($pool, qr/^[0-9a-f-]{36}$/, 'a 20-number pool is created on the primary');
$primary->wait_for_catchup($standby);

# 1,000 callees over every kind of area code (t/callees.sql).
my $callees = slurp_file('t/callees.sql');

# One line per callee: the pick and its explanation.
my $picks_sql = qq{
	WITH callees AS ($callees)
	SELECT n || ' ' || callee || ' ' || custom_dialing.pick_pool_number('$pool', callee)
	       || ' ' || custom_dialing.explain_pool_pick('$pool', callee)::text
	FROM callees ORDER BY n};

sub picks
{
	my ($output) = @_;
	return [ split /\n/, $output ];
}

# The callee set really is mixed, and exercises every routing rule.
is( $primary->safe_psql('postgres', qq{
		WITH callees AS ($callees)
		SELECT string_agg(k, ',' ORDER BY k) FROM (
		  SELECT DISTINCT custom_dialing.us_e164_kind(callee) AS k FROM callees) s}),
	'geographic,invalid_nanp,non_geographic,not_area_code,toll_free,unassigned',
	'the callees cover every kind of area code');
is( $primary->safe_psql('postgres', qq{
		WITH callees AS ($callees)
		SELECT string_agg(r, ',' ORDER BY r) FROM (
		  SELECT DISTINCT custom_dialing.explain_pool_pick('$pool', callee)->>'rule' AS r
		  FROM callees) s}),
	'area_code,fallback,nearest,overlay',
	'the callees exercise every routing rule');

my $before = picks($primary->safe_psql('postgres', $picks_sql));
is(scalar @$before, 1000, 'the primary answers for 1,000 callees');
is_deeply(picks($standby->safe_psql('postgres', $picks_sql)), $before,
	'the standby picks the same numbers with the same explanations');

# A session on the standby that builds its cache now and keeps it.
my $bg = $standby->background_psql('postgres');
my $bg_pid = $bg->query_safe('SELECT pg_backend_pid()');
is_deeply(picks($bg->query_safe($picks_sql)), $before,
	'a long-lived standby session agrees with the primary (cache warmed)');

# ---- an update on the primary reaches the warmed standby session ----

my @new_numbers = qw(
  +13125550104 +14155550105 +12125550201 +17185550202 +12145550203
  +14045550204 +12065550205 +16175550206 +13035550207 +16025550208
  +19075550209 +18085550210 +18885550211 +15125550212 +16155550213);
is( $primary->safe_psql('postgres', qq{
	SELECT custom_dialing.update_dialing_pool('$owner', '$pool',
		'{@{[join ',', @new_numbers]}}', NULL)->>'status'}),
	'success', 'the pool is updated on the primary');
$primary->wait_for_catchup($standby);

my $after_update = picks($primary->safe_psql('postgres', $picks_sql));
isnt(join("\n", @$after_update), join("\n", @$before), 'the update changes picks on the primary');
my %in_new = map { $_ => 1 } @new_numbers;
is(scalar(grep { !$in_new{ (split / /)[2] } } @$after_update), 0,
	'every pick after the update is one of the new numbers');
is_deeply(picks($bg->query_safe($picks_sql)), $after_update,
	'the warmed standby session answers with the updated numbers');
is($bg->query_safe('SELECT pg_backend_pid()'), $bg_pid, '(in the same standby session)');
is_deeply(picks($standby->safe_psql('postgres', $picks_sql)), $after_update,
	'a new standby session answers with the updated numbers');
is( $standby->safe_psql('postgres', "SELECT custom_dialing.get_dialing_pool('$owner', '$pool')"),
	$primary->safe_psql('postgres', "SELECT custom_dialing.get_dialing_pool('$owner', '$pool')"),
	'get_dialing_pool reads the same pool on the standby');

# ---- an area-code refresh on the primary reaches the standby ----

# The current geography as CSV, with 406 (Montana) removed and 907 moved
# from Anchorage to Portland, Maine, where it becomes the nearest pool area
# code for Maine's 207.
my $csv = $primary->safe_psql('postgres', slurp_file('t/geography_moved.sql'));

my $maine = "SELECT custom_dialing.pick_pool_number('$pool', '+12075550100')";
is($bg->query_safe($maine), '+16175550206', 'before the refresh, Maine is served from Boston');

is( $primary->safe_psql('postgres', qq{
	SELECT removed::text || ' ' || changed::text FROM custom_dialing.refresh_area_codes(\$csv\$$csv\$csv\$)}),
	'{406} {907}', 'refresh_area_codes on the primary removes 406 and moves 907');
$primary->wait_for_catchup($standby);

my $after_refresh = picks($primary->safe_psql('postgres', $picks_sql));
isnt(join("\n", @$after_refresh), join("\n", @$after_update),
	'the refresh changes picks on the primary');
is_deeply(picks($bg->query_safe($picks_sql)), $after_refresh,
	'the warmed standby session routes by the refreshed geography');
is($bg->query_safe($maine), '+19075550209', 'Maine is now served by the moved 907');
is($bg->query_safe(q{SELECT custom_dialing.us_e164_kind('+14065550100')}), 'unassigned',
	'the removed 406 is unassigned on the standby');
is_deeply(picks($standby->safe_psql('postgres', $picks_sql)), $after_refresh,
	'a new standby session routes by the refreshed geography');
my $area_codes_sql = 'SELECT string_agg(a::text, E\'\n\' ORDER BY npa) FROM custom_dialing.area_codes a';
is($standby->safe_psql('postgres', $area_codes_sql),
	$primary->safe_psql('postgres', $area_codes_sql),
	'area_codes on the standby equals the primary\'s');

# ---- an exchange refresh on the primary reaches the standby ----

# 406's exchanges removed, 850-222 moved from Tallahassee (Eastern) to
# Pensacola (Central): at 13:30 UTC in January it is 08:30 in Tallahassee
# and 07:30 in Pensacola.
my $exch_csv = $primary->safe_psql('postgres', slurp_file('t/exchanges_moved.sql'));
my $tallahassee = q{SELECT (custom_dialing.us_e164_locate('+18502221234')->>'place') || ' '
	|| custom_dialing.within_calling_hours('+18502221234', '2026-01-15 13:30Z')};
is($bg->query_safe($tallahassee), 'Tallahassee true',
	'before the exchange refresh, the warmed standby session places 850-222 in Tallahassee');
is( $primary->safe_psql('postgres', qq{
	SELECT changed::text FROM custom_dialing.refresh_exchanges(\$x\$$exch_csv\$x\$)}),
	'{850-222}', 'refresh_exchanges on the primary moves 850-222');
$primary->wait_for_catchup($standby);
is($bg->query_safe($tallahassee), 'Pensacola false',
	'the warmed standby session sees the moved exchange at once');
is($standby->safe_psql('postgres', $tallahassee), 'Pensacola false',
	'a new standby session sees it too');
my $exchanges_sql = 'SELECT md5(string_agg(e::text, E\'\n\' ORDER BY npa, nxx)) FROM custom_dialing.exchanges e';
is($standby->safe_psql('postgres', $exchanges_sql),
	$primary->safe_psql('postgres', $exchanges_sql),
	'exchanges on the standby equal the primary\'s');

$bg->quit;

# ---- pacing: health and explain work on the standby, dials are refused ----

is( $primary->safe_psql('postgres', qq{
	SELECT custom_dialing.set_pool_pacing('$owner', '$pool', 1, 10)->>'status'}),
	'success', 'caps are set on the primary');
my $dialed = $primary->safe_psql('postgres', qq{
	SELECT custom_dialing.dial_pool_number('$pool', '+12125551234', '2026-06-01 12:00+00')});
is( $primary->safe_psql('postgres', qq{
	SELECT custom_dialing.set_number_status('$owner', '$pool', '+13125550104', 'resting', NULL, 'test')->>'status';
	SELECT custom_dialing.record_call_outcome('$pool', '$dialed', '+12125551234', 'answered', '2026-06-01 12:01+00')}),
	"success\n", 'a call, an outcome and a rest are recorded on the primary');
$primary->wait_for_catchup($standby);
my $explain_sql = qq{
	SELECT custom_dialing.explain_pool_dial('$pool', '+12125551234', '2026-06-01 12:30+00');
	SELECT custom_dialing.explain_pool_dial('$pool', '+13125550100', '2026-06-01 12:30+00')};
my $explained = $primary->safe_psql('postgres', $explain_sql);
like($explained, qr/"hourly_cap".*\n.*"resting"/, 'explain on the primary shows the cap and the rest');
is($standby->safe_psql('postgres', $explain_sql), $explained,
	'explain_pool_dial on the standby gives the primary\'s answer');
my $health_sql = qq{SELECT custom_dialing.pool_number_health('$owner', '$pool', '2026-06-01 12:30+00')};
is($standby->safe_psql('postgres', $health_sql), $primary->safe_psql('postgres', $health_sql),
	'pool_number_health on the standby gives the primary\'s answer');
like($standby->safe_psql('postgres', $health_sql), qr/"answered_7d": 1/,
	'(and it counts the replicated outcome)');

# ---- pool-changing calls on the standby: read-only errors ----

my %calls = (
	'create_dialing_pool (with credentials)' =>
	  "SELECT custom_dialing.create_dialing_pool('$owner', '{+12125550999}', '$key')",
	'create_dialing_pool (without credentials)' =>
	  "SELECT custom_dialing.create_dialing_pool('$owner', '{+12125550999}')",
	'update_dialing_pool' =>
	  "SELECT custom_dialing.update_dialing_pool('$owner', '$pool', '{+12125550999}', NULL)",
	'delete_dialing_pool' =>
	  "SELECT custom_dialing.delete_dialing_pool('$owner', '$pool')",
	'refresh_area_codes' =>
	  "SELECT custom_dialing.refresh_area_codes(\$csv\$$csv\$csv\$)",
	'create_twilio_credentials' =>
	  "SELECT custom_dialing.create_twilio_credentials('$owner', 'x')",
	'delete_twilio_credentials' =>
	  "SELECT custom_dialing.delete_twilio_credentials('$owner', '$key')",
	'refresh_exchanges' =>
	  "SELECT custom_dialing.refresh_exchanges(\$x\$$exch_csv\$x\$)",
	'dial_pool_number' =>
	  "SELECT custom_dialing.dial_pool_number('$pool', '+12125551234')",
	'set_pool_pacing' =>
	  "SELECT custom_dialing.set_pool_pacing('$owner', '$pool', NULL, NULL)",
	'set_number_status' =>
	  "SELECT custom_dialing.set_number_status('$owner', '$pool', '+13125550104', 'active')",
	'record_call_outcome' =>
	  "SELECT custom_dialing.record_call_outcome('$pool', '$dialed', '+12125551234', 'flagged')");
for my $name (sort keys %calls)
{
	my ($out, $err) = ('', '');
	my $rc = $standby->psql('postgres', "\\set VERBOSITY verbose\n$calls{$name}",
		stdout => \$out, stderr => \$err);
	isnt($rc, 0, "$name fails on the standby");
	like($err, qr/ERROR:\s+25006:/, "$name on the standby raises SQLSTATE 25006");
	like($err, qr/cannot run on a hot standby/, "$name on the standby says so");
	my ($message) = $err =~ /(ERROR:.*)/;
	diag("standby $name: " . ($message // $err));
}

# reading credentials and pools through the API works there (typed ids too)
like($standby->safe_psql('postgres', "SELECT custom_dialing.list_twilio_credentials('$owner')->'data'->0->>'id'"),
	qr/^\Q$key\E$/, 'list_twilio_credentials works on the standby');
is($standby->safe_psql('postgres', "SELECT custom_dialing.get_dialing_pool('$owner', '$pool'::uuid)->>'status'"),
	'success', 'get_dialing_pool with a uuid pool_id works on the standby');

# Nothing changed on the standby, and it still agrees with the primary.
is($standby->safe_psql('postgres', "SELECT count(*) FROM custom_dialing.dialing_pools"),
	'1', 'the standby still has exactly the one pool');
is($standby->safe_psql('postgres', "SELECT (SELECT count(*) FROM custom_dialing.pool_calls) || ' ' || (SELECT count(*) FROM custom_dialing.pool_call_outcomes)"),
	'1 1', 'the standby still has the one call and the one outcome');
is_deeply(picks($standby->safe_psql('postgres', $picks_sql)), $after_refresh,
	'the standby still answers as the primary does');

$standby->stop;
$primary->stop;
done_testing();
