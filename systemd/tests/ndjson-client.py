#!/usr/bin/python3
"""Telemetry client for the real-systemd test (runs inside the booted root).

  SOCKET is a Unix socket path, tcp:HOST:PORT, or tls:HOST:PORT (mutual TLS: the client certificate
  and key from $TLS_CERT and $TLS_KEY, the server checked against $TLS_CA).
  ndjson-client.py send SOCKET JSON_LINE...
      sends the lines on one connection, prints each reply line; exit 0 when all are accepted or
      duplicate. "{now}" in a line is replaced by the current time (RFC 3339, UTC).
  ndjson-client.py stream SOCKET SERIAL OUT_DIR [--once]
      sends status messages with ids s-000001, s-000002, ... one at a time until OUT_DIR/stop exists.
      A message counts once its reply is "accepted" or "duplicate" (stored); its id is then appended
      to OUT_DIR/accepted. On a dropped connection it reconnects and resends the same message
      (resending is always safe); with --once it stops at the first drop instead. A connect() that
      fails means the listening socket was closed: counted in OUT_DIR/stats as connect_failures.
"""
import datetime, json, os, socket, ssl, sys, time

def now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")

def connect(path):
    if path.startswith("tls:"):  # tls:HOST:PORT
        host, port = path[4:].rsplit(":", 1)
        context = ssl.create_default_context(cafile=os.environ["TLS_CA"])
        context.load_cert_chain(os.environ["TLS_CERT"], os.environ["TLS_KEY"])
        s = context.wrap_socket(socket.create_connection((host, int(port)), timeout=30), server_hostname=host)
    elif path.startswith("tcp:"):  # tcp:HOST:PORT
        host, port = path[4:].rsplit(":", 1)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(30)
        s.connect((host, int(port)))
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(30)
        s.connect(path)
    return s, s.makefile("rb")

def send(path, lines):
    s, f = connect(path)
    ok = True
    for line in lines:
        s.sendall(line.replace("{now}", now()).encode() + b"\n")
        reply = f.readline().decode().strip()
        print(reply)
        try: ok = ok and json.loads(reply).get("result") in ("accepted", "duplicate")
        except ValueError: ok = False
    s.close()
    return 0 if ok else 1

def stream(path, serial, out, once):
    acc = open(os.path.join(out, "accepted"), "a", buffering=1)
    stats = {"sent": 0, "stored": 0, "drops": 0, "connect_failures": 0, "other_results": 0, "max_gap_s": 0.0}
    conn = None
    n = 1
    last_ok = time.monotonic()
    while not os.path.exists(os.path.join(out, "stop")):
        mid = f"s-{n:06d}"
        line = json.dumps({"v": 1, "id": mid, "serial": serial, "kind": "status", "at": now(),
                           "model": "SynchroMed II", "battery": {"state": "MOS"}, "motor": "ok"})
        try:
            if conn is None:
                try: conn = connect(path)
                except OSError:
                    stats["connect_failures"] += 1
                    time.sleep(0.05)
                    continue
            conn[0].sendall(line.encode() + b"\n")
            stats["sent"] += 1
            reply = conn[1].readline()
            if not reply: raise ConnectionResetError("closed")
            result = json.loads(reply).get("result")
            if result in ("accepted", "duplicate"):
                acc.write(mid + "\n")
                stats["stored"] += 1
                t = time.monotonic(); stats["max_gap_s"] = max(stats["max_gap_s"], round(t - last_ok, 3)); last_ok = t
                n += 1
            else:
                stats["other_results"] += 1  # unavailable (e.g. shutting_down): resend later
                time.sleep(0.05)
        except (OSError, ValueError):
            stats["drops"] += 1
            if conn: conn[0].close()
            conn = None
            if once: break
        time.sleep(0.002)
    json.dump(stats, open(os.path.join(out, "stats"), "w"))
    return 0

if __name__ == "__main__":
    if sys.argv[1] == "send": sys.exit(send(sys.argv[2], sys.argv[3:]))
    if sys.argv[1] == "stream": sys.exit(stream(sys.argv[2], sys.argv[3], sys.argv[4], "--once" in sys.argv))
    sys.exit(__doc__)
