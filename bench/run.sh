#!/bin/bash
# run.sh -- benchmark ocsdnsd against NSD, Knot and a no-op responder on loopback.
#
# usage: bench/run.sh [-n DOMAINS] [-d SECONDS] [-r ROUNDS] [-p BASEPORT]
#                     [-g GENERATORS] [-m MODES] [-w WORKERS] [-k] [-S]
#   -n  number of generated SIP domains (default 10)
#   -d  seconds per measurement (default 4, at most 60)
#   -r  rounds per generator and mode (default 3)
#   -p  first of four consecutive UDP ports on 127.0.0.1 (default 15301):
#       ocsdnsd, nsd, knotd, noop
#   -g  generators, comma-separated: blast,dnsperf (default both)
#   -m  modes, comma-separated: pinned,unpinned (default both)
#   -w  ocsdnsd's [server] workers (default 1: the issue's goals are for one)
#   -k  keep the work directory (data, logs, raw results)
#   -S  start-up only: time ocsdnsd from exec to its first answer (3 times),
#       its resident memory (VmRSS) and peak (VmHWM) after start-up and
#       after one reload (SIGHUP, its time to "reloaded"), then of a second
#       reload after one host's address changed; no peer servers,
#       no load; gen.py writes only the INI (so -n 1000000 is practical)
#   -C  LIST  the start-up curve: -S for each domain count of LIST
#       (comma-separated, e.g. 10000,100000,1000000), one table, after
#       pagecost.c's line (what fresh memory costs this machine); then
#       -r rounds (at least 3) of start-ups in turns, every count once a
#       round, each round's times and ratios and their medians
# Load: each mode starts with 1 s of blast per server, not measured; in each
# round ocsdnsd and the no-op run back to back (which goes first alternates),
# and the ratios to the no-op are the median of the rounds' ratios.
# After the load runs: ten reloads (SIGHUP, each waited for) under load from
# blast, unpinned (runs of 10 s back to back until the tenth is done),
# counting the queries lost and answered late meanwhile.
# Environment: OCSDNSD (the server binary, default ../src/ocsdnsd),
#   DNSPERF_OPTS (default "-c 2 -T 2 -q 128"), BLAST_OPTS (default "-w 64"),
#   CC (default cc), STARTUP_TIMEOUT (seconds ocsdnsd may take to answer, 120).
# Every load run is bounded by -d; everything stays on 127.0.0.1.

set -u
export LC_ALL=C

NDOM=10 DUR=4 ROUNDS=3 BASE=15301 KEEP=0 STARTONLY=0 WORKERS=1
GENS=blast,dnsperf MODES=pinned,unpinned
CURVE=""
while getopts "n:d:r:p:g:m:w:kSC:" opt; do
	case $opt in
	n) NDOM=$OPTARG ;;
	d) DUR=$OPTARG ;;
	r) ROUNDS=$OPTARG ;;
	p) BASE=$OPTARG ;;
	g) GENS=$OPTARG ;;
	m) MODES=$OPTARG ;;
	w) WORKERS=$OPTARG ;;
	k) KEEP=1 ;;
	S) STARTONLY=1 ;;
	C) CURVE=$OPTARG ;;
	*) sed -n '3,31p' "$0" >&2; exit 2 ;;
	esac
done
case "$NDOM$DUR$ROUNDS$BASE$WORKERS" in *[!0-9]*) echo "run.sh: numbers only" >&2; exit 2 ;; esac
if [ "$DUR" -lt 1 ] || [ "$DUR" -gt 60 ] || [ "$ROUNDS" -lt 1 ] || [ "$NDOM" -lt 1 ]; then
	echo "run.sh: -d must be 1..60, -r and -n at least 1" >&2
	exit 2
fi

HERE=$(cd "$(dirname "$0")" && pwd)
OCSDNSD=${OCSDNSD:-$HERE/../src/ocsdnsd}
# newer builds refuse to run as root unless told to
OCS_FLAGS=""
if [ "$(id -u)" = 0 ] && "$OCSDNSD" -h 2>&1 | grep -q -- '-R'; then
	OCS_FLAGS=-R
fi

median() {
	tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "-"; exit }
		if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The curve again from start-ups taken in turns: each round starts every
# count of -C once, so a swing of the machine (minutes long here) falls on
# all the counts of a round alike. Prints each round's times and the
# ratios from one count to the next, and the median of each over the
# rounds (ROUNDS, at least 3). Its files in the directory $1.
curve_interleaved() {
	local cw=$1 n r ms prev rounds=$ROUNDS i last head="| round |" rule="|---|"
	[ "$rounds" -ge 3 ] || rounds=3
	${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE -Wall -o "$cw/blast" "$HERE/blast.c" ||
	    { echo "run.sh: cannot build blast" >&2; return 1; }
	for n in ${CURVE//,/ }; do
		python3 "$HERE/gen.py" "$n" "$cw/$n" --ini-only >/dev/null ||
		    { echo "run.sh: gen.py failed" >&2; return 1; }
	done
	sync
	prev=""
	for n in ${CURVE//,/ }; do
		head="$head $n (ms) |" rule="$rule---|"
		[ -z "$prev" ] || head="$head $n / $prev |" rule="$rule---|"
		prev=$n
	done
	printf '\n%s\n%s\n' "$head" "$rule"
	for r in $(seq 1 "$rounds"); do
		printf '| %d |' "$r"
		prev=""
		for n in ${CURVE//,/ }; do
			last=$(printf 'd%05d.lab' "$n")
			ms=$("$cw/blast" -p "$BASE" -W "${STARTUP_TIMEOUT:-120}" \
			    -q "$last SOA" -- "$OCSDNSD" $OCS_FLAGS -c "$cw/$n/ocsdnsd.ini" \
			    -l "127.0.0.1:$BASE" 2>>"$cw/ocsdnsd.log") ||
			    { echo "run.sh: ocsdnsd did not start: $(tail -3 "$cw/ocsdnsd.log")" >&2; return 1; }
			ms=${ms#ready_ms=}
			ms=${ms%% *}
			echo "$n $ms" >> "$cw/times"
			printf ' %s |' "$ms"
			if [ -n "$prev" ]; then
				i=$(echo "$ms / $prev" | bc -l)
				echo "$n $i" >> "$cw/ratios"
				printf ' %.2fx |' "$i"
			fi
			prev=$ms
		done
		printf '\n'
	done
	printf '| median |'
	prev=""
	for n in ${CURVE//,/ }; do
		printf ' %s |' "$(awk -v n="$n" '$1 == n { print $2 }' "$cw/times" | median)"
		[ -z "$prev" ] || printf ' %.2fx |' \
		    "$(awk -v n="$n" '$1 == n { print $2 }' "$cw/ratios" | median)"
		prev=$n
	done
	printf '\n'
}

if [ -n "$CURVE" ]; then
	# What fresh memory costs here: a large start-up pays it for its peak.
	pc=$(mktemp /tmp/pagecost.XXXXXX)
	if ${CC:-cc} -O2 -std=c11 -Wall -o "$pc" "$HERE/pagecost.c"; then
		"$pc" || echo "run.sh: pagecost failed" >&2
	fi
	rm -f "$pc"
	# One -S run per count; their table rows under one header.
	printf '| domains | start-up, median of 3 (ms) | VmRSS (MiB) | VmHWM after start-up (MiB) | reload (ms) | VmRSS after reload (MiB) | VmHWM during reload (MiB) | reload, one domain changed (ms) | VmHWM during it (MiB) |\n|---|---|---|---|---|---|---|---|---|\n'
	for n in ${CURVE//,/ }; do
		case $n in *[!0-9]*|"") echo "run.sh: -C takes numbers" >&2; exit 2 ;; esac
		# The rows of -S: the second reload's, then the start-up and first reload's.
		rows=$("$0" -S -n "$n" -p "$BASE" | grep "^| $n |")
		row=$(echo "$rows" | tail -1)
		changed=$(echo "$rows" | head -1 | awk -F'|' '{ gsub(/ /, ""); printf " %s | %s |", $5, $6 }')
		[ -n "$row" ] && [ "$(echo "$rows" | wc -l)" = 2 ] || exit 1
		echo "$row$changed"
	done
	CW=$(mktemp -d /tmp/ocscurve.XXXXXX)
	trap 'rm -rf "$CW"' EXIT
	curve_interleaved "$CW" || exit 1
	exit 0
fi
DNSPERF_OPTS=${DNSPERF_OPTS:--c 2 -T 2 -q 128}
BLAST_OPTS=${BLAST_OPTS:--w 64}
CC=${CC:-cc}
P_OCS=$BASE P_NSD=$((BASE + 1)) P_KNOT=$((BASE + 2)) P_NOOP=$((BASE + 3))
SERVERS="ocsdnsd nsd knot noop"
LAST=$(printf 'd%05d.lab' "$NDOM")
HZ=$(getconf CLK_TCK)

WORK=$(mktemp -d /tmp/ocsbench.XXXXXX)
declare -A PID

cleanup() {
	local s
	for s in "${!PID[@]}"; do
		kill "${PID[$s]}" 2>/dev/null
	done
	for s in "${!PID[@]}"; do
		wait "${PID[$s]}" 2>/dev/null
	done
	if [ "$KEEP" = 1 ]; then
		echo "work directory kept: $WORK"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "run.sh: $*" >&2
	exit 1
}

# ---- build and generate -------------------------------------------------
[ -x "$OCSDNSD" ] || die "$OCSDNSD not found: build the tree first (make)"
for t in blast noop; do
	$CC -O2 -std=c11 -D_GNU_SOURCE -Wall -o "$WORK/$t" "$HERE/$t.c" ||
	    die "cannot build $t"
done
BLAST=$WORK/blast
t0=$(date +%s.%N)
GENOPTS=""
[ "$STARTONLY" = 0 ] || GENOPTS=--ini-only
python3 "$HERE/gen.py" "$NDOM" "$WORK/data" --ports "$P_OCS,$P_NSD,$P_KNOT" $GENOPTS ||
    die "gen.py failed"
t1=$(date +%s.%N)
# The zone files for NSD and Knot (one per domain) are still being written
# back: let that finish rather than compete with what is measured.
sync
DATA=$WORK/data
if [ "$WORKERS" != 1 ]; then
	sed -i "0,/^\[server\]/s//[server]\nworkers = $WORKERS/" "$DATA/ocsdnsd.ini"
fi
echo "# $(date -u '+%Y-%m-%d %H:%M UTC') $(uname -srm), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $NDOM domains, $(wc -l < "$DATA/queries.txt") queries in the mix, generated in $(echo "$t1 - $t0" | bc) s; $DUR s per run, $ROUNDS rounds; ocsdnsd workers = $WORKERS"
busy=$(ps -eo pcpu=,comm= --sort=-pcpu | awk '$1 > 10 { printf " %s(%s%%)", $2, $1 }')
[ -z "$busy" ] || echo "# WARNING: other processes are using CPU:$busy -- figures will be noisy"
if [ "$STARTONLY" = 0 ]; then
	echo "# $("$OCSDNSD" -V 2>&1), $(nsd -v 2>&1 | head -1), $(knotd -V 2>&1 | head -1), dnsperf $(dnsperf -h 2>&1 | sed -n "s/^Version //p" | head -1)"
else
	echo "# $("$OCSDNSD" -V 2>&1)"
fi

# ---- helpers ------------------------------------------------------------
# all processes of a server: the pid and its descendants
tree() {
	local p todo=$1 out=""
	while [ -n "$todo" ]; do
		set -- $todo
		p=$1
		shift
		todo="$* $(ps -o pid= --ppid "$p" 2>/dev/null | tr '\n' ' ')"
		todo=$(echo $todo)
		out="$out $p"
	done
	echo $out
}

# "utime+stime stime" ticks of all processes (all threads) of a server
cputicks() {
	local p sum=0 sys=0 st
	for p in $(tree "$1"); do
		st=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		st=${st##*) }
		set -- $st
		sum=$((sum + ${12} + ${13}))
		sys=$((sys + ${13}))
	done
	echo $sum $sys
}

# VmRSS (or the field $2 of /proc/PID/status: VmHWM, the peak) in kB,
# summed over the processes of a server
rss() {
	local p sum=0 v f=${2:-VmRSS}
	for p in $(tree "$1"); do
		v=$(awk -v f="$f:" '$1 == f { print $2 }' "/proc/$p/status" 2>/dev/null)
		sum=$((sum + ${v:-0}))
	done
	echo $sum
}

port_of() {
	case $1 in
	ocsdnsd) echo "$P_OCS" ;; nsd) echo "$P_NSD" ;;
	knot) echo "$P_KNOT" ;; noop) echo "$P_NOOP" ;;
	esac
}

# ---- start-up time ------------------------------------------------------
ms=""
for i in 1 2 3; do
	out=$("$BLAST" -p "$P_OCS" -W "${STARTUP_TIMEOUT:-120}" -q "$LAST SOA" -- \
	    "$OCSDNSD" $OCS_FLAGS -c "$DATA/ocsdnsd.ini" -l "127.0.0.1:$P_OCS" \
	    2>>"$WORK/ocsdnsd-startup.log") ||
	    die "ocsdnsd did not start: $(tail -3 "$WORK/ocsdnsd-startup.log")"
	out=${out#ready_ms=}
	ms="$ms ${out%% *}"
done
STARTUP=$(echo $ms | median)
echo "# ocsdnsd start-up (exec to first answer, ms), 3 starts:$ms; median $STARTUP"

# ---- start the servers --------------------------------------------------
"$OCSDNSD" $OCS_FLAGS -c "$DATA/ocsdnsd.ini" -l "127.0.0.1:$P_OCS" 2>"$WORK/ocsdnsd.log" &
PID[ocsdnsd]=$!
if [ "$STARTONLY" = 0 ]; then
	nsd -d -c "$DATA/nsd.conf" 2>"$WORK/nsd.log" &
	PID[nsd]=$!
	knotd -c "$DATA/knot.conf" 2>"$WORK/knot.log" &
	PID[knot]=$!
	"$WORK/noop" -p "$P_NOOP" -t 3000 2>"$WORK/noop.log" &
	PID[noop]=$!
else
	SERVERS=ocsdnsd
fi

for s in $SERVERS; do
	p=$(port_of $s)
	"$BLAST" -p "$p" -W 300 -q "$LAST SOA" >/dev/null ||
	    die "$s is not answering on port $p (see $WORK/$s.log)"
	# every zone loaded: a pass over the mix without REFUSED
	ok=0
	for i in $(seq 1 60); do
		out=$("$BLAST" -p "$p" -f "$DATA/queries.txt" -d 10 -n 20000)
		case $out in
		*REFUSED=*) sleep 1 ;;
		*) ok=1; break ;;
		esac
	done
	[ $ok = 1 ] || [ $s = noop ] || die "$s still REFUSES part of the data: $out"
done

declare -A RSS
for s in $SERVERS; do
	RSS[$s]=$(rss "${PID[$s]}")
done

mib() { echo "$1 / 1024" | bc -l; }

if [ "$STARTONLY" = 1 ]; then
	HWM=$(rss "${PID[ocsdnsd]}" VmHWM)
	# One reload: its time, and its own peak (clear_refs 5 resets VmHWM).
	# Sets RMS, RRSS and RHWM.
	reload_once() {
		echo 5 > "/proc/${PID[ocsdnsd]}/clear_refs" 2>/dev/null ||
		    echo "# note: cannot reset VmHWM: the reload peak includes start-up"
		n0=$(grep -c 'reloaded ' "$WORK/ocsdnsd.log")
		t0=$(date +%s%N)
		kill -HUP "${PID[ocsdnsd]}"
		ok=0
		for t in $(seq 1 $((${STARTUP_TIMEOUT:-120} * 100))); do
			if [ "$(grep -c 'reloaded ' "$WORK/ocsdnsd.log")" -gt "$n0" ]; then
				ok=1
				break
			fi
			sleep 0.01
		done
		t1=$(date +%s%N)
		[ $ok = 1 ] || die "no reload within ${STARTUP_TIMEOUT:-120} s: $(tail -3 "$WORK/ocsdnsd.log")"
		RMS=$(( (t1 - t0) / 1000000 ))
		# The old snapshot is freed once every worker has moved on, after the
		# "reloaded" line: wait until the resident size stops changing.
		RRSS=$(rss "${PID[ocsdnsd]}") prev=0
		for t in $(seq 1 $((${STARTUP_TIMEOUT:-120} * 2))); do
			[ "$RRSS" = "$prev" ] && break
			sleep 0.5
			prev=$RRSS
			RRSS=$(rss "${PID[ocsdnsd]}")
		done
		RHWM=$(rss "${PID[ocsdnsd]}" VmHWM)
	}
	reload_once
	UMS=$RMS URSS=$RRSS UHWM=$RHWM
	# Then one domain's data changes (a host's address: its zone only).
	CH=$(awk '/^\[host /{ h=$2 } /^address = / && h { print substr(h, 1, length(h) - 1); exit }' "$DATA/ocsdnsd.ini")
	awk -v h="[host $CH]" '$0 == h { f=1 } f && /^address = / { $0 = "address = 192.0.2.99"; f=0 } { print }' \
	    "$DATA/ocsdnsd.ini" > "$DATA/ocsdnsd.ini.new" && mv "$DATA/ocsdnsd.ini.new" "$DATA/ocsdnsd.ini"
	reload_once
	echo "# second reload: host $CH's address changed to 192.0.2.99; $(grep 'reloaded ' "$WORK/ocsdnsd.log" | tail -1 | sed 's/.*reloaded [^:]*: //')"
	printf '\n| domains | reload, unchanged (ms) | VmHWM during it (MiB) | reload, one domain changed (ms) | VmHWM during it (MiB) | VmRSS after (MiB) |\n|---|---|---|---|---|---|\n'
	printf '| %d | %d | %.1f | %d | %.1f | %.1f |\n' "$NDOM" "$UMS" "$(mib "$UHWM")" \
	    "$RMS" "$(mib "$RHWM")" "$(mib "$RRSS")"
	RMS=$UMS RRSS=$URSS RHWM=$UHWM
	printf '\n| domains | start-up, median of 3 (ms) | VmRSS (MiB) | VmHWM after start-up (MiB) | reload (ms) | VmRSS after reload (MiB) | VmHWM during reload (MiB) |\n|---|---|---|---|---|---|---|\n'
	printf '| %d | %s | %.1f | %.1f | %d | %.1f | %.1f |\n' "$NDOM" "$STARTUP" \
	    "$(mib "${RSS[ocsdnsd]}")" "$(mib "$HWM")" "$RMS" "$(mib "$RRSS")" "$(mib "$RHWM")"
	exit 0
fi

# ---- same answers? --------------------------------------------------------
# Each query's status, its sorted answer section and the SOA of the authority
# section (serial masked) must be equal; other section sizes are reported.
answers() {
	dig @127.0.0.1 -p "$1" +norec +time=2 +tries=2 +noall +comments \
	    +answer +authority "$2" "$3" | awk '
		/->>HEADER<<-/ { sub(/,.*/, "", $6); print "status", $6 }
		/^;; flags:/ { n = split($0, f, /[:,] */)
			for (i = 1; i <= n; i++) if (f[i] == "AUTHORITY" || f[i] == "ADDITIONAL") c = c " " f[i] "=" f[i+1] }
		/^[^;]/ && NF >= 5 {
			if ($4 == "SOA") $7 = "SERIAL"
			if ($4 == "NS" && sect == "auth") next
			$1 = $1; print
		}
		/^;; AUTHORITY/ { sect = "auth" }
		END { print "#" c }' | sort
}
{ grep -v '^$' "$DATA/queries.txt" | awk '!seen[$0]++' | head -45
  echo "$LAST SOA"; echo "$LAST NS"; echo "d00001.lab SOA"
  echo "nope.$LAST AAAA"; echo "not-served.example SOA"; } > "$WORK/sample.txt"
diffs=0 notes=0
while read -r name type; do
	a=$(answers "$P_OCS" "$name" "$type")
	for s in nsd knot; do
		b=$(answers "$(port_of $s)" "$name" "$type")
		if [ "$(echo "$a" | grep -v '^#')" != "$(echo "$b" | grep -v '^#')" ]; then
			echo "DIFFERENT ANSWER for $name $type: ocsdnsd vs $s"
			diff <(echo "$a") <(echo "$b") | sed 's/^/    /'
			diffs=$((diffs + 1))
		elif [ "$(echo "$a" | grep '^#')" != "$(echo "$b" | grep '^#')" ]; then
			echo "$name $type $s: section counts $(echo "$b" | grep '^#') vs ocsdnsd $(echo "$a" | grep '^#')" >> "$WORK/notes.txt"
			notes=$((notes + 1))
		fi
	done
done < "$WORK/sample.txt"
[ "$diffs" = 0 ] || die "$diffs answers differ: not measuring"
echo "# same answers (status, answer section, SOA) from ocsdnsd, nsd and knot for $(wc -l < "$WORK/sample.txt") queries"
if [ "$notes" -gt 0 ]; then
	echo "# note: $notes answers differ in AUTHORITY/ADDITIONAL counts, e.g.:"
	head -3 "$WORK/notes.txt" | sed 's/^/#   /'
fi
echo "# VmRSS after loading (MiB): $(for s in $SERVERS; do printf '%s %.1f  ' $s "$(echo "${RSS[$s]} / 1024" | bc -l)"; done)"

# ---- load ------------------------------------------------------------------
pin() {
	local s p cpus=$1
	for s in $SERVERS; do
		for p in $(tree "${PID[$s]}"); do
			taskset -a -p -c "$cpus" "$p" >/dev/null ||
			    die "taskset $cpus $s ($p) failed"
		done
	done
}

# The order of round R: ocsdnsd and the no-op back to back, so that their
# ratio is of two runs under the same conditions (the machine's load drifts
# over a round), and which of the two goes first alternates from round to
# round; the peers around them, in the opposite order every other round.
round_order() {
	local s others=""
	for s in $SERVERS; do
		[ "$s" = ocsdnsd ] || [ "$s" = noop ] || others="$others $s"
	done
	if [ $(($1 % 2)) = 1 ]; then
		echo "ocsdnsd noop$others"
	else
		echo "$(echo $others | tr ' ' '\n' | tac | tr '\n' ' ')noop ocsdnsd"
	fi
}

RES=$WORK/results.txt
RATIOS=""
: > "$RES"
for gen in ${GENS//,/ }; do
	for mode in ${MODES//,/ }; do
		case $mode in
		pinned) pin 0; PRE="taskset -c 1" ;;
		unpinned) pin "0-$(($(nproc) - 1))"; PRE="" ;;
		*) die "unknown mode $mode" ;;
		esac
		# Warm-up, not measured: 1 s of blast for each server in its new
		# placement, so that no first run pays for the move alone.
		for s in $SERVERS; do
			$PRE "$BLAST" -p "$(port_of $s)" -f "$DATA/queries.txt" -d 1 \
			    $BLAST_OPTS >/dev/null || die "warm-up of $s failed"
		done
		for r in $(seq 1 "$ROUNDS"); do
			for s in $(round_order "$r"); do
				p=$(port_of $s)
				set -- $(cputicks "${PID[$s]}")
				c0=$1 s0=$2
				case $gen in
				blast)
					out=$($PRE "$BLAST" -p "$p" -f "$DATA/queries.txt" -d "$DUR" $BLAST_OPTS)
					qps=$(echo "$out" | sed -n 's/.* qps=\([0-9.]*\).*/\1/p')
					ans=$(echo "$out" | sed -n 's/.* answered=\([0-9]*\).*/\1/p')
					lost=$(echo "$out" | sed -n 's/.* lost=\([0-9]*\).*/\1/p')
					avg=$(echo "$out" | sed -n 's/.* avg_us=\([0-9.]*\).*/\1/p')
					p99=$(echo "$out" | sed -n 's/.* p99_us=\([0-9]*\).*/\1/p')
					;;
				dnsperf)
					out=$($PRE dnsperf -s 127.0.0.1 -p "$p" -d "$DATA/queries.txt" -l "$DUR" -t 1 $DNSPERF_OPTS 2>&1)
					qps=$(echo "$out" | awk '/Queries per second:/ { print $4 }')
					ans=$(echo "$out" | awk '/Queries completed:/ { print $3 }')
					lost=$(echo "$out" | awk '/Queries lost:/ { print $3 }')
					avg=$(echo "$out" | awk '/Average Latency/ { printf "%.1f", $4 * 1e6 }')
					p99=-
					;;
				esac
				set -- $(cputicks "${PID[$s]}")
				c1=$1 s1=$2
				[ -n "$qps" ] && [ -n "$ans" ] || die "$gen against $s: no figures: $out"
				echo "$gen $mode $r $s $qps $ans ${lost:-0} ${avg:--} $p99 $((c1 - c0)) $((s1 - s0))" >> "$RES"
				echo "$gen $mode round $r $s: $out" >> "$WORK/raw.txt"
			done
		done
	done
done

# ---- table -------------------------------------------------------------------
printf '\n| generator | mode | server | median qps | rounds (qps) | x noop | lost | avg latency (us) | p99 (us) | CPU s / M answers | of it kernel | VmRSS (MiB) |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for gen in ${GENS//,/ }; do
	for mode in ${MODES//,/ }; do
		noopq=$(awk -v g=$gen -v m=$mode '$1==g && $2==m && $4=="noop" { print $5 }' "$RES" | median)
		declare -A Q CPU LAT
		for s in $SERVERS; do
			sel() { awk -v g=$gen -v m=$mode -v s=$s "\$1==g && \$2==m && \$4==s { print \$$1 }" "$RES"; }
			Q[$s]=$(sel 5 | median)
			LAT[$s]=$(sel 8 | median)
			p99=$(sel 9 | median)
			rounds=$(sel 5 | awk '{ printf "%s%.0fk", (NR > 1 ? " " : ""), $1 / 1000 }')
			lost=$(sel 7 | awk '{ t += $1 } END { print t + 0 }')
			CPU[$s]=$(awk -v g=$gen -v m=$mode -v s=$s -v hz="$HZ" '$1==g && $2==m && $4==s { a += $6; c += $10 }
			    END { if (a > 0) printf "%.2f", c / hz / a * 1e6; else print "-" }' "$RES")
			sysp=$(awk -v g=$gen -v m=$mode -v s=$s '$1==g && $2==m && $4==s { c += $10; k += $11 }
			    END { if (c > 0) printf "%.0f%%", 100 * k / c; else print "-" }' "$RES")
			printf '| %s | %s | %s | %.0f | %s | %.2f | %s | %s | %s | %s | %s | %.1f |\n' \
			    $gen $mode $s "${Q[$s]}" "$rounds" "$(echo "${Q[$s]} / $noopq" | bc -l)" \
			    "$lost" "${LAT[$s]}" "$p99" "${CPU[$s]}" "$sysp" "$(echo "${RSS[$s]} / 1024" | bc -l)"
		done
		# Against the no-op: the median of each round's ratio (the two
		# ran back to back), for qps and for CPU per answer.
		read -r PQ PC < <(awk -v g=$gen -v m=$mode '$1==g && $2==m && ($4=="ocsdnsd" || $4=="noop") {
			q[$3, $4] = $5; c[$3, $4] = $6 > 0 ? $10 / $6 : 0; rs[$3] = 1 }
		    function med(a, n,  i, j, t) {
			for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
		    END { for (r in rs) if (q[r, "noop"] > 0 && c[r, "noop"] > 0) { n++; qr[n] = q[r, "ocsdnsd"] / q[r, "noop"]; cr[n] = c[r, "ocsdnsd"] / c[r, "noop"] }
			if (n) printf "%.2f %.2f\n", med(qr, n), med(cr, n); else print "- -" }' "$RES")
		RATIOS="$RATIOS$(printf '| %s | %s | %.2f | %.2f | %s | %s | %.2f | %.2f | %.2f | %.2f |' $gen $mode \
		    "$(echo "${Q[ocsdnsd]} / ${Q[nsd]}" | bc -l)" "$(echo "${Q[ocsdnsd]} / ${Q[knot]}" | bc -l)" \
		    "$PQ" "$PC" \
		    "$(echo "${CPU[ocsdnsd]} / ${CPU[nsd]}" | bc -l)" "$(echo "${CPU[ocsdnsd]} / ${CPU[knot]}" | bc -l)" \
		    "$(echo "${LAT[ocsdnsd]} / ${LAT[nsd]}" | bc -l)" "$(echo "${LAT[ocsdnsd]} / ${LAT[knot]}" | bc -l)")
"
	done
done
printf '\n| generator | mode | qps ocsdnsd/NSD | qps ocsdnsd/Knot | qps ocsdnsd/noop (median of rounds) | CPU per answer ocsdnsd/noop (median of rounds) | CPU per answer ocsdnsd/NSD | CPU per answer ocsdnsd/Knot | avg latency ocsdnsd/NSD | avg latency ocsdnsd/Knot |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
printf '%s' "$RATIOS"
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- ten reloads under load --------------------------------------------------
# Each SIGHUP is waited for ("reloaded" in the log) before the next. blast
# runs back to back in runs of 10 s (it stops by itself; 60 s is its limit)
# until all ten are done, so that a slow reload (100,000 domains) is under
# load from its first second to its last; the runs' counts are summed.
pin "0-$(($(nproc) - 1))"
secs=$(echo "x = ($STARTUP / 1000 + 0.7) * 30 + 30; scale = 0; x / 1" | bc)
: > "$WORK/reload-blast.txt"
rm -f "$WORK/reloads.done"
(
	while [ ! -e "$WORK/reloads.done" ]; do
		"$BLAST" -p "$P_OCS" -f "$DATA/queries.txt" -d 10 $BLAST_OPTS \
		    >> "$WORK/reload-blast.txt" || break
		echo >> "$WORK/reload-blast.txt"
	done
) &
bpid=$!
sleep 1
n0=$(grep -c 'reloaded ' "$WORK/ocsdnsd.log")
n=$n0
t0=$(date +%s.%N)
for i in $(seq 1 10); do
	kill -HUP "${PID[ocsdnsd]}"
	for t in $(seq 1 $((secs * 10))); do
		n=$(grep -c 'reloaded ' "$WORK/ocsdnsd.log")
		[ "$n" -ge $((n0 + i)) ] && break
		sleep 0.1
	done
	sleep 0.2
done
t1=$(date +%s.%N)
touch "$WORK/reloads.done"
wait $bpid
RELOADS=$((n - n0))
# Sums over the runs (a run's "unfinished" are the window still in flight
# when it stops: not lost); the average weighted by answers, the worst p99.
read -r RRUNS RSECS RANS RLOST RSTRAY RAVG RP99 < <(awk '
	/^blast:/ {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		runs++; secs += f["seconds"]; ans += f["answered"]
		lost += f["lost"]; stray += f["stray"]
		wsum += f["avg_us"] * f["answered"]
		if (f["p99_us"] > p99) p99 = f["p99_us"]
	}
	END { printf "%d %.1f %d %d %d %.1f %d\n", runs, secs, ans, lost, stray,
	    ans ? wsum / ans : 0, p99 }' "$WORK/reload-blast.txt")
printf '\nten reloads under load: %d of 10 done in %.1f s while blast ran %s s unpinned (%s runs back to back): answered %s, lost %s, stray %s, avg %s us, worst p99 %s us\n' \
    "$RELOADS" "$(echo "$t1 - $t0" | bc)" "$RSECS" "$RRUNS" "$RANS" \
    "$RLOST" "$RSTRAY" "$RAVG" "$RP99"
printf '\nocsdnsd start-up for %d domains: %s ms (median of 3, exec to first answer)\n' "$NDOM" "$STARTUP"
