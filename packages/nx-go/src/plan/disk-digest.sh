# Nx runs this at hash time, from the workspace root, as the runtime input that digests what go build reads and
# Nx cannot see (see disk-inputs.ts, which builds the command line, and the README's "Files git does not track").
# Usage: sh disk-digest.sh <root> [-m <module root>]... [-o <outside module>]... [-s <source glob>]...
#                               [-x <exclude glob under root>]... [-X <exclude glob from the workspace root>]...
#                               [-f <flag file>]... [-V] [-T]
# -V: vendor/ is an output (go mod vendor), not an input. -T: only what go test and go vet read beyond a
# build, the project's own _test.go files and testdata/ (disk-inputs.ts passes no -m, -o, -s or -f then,
# and -x only for build jobs' outputs). NX_GO_DIGEST_SPECS=1 prints the git pathspecs and stops.
# The pathspecs must stay those of ignoredFileSpecs() in disk-inputs.ts; disk-inputs.spec.ts compares the two.
set -f
nl='
'
# Every list below is newline-separated, so an argument that holds a newline would be misread: refused.
for a in "$@"; do
  case $a in *"$nl"*) printf 'disk-digest.sh: the path or glob "%s" holds a newline, which the digest cannot name; rename it\n' "$a" >&2; exit 2 ;; esac
done
root=$1
shift
mods=
outs=
srcs=
excl=
wexcl=
files=
vendor=glob
tests=no
while [ $# -gt 0 ]; do
  case $1 in
    -m) mods="$mods$2$nl" ;;
    -o) outs="$outs$2$nl" ;;
    -s) srcs="$srcs$2$nl" ;;
    -x) excl="$excl$2$nl" ;;
    -X) wexcl="$wexcl$2$nl" ;;
    -f) files="$files$2$nl" ;;
    -V) vendor=exclude,glob; shift; continue ;;
    -T) tests=yes; shift; continue ;;
    *) echo "disk-digest.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift 2
done

# E=$1 with git's glob characters escaped; only a name that has one pays for sed.
gesc() { case $1 in *[][*?\\]*) E=$(printf '%s' "$1" | sed 's/[][*?\\]/\\&/g') ;; *) E=$1 ;; esac; }

# Modules a go.work `use`s are compiled like replaced ones, so their ignored files count too: the
# go.work Go uses is GOWORK's, else the nearest one from the project root up. Inside the workspace
# such a module joins the module roots; outside it, the listed modules (by the path as written).
work=
# (A -T digest lists the project's own tests only: other modules' tests never run for it.)
[ $tests = yes ] ||
case ${GOWORK-} in
  off) ;;
  '')
    d=$root
    while :; do
      if [ -f "$d/go.work" ]; then work=$d/go.work; break; fi
      case $d in . | '') break ;; */*) d=${d%/*} ;; *) d=. ;; esac
    done
    ;;
  *"$nl"*) printf 'disk-digest.sh: GOWORK "%s" holds a newline, which the digest cannot name\n' "$GOWORK" >&2; exit 2 ;;
  *) work=$GOWORK ;;
esac
if [ -n "$work" ] && [ -f "$work" ]; then
  top=$(pwd -P)
  wdir=$(dirname -- "$work")
  IFS=$nl
  for u in $(sed -e 's,//.*,,' -- "$work" | awk '
      /^[ \t]*use[ \t]*\([ \t]*$/ { block = 1; next }
      block && /^[ \t]*\)/ { block = 0; next }
      block { print; next }
      /^[ \t]*use[ \t]+/ { sub(/^[ \t]*use[ \t]+/, ""); print }' | sed -e 's/^[ \t]*//' -e 's/[ \t]*$//' -e 's/^"\(.*\)"$/\1/' -e 's/^`\(.*\)`$/\1/'); do
    case $u in /*) dir=$u ;; *) dir=$wdir/$u ;; esac
    abs=$(cd -- "$dir" 2>/dev/null && pwd -P) || continue
    case $abs in *"$nl"*) printf 'disk-digest.sh: %s uses "%s", whose path holds a newline, which the digest cannot name; rename it\n' "$work" "$abs" >&2; exit 2 ;; esac
    case $abs/ in
      "$top"/) rel=. ;;
      "$top"/*) rel=${abs#"$top"/} ;;
      *) outs="$outs$dir$nl"; continue ;;
    esac
    mods="$mods$rel$nl"
    # A module nested in the scope is left out of it (-X) unless go.work uses it, as here.
    keep=
    gesc "$rel"
    for e in $wexcl; do [ "$e" = "$E/**" ] || keep="$keep$e$nl"; done
    wexcl=$keep
  done
  unset IFS
fi
IFS=$nl
# P=the directory prefix of $1 ('' for the workspace root), for literal pathspecs; G=the same with git's
# glob characters escaped (gesc), for glob pathspecs. A function, not $(…), since each $(…) forks.
pfx() { case $1 in . | '') P= ;; *) P=$1/ ;; esac; gesc "$P"; G=$E; }
pfx "$root"
proot=$G

# The pathspecs, one per line in $specs (no argument holds a newline, see above): appending to a string
# is linear, appending to "$@" copies the list every time.
specs=
add() { specs="$specs$1$nl"; }
if [ $tests = yes ]; then
  # What go test and go vet read beyond a build: the project's own tests and testdata/ (the module's
  # other files are in the build digest, which go-test-context holds too).
  add ":(glob)$proot**/*_test.go"
  add ":(glob)$proot**/testdata/**"
else
  for r in $root $mods; do
    pfx "$r"
    for g in '*.go' '*.[chmsSfF]' '*.[ch][ch]' '*.[ch]pp' '*.[ch]xx' '*.sx' '*.for' '*.f90' '*.swig' '*.swigcxx' '*.syso' 'default.pgo'; do
      add ":(glob)$G**/$g"
    done
  done
  for r in $root $mods; do pfx "$r"; add ":($vendor)${G}vendor/**"; done
  for s in $srcs; do add ":(glob)$proot$s"; done
  for r in $root $mods; do pfx "$r"; add ":(literal)${P}go.mod"; add ":(literal)${P}go.sum"; done
  add ':(literal)go.work'
  add ':(literal)go.work.sum'
  dir=$root
  while [ "$dir" != . ] && [ -n "$dir" ]; do
    add ":(literal)$dir/go.work"
    add ":(literal)$dir/go.work.sum"
    case $dir in */*) dir=${dir%/*} ;; *) dir=. ;; esac
  done
  for f in $files; do add ":(literal)$f"; done
fi
testdata=$tests
for s in $srcs; do case /$s/ in */testdata/*) testdata=yes ;; esac; done
excludes() {
  set -- ":(exclude,glob)${proot}bin/**" ":(exclude,glob)${proot}dist/**" ":(exclude,glob)${proot}.jobs/**"
  [ $tests = yes ] || set -- "$@" ':(exclude,glob)**/*_test.go'
  set -- "$@" ':(exclude,glob)**/node_modules/**' ':(exclude,glob)**/.nx/**'
  [ $testdata = yes ] || set -- "$@" ':(exclude,glob)**/testdata/**'
  for e in $excl; do set -- "$@" ":(exclude,glob)$proot$e"; done
  for e in $wexcl; do set -- "$@" ":(exclude,glob)$e"; done
  printf '%s\n' "$@"
}
if [ -n "${NX_GO_DIGEST_SPECS-}" ]; then printf '%s' "$specs"; excludes; exit 0; fi

# Speed, with the same result. Any exclude pathspec stops git from pruning directories that no pathspec
# can match, so it would walk all of node_modules once per project. Git is asked twice instead: with
# the positive pathspecs only (pruned, and empty in most projects), and only when that finds something,
# with the excludes too. A glob from the workspace root (**/…) is split per top-level directory, leaving
# out node_modules and .nx, whose files every digest excludes anyway, and .git, which git never lists.
# A top-level directory whose name holds a newline cannot be a line of $out: its pathspecs wait in
# late_1, late_2, … and join the arguments after the split (found by review).
out=
nlate=0
for s in $specs; do
  case $s in
    ':(glob)**/'*)
      rest=${s#':(glob)**/'}
      out="$out:(glob)$rest$nl"
      set +f
      for d in */ .*/; do
        # No match leaves the pattern itself, which -d rejects (unless such a directory exists, and matched).
        [ -d "$d" ] || continue
        case $d in ./ | ../ | node_modules/ | .nx/ | .git/) continue ;; esac
        # The name is part of a glob pathspec: escape what git would read as pattern characters.
        case $d in *[][*?\\]*) d=$(printf '%s' "$d" | sed 's/[][*?\\]/\\&/g') ;; esac
        case $d in
          *"$nl"*) nlate=$((nlate + 1)); eval "late_$nlate=\":(glob)\$d**/\$rest\"" ;;
          *) out="$out:(glob)$d**/$rest$nl" ;;
        esac
      done
      set -f
      ;;
    *) out="$out$s$nl" ;;
  esac
done
# One split, with globbing off (set -f): the pathspecs become the arguments.
set -- $out
unset IFS
i=1
while [ $i -le $nlate ]; do eval "set -- \"\$@\" \"\$late_$i\""; i=$((i + 1)); done

# Names, then git blob hashes: a changed, added or removed file changes the output.
h() { f=$(cat); printf '%s\n' "$f"; [ -z "$f" ] || printf '%s\n' "$f" | git hash-object --no-filters --stdin-paths; }
f=$(git ls-files --others --ignored --exclude-standard -- "$@" 2>/dev/null) || f=nx-go:not-a-git-work-tree
if [ -n "$f" ] && [ "$f" != nx-go:not-a-git-work-tree ]; then
  IFS=$nl
  for e in $(excludes); do set -- "$@" "$e"; done
  unset IFS
  f=$(git ls-files --others --ignored --exclude-standard -- "$@" 2>/dev/null) || f=nx-go:not-a-git-work-tree
fi
case $f in nx-go:not-a-git-work-tree) echo "$f" ;; '') echo ;; *) printf '%s\n' "$f" | h ;; esac
[ $tests = no ] || exit 0
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
