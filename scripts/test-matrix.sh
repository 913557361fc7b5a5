#!/usr/bin/env bash
# Run the test suite on each pyenv interpreter 3.10-3.13 that exists, each in its own
# virtualenv (.venv-3.X); then, as a consumer would, install the wheel `make dist` built (not
# editable, with the contract extra) into a fresh virtualenv (.venv-3.X-wheel), import it under
# -W error and run `fakeprojector contract-test` there. Says which versions it skipped; fails if
# any present one fails.
set -u
cd "$(dirname "$0")/.."
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
status=0; ran=(); skipped=(); failed=()
for minor in 3.10 3.11 3.12 3.13; do
  py=$(ls -d "$root"/versions/"$minor".*/bin/python 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$py" ] || [ ! -x "$py" ]; then
    echo "test-matrix: skipping Python $minor (no pyenv interpreter under $root/versions)"
    skipped+=("$minor"); continue
  fi
  venv=".venv-$minor"
  echo "=== test-matrix: Python $minor ($py) ==="
  if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then  # absent or half-made: (re)create
    rm -rf "$venv"; "$py" -m venv "$venv" || { failed+=("$minor"); status=1; continue; }
  fi
  "$venv/bin/python" -m pip install --quiet --upgrade pip >/dev/null 2>&1
  if ! "$venv/bin/python" -m pip install --quiet -e '.[test]'; then
    echo "test-matrix: install failed on $minor"; failed+=("$minor"); status=1; continue
  fi
  if ! "$venv/bin/python" -m pytest -n 2 -q -p no:cacheprovider ${MATRIX_PYTEST_ARGS:-}; then
    failed+=("$minor"); status=1; continue
  fi
  wheel=$(ls dist/fakeprojector-*-py3-none-any.whl 2>/dev/null | head -n 1)
  if [ -z "$wheel" ]; then echo "test-matrix: no wheel in dist/ (make dist)"; failed+=("$minor"); status=1; continue; fi
  wvenv=".venv-$minor-wheel"; rm -rf "$wvenv"
  echo "=== test-matrix: Python $minor, $wheel installed into $wvenv ==="
  if "$py" -m venv "$wvenv" \
    && "$wvenv/bin/python" -m pip install --quiet "$wheel[contract]" \
    && (cd "$wvenv" && bin/python -W error -c "import fakeprojector, fakeprojector.envelopes" \
        && PYTHONWARNINGS=error bin/fakeprojector contract-test -q); then
    ran+=("$minor")
  else
    echo "test-matrix: the installed wheel failed on $minor"; failed+=("$minor"); status=1
  fi
done
echo "test-matrix: passed on: ${ran[*]:-none}; failed on: ${failed[*]:-none}; skipped: ${skipped[*]:-none}"
exit $status
