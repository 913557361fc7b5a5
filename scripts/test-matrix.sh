#!/usr/bin/env bash
# On each pyenv interpreter 3.10-3.13 that exists:
#   1. the suite, in its own editable virtualenv (.venv-3.X);
#   2. as a user gets it: the wheel in dist/ (built once, by `make dist`) installed, not
#      editable, into a fresh virtualenv (.venv-consumer-3.X) with examples/consumer, then
#      `python -W error -c "import fakeprojector"` and the example project's tests
#      (filterwarnings = error), and the shipped contract suite (`fakeprojector contract-test`,
#      the wheel's `contract` extra) run from outside the checkout under PYTHONWARNINGS=error.
# Says which versions it skipped; fails if any present one fails.
set -u
cd "$(dirname "$0")/.."
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
wheel=$(ls dist/fakeprojector-*.whl 2>/dev/null | sort -V | tail -n 1)
if [ -z "$wheel" ]; then echo "test-matrix: no wheel in dist/ (run make dist first)" >&2; exit 2; fi
status=0; ran=(); skipped=(); failed=()

suite() {  # $1 minor, $2 interpreter
  local venv=".venv-$1"
  if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then  # absent or half-made: (re)create
    rm -rf "$venv"; "$2" -m venv "$venv" || return 1
  fi
  "$venv/bin/python" -m pip install --quiet --upgrade pip >/dev/null 2>&1
  "$venv/bin/python" -m pip install --quiet -e '.[test]' || { echo "test-matrix: install failed on $1"; return 1; }
  "$venv/bin/python" -m pytest -n 2 -q -p no:cacheprovider ${MATRIX_PYTEST_ARGS:-}
}

consumer() {  # $1 minor, $2 interpreter: the wheel as a user installs it
  local venv=".venv-consumer-$1"
  rm -rf "$venv"; "$2" -m venv "$venv" || return 1
  "$venv/bin/python" -m pip install --quiet --upgrade pip >/dev/null 2>&1
  "$venv/bin/python" -m pip install --quiet "$wheel[contract]" './examples/consumer[test]' \
    || { echo "test-matrix: installing the wheel failed on $1"; return 1; }
  # from inside the venv, so the checkout's own package folder is not first on sys.path
  (cd "$venv" && bin/python -W error -c "import sys, fakeprojector, fakeprojector.pytest_plugin, fakeprojector.envelopes
if sys.prefix not in fakeprojector.__file__: sys.exit('imported ' + fakeprojector.__file__ + ', not the wheel')") \
    || return 1
  (cd examples/consumer && "../../$venv/bin/python" -m pytest -q) || return 1
  (cd "$venv" && PYTHONWARNINGS=error bin/fakeprojector contract-test -q -p no:cacheprovider) || return 1
}

for minor in 3.10 3.11 3.12 3.13; do
  py=$(ls -d "$root"/versions/"$minor".*/bin/python 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$py" ] || [ ! -x "$py" ]; then
    echo "test-matrix: skipping Python $minor (no pyenv interpreter under $root/versions)"
    skipped+=("$minor"); continue
  fi
  echo "=== test-matrix: Python $minor ($py): the suite ==="
  if ! suite "$minor" "$py"; then failed+=("$minor suite"); status=1; fi
  echo "=== test-matrix: Python $minor: $(basename "$wheel") in a fresh venv, examples/consumer ==="
  if consumer "$minor" "$py"; then ran+=("$minor"); else failed+=("$minor consumer"); status=1; fi
done
echo "test-matrix: passed on: ${ran[*]:-none}; failed: ${failed[*]:-none}; skipped: ${skipped[*]:-none}"
exit $status
