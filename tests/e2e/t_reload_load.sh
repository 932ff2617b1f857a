#!/usr/bin/env bash
# t_reload_load.sh -- ten reloads under a steady stream of queries, half of
# them with a broken file: no query is lost, and no answer mixes old and new
# data (the SRV port and its target's address always come from one config).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init

# variant PORT ADDRESS: a config whose SRV port and pool address go together.
variant() {
	cat <<CONF
[domain contoso.com]
pool = pool01.contoso.com
sipinternaltls_port = $1
[host pool01.contoso.com]
address = $2
[host ns1.contoso.com]
address = 10.0.0.2
CONF
}
variant 5061 10.0.0.61 | write_conf
start_daemon

python3 - "$PORT" "$DAEMON_PID" "$CONF" <<'PY'
import os, random, signal, socket, struct, sys, threading, time

port, pid, conf = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
variants = {5061: "10.0.0.61", 5071: "10.0.0.71"}

def config(p):
    return ("[domain contoso.com]\npool = pool01.contoso.com\n"
            "sipinternaltls_port = %d\n[host pool01.contoso.com]\n"
            "address = %s\n[host ns1.contoso.com]\naddress = 10.0.0.2\n"
            % (p, variants[p]))

def query(qid):
    name = b"".join(bytes([len(l)]) + l for l in
                    b"_sipinternaltls._tcp.contoso.com".split(b".")) + b"\0"
    return struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0) + name + struct.pack(">HH", 33, 1)

def skip_name(m, i):
    while True:
        l = m[i]
        if l == 0:
            return i + 1
        if l & 0xC0 == 0xC0:
            return i + 2
        i += 1 + l

def parse(m):
    an, ns, ar = struct.unpack(">HHH", m[6:12])
    i = skip_name(m, 12) + 4
    ports, addrs = [], []
    for _ in range(an + ns + ar):
        i = skip_name(m, i)
        t, c, ttl, rdlen = struct.unpack(">HHIH", m[i:i + 10])
        rd = m[i + 10:i + 10 + rdlen]
        if t == 33:
            ports.append(struct.unpack(">H", rd[4:6])[0])
        elif t == 1:
            addrs.append(socket.inet_ntoa(rd))
        i += 10 + rdlen
    return ports, addrs

stop = threading.Event()
stats = {"sent": 0, "answered": 0, "lost": 0, "mixed": 0, "seen": set()}

def client():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    qid = 0
    deadline = time.time() + 30
    while not stop.is_set() and time.time() < deadline and stats["sent"] < 200000:
        qid = (qid + 1) & 0xFFFF
        s.sendto(query(qid), ("127.0.0.1", port))
        stats["sent"] += 1
        try:
            while True:
                m, _ = s.recvfrom(4096)
                if struct.unpack(">H", m[:2])[0] == qid:
                    break
        except socket.timeout:
            stats["lost"] += 1
            continue
        stats["answered"] += 1
        ports, addrs = parse(m)
        if len(ports) != 1 or addrs != [variants.get(ports[0])]:
            stats["mixed"] += 1
        else:
            stats["seen"].add(ports[0])

t = threading.Thread(target=client)
t.start()
time.sleep(0.3)
order = [5071, None, 5061, None, 5071, None, 5061, None, 5071, None]
for p in order:
    with open(conf, "w") as f:
        f.write(config(p) if p else "[domain contoso.com]\npool = \n[bogus\n")
    os.kill(pid, signal.SIGHUP)
    time.sleep(0.3)
stop.set()
t.join()
print("sent %(sent)d answered %(answered)d lost %(lost)d mixed %(mixed)d" % stats,
      "variants seen:", sorted(stats["seen"]))
ok = (stats["lost"] == 0 and stats["mixed"] == 0 and stats["answered"] > 1000
      and stats["seen"] == {5061, 5071})
sys.exit(0 if ok else 1)
PY
ok_if "no query lost and none mixed over ten reloads" [ $? = 0 ]
ok_if "five reloads succeeded" [ "$(grep -c 'reloaded ' "$DAEMON_LOG")" = 5 ]
ok_if "five broken files were refused" [ "$(grep -c 'has errors, not reloading' "$DAEMON_LOG")" = 5 ]
# The last good file (5071) still serves after the last, broken one.
q _sipinternaltls._tcp.contoso.com SRV
expect_rr ANSWER '_sipinternaltls._tcp.contoso.com. 3600 IN SRV 0 0 5071 pool01.contoso.com.'
stop_daemon || fail "daemon exit status $?"
finish
