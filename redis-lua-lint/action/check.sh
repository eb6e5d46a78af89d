#!/usr/bin/env bash
# The Action's check step: redis-lua-lint over $REDIS_LUA_LINT_PATHS (space-separated) with
# $REDIS_LUA_LINT_ARGS, printing workflow commands that annotate the pull request
# (`github`) or writing SARIF to $REDIS_LUA_LINT_SARIF_FILE (`sarif`). It exits 0 once the
# check has run and leaves the checker's status in the step output `exit-code`, so the
# SARIF is uploaded before a later step fails the job on it.
set -uo pipefail
: "${GITHUB_OUTPUT:?}"

read -r -a paths <<<"${REDIS_LUA_LINT_PATHS:-.}"
read -r -a args <<<"${REDIS_LUA_LINT_ARGS:-}"
[ ${#paths[@]} -gt 0 ] || paths=(.)
format="${REDIS_LUA_LINT_FORMAT:-github}"
case "$format" in
github)
    # `${args[@]+...}`: an empty array is an unbound variable to bash 3.2 (macOS)
    redis-lua-lint --format github ${args[@]+"${args[@]}"} -- "${paths[@]}"
    status=$?
    ;;
sarif)
    sarif="${REDIS_LUA_LINT_SARIF_FILE:-redis-lua-lint.sarif}"
    redis-lua-lint --format sarif ${args[@]+"${args[@]}"} -- "${paths[@]}" >"$sarif"
    status=$?
    # nothing to upload when the command line itself was refused
    if [ -s "$sarif" ]; then
        echo "sarif-file=$sarif" >>"$GITHUB_OUTPUT"
    fi
    ;;
*)
    echo "::error title=redis-lua-lint::unknown format \`$format\`: write \`github\` or \`sarif\`"
    status=2
    ;;
esac
echo "exit-code=$status" >>"$GITHUB_OUTPUT"
