"""Flood inputs: time and peak memory of centricity on the large and hostile local inputs of
issue 21, each in its own process. Prints one line per input: size, wall time, peak resident
memory (from /usr/bin/time -v), peak / size, and the exit code.

  python3 scripts/flood.py [BINARY]      (default $CARGO_TARGET_DIR/release/centricity; build it first)

Inputs, generated into a scratch folder:
  attrs-400k      one element with 400,000 distinct attributes (a saved page)
  attrs-7.8MB     the same attack at 7.8 MB, fetched from a loopback server
  page-7.8MB      a review listing with microdata on every review, fetched from loopback
  page-30MB       the same listing at 30 MB, saved (under the saved-page cap)
  page-100MB      the same listing at 100 MB, saved (over the cap: refused, exit 3)
  survey-61MB     the Google Forms fixture's respondents repeated to 61 MB
"""
import http.server, os, re, subprocess, sys, tempfile, threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1_000_000


FLOOD_HEAD = '<!doctype html><html><body><div itemscope itemtype="https://schema.org/Organization"'
FLOOD_TAIL = ('><span itemprop="name">Acme</span><div itemprop="aggregateRating" itemscope '
              'itemtype="https://schema.org/AggregateRating"><span itemprop="ratingValue">4.1</span>'
              '<span itemprop="reviewCount">120</span></div></div></body></html>')


def attribute_flood(count):
    return FLOOD_HEAD + "".join(f" a{i}" for i in range(count)) + FLOOD_TAIL


def flood_of_size(size):
    """An attribute flood of at most `size` bytes, as many attributes as fit."""
    names, total, i = [], len(FLOOD_HEAD) + len(FLOOD_TAIL), 0
    while total + len(f" a{i}") <= size:
        names.append(f" a{i}")
        total += len(names[-1])
        i += 1
    return FLOOD_HEAD + "".join(names) + FLOOD_TAIL


def listing(size):
    head = ('<!doctype html><html><head><title>Acme reviews</title></head><body>'
            '<div itemscope itemtype="https://schema.org/Organization"><h1 itemprop="name">Acme</h1>'
            '<div itemprop="aggregateRating" itemscope itemtype="https://schema.org/AggregateRating">'
            '<span itemprop="ratingValue">3.9</span> of <span itemprop="bestRating">5</span>, '
            '<span itemprop="reviewCount">{n}</span> reviews</div>')
    review = ('<article itemprop="review" itemscope itemtype="https://schema.org/Review">'
              '<h2 itemprop="name">Review {i}</h2><span itemprop="author">Customer {i}</span>'
              '<time itemprop="datePublished" datetime="2026-11-{d:02}">November {d}</time>'
              '<div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">'
              '<meta itemprop="ratingValue" content="{r}"></div>'
              '<p itemprop="reviewBody">Support answered within the hour and fixed my contract.</p></article>')
    one = len(review.format(i=10_000, d=10, r=3))
    n = max(1, size // one)
    parts = [head.format(n=n)]
    parts += [review.format(i=i, d=1 + i % 28, r=1 + i % 5) for i in range(n)]
    parts.append("</div></body></html>")
    return "".join(parts)


def survey(size):
    lines = (ROOT / "fixtures/surveys/google-forms.csv").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    out, total, i = [header], len(header) + 1, 0
    while total < size:
        row = rows[i % len(rows)].replace("@acme.example", f"{i}@acme.example", 1)
        out.append(row)
        total += len(row) + 1
        i += 1
    return "\n".join(out) + "\n"


def serve(folder):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def measure(binary, args):
    """Wall seconds, peak resident MB and exit code of one run, from GNU time."""
    run = subprocess.run(["/usr/bin/time", "-v", binary, *args],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1))
    clock = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", run.stderr).group(1)
    seconds = 0.0
    for part in clock.split(":"):
        seconds = seconds * 60 + float(part)
    said = [l for l in run.stderr.splitlines() if "too large" in l][:1]
    return seconds, peak / 1024, run.returncode, said


def main():
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = sys.argv[1] if len(sys.argv) > 1 else str(target / "release/centricity")
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        inputs = {
            "attrs-400k.html": attribute_flood(400_000),
            "attrs-7.8MB.html": flood_of_size(int(7.8 * MB)),
            "page-7.8MB.html": listing(int(7.8 * MB)),
            "page-30MB.html": listing(30 * MB),
            "page-100MB.html": listing(100 * MB),
            "survey-61MB.csv": survey(61 * MB),
        }
        for name, text in inputs.items():
            (scratch / name).write_text(text, encoding="utf-8")
        server = serve(scratch)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        extract = ["reviews", "extract", "--format", "json", "--delay", "1ms"]
        runs = [
            ("attrs-400k", "attrs-400k.html", extract + [str(scratch / "attrs-400k.html")]),
            ("attrs-7.8MB", "attrs-7.8MB.html", extract + [f"{base}/attrs-7.8MB.html"]),
            ("page-7.8MB", "page-7.8MB.html", extract + [f"{base}/page-7.8MB.html"]),
            ("page-30MB", "page-30MB.html", extract + [str(scratch / "page-30MB.html")]),
            ("page-100MB", "page-100MB.html", extract + [str(scratch / "page-100MB.html")]),
            ("survey-61MB", "survey-61MB.csv", ["survey", "import", str(scratch / "survey-61MB.csv"),
                                                "--questionnaire", "feedback-loop", "--format", "json"]),
        ]
        print(f"{'input':<12} {'size':>9} {'time':>8} {'peak':>10} {'peak/size':>9}  exit")
        for label, file, args in runs:
            size = (scratch / file).stat().st_size / MB
            seconds, peak, code, said = measure(binary, args)
            note = f"  {said[0].strip()[:140]}" if said else ""
            print(f"{label:<12} {size:>6.1f} MB {seconds:>7.2f}s {peak:>7.1f} MB {peak / size:>8.1f}x  {code}{note}")
        server.shutdown()


if __name__ == "__main__":
    main()
