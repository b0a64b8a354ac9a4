# t/005_logical_replication.pl - a logical-replication subscriber routes
# exactly as its publisher
#
# The publisher publishes the extension's user tables (README "Replication":
# credentials, pools, the stored geography refresh); the subscriber has the
# extension installed and subscribes.  After the initial sync, and after
# pool changes and a geography refresh on the publisher, the subscriber's
# picks and explanations for 1,000 callees in every pool equal the
# publisher's once caught up, also in sessions opened on the subscriber
# before the changes (their per-session caches follow the apply worker's
# writes).  Only data replicates, never DDL: both servers run the same
# extension version.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# What must be published: the extension's user-data tables.  area_codes and
# exchanges are not among them: the subscriber rebuilds them from the
# replicated refreshes.
my @published = qw(custom_dialing.twilio_credentials custom_dialing.dialing_pools
	custom_dialing.area_codes_refresh custom_dialing.exchanges_refresh
	custom_dialing.pool_pacing custom_dialing.pool_number_status custom_dialing.owner_roles);

my $pub = PostgreSQL::Test::Cluster->new('publisher');
$pub->init(allows_streaming => 'logical');
$pub->append_conf('postgresql.conf', "log_statement = 'none'");
$pub->start;
my $sub = PostgreSQL::Test::Cluster->new('subscriber');
$sub->init;
$sub->append_conf('postgresql.conf', "log_statement = 'none'");
$sub->start;

for my $node ($pub, $sub)
{
	$node->safe_psql('postgres', 'CREATE EXTENSION custom_dialing');
}

# ---- the publisher's data before the subscription ----

my @owners = map { sprintf('0%s000000-0000-4000-8000-000000000000', $_) } qw(a b);
my %key = (a => '1a000000-0000-4000-8000-000000000001', b => '1b000000-0000-4000-8000-000000000001');
$pub->safe_psql('postgres', qq{
	INSERT INTO custom_dialing.twilio_credentials (id, owner_id, label) VALUES
	('$key{a}', '$owners[0]', 'a'), ('$key{b}', '$owners[1]', 'b')});

sub create_pool
{
	my ($owner, $numbers, $k) = @_;
	my $kk = defined $k ? "'$k'" : 'NULL';
	my $r = $pub->safe_psql('postgres', qq{
		SELECT r->>'status' || ' ' || coalesce(r->'data'->>'id', r::text)
		FROM custom_dialing.create_dialing_pool('$owner', $numbers, $kk) r});
	my ($status, $id) = split / /, $r, 2;
	is($status, 'success', 'publisher: pool created') or diag($r);
	return $id;
}

my %pool;
$pool{big} = create_pool($owners[0], q{ARRAY(
	SELECT '+1' || (200 + (n * 37) % 800)::text || pg_catalog.lpad((n * 1237 % 10000000)::text, 7, '0')
	FROM pg_catalog.generate_series(1, 1000) n)}, $key{a});
$pool{twenty} = create_pool($owners[0], q{'{+12125550101,+12125550102,+16465550103,
	+13125550104,+14155550105,+16175550106,+17135550107,+13055550108,+12065550109,
	+13035550110,+14045550111,+19075550112,+18085550113,+18005550114,+15125550115,
	+16025550116,+17025550117,+16155550118,+15035550119,+16125550120}'}, $key{a});
$pool{three} = create_pool($owners[1], q{'{+13125550001,+14065550002,+19075550003}'}, $key{b});

# ---- publish and subscribe ----

$pub->safe_psql('postgres', 'CREATE PUBLICATION cd_pub FOR TABLE ' . join(', ', @published));
my $pub_conn = $pub->connstr . ' dbname=postgres';
$sub->safe_psql('postgres', qq{CREATE SUBSCRIPTION cd_sub CONNECTION '$pub_conn' PUBLICATION cd_pub});
$sub->wait_for_subscription_sync($pub, 'cd_sub');

my $callees = slurp_file('t/callees.sql');
my $picks_sql = qq{
	WITH callees AS ($callees)
	SELECT p.id || ' ' || c.n || ' ' || custom_dialing.pick_pool_number(p.id, c.callee)
	       || ' ' || custom_dialing.explain_pool_pick(p.id, c.callee)::text
	FROM custom_dialing.dialing_pools p CROSS JOIN callees c ORDER BY p.id, c.n};
my $data_sql = q{
	SELECT (SELECT string_agg(c::text, E'\n' ORDER BY id) FROM custom_dialing.twilio_credentials c)
	    || E'\n' || (SELECT string_agg(p::text, E'\n' ORDER BY id) FROM custom_dialing.dialing_pools p)
	    || E'\n' || coalesce((SELECT md5(csv) FROM custom_dialing.area_codes_refresh), 'shipped')
	    || E'\n' || (SELECT md5(string_agg(a::text, E'\n' ORDER BY npa)) FROM custom_dialing.area_codes a)
	    || E'\n' || coalesce((SELECT md5(csv) FROM custom_dialing.exchanges_refresh), 'shipped')
	    || E'\n' || (SELECT md5(string_agg(e::text, E'\n' ORDER BY npa, nxx)) FROM custom_dialing.exchanges e)};

sub same_as_publisher
{
	my ($what) = @_;
	my $want = $pub->safe_psql('postgres', $picks_sql);
	my @lines = split /\n/, $want;
	is(scalar @lines, 3000, "$what: the publisher answers 1,000 callees in each of 3 pools");
	is($sub->safe_psql('postgres', $data_sql), $pub->safe_psql('postgres', $data_sql),
		"$what: the subscriber holds the publisher's credentials, pools and geography");
	my $got = $sub->safe_psql('postgres', $picks_sql);
	ok($got eq $want, "$what: a new subscriber session picks and explains exactly as the publisher")
	  or diag(join("\n", (grep { my $l = $_; !grep { $_ eq $l } @lines } split /\n/, $got)[0 .. 4]));
	return $want;
}

same_as_publisher('after the initial sync');

# Sessions opened on the subscriber before the changes; each routes once so
# its cache holds the pools and the geography.
my @old = map { $sub->background_psql('postgres', on_error_stop => 1) } 1 .. 2;
for my $s (@old)
{
	like($s->query_safe(qq{SELECT count(custom_dialing.pick_pool_number(p.id, '+12075550100'))
		FROM custom_dialing.dialing_pools p}), qr/^3$/, 'an open subscriber session routes every pool');
}

# ---- changes on the publisher ----

is( $pub->safe_psql('postgres', qq{
	SELECT custom_dialing.update_dialing_pool('$owners[0]', '$pool{twenty}',
		'{+12075550201,+19075550202,+18005550203}', '$key{a}')->>'status'}),
	'success', 'publisher: a pool is updated');
is( $pub->safe_psql('postgres', qq{
	SELECT custom_dialing.delete_dialing_pool('$owners[1]', '$pool{three}')->>'status'}),
	'success', 'publisher: a pool is deleted');
$pool{new} = create_pool($owners[1], q{'{+14065550301,+13075550302}'}, undef);
my $csv = $pub->safe_psql('postgres', slurp_file('t/geography_moved.sql'));
is( $pub->safe_psql('postgres', qq{
	SELECT added::text || ' ' || removed::text || ' ' || changed::text
	FROM custom_dialing.refresh_area_codes(\$csv\$$csv\$csv\$)}),
	'{} {406} {907}', 'publisher: the geography is refreshed (406 removed, 907 moved to Maine)');

my $exch_csv = $pub->safe_psql('postgres', slurp_file('t/exchanges_moved.sql'));
is( $pub->safe_psql('postgres', qq{
	SELECT cardinality(added) || ' ' || cardinality(removed) || ' ' || changed::text
	FROM custom_dialing.refresh_exchanges(\$x\$$exch_csv\$x\$)}),
	'0 173 {850-222}', 'publisher: the exchanges are refreshed (406 gone, 850-222 moved to Pensacola)');

# Pacing and statuses: caps on the big pool and a resting number; dials are the primary's, but what explain_pool_dial says
# of caps and rests must be the same on the subscriber.
is( $pub->safe_psql('postgres', qq{
	SELECT custom_dialing.set_pool_pacing('$owners[0]', '$pool{big}', 3, 20)->>'status';
	SELECT custom_dialing.set_number_status('$owners[0]', '$pool{big}',
		(SELECT phone_numbers[5] FROM custom_dialing.dialing_pools WHERE id = '$pool{big}'), 'resting',
		'2031-01-01 00:00+00', 'replicated rest')->>'status'}),
	"success\nsuccess", 'publisher: caps and a resting number are set');

$pub->wait_for_catchup('cd_sub');

my $dial_sql = qq{
	WITH callees AS ($callees)
	SELECT string_agg(c.n || ' ' || custom_dialing.explain_pool_dial('$pool{big}', c.callee, '2030-01-01 12:00+00')::text,
	                  E'\n' ORDER BY c.n)
	FROM callees c};
my $dial_want = $pub->safe_psql('postgres', $dial_sql);
like($dial_want, qr/"reason": "resting"/, 'on the publisher some callees skip the resting number');
is($sub->safe_psql('postgres', $dial_sql), $dial_want,
	'a new subscriber session explains dials (caps, rests) exactly as the publisher');
is($sub->safe_psql('postgres', qq{SELECT custom_dialing.get_dialing_pool('$owners[0]', '$pool{big}')->'data'->'pacing'}),
	'{"max_calls_per_day": 20, "max_calls_per_hour": 3}', 'the subscriber\'s pool object shows the caps');

my $want = same_as_publisher('after updates, a delete, a create and a refresh');
is($sub->safe_psql('postgres', q{SELECT place FROM custom_dialing.area_codes WHERE npa = '907'}),
	'Portland', 'the subscriber rebuilt area_codes from the replicated refresh');
is($sub->safe_psql('postgres', q{SELECT place FROM custom_dialing.exchanges WHERE npa = '850' AND nxx = '222'}),
	'Pensacola', 'the subscriber rebuilt exchanges from the replicated refresh');

# The sessions opened before the changes follow them at their next statement.
my $probe_sql = q{
	SELECT string_agg(p.id || ' ' || c.callee || ' ' || coalesce(custom_dialing.pick_pool_number(p.id, c.callee), '-'),
	                  ',' ORDER BY p.id, c.callee)
	FROM custom_dialing.dialing_pools p,
	     unnest('{+12075550100,+19075550100,+14065550100,+16465550100,+18665550100}'::custom_dialing.us_e164[]) c(callee)};
my $probe_want = $pub->safe_psql('postgres', $probe_sql);
like($probe_want, qr/\+12075550201/, 'on the publisher Maine now gets the updated pool\'s 207 number');
for my $i (0 .. $#old)
{
	is($old[$i]->query_safe($probe_sql), $probe_want,
		"subscriber session opened before the changes (" . ($i + 1) . ") routes as the publisher");
	is($old[$i]->query_safe(q{SELECT custom_dialing.us_e164_kind('+14065550100')}), 'unassigned',
		"subscriber session opened before the changes (" . ($i + 1) . ") sees 406 removed");
	is($old[$i]->query_safe($dial_sql), $dial_want,
		"subscriber session opened before the changes (" . ($i + 1) . ") explains dials as the publisher");
	$old[$i]->quit;
}

$sub->safe_psql('postgres', 'DROP SUBSCRIPTION cd_sub');
done_testing();
