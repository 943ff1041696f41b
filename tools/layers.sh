#!/usr/bin/env bash
# Checks that the modules' includes point one way (DESIGN.md, "Shape"):
#   util <- jobs, text <- ml <- store <- triage, search, insight <- desk
#   <- assist <- api, mail <- http <- demo <- cli <- main
# A module may include only modules of a lower layer, and only through their
# one public header (../NAME/NAME.h): never another module's *_int.h or a
# second header. Prints each offending include as FILE:LINE and exits 1 if
# there is one; prints the module table otherwise.
set -u
cd "$(dirname "$0")/.."
declare -A rank=([util]=0 [jobs]=1 [text]=1 [ml]=2 [store]=3 [triage]=4 [search]=4
                 [insight]=4 [desk]=5 [assist]=6 [api]=7 [mail]=7 [http]=8 [demo]=9
                 [cli]=10 [main]=11)
bad=0
declare -A uses
check() { # file module
  local f=$1 m=$2 line inc dep hdr
  while IFS=: read -r line inc; do
    inc=${inc#*\"}; inc=${inc%\"*}
    case "$inc" in
      ../*/*|../src/*/*|*/*) ;;
      *) continue ;;                     # a header of the module itself
    esac
    hdr=${inc##*/}
    dep=${inc%/*}; dep=${dep##*/}
    [ "$dep" = "$m" ] && continue
    if [ -z "${rank[$dep]+x}" ]; then
      echo "$f:$line: includes '$inc' from no known module"; bad=1; continue
    fi
    if [ "${rank[$dep]}" -ge "${rank[$m]}" ]; then
      echo "$f:$line: $m (layer ${rank[$m]}) includes $dep (layer ${rank[$dep]}): dependencies must point down"; bad=1
    fi
    if [ "$hdr" != "$dep.h" ]; then
      echo "$f:$line: $m reaches into $dep's '$hdr'; include only $dep/$dep.h"; bad=1
    fi
    uses[$m]="${uses[$m]:-} $dep"
  done < <(grep -n '^#include "' "$f")
}
for f in src/*/*.[ch] demo/*.[ch] src/main.c; do
  case "$f" in
    src/main.c) m=main ;;
    demo/*) m=demo ;;
    *) m=${f#src/}; m=${m%%/*} ;;
  esac
  if [ -z "${rank[$m]+x}" ]; then echo "$f: module '$m' has no layer in tools/layers.sh"; bad=1; continue; fi
  check "$f" "$m"
done
if [ "$bad" -ne 0 ]; then exit 1; fi
for m in $(for k in "${!rank[@]}"; do echo "${rank[$k]} $k"; done | sort -n | cut -d' ' -f2); do
  [ -d "src/$m" ] || [ "$m" = main ] || [ "$m" = demo ] || continue
  printf 'layers: %-8s -> %s\n' "$m" "$(echo ${uses[$m]:-} | tr ' ' '\n' | sort -u | tr '\n' ' ')"
done
