#!/usr/bin/env bash
# Set up (Python packages, npm assets, Debian chromium) and run lint and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy geo zonage
npx --no-install eslint geo/webmap
# Two workers; a module, and all the browser tests, each run whole on one (conftest.py).
exec .venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
