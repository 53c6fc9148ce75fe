#!/usr/bin/env bash
# The Debian packages the tests and the PNG charts use, installed when missing:
#   chromium            headless browser: tests/test_browser.py opens the rendered reports
#   fonts-wqy-microhei  a CJK font, else Chinese in PNG/SVG charts renders as empty boxes
#   python3-venv        only where python3 cannot make a venv with pip (Debian's own python3)
#   libreoffice-writer-nogui libreoffice-calc-nogui
#                       the readers of .doc/.wps/.odt (and .xls/.et calamine cannot read)
#                       convert with LibreOffice headless; with --no-install-recommends
#                       64 packages, 95 MB to download, 308 MB installed, about 25 s
#
# Called by `make test` and by .ci/run. It says what it installs. When apt is unavailable
# (not Debian, not root and no passwordless sudo, no network) it says why and exits 0:
# whatever needs a package then fails (or, locally, skips) with its own message.
set -euo pipefail

say() { echo "system-deps: $*"; }
warn() { echo "system-deps: $*" >&2; }

apt_packages=(chromium fonts-wqy-microhei libreoffice-writer-nogui libreoffice-calc-nogui)
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    apt_packages+=(python3-venv)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    warn "not a Debian system (no dpkg-query); not checking ${apt_packages[*]}"
    exit 0
fi

missing=()
for pkg in "${apt_packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
if ((${#missing[@]} == 0)); then
    say "Debian packages present: ${apt_packages[*]}"
    exit 0
fi

as_root() {  # run "$@" as root: directly, or through passwordless sudo
    if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo -n "$@"; fi
}
if ! command -v apt-get >/dev/null 2>&1; then
    warn "apt-get not found; not installing ${missing[*]}"
elif [[ $(id -u) -ne 0 ]] && ! { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; then
    warn "not root and no passwordless sudo; not installing ${missing[*]} (install them yourself: sudo apt-get install ${missing[*]})"
else
    say "installing Debian packages: ${missing[*]}"
    if as_root apt-get update -qq \
        && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends "${missing[@]}" >/dev/null; then
        say "installed ${missing[*]}"
    else
        warn "apt-get failed (see above); continuing without ${missing[*]}"
    fi
fi
exit 0
