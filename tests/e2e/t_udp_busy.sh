#!/usr/bin/env bash
# t_udp_busy.sh -- a UDP socket kept busy (the worker serves it out of epoll,
# waiting in recvmmsg() itself): while a stream of queries never lets it go
# quiet, TCP is still answered, a reload is picked up and SIGTERM stops the
# daemon; once the stream ends the socket is watched again and answers.
# With workers = 1 (one loop for everything) and workers = 2.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init

# conf WORKERS ADDRESS
conf() {
	cat <<CONF
[server]
workers = $1
[domain contoso.com]
pool = pool01.contoso.com
[host pool01.contoso.com]
address = $2
[host ns1.contoso.com]
address = 10.0.0.2
CONF
}

# flood SECONDS: three sockets, each keeping 16 queries in flight, for at
# most SECONDS (or until the daemon stops answering). Prints "answered N".
flood() {
	python3 - "$PORT" "$1" <<'PY'
import socket, struct, sys, threading, time
port, dur = int(sys.argv[1]), float(sys.argv[2])
name = b"\x06pool01\x07contoso\x03com\x00"
count = [0, 0, 0]
def run(k):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.5)
    s.connect(("127.0.0.1", port))
    end = time.time() + dur
    qid = 0
    while time.time() < end:
        for _ in range(16):
            qid = (qid + 1) & 0xFFFF
            s.send(struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0) + name + b"\x00\x01\x00\x01")
        try:
            for _ in range(16):
                s.recv(512)
                count[k] += 1
        except (socket.timeout, ConnectionRefusedError):
            return
t = [threading.Thread(target=run, args=(k,)) for k in range(3)]
for x in t: x.start()
for x in t: x.join()
print("answered", sum(count))
PY
}

for workers in 1 2; do
	conf $workers 10.0.0.10 | write_conf
	start_daemon
	flood 4 > "$TMPD/flood.out" &
	fpid=$!
	sleep 0.5
	for i in 1 2 3; do
		q +tcp pool01.contoso.com A
		expect_rr ANSWER 'pool01.contoso.com. 3600 IN A 10.0.0.10'
	done
	conf $workers 10.0.0.11 | write_conf
	kill -HUP "$DAEMON_PID"
	for _ in $(seq 1 30); do
		grep -q 'reloaded ' "$DAEMON_LOG" && break
		sleep 0.1
	done
	ok_if "workers=$workers: reloaded while UDP is busy" grep -q 'reloaded ' "$DAEMON_LOG"
	q pool01.contoso.com A
	expect_rr ANSWER 'pool01.contoso.com. 3600 IN A 10.0.0.11'
	q +tcp pool01.contoso.com A
	expect_rr ANSWER 'pool01.contoso.com. 3600 IN A 10.0.0.11'
	wait "$fpid"
	n=$(sed -n 's/^answered //p' "$TMPD/flood.out")
	ok_if "workers=$workers: the stream was answered ($n)" [ "${n:-0}" -gt 1000 ]
	# Quiet now: the socket is back in epoll and answers a lone query.
	sleep 0.2
	q pool01.contoso.com A
	expect_rr ANSWER 'pool01.contoso.com. 3600 IN A 10.0.0.11'
	# SIGTERM in the middle of a stream stops it at once.
	flood 5 > /dev/null &
	fpid=$!
	sleep 0.5
	t0=$(date +%s%N)
	stop_daemon || fail "workers=$workers: daemon exit status $?"
	t1=$(date +%s%N)
	ok_if "workers=$workers: SIGTERM under load stopped it within 1 s ($(((t1 - t0) / 1000000)) ms)" \
	    [ $(((t1 - t0) / 1000000)) -lt 1000 ]
	wait "$fpid"
done
finish
