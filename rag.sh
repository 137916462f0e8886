#!/usr/bin/env bash
# One entry point for a fresh machine with Python 3.11:
#   ./rag.sh           set everything up (venv, packages, models, index) and open the web chat
#   ./rag.sh test      set everything up and run the whole test suite: a fast lane (ruff, format,
#                      mypy, unit tests) first, then the end-to-end tests with the real models
#   ./rag.sh test ARGS set everything up and run pytest with ARGS
#   ./rag.sh setup     set everything up and stop
# Every step is idempotent: a second run only verifies what is already there.
set -euo pipefail
cd "$(dirname "$0")"

VENV=${RAG_VENV:-.venv}
PY="$VENV/bin/python"
export HF_HUB_DISABLE_TELEMETRY=1
export PIP_DISABLE_PIP_VERSION_CHECK=1
# The pip cache (downloads and the compiled llama-cpp-python wheel) lives outside the clone,
# so a second setup on the same machine is fast.
export PIP_CACHE_DIR=${PIP_CACHE_DIR:-$HOME/.cache/pip}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

find_python() {
  for cand in "${PYTHON:-}" python3.11 python3 python; do
    [ -n "$cand" ] || continue
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$cand"; return 0
    fi
  done
  die "Python 3.11 is needed (found none on PATH); install it or set PYTHON=/path/to/python3.11"
}

install_packages() {
  local extras=$1
  if [ ! -x "$PY" ]; then
    say "Creating the virtual environment in $VENV"
    "$(find_python)" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$extras" want
  want=$(cat pyproject.toml | sha256sum | cut -c1-16)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    say "Packages up to date ($extras)"
    return
  fi
  say "Installing packages ($extras); the first time compiles llama-cpp-python (a few minutes)"
  "$PY" -m pip install -q --upgrade pip
  # The CPU build of torch first: an unpinned torch would pull a multi-GB CUDA build.
  "$PY" -m pip install -q "torch==2.13.0"
  "$PY" -m pip install -q -e ".[$extras]"
  echo "$want" > "$stamp"
}

ensure_chromium() {
  command -v chromium >/dev/null 2>&1 && return
  say "Installing Debian's chromium for the browser tests"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null \
    || die "could not install chromium; install the Debian package 'chromium' and run again"
}

# OCR for scanned PDFs: Debian's tesseract with the Dutch and English models. Needed by users
# (a scan in the corpus) and by the tests, so both setup and test install it.
ensure_tesseract() {
  if command -v tesseract >/dev/null 2>&1 \
    && tesseract --list-langs 2>/dev/null | grep -qx nld \
    && tesseract --list-langs 2>/dev/null | grep -qx eng; then
    return
  fi
  say "Installing Debian's tesseract-ocr (nld, eng) to read scanned PDFs"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    tesseract-ocr tesseract-ocr-nld tesseract-ocr-eng >/dev/null \
    || die "could not install tesseract; install the Debian packages 'tesseract-ocr tesseract-ocr-nld tesseract-ocr-eng' and run again"
}

setup() {
  install_packages "$1"
  ensure_tesseract
  prepare_models_and_index
}

prepare_models_and_index() {
  say "Assembling the offline models (verified by checksum; nothing is downloaded twice)"
  "$VENV/bin/rag" setup
  say "Indexing the corpus"
  "$VENV/bin/rag" ingest
}

# pytest with its exit code kept; 5 (nothing collected) is a failure, not a pass.
run_pytest() {
  set +e
  "$VENV/bin/python" -m pytest "$@"
  local rc=$?
  set -e
  if [ "$rc" -eq 5 ]; then die "pytest collected no tests ($*)"; fi
  return "$rc"
}

fast_lane() {
  say "Fast lane: ruff, ruff format --check, mypy --strict rag, unit tests with the offline twins"
  "$VENV/bin/ruff" check . || die "ruff found problems (fix them, or run '$VENV/bin/ruff check --fix .')"
  "$VENV/bin/ruff" format --check . || die "files need formatting: run '$VENV/bin/ruff format .'"
  "$VENV/bin/mypy" || die "mypy found type errors in rag/"
  run_pytest -m "not e2e" || die "unit tests failed"
}

cmd=${1:-chat}
[ $# -gt 0 ] && shift
case "$cmd" in
  chat)
    setup "models,ui"
    say "Starting the chat at http://127.0.0.1:${RAG_PORT:-7860}"
    exec "$VENV/bin/rag" chat --port "${RAG_PORT:-7860}" "$@"
    ;;
  setup)
    setup "models,ui"
    ;;
  test)
    # Tests and CI run every model on one thread (see BENCHMARKS.md: two threads collapse
    # when anything else runs).
    export RAG_EMBED_THREADS=1 RAG_LLM_THREADS=1
    # scale: Ray, for the tests of 'rag ingest --ray' (a local Ray with 2 CPUs).
    install_packages "models,ui,dev,scale"
    ensure_tesseract
    if [ $# -gt 0 ]; then
      # Arguments go to pytest as they are (e.g. one file, or -k NAME).
      ensure_chromium
      prepare_models_and_index
      run_pytest "$@"
      exit $?
    fi
    # Style, types and unit tests first: they need no models, so a mistake fails in a few minutes.
    fast_lane
    ensure_chromium
    prepare_models_and_index
    # The opt-in int8 embedder is tested against fp32 too: export it once (cached like the models).
    say "Exporting the int8 ONNX embedder for its end-to-end test (once; kept in the models folder)"
    RAG_EMBEDDER=onnx-int8 "$VENV/bin/rag" setup
    say "End-to-end lane: the real models and the browser"
    run_pytest -m e2e
    ;;
  *)
    die "unknown command '$cmd'; use: ./rag.sh [chat|setup|test]"
    ;;
esac
