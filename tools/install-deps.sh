#!/bin/sh
# Installs what Relais needs on Debian 12: the Debian packages that are missing (as root, or through
# sudo) and the pinned npm packages of package-lock.json. Safe to run again: it does nothing when
# everything is there.
set -eu
cd "$(dirname "$0")/.."

PACKAGES="build-essential pkg-config clang-14 libclang-rt-14-dev llvm-14
libmicrohttpd-dev libsqlite3-dev sqlite3 libpq-dev libjansson-dev libsodium-dev libcurl4-openssl-dev
libcsv-dev libxlsxwriter-dev libcmark-dev libcairo2-dev libpango1.0-dev libutf8proc-dev
libstemmer-dev libmagic-dev libcmocka-dev
postgresql chromium wrk nginx-light nodejs npm ca-certificates fonts-dejavu-core poppler-utils
manpages-fr manpages-fr-dev woff2 libfontconfig-dev"

missing=""
for p in $PACKAGES; do
    # node and npm may come from elsewhere than Debian; a working binary is enough.
    case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
    *" installed") ;;
    *) missing="$missing $p" ;;
    esac
done

if [ -n "$missing" ]; then
    echo "install-deps: installing Debian packages:$missing"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
fi

# npm packages, pinned by package-lock.json; reinstalled only when the lock file changed.
if [ ! -f node_modules/.relais-stamp ] || [ package-lock.json -nt node_modules/.relais-stamp ]; then
    echo "install-deps: installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    touch node_modules/.relais-stamp
fi
