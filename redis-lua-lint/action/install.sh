#!/usr/bin/env bash
# The Action's install step: redis-lua-lint $REDIS_LUA_LINT_VERSION from PyPI, whose wheel
# carries the prebuilt binary (nothing is compiled), in a virtual environment of its own
# under $RUNNER_TEMP; its bin directory goes on the PATH of the job's later steps.
set -euo pipefail
: "${REDIS_LUA_LINT_VERSION:?the version to install}" "${RUNNER_TEMP:?}" "${GITHUB_PATH:?}"

python=python3
command -v "$python" >/dev/null 2>&1 || python=python # Windows runners name it `python`
venv="$RUNNER_TEMP/redis-lua-lint-$REDIS_LUA_LINT_VERSION"
"$python" -m venv "$venv"
bin="$venv/bin"
[ -d "$bin" ] || bin="$venv/Scripts" # Windows
"$bin/python" -m pip install --quiet --disable-pip-version-check "redis-lua-lint==$REDIS_LUA_LINT_VERSION"
echo "$bin" >>"$GITHUB_PATH"
"$bin/redis-lua-lint" --version
