#!/usr/bin/env python3
"""Latency client of bench/scale.sh: one keep-alive HTTP connection, requests
one after another, so each figure is the server's time plus loopback.

  scale_client.py URL TOKEN REPS < SPECS     (one spec a line: NAME<TAB>PATH)

A PATH ending in "&page=2" is timed on the second page: the first page is
fetched once for its next_cursor, then the second is asked for REPS times.
"@read" times GET /api/v1/tickets/{id} over ids spread through the database.
Prints NAME<TAB>p50 ms<TAB>p95 ms<TAB>rows of the last answer, one a line.
Also: scale_client.py sql DB REPS < SQLFILE (NAME<TAB>SQL a line) times SQL
through Python's sqlite3 the same way: the "SQLite alone" floor."""
import http.client
import json
import sqlite3
import sys
import time
import urllib.parse


def pct(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def http_main(url, token, reps):
    u = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    hdr = {"Authorization": "Bearer " + token}

    def get(path):
        t0 = time.perf_counter()
        conn.request("GET", path, headers=hdr)
        r = conn.getresponse()
        body = r.read()
        dt = (time.perf_counter() - t0) * 1000
        if r.status != 200:
            sys.exit("scale_client: %s answered %d: %s" % (path, r.status, body[:200]))
        return dt, body

    _, me = get("/api/v1/auth/me")
    _, first = get("/api/v1/tickets?sort=-id&limit=1")
    maxid = json.loads(first)["items"][0]["id"]
    for line in sys.stdin:
        if not line.strip():
            continue
        name, path = line.rstrip("\n").split("\t")
        times, rows = [], 0
        if path == "@read":
            for i in range(reps):
                dt, _ = get("/api/v1/tickets/%d" % (1 + (i * 7919 + 13) % maxid))
                times.append(dt)
            rows = 1
        else:
            if path.endswith("&page=2"):
                path = path[: -len("&page=2")]
                _, body = get(path)
                cur = json.loads(body)["next_cursor"]
                if not cur:
                    print("%s\t-\t-\t0" % name, flush=True)
                    continue
                path += "&cursor=" + urllib.parse.quote(cur)
            get(path)  # warm: the first answer may read pages from disk
            for _ in range(reps):
                dt, body = get(path)
                times.append(dt)
            rows = len(json.loads(body)["items"])
        print("%s\t%.2f\t%.2f\t%d" % (name, pct(times, 0.5), pct(times, 0.95), rows), flush=True)


def sql_main(db, reps):
    con = sqlite3.connect(db)
    con.execute("PRAGMA cache_size=-8192")
    for line in sys.stdin:
        if not line.strip():
            continue
        name, sql = line.rstrip("\n").split("\t")
        con.execute(sql).fetchall()
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            rows = con.execute(sql).fetchall()
            times.append((time.perf_counter() - t0) * 1000)
        print("%s\t%.2f\t%.2f\t%d" % (name, pct(times, 0.5), pct(times, 0.95), len(rows)), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "sql":
        sql_main(sys.argv[2], int(sys.argv[3]))
    else:
        http_main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
