#!/usr/bin/env bash
# Install what leafpress needs on Debian 12 / Ubuntu: system libraries, then a venv.
#   bash scripts/setup.sh          # to build leaflets
#   bash scripts/setup.sh --test   # also the test tools (poppler, qpdf, zbar, Chromium, axe-core)
set -euo pipefail
cd "$(dirname "$0")/.."

# WeasyPrint needs Pango; libharfbuzz-subset0 makes its font subsetting about 2.5x faster;
# poppler-utils (pdftotext, pdffonts, pdftoppm) is how the tests, and people, inspect a PDF.
# Language editions print with Debian's Noto fonts (Arabic, Nastaliq Urdu, Bengali, CJK...);
# braille comes from liblouis (python3-louis is its Python binding; liblouis-data has the
# UEB tables), linked into the venv below.
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils
          fonts-noto-core fonts-noto-cjk python3-louis liblouis-data)
extras=()
if [[ "${1:-}" == "--test" ]]; then
  # Chromium runs the browser tests through Playwright (which is told where it is: never
  # `playwright install`); its fonts are only a Recommends, so name them. liblouis-bin
  # (lou_translate) back-translates braille independently of the binding; npm installs
  # axe-core for the accessibility tests.
  packages+=(qpdf zbar-tools chromium fonts-liberation fonts-dejavu-core liblouis-bin npm)
  extras=(".[test]")
else
  extras=(".")
fi

missing=()
for package in "${packages[@]}"; do
  # npm may come with Node.js from elsewhere: only ask Debian for it when there is none.
  [[ "$package" == npm ]] && command -v npm >/dev/null && continue
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

# Debian's liblouis binding is a pure-Python ctypes wrapper: link just that package into the
# venv (not the whole of Debian's dist-packages, whose other modules are built for Debian's Python).
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
[[ -e "$site/louis" ]] || ln -s /usr/lib/python3/dist-packages/louis "$site/louis"

if [[ "${1:-}" == "--test" ]]; then
  # axe-core, pinned in tests/package.json, into tests/node_modules (never a browser download).
  npm ci --prefix tests --no-audit --no-fund --silent
fi
