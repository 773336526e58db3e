#!/usr/bin/env bash
# Make the Pulumi CLI, the Python language host and the two helper scripts available.
#
#   scripts/get-pulumi.sh            prints the directory that holds `pulumi` (last line of stdout)
#   scripts/get-pulumi.sh --no-build the same when one is on PATH or cached; else exits 3 at once
#
# 1. A `pulumi` already on PATH, with the Python language host (and pulumi-language-python-exec beside
#    that) and the dynamic provider plugin beside it or on PATH, is used where it is (its folder may
#    have any name: that folder is printed).
# 2. Otherwise the CLI and the language host are built from their Go modules with the machine's `go`
#    (see ../shared/reference/pulumi-engine.md, sections 1-2), pinned to one version, into a cache
#    outside the repository: ${PULUMI_TI_CACHE:-$HOME/.cache/pulumi-twilio-intelligence}/pulumi-<ver>/bin.
#    The language host (`pulumi-language-python`) comes from its Go module where the module proxy
#    serves it, else from Pulumi's source in $PULUMI_LANGUAGE_HOST_SRC (default:
#    ../shared/vendor/pulumi-language-python beside the repository). That source is built in the
#    cache, never copied into the repository.
#    A cached build is reused; a cached CLI without a language host gets one added, without a rebuild.
# Progress goes to stderr: a cold build takes many minutes on 2 cores.
set -euo pipefail

NO_BUILD=0
case "${1:-}" in
    --no-build) NO_BUILD=1 ;;
    "") ;;
    *) printf 'usage: %s [--no-build]\n' "$0" >&2; exit 2 ;;
esac

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PULUMI_VERSION="${PULUMI_VERSION:-3.259.0}"
# The language host module has no version tag; this is the commit of the pkg/v3.259.0 tag.
LANGUAGE_HOST_COMMIT="${PULUMI_LANGUAGE_HOST_COMMIT:-a05d88f24d05726fa3beae771bfdedb0c0c6a94a}"
LANGUAGE_HOST_SRC="${PULUMI_LANGUAGE_HOST_SRC:-$HERE/../../shared/vendor/pulumi-language-python}"
CACHE="${PULUMI_TI_CACHE:-$HOME/.cache/pulumi-twilio-intelligence}"
ROOT="$CACHE/pulumi-$PULUMI_VERSION"
BIN="$ROOT/bin"
LDFLAGS="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"

log() { printf '[get-pulumi] %s\n' "$*" >&2; }

# where the program $2 is found: beside pulumi in $1, else on PATH (symlinks resolved; empty if nowhere)
find_beside() {
    if [ -x "$1/$2" ]; then readlink -f "$1/$2"; elif command -v "$2" >/dev/null 2>&1; then readlink -f "$(command -v "$2")"; fi
}

if [ "${PULUMI_TI_FORCE_BUILD:-}" != "1" ] && command -v pulumi >/dev/null 2>&1; then
    dir=$(dirname "$(readlink -f "$(command -v pulumi)")")
    host=$(find_beside "$dir" pulumi-language-python)
    # the language host runs Python programs through the -exec script beside its own executable
    if [ -n "$(find_beside "$dir" pulumi-resource-pulumi-python)" ] && [ -n "$host" ] &&
        [ -x "$(dirname "$host")/pulumi-language-python-exec" ]; then
        log "using pulumi on PATH: $dir/pulumi ($("$dir/pulumi" version 2>/dev/null || echo unknown))"
        echo "$dir"
        exit 0
    fi
    log "pulumi on PATH ($dir) lacks the Python language host (with pulumi-language-python-exec beside it)"
    log "  or the dynamic provider plugin pulumi-resource-pulumi-python; using the cache"
fi

cli_ok() {
    [ -x "$BIN/pulumi" ] && [ -x "$BIN/pulumi-resource-pulumi-python" ] &&
    [ "$("$BIN/pulumi" version 2>/dev/null)" = "v$PULUMI_VERSION" ]
}
host_ok() { [ -x "$BIN/pulumi-language-python" ] && [ -x "$BIN/pulumi-language-python-exec" ]; }

if cli_ok && host_ok; then
    log "using cached Pulumi v$PULUMI_VERSION in $BIN"
    echo "$BIN"
    exit 0
fi

if [ "$NO_BUILD" = 1 ]; then
    log "no pulumi on PATH and no complete cached Pulumi v$PULUMI_VERSION in $BIN (--no-build: not building it)"
    if cli_ok; then log "  the cached CLI lacks the Python language host: scripts/get-pulumi.sh adds it (about a minute)"; fi
    exit 3
fi

command -v go >/dev/null 2>&1 || { log "error: no pulumi on PATH and no go toolchain to build it"; exit 1; }

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
WRAP="$ROOT/wrapper"
mkdir -p "$WRAP" "$BIN"
# one build at a time per cache: a second caller waits, then finds the first one's result
if command -v flock >/dev/null 2>&1; then
    exec 9>"$ROOT/.build.lock"
    flock -n 9 || { log "another build is running in $ROOT: waiting for it"; flock 9; }
    if cli_ok && host_ok; then
        log "using cached Pulumi v$PULUMI_VERSION in $BIN (built meanwhile)"
        echo "$BIN"
        exit 0
    fi
fi
cd "$WRAP"
if [ ! -f .resolved ]; then
    log "building Pulumi v$PULUMI_VERSION from its Go modules with $(go version) (a cold build takes 10-30 minutes)"
    cat > go.mod <<MOD
module pulumi-build

go 1.25.11

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
    log "resolving modules (step 1/3: the CLI)"
    go get -tool "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$PULUMI_VERSION" >&2
    log "resolving modules (step 2/3: the SDK)"
    go get "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" >&2
    log "resolving modules (step 3/3: go mod tidy)"
    go mod tidy >&2
    touch .resolved
else
    log "reusing resolved modules in $WRAP"
fi

if ! cli_ok; then
    log "compiling the CLI (a cold compile takes 5-25 minutes; the link needs a few GB of memory)"
    go build -trimpath -tags osusergo,grpcnotrace -ldflags "$LDFLAGS" -o "$BIN/" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
    SDK=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
    install -m 0755 "$SDK/python/dist/pulumi-resource-pulumi-python" "$BIN/"
    cli_ok || { log "error: the build finished but $BIN/pulumi does not report v$PULUMI_VERSION"; exit 1; }
fi

if ! host_ok; then
    HOST_MODULE=github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3
    log "building the Python language host (pulumi-language-python)"
    if go get -tool "$HOST_MODULE@$LANGUAGE_HOST_COMMIT" >/dev/null 2>&1; then
        log "  from its Go module $HOST_MODULE@${LANGUAGE_HOST_COMMIT:0:12}"
        target="$HOST_MODULE"
    else
        [ -f "$LANGUAGE_HOST_SRC/main.go" ] || {
            log "error: the module $HOST_MODULE cannot be fetched here, and no source is at"
            log "  $LANGUAGE_HOST_SRC (set PULUMI_LANGUAGE_HOST_SRC to Pulumi's sdk/python/cmd/pulumi-language-python)"
            exit 1
        }
        log "  its module cannot be fetched here: from the source in $(cd "$LANGUAGE_HOST_SRC" && pwd)"
        mkdir -p cmd/pulumi-language-python
        cp "$LANGUAGE_HOST_SRC/main.go" cmd/pulumi-language-python/main.go
        go mod tidy >&2
        target=./cmd/pulumi-language-python
    fi
    go build -trimpath -tags osusergo,grpcnotrace -ldflags "$LDFLAGS" -o "$BIN/" "$target" >&2
    SDK=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
    install -m 0755 "$SDK/python/cmd/pulumi-language-python-exec" "$BIN/"
    host_ok || { log "error: the language host build finished but $BIN/pulumi-language-python is missing"; exit 1; }
fi

log "Pulumi $("$BIN/pulumi" version) with the Python language host in $BIN"
echo "$BIN"
