# Nx runs this at hash time, from the workspace root, as the runtime input that digests what go build reads and
# Nx cannot see (see disk-inputs.ts, which builds the command line, and the README's "Files git does not track").
# Usage: sh disk-digest.sh <root> [-m <module root>]... [-o <outside module>]... [-s <source glob>]...
#                               [-x <exclude glob under root>]... [-X <exclude glob from the workspace root>]...
#                               [-f <flag file>]... [-V]
# -V: vendor/ is an output (go mod vendor), not an input. NX_GO_DIGEST_SPECS=1 prints the git pathspecs and stops.
# The pathspecs must stay those of ignoredFileSpecs() in disk-inputs.ts; disk-inputs.spec.ts compares the two.
set -f
root=$1
shift
nl='
'
mods=
outs=
srcs=
excl=
wexcl=
files=
vendor=glob
while [ $# -gt 0 ]; do
  case $1 in
    -m) mods="$mods$2$nl" ;;
    -o) outs="$outs$2$nl" ;;
    -s) srcs="$srcs$2$nl" ;;
    -x) excl="$excl$2$nl" ;;
    -X) wexcl="$wexcl$2$nl" ;;
    -f) files="$files$2$nl" ;;
    -V) vendor=exclude,glob; shift; continue ;;
    *) echo "disk-digest.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift 2
done
IFS=$nl
p() { case $1 in . | '') ;; *) printf '%s/' "$1" ;; esac; }
proot=$(p "$root")

set --
for r in $root $mods; do
  pr=$(p "$r")
  for g in '*.go' '*.[chmsSfF]' '*.[ch][ch]' '*.[ch]pp' '*.[ch]xx' '*.sx' '*.for' '*.f90' '*.swig' '*.swigcxx' '*.syso' 'default.pgo'; do
    set -- "$@" ":(glob)$pr**/$g"
  done
done
for r in $root $mods; do set -- "$@" ":($vendor)$(p "$r")vendor/**"; done
for s in $srcs; do set -- "$@" ":(glob)$proot$s"; done
for r in $root $mods; do set -- "$@" ":(literal)$(p "$r")go.mod" ":(literal)$(p "$r")go.sum"; done
set -- "$@" ':(literal)go.work' ':(literal)go.work.sum'
dir=$root
while [ "$dir" != . ] && [ -n "$dir" ]; do
  set -- "$@" ":(literal)$dir/go.work" ":(literal)$dir/go.work.sum"
  case $dir in */*) dir=${dir%/*} ;; *) dir=. ;; esac
done
for f in $files; do set -- "$@" ":(literal)$f"; done
set -- "$@" ":(exclude,glob)${proot}bin/**" ":(exclude,glob)${proot}dist/**" ":(exclude,glob)${proot}.jobs/**" ':(exclude,glob)**/*_test.go' ':(exclude,glob)**/node_modules/**' ':(exclude,glob)**/.nx/**'
testdata=no
for s in $srcs; do case /$s/ in */testdata/*) testdata=yes ;; esac; done
[ $testdata = yes ] || set -- "$@" ':(exclude,glob)**/testdata/**'
for e in $excl; do set -- "$@" ":(exclude,glob)$proot$e"; done
for e in $wexcl; do set -- "$@" ":(exclude,glob)$e"; done
if [ -n "${NX_GO_DIGEST_SPECS-}" ]; then printf '%s\n' "$@"; exit 0; fi
unset IFS

# Names, then git blob hashes: a changed, added or removed file changes the output.
h() { f=$(cat); printf '%s\n' "$f"; [ -z "$f" ] || printf '%s\n' "$f" | git hash-object --no-filters --stdin-paths; }
f=$(git ls-files --others --ignored --exclude-standard -- "$@" 2>/dev/null) || f=nx-go:not-a-git-work-tree
case $f in nx-go:not-a-git-work-tree) echo "$f" ;; *) printf '%s\n' "$f" | h ;; esac
IFS=$nl
for d in $outs; do
  echo "module $d"
  (cd "$d" && find . -type f \( -name '*.go' -o -name '*.[chmsSfF]' -o -name '*.[ch][ch]' -o -name '*.[ch]pp' -o -name '*.[ch]xx' -o -name '*.sx' \
    -o -name '*.for' -o -name '*.f90' -o -name '*.swig' -o -name '*.swigcxx' -o -name '*.syso' -o -name 'default.pgo' \
    -o -name 'go.mod' -o -name 'go.sum' -o -name 'go.work' -o -name 'go.work.sum' \) ! -name '*_test.go' ! -path '*/testdata/*' | LC_ALL=C sort | h) || echo missing
done
unset IFS
case ${GOWORK-} in '' | off) ;; *) cat -- "$GOWORK" "$GOWORK.sum" 2>/dev/null ;; esac
echo "GOWORK=${GOWORK-}"
