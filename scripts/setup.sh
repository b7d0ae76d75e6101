#!/usr/bin/env bash
# Install everything the project needs into ./.venv and ./node_modules (idempotent).
# Usage: scripts/setup.sh [--browser]   (--browser also installs Debian's chromium for the tests)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  echo "==> création de l'environnement Python (.venv)"
  python3 -m venv .venv
fi
echo "==> paquets Python"
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -c constraints.txt -e ".[dev]"

if [ -f package.json ]; then
  echo "==> ressources front-end (Leaflet…) et ESLint depuis le registre npm"
  # --include=dev: ESLint (devDependencies) is installed even where NODE_ENV=production.
  npm ci --include=dev --no-audit --no-fund --loglevel=error
fi

if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  echo "==> navigateur chromium (paquet Debian)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
