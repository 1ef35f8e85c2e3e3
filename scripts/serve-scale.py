#!/usr/bin/env python3
"""The dashboard at agency scale: 1,000 companies x 52 weekly runs, measured on loopback.

Seeds a store through the tool's own commands: one real portfolio run and one real audit of
the example (`centricity portfolio`, `centricity audit`), exported (`history export`), repeated
as 52 weeks of 1,000 companies with their scores varied, and imported (`history import`). Then
starts `centricity serve` on it and requests each view from one client (a person's latency),
then from --clients keep-alive clients at once (a team or a scraper on the 2 cores), printing
p50, p95 and p99 latency and requests per second per view.

  scripts/serve-scale.py [--companies 1000] [--weeks 52] [--requests 200] [--clients 8] [--store URL]

CENTRICITY names the binary (default target/release/centricity). With --store
postgres://... the same runs are imported into that (empty) PostgreSQL database instead.
"""

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.abspath(os.environ.get("CENTRICITY", os.path.join(ROOT, "target", "release", "centricity")))


def run(*args, **kw):
    return subprocess.run([BINARY, *args], check=True, capture_output=True, **kw)


def seed(work, store, companies, weeks):
    """Two real runs exported, then multiplied into companies x weeks runs and imported."""
    with open(os.path.join(work, "one.csv"), "w") as f:
        f.write("name,sector,score\nTemplate Co,energy,70\n")
    with open(os.path.join(work, "score.sh"), "w") as f:
        f.write('echo "{\\"score\\": $1}"\n')
    template = os.path.join(work, "template.toml")
    with open(template, "w") as f:
        f.write('[audit]\nname = "{name}"\n')
        for category in ["reach", "reputation", "feedback"]:
            f.write(
                f'\n[[check]]\nid = "{category}"\nkind = "exec"\ncategory = "{category}"\n'
                'command = ["sh", "score.sh", "{score}"]\n'
            )
    seed_store = os.path.join(work, "seed.db")
    run("portfolio", os.path.join(work, "one.csv"), "--template", template, "--name", "Agency",
        "--allow-incomplete", "--format", "json", "--store", seed_store, cwd=work)
    run("audit", os.path.join(ROOT, "fixtures/acme/centricity.toml"), "--offline",
        "--allow-incomplete", "--format", "json", "--store", seed_store)
    lines = run("history", "export", "--store", seed_store).stdout.decode().splitlines()
    company, acme = (json.loads(line) for line in lines)
    sectors = ["energy", "telecom", "banking", "retail", "insurance"]
    start = datetime(2025, 12, 1, 9, tzinfo=timezone.utc)
    rng = random.Random(7)
    export = os.path.join(work, "runs.jsonl")
    with open(export, "w") as out:
        for week in range(weeks):
            day = start + timedelta(weeks=week)
            for n in range(companies):
                run_ = json.loads(json.dumps(company))
                report = run_["report"]
                report["audit"]["name"] = f"Company {n:04d}"
                at = (day + timedelta(seconds=n)).isoformat().replace("+00:00", "Z")
                report["audit"]["started_at"] = report["audit"]["finished_at"] = at
                scores = {}
                for category in report["categories"]:
                    if category["score"] is not None:
                        category["score"] = round(rng.uniform(20, 100), 1)
                        scores[category["id"]] = category["score"]
                overall = round(sum(scores.values()) / len(scores), 1)
                report["score"] = overall
                report["grade"] = "customer-centric" if overall >= 90 else (
                    "in transition" if overall >= 50 else "product- or channel-centric")
                report["top_actions"] = []
                for check in report["checks"]:
                    check["score"] = scores.get(check["category"], check["score"])
                run_["context"]["sector"] = sectors[n % len(sectors)]
                out.write(json.dumps(run_) + "\n")
            acme_run = json.loads(json.dumps(acme))
            acme_run["report"]["audit"]["started_at"] = day.isoformat().replace("+00:00", "Z")
            out.write(json.dumps(acme_run) + "\n")
    began = time.monotonic()
    run("history", "import", export, "--store", store)
    return time.monotonic() - began, companies * weeks + weeks


def measure(address, path, requests, clients):
    """`requests` GETs of `path` from `clients` keep-alive clients: latencies and rate."""
    host, port = address.split(":")
    latencies, lock, todo = [], threading.Lock(), [requests]

    def client():
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        while True:
            with lock:
                if todo[0] == 0:
                    break
                todo[0] -= 1
            t = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - t
            if response.status != 200:
                sys.exit(f"{path}: {response.status}")
            with lock:
                latencies.append(elapsed * 1000)
        conn.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    q = statistics.quantiles(latencies, n=100)
    return q[49], q[94], q[98], len(latencies) / wall


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--store")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        store = args.store or os.path.join(work, "history.db")
        took, runs = seed(work, store, args.companies, args.weeks)
        print(f"seeded {runs} runs in {took:.1f} s (history import)")
        server = subprocess.Popen([BINARY, "serve", "--store", store, "--listen", "127.0.0.1:0"],
                                  stderr=subprocess.PIPE, text=True)
        try:
            address = None
            for line in server.stderr:
                if "http://" in line:
                    address = line.split("http://")[1].split("/")[0]
                    break
            conn = http.client.HTTPConnection(*address.split(":"))
            conn.request("GET", "/audit/Acme%20Telecom?format=json")
            acme = json.loads(conn.getresponse().read())["runs"][-1]["id"]
            middle = f"/audit/Company%20{args.companies // 2:04d}"
            conn.request("GET", f"{middle}?format=json")
            company = [r["id"] for r in json.loads(conn.getresponse().read())["runs"]]
            views = [
                ("/", max(20, args.requests // 10)),
                ("/portfolio/Agency", args.requests),
                ("/portfolio/Agency?format=json", args.requests),
                (middle, args.requests),
                (f"{middle}?format=csv", args.requests),
                (f"/run/{acme}", args.requests),
                (f"/run/{company[-1]}?format=json", args.requests),
                (f"/compare/{company[0]}/{company[-1]}", args.requests),
            ]
            print(f"{'view':42} {'clients':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8}")
            for path, n in views:
                for clients in sorted({1, args.clients}):
                    p50, p95, p99, rate = measure(address, path, n, clients)
                    print(f"{path:42} {clients:7} {p50:8.1f} {p95:8.1f} {p99:8.1f} {rate:8.1f}")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
