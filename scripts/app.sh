#!/usr/bin/env bash
# Set up, build the data layer from the mirror if it is missing, and run the app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/zonage data build --if-missing
# Simplified web layer and front-end assets, once per build, so the first map opens at once.
.venv/bin/python -m geo.webmap
# serve.py serves app.py and loads its data as the server starts.
exec .venv/bin/streamlit run serve.py "$@"
