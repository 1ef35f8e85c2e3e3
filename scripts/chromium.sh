#!/usr/bin/env bash
# Headless Chromium from Debian's packages, for the HTML report test (tests/integration/html.rs).
# Installs it when missing, then prints `export CENTRICITY_TEST_CHROMIUM=/usr/bin/chromium`
# for `eval "$(bash scripts/chromium.sh start)"`. .ci/run does this.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
fi
chromium --version >&2
echo "export CENTRICITY_TEST_CHROMIUM=$(command -v chromium)"
