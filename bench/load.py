#!/usr/bin/env python3
"""Normal searches under attack: the latency of ordinary searches while other clients send
the most expensive requests the API accepts, requests it must refuse, and connections that
never finish their headers. Driven by bench/load.sh; prints one JSON report.

usage: bench/load.py HOST:PORT SECONDS [NORMAL_CLIENTS] [WORST_CLIENTS] [SLOW_SOCKETS]
"""
import http.client
import json
import random
import socket
import sys
import threading
import time
import urllib.parse

host, port = sys.argv[1].split(":")
port = int(port)
seconds = float(sys.argv[2])
normal_clients = int(sys.argv[3]) if len(sys.argv) > 3 else 4
worst_clients = int(sys.argv[4]) if len(sys.argv) > 4 else 4
slow_sockets = int(sys.argv[5]) if len(sys.argv) > 5 else 200

queries = [
    line.strip()
    for line in open("data/bench_queries.txt", encoding="utf-8")
    if line.strip() and not line.startswith("#")
]
queries = [q.split("\t")[0] for q in queries]
common = ("action projet jeunes famille parents enfants social ville commune territoire "
          "accompagnement éducation santé emploi logement culture sport quartier école "
          "partenaires pilote public objectif axe dispositif structure association "
          "centre caf mission locale insertion").split()


def q(s):
    return urllib.parse.quote(s, safe="")


def worst_request(rng):
    """The costliest or most hostile request of one kind, picked at random."""
    kind = rng.randrange(9)
    if kind == 0:  # 32 common words: the most a query may hold, each reaching thousands
        return "/api/search?limit=100&offset=0&q=" + q(" ".join(rng.sample(common, 32)))
    if kind == 1:  # the deepest page of a broad query
        return "/api/search?limit=100&offset=10000&q=" + q("action OR projet OR jeunes OR famille")
    if kind == 2:  # 500 digit terms: refused by the term budget
        return "/api/search?q=" + q(" ".join(str(rng.randrange(10**6)) for _ in range(500)))[:8000]
    if kind == 3:  # the longest page of passages of a document
        return "/api/documents/" + q(rng.choice(worst_request.docs)) + "?limit=10000"
    if kind == 4:  # the largest neighbourhood
        return "/api/graph?depth=3&entity=" + q(rng.choice(["CAF", "Mission Locale", "CLAS"]))
    if kind == 5:  # the largest page of territories
        return "/api/territories?limit=1000&entity=" + q("CAF")
    if kind == 6:  # a target too long: 414
        return "/api/search?q=" + "a" * 9000
    if kind == 7:  # phrases of stop words and punctuation: refused
        return "/api/search?q=" + q('"de la" "et les" ?! 🙂')
    return "/api/search?q=" + q("parentalitée" * 12)  # a word longer than any indexed one


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.status = {}
        self.errors = 0

    def add(self, status, latency=None):
        with self.lock:
            self.status[status] = self.status.get(status, 0) + 1
            if latency is not None:
                self.latencies.append(latency)

    def error(self):
        with self.lock:
            self.errors += 1


def client(paths, tally, stop, timed, headers=None):
    rng = random.Random(threading.get_ident())
    conn = None
    while not stop.is_set():
        path = paths(rng)
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=60)
            started = time.perf_counter()
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            tally.add(response.status, elapsed if timed else None)
            if response.getheader("connection", "").lower() == "close":
                conn.close()
                conn = None
        except Exception:
            tally.error()
            if conn is not None:
                conn.close()
            conn = None


def big_headers(rng):
    return "/health"


def slowloris(stop, opened):
    """Connections that send a partial head and a header line now and then."""
    sockets = []
    while not stop.is_set():
        while len(sockets) < slow_sockets and not stop.is_set():
            try:
                s = socket.create_connection((host, port), timeout=2)
                s.sendall(b"GET /api/search?q=jeunes HTTP/1.1\r\nHost: x\r\n")
                sockets.append(s)
                opened[0] += 1
            except OSError:
                break
        time.sleep(1)
        alive = []
        for s in sockets:
            try:
                s.sendall(b"X-Lent: 1\r\n")
                alive.append(s)
            except OSError:
                s.close()
        sockets = alive
    for s in sockets:
        s.close()


def main():
    conn = http.client.HTTPConnection(host, port, timeout=60)
    conn.request("GET", "/api/documents")
    worst_request.docs = [d["doc_id"] for d in json.loads(conn.getresponse().read())]
    conn.close()

    stop = threading.Event()
    normal, worst, refused_heads = Tally(), Tally(), Tally()
    opened = [0]
    threads = [
        threading.Thread(
            target=client,
            args=(lambda rng: "/api/search?q=" + q(rng.choice(queries)), normal, stop, True),
        )
        for _ in range(normal_clients)
    ]
    threads += [
        threading.Thread(target=client, args=(worst_request, worst, stop, False))
        for _ in range(worst_clients)
    ]
    threads.append(
        threading.Thread(
            target=client,
            args=(big_headers, refused_heads, stop, False, {"X-Remplissage": "b" * 20000}),
        )
    )
    threads.append(threading.Thread(target=slowloris, args=(stop, opened)))
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()

    lat = sorted(normal.latencies)

    def pct(p):
        return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 2) if lat else None

    report = {
        "seconds": seconds,
        "normal_searches": {
            "clients": normal_clients,
            "requests": len(lat),
            "per_second": round(len(lat) / seconds, 1),
            "p50_ms": pct(0.50),
            "p90_ms": pct(0.90),
            "p99_ms": pct(0.99),
            "max_ms": round(lat[-1] * 1000, 2) if lat else None,
            "status": normal.status,
            "lost": normal.errors,
        },
        "worst_requests": {"clients": worst_clients, "status": worst.status, "lost": worst.errors},
        "oversized_headers": {"status": refused_heads.status, "lost": refused_heads.errors},
        "slow_connections_opened": opened[0],
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    server_errors = sum(
        n for t in (normal, worst, refused_heads) for s, n in t.status.items() if s >= 500 and s != 503
    )
    lost = normal.errors + worst.errors + refused_heads.errors
    sys.exit(1 if server_errors or lost else 0)


main()
