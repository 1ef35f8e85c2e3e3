#!/usr/bin/env python3
"""Measure `centricity probe classify` against a labelled mail corpus.

Usage: mail-accuracy.py LABELS_DIR [BINARY] [--summary]

LABELS_DIR holds an `expected.toml` whose entry lines read `"<stem>" = "<class>"` (comment
lines start with `#`), and the `<stem>.eml` messages, unless CENTRICITY_MAIL_CORPUS names the
folder whose subfolder of LABELS_DIR's name holds them (fixtures/mail/corpus keeps only the
labels: the messages are fetched data, kept outside the repository). BINARY defaults to
`target/release/centricity`. The script runs `BINARY probe classify FILE...` once per
message, reads `FILE: <class> (<reasons>)`, and prints a per-class table, the exact
accuracy, the person/machine confusion count and (unless --summary is given) every
wrong file with what it got, what was expected and the classifier's reasons.

Standard library only.
"""
import os
import subprocess
import sys

CLASSES = ["human", "automatic", "bounce", "newsletter"]
# How `probe classify` words each class.
SPOKEN = {"a person": "human", "person": "human", "human": "human",
          "automatic": "automatic", "bounce": "bounce", "newsletter": "newsletter"}


def read_expected(path):
    expected = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line.startswith('"'):
                continue
            if " = " not in line:
                sys.exit(f"{path}:{lineno}: no ' = ' in {line!r}")
            stem, cls = line.split(" = ", 1)
            stem, cls = stem.strip().strip('"'), cls.strip().strip('"')
            if cls not in CLASSES:
                sys.exit(f"{path}:{lineno}: unknown class {cls!r}")
            expected.append((stem, cls))
    return expected


def classify(binary, path):
    """(class, reasons) the binary gives one file; class None when unreadable."""
    try:
        run = subprocess.run([binary, "probe", "classify", path],
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"could not run: {e}"
    out = run.stdout.strip()
    prefix = path + ": "
    for line in out.splitlines():
        if line.startswith(prefix):
            rest = line[len(prefix):]
            word, _, reasons = rest.partition(" (")
            reasons = reasons[:-1] if reasons.endswith(")") else reasons
            return SPOKEN.get(word.strip(), word.strip()), reasons
    detail = (run.stderr.strip() or out or f"exit {run.returncode}").splitlines()
    return None, " / ".join(detail)[:300]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    summary_only = "--summary" in sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    corpus = args[0]
    binary = args[1] if len(args) > 1 else "target/release/centricity"
    expected = read_expected(os.path.join(corpus, "expected.toml"))
    outside = os.environ.get("CENTRICITY_MAIL_CORPUS")
    messages = (os.path.join(outside, os.path.basename(os.path.normpath(corpus)))
                if outside else corpus)

    counts = {c: [0, 0] for c in CLASSES}  # labelled class -> [right, wrong]
    confusion = {c: {} for c in CLASSES}
    wrong = []
    person_machine = 0
    for stem, want in expected:
        path = os.path.join(messages, stem + ".eml")
        if not os.path.exists(path):
            sys.exit(f"missing {path}")
        got, reasons = classify(binary, path)
        confusion[want][got] = confusion[want].get(got, 0) + 1
        if got == want:
            counts[want][0] += 1
            continue
        counts[want][1] += 1
        if (want == "human") != (got == "human"):
            person_machine += 1
        wrong.append((stem, got, want, reasons))

    total = len(expected)
    right = sum(r for r, _ in counts.values())
    print(f"corpus: {corpus}")
    print(f"binary: {binary}")
    print()
    print(f"{'class':<12}{'labelled':>9}{'right':>7}{'wrong':>7}   got instead")
    for c in CLASSES:
        r, w = counts[c]
        instead = ", ".join(f"{g or 'unreadable'} {n}" for g, n in
                            sorted(confusion[c].items(), key=lambda kv: -kv[1]) if g != c)
        print(f"{c:<12}{r + w:>9}{r:>7}{w:>7}   {instead}")
    print(f"{'total':<12}{total:>9}{right:>7}{total - right:>7}")
    print()
    print(f"exact accuracy: {right}/{total} = {100.0 * right / total if total else 0:.1f}%")
    print(f"person/machine confusion: {person_machine} "
          "(labelled human but classified non-human, or labelled non-human but classified human)")
    if wrong and not summary_only:
        print()
        print("wrong:")
        for stem, got, want, reasons in wrong:
            print(f"  {stem}: got {got or 'unreadable'}, expected {want} ({reasons})")


if __name__ == "__main__":
    main()
