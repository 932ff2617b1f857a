#!/usr/bin/env python3
# compare.py -- are two ocsdnsd builds' answers the same, byte for byte?
"""Usage: compare.py OLD NEW -c INI [-q QUERIES] [-n COUNT] [-s SRC,...]
                  [--no-sweep] [--no-axfr]

Starts the two daemons OLD and NEW (paths of ocsdnsd binaries) on the same
configuration, each on a free port of 127.0.0.1, and sends both the same
queries in the same order, one at a time, from each source address given
with -s (default 127.0.0.1 and 127.0.0.2, which pick different views in the
example configuration). It compares, byte for byte:

  * --print-zone of every view (and of the configuration without views);
  * the answers to every owner name that --print-zone lists, one label
    above each (empty non-terminals), a name below each that does not
    exist, the apex's version.bind/id.server CHAOS names, each asked for
    a set of common types, over UDP and TCP, without EDNS, with EDNS
    (1232) and with a 512-byte EDNS limit and DO, with the question's case
    varied (0x20);
  * with -q, the first COUNT (default 40000) queries of a dnsperf-style
    file ("name type" per line, as bench/gen.py writes), over UDP;
  * AXFR of every zone from every source, every message of the stream.

--no-sweep and --no-axfr leave out the sweep and the transfers, for large
configurations: for the bench data, -q and --no-sweep.

Both daemons start in the same second, so that their SOA serials (taken
from the clock) are the same; the start is retried until they are. In
--print-zone output the serial is masked. Prints
the counts and the first differences, and exits 1 when any answer differs,
2 on a usage or start-up error. Talks to 127.0.0.0/8 only.
"""

import argparse
import os
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

TYPES = {
	"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15,
	"TXT": 16, "AAAA": 28, "SRV": 33, "NAPTR": 35, "DS": 43,
	"ANY": 255, "TYPE65534": 65534,
}
COMMON = ["A", "AAAA", "SRV", "NS", "SOA", "MX", "TXT", "CNAME", "PTR",
    "NAPTR", "DS", "ANY", "TYPE65534"]
EDNS_VARIANTS = [None, (1232, False), (512, True)]
MAX_DIFFS_SHOWN = 10


def free_port():
	"""A port of 127.0.0.1 free for both UDP and TCP."""
	while True:
		u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		u.bind(("127.0.0.1", 0))
		port = u.getsockname()[1]
		t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
		try:
			t.bind(("127.0.0.1", port))
			return port
		except OSError:
			continue
		finally:
			t.close()
			u.close()


def wire_name(name):
	out = b""
	for label in name.rstrip(".").split("."):
		if label:
			out += bytes([len(label)]) + label.encode()
	return out + b"\0"


def make_query(qid, name, qtype, qclass=1, edns=None, rd=True):
	flags = 0x0100 if rd else 0
	ar = 1 if edns else 0
	msg = struct.pack("!HHHHHH", qid, flags, 1, 0, 0, ar)
	msg += wire_name(name) + struct.pack("!HH", qtype, qclass)
	if edns:
		size, do = edns
		msg += b"\0" + struct.pack("!HHIH", 41, size,
		    0x8000 if do else 0, 0)
	return msg


def vary_case(name, rnd):
	return "".join(c.upper() if rnd.random() < 0.5 else c for c in name)


class Server:
	"""One daemon on a free port, started and stopped by PID."""

	def __init__(self, binary, conf, log):
		self.binary = binary
		self.conf = conf
		self.log = log
		self.port = None
		self.proc = None

	def start(self):
		self.port = free_port()
		self.proc = subprocess.Popen([self.binary, "-R", "-c", self.conf,
		    "-l", "127.0.0.1:%d" % self.port], stdout=self.log,
		    stderr=subprocess.STDOUT)

	def ready(self, deadline):
		probe = make_query(1, "ocsdnsd-compare-probe.invalid", 6)
		while time.time() < deadline:
			if self.proc.poll() is not None:
				raise RuntimeError("%s exited with %d (log: %s)" %
				    (self.binary, self.proc.returncode, self.log.name))
			try:
				udp(self.port, "127.0.0.1", probe, 0.2)
				return
			except OSError:
				pass
		raise RuntimeError("%s did not answer in time" % self.binary)

	def stop(self):
		if self.proc and self.proc.poll() is None:
			self.proc.send_signal(signal.SIGTERM)
			try:
				self.proc.wait(10)
			except subprocess.TimeoutExpired:
				self.proc.kill()
				self.proc.wait()
		self.proc = None


def udp(port, src, msg, timeout=2.0):
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	try:
		s.bind((src, 0))
		s.settimeout(timeout)
		s.sendto(msg, ("127.0.0.1", port))
		return s.recv(65535)
	finally:
		s.close()


def recv_exact(s, n):
	buf = b""
	while len(buf) < n:
		chunk = s.recv(n - len(buf))
		if not chunk:
			raise OSError("connection closed")
		buf += chunk
	return buf


def tcp(port, src, msg, axfr=False, timeout=5.0):
	"""The answer (or, for AXFR, every message up to the closing SOA)."""
	s = socket.create_connection(("127.0.0.1", port), timeout,
	    source_address=(src, 0))
	try:
		s.sendall(struct.pack("!H", len(msg)) + msg)
		msgs = []
		nsoa = 0
		while True:
			(n,) = struct.unpack("!H", recv_exact(s, 2))
			m = recv_exact(s, n)
			msgs.append(m)
			if not axfr:
				return m
			rcode = m[3] & 0x0f
			nsoa += count_soa(m)
			if rcode != 0 or nsoa >= 2 or len(msgs) > 10000:
				return b"".join(msgs)
	finally:
		s.close()


def count_soa(m):
	"""SOA records in the answer section of message m (for AXFR's end)."""
	qd, an = struct.unpack("!HH", m[4:8])
	pos = 12
	for _ in range(qd):
		pos = skip_name(m, pos) + 4
	n = 0
	for _ in range(an):
		pos = skip_name(m, pos)
		rtype, _, _, rdlen = struct.unpack("!HHIH", m[pos:pos + 10])
		n += rtype == 6
		pos += 10 + rdlen
	return n


def soa_serial(m):
	"""The serial of the first SOA in the answer section of m, or None."""
	qd, an = struct.unpack("!HH", m[4:8])
	pos = 12
	for _ in range(qd):
		pos = skip_name(m, pos) + 4
	for _ in range(an):
		pos = skip_name(m, pos)
		rtype, _, _, rdlen = struct.unpack("!HHIH", m[pos:pos + 10])
		if rtype == 6:
			rd = skip_name(m, skip_name(m, pos + 10))
			return struct.unpack("!I", m[rd:rd + 4])[0]
		pos += 10 + rdlen
	return None


def skip_name(m, pos):
	while True:
		c = m[pos]
		if c == 0:
			return pos + 1
		if c & 0xc0 == 0xc0:
			return pos + 2
		pos += 1 + c


def print_zone(binary, conf, view=None):
	cmd = [binary, "-c", conf, "--print-zone"]
	if view:
		cmd += ["--view", view]
	r = subprocess.run(cmd, capture_output=True, text=True)
	if r.returncode != 0:
		raise RuntimeError("%s failed: %s" % (" ".join(cmd), r.stderr))
	return r.stdout


def mask_serial(text):
	"""The serial comes from the clock: replace it, wherever it stands."""
	m = re.search(r"serial (\d+)", text)
	return text.replace(m.group(1), "SERIAL") if m else text


def views_of(conf):
	names = []
	with open(conf) as f:
		for line in f:
			m = re.match(r"\s*\[\s*view\s+([^\]\s]+)\s*\]", line)
			if m:
				names.append(m.group(1))
	return names


def names_from_zones(text):
	"""Owner names of the --print-zone output, and the zone apexes."""
	owners, zones = [], []
	for line in text.splitlines():
		if line.startswith(";") or not line.strip():
			continue
		owner = line.split()[0].rstrip(".").lower()
		fields = line.split()
		if len(fields) > 3 and "SOA" in fields[1:4]:
			zones.append(owner)
		if owner not in owners:
			owners.append(owner)
	return owners, zones


def query_set(owners, zones, rnd):
	"""(name, qtype, qclass) for every owner and its neighbours."""
	names = []
	for o in owners:
		names.append(o)
		parent = o.split(".", 1)[1] if "." in o else None
		if parent and parent not in names:
			names.append(parent)
		names.append("nx-compare." + o)
	for z in zones:
		names.append("*." + z)
	names.append("not-served.example")
	out = []
	for n in names:
		for t in COMMON:
			out.append((vary_case(n, rnd), TYPES[t], 1))
	for n in ["version.bind", "version.server", "id.server",
	    "hostname.bind", "stats.ocsdnsd"]:
		out.append((n, 16, 3))
	out.append((owners[0] if owners else "x", 1, 4))	# class HS
	return out


def read_queries(path, count):
	out = []
	with open(path) as f:
		for line in f:
			parts = line.split()
			if len(parts) >= 2 and parts[1] in TYPES:
				out.append((parts[0].rstrip("."), TYPES[parts[1]], 1))
			if len(out) >= count:
				break
	return out


class Tally:
	def __init__(self):
		self.same = 0
		self.silent = 0
		self.diffs = []

	def check(self, what, a, b):
		if isinstance(a, bytes) and a.startswith(b"no answer"):
			self.silent += a == b
		if a == b:
			self.same += 1
		else:
			self.diffs.append((what, a, b))


def ask(srv, src, proto, msg):
	try:
		if proto == "udp":
			return udp(srv.port, src, msg)
		return tcp(srv.port, src, msg)
	except OSError as e:
		return ("no answer: %s" % e).encode()


def start_pair(old, new, conf, logs):
	"""Both servers up, started in the same second (same SOA serial)."""
	for _ in range(10):
		while time.time() % 1 > 0.5:
			time.sleep(0.05)
		old.start()
		new.start()
		deadline = time.time() + 30
		old.ready(deadline)
		new.ready(deadline)
		soa = [soa_serial(udp(s.port, "127.0.0.1",
		    make_query(7, logs["zone"], 6))) for s in (old, new)]
		if soa[0] == soa[1]:
			return
		old.stop()
		new.stop()
	raise RuntimeError("the two servers never started with the same serial")


def main():
	ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	ap.add_argument("old")
	ap.add_argument("new")
	ap.add_argument("-c", "--conf", required=True)
	ap.add_argument("-q", "--queries")
	ap.add_argument("-n", "--count", type=int, default=40000)
	ap.add_argument("-s", "--sources", default="127.0.0.1,127.0.0.2")
	ap.add_argument("--no-axfr", action="store_true")
	ap.add_argument("--no-sweep", action="store_true",
	    help="skip the owner-name sweep (for large configurations)")
	args = ap.parse_args()
	sources = args.sources.split(",")
	rnd = random.Random(20261201)
	tally = Tally()
	counts = {}

	for view in [None] + views_of(args.conf):
		a = mask_serial(print_zone(args.old, args.conf, view))
		b = mask_serial(print_zone(args.new, args.conf, view))
		tally.check("--print-zone view %s" % view, a, b)
	counts["print-zone"] = tally.same

	text = print_zone(args.old, args.conf)
	for view in views_of(args.conf):
		text += print_zone(args.old, args.conf, view)
	owners, zones = names_from_zones(text)
	if not zones:
		print("compare: no zone in %s" % args.conf, file=sys.stderr)
		return 2

	tmp = tempfile.mkdtemp(prefix="ocsdns-compare.")
	logs = {"zone": zones[0]}
	old = Server(args.old, args.conf, open(os.path.join(tmp, "old.log"), "w"))
	new = Server(args.new, args.conf, open(os.path.join(tmp, "new.log"), "w"))
	try:
		start_pair(old, new, args.conf, logs)
		qid = 0
		for proto in [] if args.no_sweep else ["udp", "tcp"]:
			for edns in EDNS_VARIANTS:
				for src in sources:
					for name, qtype, qclass in query_set(owners, zones, rnd):
						qid = (qid + 1) & 0xffff
						msg = make_query(qid, name, qtype, qclass, edns)
						tally.check((proto, src, edns, name, qtype, qclass),
						    ask(old, src, proto, msg), ask(new, src, proto, msg))
		if not args.no_sweep:
			counts["owner sweep"] = tally.same - counts["print-zone"]
		mark = tally.same
		if args.queries:
			qs = read_queries(args.queries, args.count)
			for i, (name, qtype, qclass) in enumerate(qs):
				msg = make_query(i & 0xffff, name, qtype, qclass,
				    EDNS_VARIANTS[i % 3])
				src = sources[i % len(sources)]
				tally.check(("udp", src, name, qtype),
				    ask(old, src, "udp", msg), ask(new, src, "udp", msg))
			counts["query file"] = tally.same - mark
			mark = tally.same
		if not args.no_axfr:
			for z in zones:
				for src in sources:
					msg = make_query(99, z, 252)
					try:
						a = tcp(old.port, src, msg, axfr=True)
						b = tcp(new.port, src, msg, axfr=True)
					except OSError as e:
						a = b = None
						tally.diffs.append((("axfr", z, src), str(e), ""))
					if a is not None:
						tally.check(("axfr", z, src), a, b)
			counts["axfr"] = tally.same - mark
	finally:
		old.stop()
		new.stop()

	for k, v in counts.items():
		print("compare: %s: %d identical" % (k, v))
	if tally.diffs:
		print("compare: %d DIFFER; the first:" % len(tally.diffs))
		for what, a, b in tally.diffs[:MAX_DIFFS_SHOWN]:
			print("  %s\n    old %r\n    new %r" % (what, a[:200], b[:200]))
		return 1
	print("compare: %d compared, 0 differ (%d of them unanswered by both)"
	    % (tally.same, tally.silent))
	return 0


if __name__ == "__main__":
	try:
		sys.exit(main())
	except RuntimeError as e:
		print("compare: %s" % e, file=sys.stderr)
		sys.exit(2)
