#!/usr/bin/env bash
# xfr.sh -- one secondary, one changed host: what a reload costs in NOTIFYs,
# transfers and bytes, for each ocsdnsd binary given.
#
# Usage: bench/xfr.sh [-n DOMAINS] [-p BASEPORT] [-k] [OCSDNSD...]
#
# For each binary (default ../src/ocsdnsd): gen.py DOMAINS domains, the
# daemon on 127.0.0.1:BASEPORT with notify to NSD on BASEPORT+1, NSD as the
# secondary of every zone; once NSD has them all, pool01 of the first domain
# gets another address, SIGHUP, and after NSD has the new serial (then 10 s
# without another transfer) it counts, from the moment of the SIGHUP:
#   notify_zones  zones the daemon NOTIFYed (its log: one "notify ZONE to"
#                 line per zone and target: acknowledged, or no answer)
#   notified      NOTIFYs NSD received ("notify for" in its log)
#   transferred   zones NSD received ("received update to serial")
#   bytes         their sizes, as NSD's log gives them ("of N bytes")
#   xfr_out       transfers the daemon counted meanwhile (SIGUSR1 stats lines)
#   full          bytes of NSD's first transfer of every zone: what it costs
#                 when every zone is transferred again
# Everything runs on 127.0.0.1; every process started is stopped by PID.
set -u

here=$(cd "$(dirname "$0")" && pwd)
n=10000
base=15401
keep=0
while getopts n:p:k opt; do
	case $opt in
	n) n=$OPTARG ;;
	p) base=$OPTARG ;;
	k) keep=1 ;;
	*) echo "usage: $0 [-n DOMAINS] [-p BASEPORT] [-k] [OCSDNSD...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- "$here/../src/ocsdnsd"
for tool in nsd dig python3; do
	command -v "$tool" >/dev/null || { echo "xfr.sh: $tool is missing" >&2; exit 1; }
done

work=$(mktemp -d /tmp/ocsxfr.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	[ "$keep" = 1 ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

port=$base
nport=$((base + 1))
root_opt=()
[ "$(id -u)" = 0 ] && root_opt=(-R)

serial_of() {
	dig -p "$1" @127.0.0.1 +tries=1 +time=1 +short "$2" SOA 2>/dev/null | awk '{ print $3 }'
}
# wait_for SECONDS COMMAND...: until COMMAND succeeds.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	while [ "$SECONDS" -lt "$end" ]; do
		"$@" && return 0
		sleep 0.5
	done
	return 1
}
count() {	# count PATTERN FILE [FROM_LINE]
	tail -n +"${3:-1}" "$2" | grep -c "$1"
}
# The daemon's transfers counter: SIGUSR1, then its next stats line.
transfers() {
	local before
	before=$(grep -c 'transfers=' "$d/ocsdnsd.log")
	kill -USR1 "$opid"
	wait_for 20 sh -c "[ \$(grep -c 'transfers=' '$d/ocsdnsd.log') -gt $before ]"
	grep -o 'transfers=[0-9]*' "$d/ocsdnsd.log" | tail -n 1 | cut -d= -f2
}
# A transfer count that has not moved for 10 s.
settled() {
	local now
	now=$(count 'received update to serial.* bytes in' "$nlog" "$mark")
	if [ "$now" = "${last:-x}" ]; then
		[ $((SECONDS - since)) -ge 10 ]
		return
	fi
	last=$now
	since=$SECONDS
	return 1
}

printf '%-32s %7s %12s %9s %11s %9s %7s %9s\n' build domains notify_zones notified transferred bytes xfr_out full
for bin in "$@"; do
	d=$work/run
	rm -rf "$d"
	python3 "$here/gen.py" "$n" "$d" >/dev/null || exit 1
	sed -i "s/^\[server\]\$/[server]\nallow_transfer = 127.0.0.1\nnotify = 127.0.0.1:$nport/" "$d/ocsdnsd.ini"
	"$bin" "${root_opt[@]}" -c "$d/ocsdnsd.ini" -l "127.0.0.1:$port" 2>"$d/ocsdnsd.log" &
	opid=$!
	pids+=("$opid")
	last_zone=$(printf 'd%05d.lab' "$n")
	wait_for 300 sh -c "[ -n \"\$(dig -p $port @127.0.0.1 +short +tries=1 +time=1 $last_zone SOA)\" ]" ||
	    { echo "xfr.sh: $bin did not start" >&2; cat "$d/ocsdnsd.log" >&2; exit 1; }

	mkdir -p "$d/nsd"
	nlog=$d/nsd/nsd.log
	{
		cat <<NSDCONF
server:
	ip-address: 127.0.0.1
	port: $nport
	username: ""
	chroot: ""
	zonesdir: "$d/nsd"
	database: ""
	zonelistfile: "$d/nsd/zone.list"
	xfrdfile: "$d/nsd/xfrd.state"
	xfrdir: "$d/nsd"
	pidfile: "$d/nsd/nsd.pid"
	logfile: "$nlog"
	server-count: 1
	verbosity: 2
	zonefiles-write: 0
remote-control:
	control-enable: no
pattern:
	name: "fromocsdnsd"
	request-xfr: 127.0.0.1@$port NOKEY
	allow-notify: 127.0.0.1 NOKEY
NSDCONF
		for i in $(seq 1 "$n"); do
			printf 'zone:\n\tname: d%05d.lab\n\tinclude-pattern: "fromocsdnsd"\n' "$i"
		done
	} >"$d/nsd/nsd.conf"
	: >"$nlog"
	nsd -d -c "$d/nsd/nsd.conf" >"$d/nsd/stdout" 2>&1 &
	npid=$!
	pids+=("$npid")
	wait_for 600 sh -c "[ \$(grep -c 'received update to serial.* bytes in' '$nlog') -ge $n ]" ||
	    { echo "xfr.sh: NSD did not transfer all $n zones" >&2; exit 1; }

	# One host of d00001.lab changes.
	s0=$(serial_of "$port" d00001.lab)
	sed -i '0,/^address = 10.0.1.10, 10.0.1.11$/s//address = 10.0.1.10, 10.0.1.12/' "$d/ocsdnsd.ini"
	sleep 1		# the old build's serial follows the clock
	full=$(grep 'received update to serial.* bytes in' "$nlog" |
	    sed -n 's/.* of \([0-9]*\) bytes .*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
	xfr0=$(transfers)
	mark=$(($(wc -l <"$nlog") + 1))
	kill -HUP "$opid"
	wait_for 120 sh -c "s=\$(dig -p $nport @127.0.0.1 +short +tries=1 +time=1 d00001.lab SOA | awk '{print \$3}'); [ -n \"\$s\" ] && [ \"\$s\" != $s0 ]" ||
	    { echo "xfr.sh: NSD did not follow the reload" >&2; exit 1; }
	last=; since=$SECONDS
	wait_for 900 settled
	xfr1=$(transfers)
	xfr_out=$((xfr1 - xfr0))
	notified=$(count 'notify for ' "$nlog" "$mark")
	transferred=$(count 'received update to serial.* bytes in' "$nlog" "$mark")
	bytes=$(tail -n +"$mark" "$nlog" | grep 'received update to serial.* bytes in' |
	    sed -n 's/.* of \([0-9]*\) bytes .*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
	notify_zones=$(grep -c ': notify .* to 127' "$d/ocsdnsd.log")
	printf '%-32s %7s %12s %9s %11s %9s %7s %9s\n' "$bin" "$n" "$notify_zones" "$notified" "$transferred" "$bytes" "${xfr_out:-?}" "$full"
	[ "$keep" = 1 ] && cp -R "$d" "$work/run-$opid"
	kill "$npid" "$opid" 2>/dev/null
	wait "$npid" "$opid" 2>/dev/null
	pids=()
done
