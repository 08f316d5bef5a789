# Nx runs this at hash time, from the workspace root, as the runtime input for Go's settings: the toolchain
# version and every environment variable that changes what `go build` produces, as `go env` reports them
# (variables, `go env -w` and defaults alike). See goEnvRuntime in inputs.ts, which names the same command.
# Usage: sh go-env.sh [PINNED]... [-- EXTRA...]
# PINNED: variables the job sets itself, so the shell's value does not matter; EXTRA: more variables to ask for.
# The list must stay BINARY_ENV_VARS of build.ts; inputs.spec.ts runs this script and compares the two.
# NX_GO_ENV_VARS=1 prints the variables and stops.
set -f
all='GOOS GOARCH GOAMD64 GOARM GOARM64 GO386 GOMIPS GOMIPS64 GOPPC64 GORISCV64 GOWASM CGO_ENABLED GOFLAGS GOEXPERIMENT GOFIPS140 CC CXX FC AR PKG_CONFIG GCCGO CGO_CFLAGS CGO_CPPFLAGS CGO_CXXFLAGS CGO_FFLAGS CGO_LDFLAGS'
pinned=' '
while [ $# -gt 0 ] && [ "$1" != -- ]; do pinned="$pinned$1 "; shift; done
[ $# -gt 0 ] && shift
vars=
for v in $all; do
  case $pinned in *" $v "*) ;; *) vars="$vars $v" ;; esac
done
vars="$vars${*:+ $*}"
if [ -n "${NX_GO_ENV_VARS-}" ]; then echo $vars; exit 0; fi
# A missing go must reach the executor, which explains how to fix it, rather than fail hashing.
go env GOVERSION $vars || echo go-not-found
