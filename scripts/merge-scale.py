"""`centricity merge` at scale: writes the shard shapes issue 21 measured and times `merge`
on each (wall time and peak memory from /usr/bin/time -v).

  own-sectors  16,000 companies, each in a sector of its own (~1.7 MB)
  one-sector   50,000 companies in one sector
  four-shards  the 50,000 split into four shards (the duplicate check across shards)

Usage: python3 scripts/merge-scale.py [BINARY] (default target/release/centricity);
SHARDS=DIR keeps the generated files there.
"""
import json, os, random, re, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINARY = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "target/release/centricity"
CATEGORIES = ["responsiveness", "information-access", "ratings", "feedback"]
CHANNELS = ["email", "web-form", "phone"]


def company(i, sector, rng):
    score = round(rng.uniform(0, 100), 1)
    return {
        "name": f"Company {i:06d}",
        "sector": sector,
        "row": i + 2,
        "score": score,
        "coverage": 1.0,
        "categories": {c: round(rng.uniform(0, 100), 1) for c in CATEGORIES},
        "channels": {c: round(rng.uniform(0, 100), 1) for c in CHANNELS[: i % 3 + 1]},
    }


def shard(path, companies, label):
    path.write_text(json.dumps({"portfolio": "scale", "shard": label, "companies": companies}))
    return path


def measure(name, files):
    command = ["/usr/bin/time", "-v", str(BINARY), "merge", *map(str, files),
               "--format", "json", "--allow-incomplete"]
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"{name}: exit {done.returncode}\n{done.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", done.stderr).group(1)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    size = sum(f.stat().st_size for f in files)
    print(f"{name:12} {size / 1e6:6.1f} MB in  {wall:>8} wall  {rss / 1024:7.1f} MiB peak RSS")


def main():
    rng = random.Random(21)
    folder = Path(os.environ.get("SHARDS") or tempfile.mkdtemp(prefix="merge-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    own = [company(i, f"sector {i}", rng) for i in range(16_000)]
    one = [company(i, "telecom", rng) for i in range(50_000)]
    measure("own-sectors", [shard(folder / "own-sectors.json", own, "1/1")])
    measure("one-sector", [shard(folder / "one-sector.json", one, "1/1")])
    quarters = [shard(folder / f"one-sector-{k + 1}.json", one[k::4], f"{k + 1}/4") for k in range(4)]
    measure("four-shards", quarters)


main()
