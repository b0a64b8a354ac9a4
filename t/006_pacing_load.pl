# t/006_pacing_load.pl - caps under concurrent load
#
# Four pgbench clients dial one capped pool at once, 4,000 times in all,
# far more often than its capacity allows.  Afterwards every number has
# exactly its cap of calls (never more: the caps hold; never fewer: the
# capacity is used exactly), every dial beyond the capacity got NULL,
# nobody deadlocked, and nobody waited on a row lock or on another
# transaction (log_lock_waits reports any wait longer than deadlock_timeout).
# A second run rolls back about half of its dials: the committed calls still
# fill each number exactly to its cap.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $owner = '0e000000-0000-4000-8000-000000000000';

my $node = PostgreSQL::Test::Cluster->new('load');
$node->init;
$node->append_conf('postgresql.conf', qq{
log_lock_waits = on
deadlock_timeout = '20ms'
max_connections = 20
});
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION custom_dialing');

# Ten numbers in three area codes; 30 calls an hour each: 300 in all.
my @numbers = qw(
  +12125550001 +12125550002 +12125550003 +12125550004 +16465550005
  +16465550006 +16465550007 +17185550008 +17185550009 +17185550010);
my $numbers = '{' . join(',', @numbers) . '}';
sub capped_pool
{
	my $pool = $node->safe_psql('postgres', qq{
		SELECT custom_dialing.create_dialing_pool('$owner', '$numbers')->'data'->>'id'});
	is( $node->safe_psql('postgres', qq{
		SELECT custom_dialing.set_pool_pacing('$owner', '$pool', 30, 1000)->>'status'}),
		'success', 'a ten-number pool capped at 30 calls an hour per number');
	return $pool;
}

my $log_start = -s $node->logfile;

# ---- 4 clients, 2,000 dials, one per transaction ----
my $pool = capped_pool();
$node->pgbench(
	'--no-vacuum --client=4 --jobs=2 --transactions=1000',
	0,
	[qr{processed: 4000/4000}],
	[qr{^$}],
	'4 clients dial 4,000 times without an error',
	{
		'005_dial' => qq{
\\set c random(2000000, 9999999)
SELECT custom_dialing.dial_pool_number('$pool', ('+1212' || :c)::custom_dialing.us_e164);
}
	});

is( $node->safe_psql('postgres', qq{
	SELECT string_agg(phone_number || '=' || n, ' ' ORDER BY phone_number)
	  FROM (SELECT phone_number, count(*) AS n FROM custom_dialing.pool_calls
	         WHERE pool_id = '$pool' GROUP BY 1) s}),
	join(' ', map { "$_=30" } sort @numbers),
	'every number has exactly its cap of 30 calls');
is( $node->safe_psql('postgres', qq{
	SELECT count(*) FROM custom_dialing.pool_calls WHERE pool_id = '$pool'}),
	'300', 'the capacity of 300 calls is used exactly');
is( $node->safe_psql('postgres', qq{
	SELECT custom_dialing.dial_pool_number('$pool', '+12125551234') IS NULL}),
	't', 'one more dial gets NULL');

# ---- 4 clients, 2,000 dials, about half of them rolled back ----
my $pool2 = capped_pool();
$node->pgbench(
	'--no-vacuum --client=4 --jobs=2 --transactions=1000',
	0,
	[qr{processed: 4000/4000}],
	[qr{^$}],
	'4 clients dial 4,000 times, rolling back about half, without an error',
	{
		'005_dial_rollback' => qq{
\\set c random(2000000, 9999999)
\\set keep random(0, 1)
BEGIN;
SELECT custom_dialing.dial_pool_number('$pool2', ('+1646' || :c)::custom_dialing.us_e164);
\\if :keep
COMMIT;
\\else
ROLLBACK;
\\endif
}
	});
is( $node->safe_psql('postgres', qq{
	SELECT string_agg(phone_number || '=' || n, ' ' ORDER BY phone_number)
	  FROM (SELECT phone_number, count(*) AS n FROM custom_dialing.pool_calls
	         WHERE pool_id = '$pool2' GROUP BY 1) s}),
	join(' ', map { "$_=30" } sort @numbers),
	'with rollbacks too, every number ends with exactly its cap of committed calls');

# ---- no deadlock, no wait on a row or a transaction ----
my $log = slurp_file($node->logfile, $log_start);
unlike($log, qr/deadlock detected/, 'no deadlock');
unlike($log, qr/still waiting for \w+ on (transaction|tuple|relation)/,
	'no session waited on a row lock, a transaction or a table');
my @waits = $log =~ /(still waiting for .*)/g;
diag(scalar(@waits) . " waits longer than 20 ms on a number's count-and-insert lock") if @waits;

$node->stop;
done_testing();
