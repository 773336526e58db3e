#!/usr/bin/env bash
# Make the Pulumi CLI, the Python language host and the two helper scripts available.
#
#   scripts/get-pulumi.sh            prints the directory that holds `pulumi` (last line of stdout)
#   scripts/get-pulumi.sh --no-build the same when one is on PATH or cached; else exits 3 at once
#
# 1. A `pulumi` already on PATH (with pulumi-language-python and pulumi-resource-pulumi-python beside it
#    or on PATH) is used as it is.
# 2. Otherwise the CLI and the language host are built from their Go modules with the machine's `go`
#    (see ../shared/reference/pulumi-engine.md, sections 1-2), pinned to one version, into a cache
#    outside the repository: ${PULUMI_TI_CACHE:-$HOME/.cache/pulumi-twilio-intelligence}/pulumi-<ver>/bin.
#    A cached build of the wanted version is reused; nothing is rebuilt.
# Progress goes to stderr: a cold build takes many minutes on 2 cores.
set -euo pipefail

NO_BUILD=0
case "${1:-}" in
    --no-build) NO_BUILD=1 ;;
    "") ;;
    *) printf 'usage: %s [--no-build]\n' "$0" >&2; exit 2 ;;
esac

PULUMI_VERSION="${PULUMI_VERSION:-3.259.0}"
# The language host module has no version tag; this is the commit of the pkg/v3.259.0 tag.
LANGUAGE_HOST_COMMIT="${PULUMI_LANGUAGE_HOST_COMMIT:-a05d88f24d05726fa3beae771bfdedb0c0c6a94a}"
CACHE="${PULUMI_TI_CACHE:-$HOME/.cache/pulumi-twilio-intelligence}"
ROOT="$CACHE/pulumi-$PULUMI_VERSION"
BIN="$ROOT/bin"

log() { printf '[get-pulumi] %s\n' "$*" >&2; }

if [ "${PULUMI_TI_FORCE_BUILD:-}" != "1" ] && command -v pulumi >/dev/null 2>&1; then
    dir=$(dirname "$(command -v pulumi)")
    if [ -x "$dir/pulumi-resource-pulumi-python" ] || command -v pulumi-resource-pulumi-python >/dev/null; then
        log "using pulumi on PATH: $dir/pulumi ($(pulumi version 2>/dev/null || echo unknown))"
        echo "$dir"
        exit 0
    fi
    log "pulumi on PATH lacks the Python dynamic provider plugin; building $PULUMI_VERSION"
fi

complete() {
    [ -x "$BIN/pulumi" ] && [ -x "$BIN/pulumi-resource-pulumi-python" ] &&
    [ "$("$BIN/pulumi" version 2>/dev/null)" = "v$PULUMI_VERSION" ]
}

if complete; then
    log "using cached Pulumi v$PULUMI_VERSION in $BIN"
    echo "$BIN"
    exit 0
fi

if [ "$NO_BUILD" = 1 ]; then
    log "no pulumi on PATH and no cached Pulumi v$PULUMI_VERSION in $BIN (--no-build: not building it)"
    exit 3
fi

command -v go >/dev/null 2>&1 || { log "error: no pulumi on PATH and no go toolchain to build it"; exit 1; }

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
WRAP="$ROOT/wrapper"
mkdir -p "$WRAP" "$BIN"
cd "$WRAP"
if [ ! -f .resolved ]; then
    log "building Pulumi v$PULUMI_VERSION from its Go modules with $(go version) (a cold build takes 10-30 minutes)"
    cat > go.mod <<MOD
module pulumi-build

go 1.25.11

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
    log "resolving modules (step 1/4: the CLI)"
    go get -tool "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$PULUMI_VERSION" >&2
    log "resolving modules (step 2/4: the SDK)"
    go get "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" >&2
    log "resolving modules (step 3/4: the Python language host)"
    if ! go get -tool "github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3@$LANGUAGE_HOST_COMMIT" >&2; then
        log "the Python language host module cannot be fetched here; building the CLI alone"
        log "(programs then run as Automation API inline programs, which need no language host)"
    fi
    log "resolving modules (step 4/4: go mod tidy)"
    go mod tidy >&2
    touch .resolved
else
    log "reusing resolved modules in $WRAP"
fi

targets=(github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
if grep -q "pulumi-language-python" go.mod; then
    targets+=(github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3)
fi
log "compiling ${targets[*]##*/} (a cold compile takes 10-25 minutes; the link needs a few GB of memory)"
go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$BIN/" "${targets[@]}" >&2

SDK=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
if [ -x "$BIN/pulumi-language-python" ]; then install -m 0755 "$SDK/python/cmd/pulumi-language-python-exec" "$BIN/"; fi
install -m 0755 "$SDK/python/dist/pulumi-resource-pulumi-python" "$BIN/"

complete || { log "error: the build finished but $BIN/pulumi does not report v$PULUMI_VERSION"; exit 1; }
log "built Pulumi $("$BIN/pulumi" version) in $BIN"
echo "$BIN"
