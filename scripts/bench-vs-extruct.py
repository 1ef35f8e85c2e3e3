"""Whole-process rating extraction, centricity against Python's extruct, on the same
saved pages in the same run. Prints throughputs, their ratio, and centricity's peak
memory on large JSON-LD graphs against the page size. Run by scripts/bench-vs-extruct.sh.

The machine may be shared: beside the best wall time of ROUNDS runs, each side's CPU time
(user + system, every core) is printed, and, when valgrind is installed, the instructions
centricity executes on the corpus (callgrind, every thread): a figure that does not move
with the machine's load, to compare two builds.

Two page families:
  corpus  the project's saved pages (fixtures/reviews, fixtures/acme/reviews) and the
          conformance pages in ../shared (when present)
  graphs  Trustpilot-shaped JSON-LD @graph pages with 10..300 reviews, every review, author
          and rating a node reached through @id references
"""
import json, os, re, resource, shutil, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINARY = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release/centricity"
ROUNDS = int(os.environ.get("ROUNDS", "3"))


def corpus():
    pages = []
    for folder in ["fixtures/reviews", "fixtures/acme/reviews", "../shared/conformance/reviews"]:
        base = (ROOT / folder).resolve()
        if base.exists():
            pages += sorted(p for p in base.rglob("*") if p.suffix in (".html", ".htm"))
    return pages


def graph_page(reviews):
    org = "https://www.trustpilot.com/review/acme.example#/schema/Organization/1"
    graph = [
        {"@type": "Organization", "@id": "https://www.trustpilot.com/#/schema/Organization/1", "name": "Trustpilot",
         "url": "https://www.trustpilot.com/", "sameAs": ["https://twitter.com/trustpilot"]},
        {"@type": "WebPage", "@id": "https://www.trustpilot.com/review/acme.example", "name": "Acme reviews",
         "publisher": {"@id": "https://www.trustpilot.com/#/schema/Organization/1"}, "mainEntity": {"@id": org}},
        {"@type": "BreadcrumbList", "@id": "#breadcrumb", "itemListElement": [
            {"@type": "ListItem", "position": i, "name": f"Level {i}", "item": f"https://www.trustpilot.com/categories/{i}"} for i in range(1, 4)]},
        {"@type": ["LocalBusiness", "Organization"], "@id": org, "name": "Acme Telecom", "url": "https://acme.example",
         "aggregateRating": {"@id": org + "/AggregateRating"},
         "review": [{"@id": f"{org}/Review/{i}"} for i in range(reviews)]},
        {"@type": "AggregateRating", "@id": org + "/AggregateRating", "ratingValue": "3.8", "bestRating": "5",
         "worstRating": "1", "reviewCount": str(1000 + reviews)},
    ]
    for i in range(reviews):
        graph.append({"@type": "Person", "@id": f"{org}/Person/{i}", "name": f"Customer {i}",
                      "url": f"https://www.trustpilot.com/users/{i:024x}"})
        graph.append({"@type": "Review", "@id": f"{org}/Review/{i}", "itemReviewed": {"@id": org},
                      "author": {"@id": f"{org}/Person/{i}"}, "datePublished": f"2026-0{1 + i % 9}-1{i % 10}T10:00:00.000Z",
                      "headline": f"Review number {i}", "reviewBody": "Support answered within the hour and fixed my contract. " * 3,
                      "reviewRating": {"@type": "Rating", "ratingValue": str(1 + i % 5), "bestRating": "5", "worstRating": "1"},
                      "inLanguage": "en", "publisher": {"@id": "https://www.trustpilot.com/#/schema/Organization/1"}})
    block = json.dumps({"@context": "https://schema.org", "@graph": graph})
    body = "".join(f"<article><h2>Review {i}</h2><p>Support answered within the hour.</p></article>" for i in range(reviews))
    return (f"<!doctype html><html><head><title>Acme Telecom reviews</title>"
            f"<script type=\"application/ld+json\">{block}</script></head><body>{body}</body></html>")


# extruct raises on some broken pages (centricity repairs them): those pages count as read.
EXTRUCT = """
import sys, extruct
for path in sys.argv[1:]:
    html = open(path, encoding="utf-8", errors="replace").read()
    try:
        extruct.extract(html, syntaxes=["json-ld", "microdata", "rdfa", "microformat"], uniform=True)
    except Exception:
        pass
"""


def best_time(command):
    """The best wall time of ROUNDS runs, and the CPU time (user + system) of that run."""
    best = None
    for _ in range(ROUNDS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        took = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        best = (took, cpu) if best is None or took < best[0] else best
    return best


def instructions(command):
    """Instructions the command executes, every thread, counted by callgrind (None without valgrind)."""
    if shutil.which("valgrind") is None:
        return None
    with tempfile.TemporaryDirectory() as scratch:
        run = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={scratch}/out", *command],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        found = re.search(r"Collected : (\d+)", run.stderr)
        return int(found.group(1)) if found else None


def peak_mb(command):
    """The high-water resident memory of the program, read from /proc while it runs."""
    # The largest graph passes the saved-page cap: raised, since the parser's growth is measured.
    env = dict(os.environ, CENTRICITY_MAX_PAGE_BYTES=str(64 << 20))
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak = 0
    while process.poll() is None:
        try:
            for line in open(f"/proc/{process.pid}/status"):
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.001)
    return peak / 1024


def compare(name, pages, python):
    size = sum(p.stat().st_size for p in pages) / 1e6
    command = [str(BINARY), "reviews", "extract", "--format", "json", *map(str, pages)]
    (ours, ours_cpu), (theirs, theirs_cpu) = best_time(command), best_time([python, "-c", EXTRUCT, *map(str, pages)])
    print(f"{name:<8} {len(pages):>4} pages {size:>7.2f} MB   centricity {len(pages) / ours:>8.1f} pages/s"
          f"   extruct {len(pages) / theirs:>7.1f} pages/s   ratio {theirs / ours:>6.1f}x"
          f"   (CPU time {ours_cpu:.2f} s vs {theirs_cpu:.2f} s: {theirs_cpu / ours_cpu:.1f}x)")
    counted = instructions(command)
    if counted:
        print(f"{'':<8} centricity executes {counted / 1e6:,.0f} M instructions, {counted / len(pages) / 1e6:,.2f} M per page")


def main():
    python = sys.argv[1]
    with tempfile.TemporaryDirectory() as scratch:
        graphs = []
        for reviews in [10, 30, 100, 300]:
            for copy in range(5):
                path = Path(scratch) / f"graph-{reviews}-{copy}.html"
                path.write_text(graph_page(reviews), encoding="utf-8")
                graphs.append(path)
        pages = corpus()
        print(f"best of {ROUNDS} runs, whole process (start-up included) on both sides")
        compare("corpus", pages, python)
        compare("graphs", graphs, python)
        print("\ncentricity's peak memory on one graph page; growth = extra MB of memory per extra MB"
              "\nof page from the row above (the constant start-up cost cancels out)")
        previous = None
        for reviews in [100, 300, 1000, 3000, 10000]:
            page = Path(scratch) / f"memory-{reviews}.html"
            page.write_text(graph_page(reviews), encoding="utf-8")
            mb = page.stat().st_size / 1e6
            peak = max(peak_mb([str(BINARY), "reviews", "extract", "--format", "json", str(page)]) for _ in range(3))
            growth = f"{(peak - previous[1]) / (mb - previous[0]):5.1f}x" if previous else "    -"
            print(f"  {reviews:>5} reviews  {mb:6.2f} MB page   peak {peak:6.1f} MB   growth {growth}")
            previous = (mb, peak)


if __name__ == "__main__":
    main()
