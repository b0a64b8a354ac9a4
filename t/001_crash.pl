# t/001_crash.pl - crash recovery of the pool API under concurrent writers
#
# Several psql clients keep creating and replacing dialing pools while the
# whole server (postmaster and every child) is killed with SIGKILL.  After
# crash recovery:
#   - every create the client saw "success" for is present;
#   - every pool holds the numbers of the last update acknowledged to its
#     client, or of the one call that was in flight at the kill (which may or
#     may not have committed);
#   - a create in flight at the kill either left one complete pool or none;
#   - no row is half-written: constraints, domain, ownership and the heap and
#     index structures all check out;
#   - routing works on the recovered data;
#   - a fifth client dials a capped pool all the while: every dial it was
#     answered is in pool_calls with the number it was given, a dial
#     refused (NULL) left no row, only the dial in flight may be there
#     unannounced, no number has more calls in any rolling hour than its
#     cap, and pool_calls' heap and indexes (written directly, not through
#     the executor) check out.
#
# Each client works sequentially and reports a call only after psql received
# its result, which the server sends after the commit: a reported call is an
# acknowledged (committed) one, and at most one call per client is in flight.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Time::HiRes qw(usleep time);

my $NCLIENTS = 4;        # on a 2-core machine: enough to interleave commits
my $NOPS = 40000;        # per client; far more than fit before the kill
my $RUN_SECONDS = 8;     # workload time before the kill

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
# Keep the log small: the workload runs tens of thousands of statements.
$node->append_conf('postgresql.conf', qq{
log_statement = 'none'
log_min_messages = warning
});
$node->start;

$node->safe_psql('postgres', q{
CREATE EXTENSION custom_dialing;
CREATE EXTENSION amcheck;
});

# Two owners, each with two credential handles.  Clients 0 and 2 act for
# owner 0, clients 1 and 3 for owner 1, so two clients lock the same
# credentials rows (FOR KEY SHARE) concurrently.
my @owners = (
	'0a000000-0000-4000-8000-000000000000',
	'0b000000-0000-4000-8000-000000000000');
my @keys = (
	[ '1a000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000002' ],
	[ '1b000000-0000-4000-8000-000000000001', '1b000000-0000-4000-8000-000000000002' ]);
for my $o (0 .. 1)
{
	for my $k (@{ $keys[$o] })
	{
		$node->safe_psql('postgres',
			"INSERT INTO custom_dialing.twilio_credentials (id, owner_id, label) "
			  . "VALUES ('$k', '$owners[$o]', 'crash test')");
	}
}

# The numbers of call $i of client $c: 1 to 6 numbers over several area
# codes, distinct within the call, and different from every other call of
# any client (the exchange digit names the client), so a stored list
# identifies the one call that wrote it.
my @npas = qw(212 646 312 415 617 713 305 206 303 404 907 808 800 512);

sub numbers_for
{
	my ($c, $i) = @_;
	my $n = 1 + ($i % 6);
	return [
		map {
			sprintf('+1%s%d%06d', $npas[ ($i + $_) % @npas ], $c + 2,
				($i * 7 + $_) % 1000000)
		} 0 .. $n - 1
	];
}

# Client $c's calls, in order.  Type C creates pool number {pool} of the
# client, U replaces a pool's numbers and credentials, X is an update naming
# the other owner's credentials, which must be rejected and change nothing.
sub ops_for
{
	my ($c) = @_;
	my $owner = $c % 2;
	my @ops;
	my $npools = 0;
	for my $i (0 .. $NOPS - 1)
	{
		my %op = (i => $i, numbers => numbers_for($c, $i));
		if ($i < 3 || $i % 10 == 0)
		{
			$op{type} = 'C';
			$op{pool} = $npools++;
		}
		else
		{
			$op{type} = ($i % 7 == 0) ? 'X' : 'U';
			$op{pool} = ($i * 7919) % $npools;
		}
		if ($op{type} eq 'X')
		{
			$op{key} = $keys[ 1 - $owner ][0];
		}
		else
		{
			$op{key} = ($i % 3 == 2) ? undef : $keys[$owner][ $i % 2 ];
		}
		push @ops, \%op;
	}
	return \@ops;
}

sub sql_array
{
	my ($numbers) = @_;
	return "'{" . join(',', @$numbers) . "}'";
}

sub sql_key
{
	my ($key) = @_;
	return defined $key ? "'$key'" : 'NULL';
}

# A psql script for a client: each call's envelope status (and a new pool's
# id) goes through \gset, and \echo reports the call only once psql has its
# result.
sub script_for
{
	my ($c, $ops) = @_;
	my $owner = $owners[ $c % 2 ];
	my $s = '';
	for my $op (@$ops)
	{
		my ($i, $k) = ($op->{i}, $op->{pool});
		my $nums = sql_array($op->{numbers});
		my $key = sql_key($op->{key});
		if ($op->{type} eq 'C')
		{
			$s .=
			  "SELECT r->>'status' AS st, r->'data'->>'id' AS id FROM "
			  . "custom_dialing.create_dialing_pool('$owner', $nums, $key) AS r \\gset p${k}_\n"
			  . "\\echo C $i :p${k}_st :p${k}_id\n";
		}
		else
		{
			$s .=
			  "SELECT r->>'status' AS st FROM "
			  . "custom_dialing.update_dialing_pool('$owner', :'p${k}_id', $nums, $key) AS r \\gset\n"
			  . "\\echo $op->{type} $i :st\n";
		}
	}
	return $s;
}

# The dialing pool: ten 212 numbers, at most 30 calls an hour and 200 a day
# each, so the dialer (one call a second of its "at" clock) is refused for
# most of every hour once the 300 slots of that hour are taken.
my $DIAL_CAP = 30;
my $dial_pool = $node->safe_psql('postgres', qq{
	SELECT custom_dialing.create_dialing_pool('$owners[0]',
		ARRAY(SELECT '+1212555' || (1000 + n)::text FROM generate_series(0, 9) n))->'data'->>'id'});
is( $node->safe_psql('postgres', qq{
	SELECT custom_dialing.set_pool_pacing('$owners[0]', '$dial_pool', $DIAL_CAP, 200)->>'status'}),
	'success', 'the dialing pool is capped');
my $NDIALS = 200000;

my $tmp = PostgreSQL::Test::Utils::tempdir;
my (@ops, @clients);
for my $c (0 .. $NCLIENTS - 1)
{
	$ops[$c] = ops_for($c);
	my $script = "$tmp/client$c.sql";
	open my $fh, '>', $script or die "cannot write $script: $!";
	print $fh script_for($c, $ops[$c]);
	close $fh;
	$clients[$c] = IPC::Run::start(
		[
			'psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1',
			'-d', $node->connstr('postgres') . " application_name=crash_client_$c",
			'-f', $script
		],
		'<', '/dev/null', '>', "$tmp/client$c.out", '2>', "$tmp/client$c.err");
}

{
	open my $fh, '>', "$tmp/dialer.sql" or die "cannot write $tmp/dialer.sql: $!";
	for my $i (0 .. $NDIALS - 1)
	{
		printf $fh "SELECT coalesce(custom_dialing.dial_pool_number('%s', '+1718%07d', "
		  . "'2026-06-01 00:00+00'::timestamptz + %d * interval '1 second'), 'none') AS d \\gset\n"
		  . "\\echo D %d :d\n", $dial_pool, $i, $i, $i;
	}
	close $fh;
}
my $dialer = IPC::Run::start(
	[
		'psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1',
		'-d', $node->connstr('postgres') . " application_name=crash_dialer",
		'-f', "$tmp/dialer.sql"
	],
	'<', '/dev/null', '>', "$tmp/dialer.out", '2>', "$tmp/dialer.err");

# Wait until every client is connected and let them work for RUN_SECONDS
# (or until one is halfway through its script, on a fast machine), with a
# checkpoint halfway, so that recovery starts from a checkpoint taken under
# load and replays the full-page images written after it.  A client's pools
# are recognised by the exchange digit of their first number.
$node->poll_query_until('postgres',
	"SELECT count(*) = $NCLIENTS FROM pg_stat_activity WHERE application_name LIKE 'crash_client_%'")
  or die "clients did not connect";
my $t0 = time;
my $checkpointed = 0;
while (time - $t0 < $RUN_SECONDS)
{
	my $most = $node->safe_psql('postgres', q{
		SELECT coalesce(max(n), 0) FROM (
		  SELECT count(*) AS n FROM custom_dialing.dialing_pools
		  GROUP BY pg_catalog.substr(phone_numbers[1], 6, 1)) s});
	last if $most >= $NOPS / 20;    # creates are a tenth of the calls
	if (!$checkpointed && time - $t0 >= $RUN_SECONDS / 2)
	{
		$node->safe_psql('postgres', 'CHECKPOINT');
		$checkpointed = 1;
	}
	usleep(200_000);
}

my $running = grep { $_->pumpable } @clients;
is($running, $NCLIENTS, 'every client is still working when the server is killed');
ok($dialer->pumpable, 'the dialer is still working when the server is killed');

# The real SIGKILL, to the whole server at once: first the postmaster, then
# at once every process it had started (backends, checkpointer, WAL writer,
# ...), so no backend gets to finish what it was doing.
my @server_pids = split /\n/,
  $node->safe_psql('postgres', 'SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()');
my ($postmaster_pid) = split /\n/, slurp_file($node->data_dir . '/postmaster.pid');
$node->kill9;
kill 'KILL', @server_pids;
push @server_pids, $postmaster_pid;

# Each client must now stop on the lost connection, not on an SQL error.
for my $c (0 .. $NCLIENTS - 1)
{
	$clients[$c]->finish;
	my $err = slurp_file("$tmp/client$c.err");
	unlike($err, qr/ERROR:/, "client $c raised no SQL error");
	like($err,
		qr/server closed the connection unexpectedly|connection to server was lost|terminating connection/,
		"client $c stopped because the server went away");
}

$dialer->finish;
{
	my $err = slurp_file("$tmp/dialer.err");
	unlike($err, qr/ERROR:/, 'the dialer raised no SQL error');
	like($err,
		qr/server closed the connection unexpectedly|connection to server was lost|terminating connection/,
		'the dialer stopped because the server went away');
}

# A process is gone once /proc no longer lists it or shows it as a zombie.
sub process_alive
{
	my ($pid) = @_;
	return 0 unless kill(0, $pid);
	if (open my $fh, '<', "/proc/$pid/stat")
	{
		my $stat = <$fh>;
		close $fh;
		return 0 if defined $stat && $stat =~ /^\d+ \(.*\) Z /;
	}
	return 1;
}

my $deadline = time + $PostgreSQL::Test::Utils::timeout_default;
while (grep { process_alive($_) } @server_pids)
{
	die "server processes survived SIGKILL" if time > $deadline;
	usleep(100_000);
}

# Restart.  The dead postmaster's postmaster.pid is left behind; its PID may
# still look alive for a moment (an unreaped process), so remove the file
# and retry the start until the new postmaster comes up.
my $started = 0;
for my $attempt (1 .. 60)
{
	unlink($node->data_dir . '/postmaster.pid');
	if ($node->start(fail_ok => 1))
	{
		$started = 1;
		last;
	}
	usleep(500_000);
}
ok($started, 'server restarts after the SIGKILL');
BAIL_OUT('server did not restart') unless $started;

ok($node->log_contains('database system was interrupted|was not properly shut down'),
	'the restart went through crash recovery');

# ---- what the clients were told ----

my $acknowledged = 0;    # successful creates and updates reported to clients
my $rejected = 0;        # X calls reported as errors
my $in_flight = 0;       # clients stopped with a call unanswered or unsent
my (%pool_state, %pool_client);   # pool id -> allowed states; -> client
my @inflight_creates;     # creates that may or may not have committed
my $status_ok = 1;
my $order_ok = 1;

sub state_of
{
	my ($op, $owner) = @_;
	return join(' ', $owner, join(',', @{ $op->{numbers} }), $op->{key} // '-');
}

for my $c (0 .. $NCLIENTS - 1)
{
	my $owner = $owners[ $c % 2 ];
	my @lines = split /\n/, slurp_file("$tmp/client$c.out");
	my (%id_of, %acked_states);   # pool number -> id; -> acknowledged states
	my $n = 0;
	for my $line (@lines)
	{
		my ($type, $i, $st, $id) = split / /, $line;
		my $op = $ops[$c][$n];
		if ($i != $n || $type ne $op->{type})
		{
			$order_ok = 0;
			diag("client $c: unexpected report \"$line\" for call $n");
			last;
		}
		my $expect = $type eq 'X' ? 'error' : 'success';
		if ($st ne $expect)
		{
			$status_ok = 0;
			diag("client $c call $i: $st, expected $expect");
		}
		if ($type eq 'C')
		{
			$id_of{ $op->{pool} } = $id;
			$pool_client{$id} = $c;
		}
		if ($type eq 'X')
		{
			$rejected++;
		}
		else
		{
			$acknowledged++;
			push @{ $acked_states{ $op->{pool} } }, state_of($op, $owner);
		}
		$n++;
	}

	# The pools this client was told it created: the state of their last
	# acknowledged call, and of the call in flight if it replaced this pool.
	my $next = $n < $NOPS ? $ops[$c][$n] : undef;
	$in_flight++ if defined $next;
	for my $k (keys %id_of)
	{
		my @states = @{ $acked_states{$k} };
		my @allowed = ($states[-1]);
		push @allowed, state_of($next, $owner)
		  if defined $next && $next->{type} eq 'U' && $next->{pool} == $k;
		$pool_state{ $id_of{$k} } = { history => \@states, allowed => \@allowed };
	}
	push @inflight_creates, state_of($next, $owner)
	  if defined $next && $next->{type} eq 'C';
}
ok($order_ok, 'each client reported its calls in order');
ok($status_ok, 'every acknowledged create and update succeeded, every foreign-key update was rejected');
cmp_ok($acknowledged, '>', 200, 'the workload acknowledged a meaningful number of calls');

# ---- what the recovered database holds ----

my %row;
for my $line (split /\n/,
	$node->safe_psql('postgres', q{
		SELECT id, owner_id, array_to_string(phone_numbers, ','), coalesce(encrypted_key::text, '-')
		FROM custom_dialing.dialing_pools}))
{
	my ($id, $owner, $nums, $key) = split /\|/, $line;
	next if $id eq $dial_pool;    # the dialer's, made before the workload
	$row{$id} = "$owner $nums $key";
}

my ($survived, $missing, $wrong) = (0, 0, 0);
my $inflight_committed = 0;    # calls in flight at the kill that committed
for my $id (sort keys %pool_state)
{
	my $p = $pool_state{$id};
	my $have = $row{$id};
	if (!defined $have)
	{
		$missing++;
		diag("acknowledged pool $id (client $pool_client{$id}) is missing");
		next;
	}
	if (grep { $_ eq $have } @{ $p->{allowed} })
	{
		$survived += @{ $p->{history} };
		$inflight_committed++ if $have ne $p->{allowed}[0];
		next;
	}
	# Lost acknowledged updates: count those up to the state found.
	$wrong++;
	my @h = @{ $p->{history} };
	my ($pos) = grep { $h[$_] eq $have } reverse 0 .. $#h;
	$survived += defined $pos ? $pos + 1 : 1;
	diag("pool $id holds \"$have\"; expected one of: " . join(' | ', @{ $p->{allowed} }));
}
is($missing, 0, 'every acknowledged create survived the crash');
is($wrong, 0, 'every pool holds its last acknowledged update or the one in flight');

# Rows nobody was told about can only be creates that were in flight, each
# complete and at most once.
my %unclaimed = map { $_ => 1 } @inflight_creates;
my $extra_ok = 1;
for my $id (grep { !exists $pool_state{$_} } keys %row)
{
	if (delete $unclaimed{ $row{$id} })
	{
		$inflight_committed++;
	}
	else
	{
		$extra_ok = 0;
		diag("unexpected pool $id: $row{$id}");
	}
}
ok($extra_ok, 'the only unacknowledged pools are complete creates that were in flight');

diag("acknowledged: $acknowledged");
diag("survived: $survived");
diag("pools: " . scalar(keys %pool_state) . " acknowledged, " . scalar(keys %row)
	  . " present; clients stopped mid-script: $in_flight, in-flight calls found committed: "
	  . "$inflight_committed; rejected calls acknowledged: $rejected");
is($survived, $acknowledged, 'no acknowledged call was lost');

# ---- the dials ----

my %dial_told;    # second -> number, or 'none'
my $dial_order_ok = 1;
{
	my $n = 0;
	for my $line (split /\n/, slurp_file("$tmp/dialer.out"))
	{
		my ($tag, $i, $d) = split / /, $line;
		if ($tag ne 'D' || $i != $n)
		{
			$dial_order_ok = 0;
			diag("dialer: unexpected report \"$line\" for dial $n");
			last;
		}
		$dial_told{$i} = $d;
		$n++;
	}
}
ok($dial_order_ok, 'the dialer reported its dials in order');
my $dials_told = scalar keys %dial_told;
my $dials_given = grep { $_ ne 'none' } values %dial_told;
cmp_ok($dials_given, '>', 100, 'the dialer was given a meaningful number of numbers');
cmp_ok($dials_told - $dials_given, '>', 0, 'and was refused some dials, at the caps');

my %dial_row;     # second -> number, from pool_calls
my $dial_dup = 0;
for my $line (split /\n/, $node->safe_psql('postgres', qq{
	SELECT extract(epoch FROM at - '2026-06-01 00:00+00'::timestamptz)::int, phone_number
	FROM custom_dialing.pool_calls WHERE pool_id = '$dial_pool'}))
{
	my ($i, $number) = split /\|/, $line;
	$dial_dup++ if exists $dial_row{$i};
	$dial_row{$i} = $number;
}
is($dial_dup, 0, 'no dial is recorded twice');
my ($dial_kept, $dial_lost, $dial_ghost) = (0, 0, 0);
for my $i (sort { $a <=> $b } keys %dial_told)
{
	my $told = $dial_told{$i};
	my $row = $dial_row{$i} // 'none';
	if ($row eq $told) { $dial_kept++ }
	else
	{
		$dial_lost++;
		diag("dial $i: told $told, recorded $row") if $dial_lost <= 5;
	}
}
for my $i (keys %dial_row)
{
	next if exists $dial_told{$i};
	# only the dial in flight at the kill may have committed unannounced
	if ($i != $dials_told) { $dial_ghost++; diag("dial $i recorded but never sent") }
}
is($dial_lost, 0, 'every answered dial is recorded with its number, and no refused dial left a row');
is($dial_ghost, 0, 'the only unannounced recorded dial is the one in flight');
diag("dials: $dials_told answered ($dials_given given a number), $dial_kept as told after recovery");
is( $node->safe_psql('postgres', qq{
	SELECT coalesce(max(n), 0) FROM (
	  SELECT (SELECT count(*) FROM custom_dialing.pool_calls b
	          WHERE b.pool_id = a.pool_id AND b.phone_number = a.phone_number
	            AND b.at > a.at - interval '1 hour' AND b.at <= a.at) AS n
	  FROM custom_dialing.pool_calls a WHERE a.pool_id = '$dial_pool') s}) <= $DIAL_CAP ? 'ok' : 'over',
	'ok', 'no number has more calls in any rolling hour than its cap');
is( $node->safe_psql('postgres', q{
		SELECT count(*) FROM verify_heapam('custom_dialing.pool_calls')}),
	'0', 'verify_heapam finds nothing wrong in pool_calls');
is( $node->safe_psql('postgres', q{
		SELECT count(*) FROM (
		  SELECT bt_index_parent_check(i.indexrelid, true)
		  FROM pg_index i WHERE i.indrelid = 'custom_dialing.pool_calls'::regclass) s}),
	'2', 'both indexes of pool_calls match its heap');

# ---- nothing half-written ----

# The table's constraints, checked again row by row: a non-empty
# one-dimensional list without NULLs, every element a valid us_e164, no
# duplicates (the API never stores any), timestamps set.
is( $node->safe_psql('postgres', q{
		SELECT count(*) FROM custom_dialing.dialing_pools p
		WHERE pg_catalog.array_ndims(p.phone_numbers) IS DISTINCT FROM 1
		   OR pg_catalog.cardinality(p.phone_numbers) = 0
		   OR pg_catalog.array_position(p.phone_numbers, NULL) IS NOT NULL
		   OR EXISTS (SELECT 1 FROM unnest(p.phone_numbers) n
		              WHERE NOT custom_dialing.us_e164_is_valid(n))
		   OR (SELECT count(DISTINCT n) FROM unnest(p.phone_numbers) n)
		      <> pg_catalog.cardinality(p.phone_numbers)
		   OR p.created_at IS NULL OR p.updated_at < p.created_at}),
	'0', 'every pool row satisfies its constraints and has a non-empty number list');

# The ownership rule: a pool names only credentials of its own owner.
is( $node->safe_psql('postgres', q{
		SELECT count(*) FROM custom_dialing.dialing_pools p
		WHERE p.encrypted_key IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM custom_dialing.twilio_credentials c
		                  WHERE c.id = p.encrypted_key AND c.owner_id = p.owner_id)}),
	'0', 'every pool\'s credentials belong to the pool\'s owner');

# Heap and index structure: no corrupt tuples, every heap tuple indexed.
is( $node->safe_psql('postgres', q{
		SELECT count(*) FROM verify_heapam('custom_dialing.dialing_pools')}),
	'0', 'verify_heapam finds nothing wrong in dialing_pools');
is( $node->safe_psql('postgres', q{
		SELECT count(*) FROM (
		  SELECT bt_index_parent_check(i.indexrelid, true)
		  FROM pg_index i
		  WHERE i.indrelid IN ('custom_dialing.dialing_pools'::regclass,
		                       'custom_dialing.twilio_credentials'::regclass)) s}),
	'5', 'every index of the pool tables matches its heap');

# ---- routing on the recovered data ----

# Every pool answers for callees of each kind, with one of its own numbers.
is( $node->safe_psql('postgres', q{
		SELECT count(*) FROM custom_dialing.dialing_pools p
		CROSS JOIN (VALUES ('+12125550199'), ('+16465550199'), ('+18005550199'),
		                   ('+19075550199'), ('+14065550199'), ('+15555550199')) c(callee)
		WHERE NOT custom_dialing.pick_pool_number(p.id, c.callee::custom_dialing.us_e164)
		          = ANY (p.phone_numbers)}),
	'0', 'pick_pool_number answers with a pool number for every recovered pool');

# And the API goes on working: a new pool, replaced once, routes by its
# latest numbers.
my $new_id = $node->safe_psql('postgres', qq{
	SELECT custom_dialing.create_dialing_pool('$owners[0]',
		'{+12125550001,+13125550001}', '$keys[0][0]')->'data'->>'id'});
like($new_id, qr/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
	'create_dialing_pool works after the restart');
is( $node->safe_psql('postgres', qq{
	SELECT custom_dialing.update_dialing_pool('$owners[0]', '$new_id',
		'{+14155550001,+13125550002}', NULL)->>'status'}),
	'success', 'update_dialing_pool works after the restart');
is( $node->safe_psql('postgres', qq{
	SELECT custom_dialing.pick_pool_number('$new_id', '+16285550100')
	    || ' ' || (custom_dialing.explain_pool_pick('$new_id', '+16285550100')->>'rule')}),
	'+14155550001 overlay', 'pick_pool_number routes by the pool\'s latest numbers');

$node->stop;
done_testing();
