#!/usr/bin/env bash
# Installs what Relais needs on a Debian machine. Idempotent: it only asks apt
# for packages that are missing, and only runs npm when node_modules is stale.
#   scripts/deps.sh build   libraries and compiler to build and run relais
#   scripts/deps.sh test    + what the tests need (cmocka, Chromium, Node pkgs)
#   scripts/deps.sh bench   + what the benchmarks need (wrk, scikit-learn, fastText)
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-build}
# tzdata: the desk's calendar reads its time zone from the tz database.
pkgs=(gcc make pkg-config libsqlite3-dev libmicrohttpd-dev libjansson-dev
      libsodium-dev libutf8proc-dev libstemmer-dev liblinear-dev libcmark-dev tzdata)
case "$what" in
  build) ;;
  test)  pkgs+=(libcmocka-dev clang-tidy clang libclang-rt-14-dev chromium fonts-dejavu-core sqlite3 nodejs npm) ;;
  bench) pkgs+=(wrk python3 sqlite3 python3-sklearn python3-snowballstemmer fasttext) ;;
  *) echo "deps.sh: unknown set '$what' (build, test or bench)" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  # node and npm may come from outside Debian on some machines: accept them
  # when the commands exist.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' \
    || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps.sh: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$what" = test ]; then
  stamp=node_modules/.relais-stamp
  if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
    echo "deps.sh: npm ci (test tools)"
    npm ci --no-audit --no-fund --loglevel=error
    touch "$stamp"
  fi
fi
