#!/usr/bin/env bash
# Install what leafpress needs on Debian 12 / Ubuntu: system libraries, then a venv.
#   bash scripts/setup.sh          # to build leaflets
#   bash scripts/setup.sh --test   # also the test tools (poppler, qpdf, zbar, Chromium, fonts)
set -euo pipefail
cd "$(dirname "$0")/.."

# WeasyPrint needs Pango; libharfbuzz-subset0 makes its font subsetting about 2.5x faster;
# poppler-utils (pdftotext, pdffonts, pdftoppm) is how the tests, and people, inspect a PDF.
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils)
extras=()
if [[ "${1:-}" == "--test" ]]; then
  # Chromium runs the catalogue's browser tests through Playwright (which is told where it
  # is: never `playwright install`); its fonts are only a Recommends, so name them.
  packages+=(qpdf zbar-tools chromium fonts-liberation fonts-dejavu-core)
  extras=(".[test]")
else
  extras=(".")
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[[ -x .venv/bin/python ]] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet --quiet -e "${extras[@]}"
