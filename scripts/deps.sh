#!/usr/bin/env bash
# Installs the Debian packages zzjb needs to build, test and demo, only those that are missing.
# Usage: scripts/deps.sh [build|test|demo|fuzz]   (default: test, which includes build)
set -euo pipefail

what=${1:-test}
# The presets build with Ninja and link with lld (CMakePresets.json, cmake/ZzjbOptions.cmake).
# gettext's msgfmt checks and compiles the message catalog, Boost.Locale reads it (docs/messages.md).
build_pkgs=(cmake g++ make ninja-build lld pkg-config openssl libssl-dev libcurl4-openssl-dev
  libboost-dev libboost-filesystem-dev libpugixml-dev nlohmann-json3-dev libsqlite3-dev libzip-dev
  zipcmp zipmerge ziptool libp11-kit-dev ccache
  gettext libboost-locale-dev)
# Tests render the forms with headless Chromium (a CJK font so Chinese is not drawn as boxes),
# read PDFs back with poppler, and read the rendered page with tesseract's Chinese model.
# Identity tests drive a SoftHSM2 token provisioned with pkcs11-tool (opensc); the mock's
# contract walk-through uses only curl, jq and the openssl command line. python3-jsonschema
# validates configurations against `zzjb plugins --schema` (tests/integration/plugins).
test_pkgs=(googletest libgtest-dev libgmock-dev libbenchmark-dev chromium fonts-wqy-zenhei
  poppler-utils tesseract-ocr tesseract-ocr-chi-sim softhsm2 opensc curl jq systemd dpkg-dev
  python3-jsonschema)

# Fuzzing campaigns (scripts/fuzz.sh, docs/fuzzing.md) build with clang-16 and its libFuzzer and
# sanitizer runtimes; the corpus replay in the tests needs neither.
fuzz_pkgs=(clang-16 libclang-rt-16-dev)

# The demo drives zzjb-mock's admin API (the centre's side) with curl.
demo_pkgs=(curl)

case "$what" in
  build) pkgs=("${build_pkgs[@]}") ;;
  demo) pkgs=("${build_pkgs[@]}" "${demo_pkgs[@]}") ;;
  test) pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  fuzz) pkgs=("${build_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|demo|fuzz]" >&2; exit 64 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
