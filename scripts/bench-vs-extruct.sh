#!/usr/bin/env bash
# centricity's rating extraction against Python's extruct, on the same pages in the same run.
# Installs extruct into target/bench-venv from the Python package registry the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked --release --quiet
target="${CARGO_TARGET_DIR:-target}"
if [ ! -x "$target/bench-venv/bin/python" ]; then
  python3 -m venv "$target/bench-venv"
  "$target/bench-venv/bin/pip" install --quiet --disable-pip-version-check extruct
fi
exec "$target/bench-venv/bin/python" scripts/bench-vs-extruct.py "$target/bench-venv/bin/python"
