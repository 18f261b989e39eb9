#!/usr/bin/env bash
# Records the small traces of this folder again (see README.md): builds tools/trace/mtrace_shim.c,
# generates the inputs, runs each program once under the shim and gzips its trace here.
# Needs glibc >= 2.34 (libc_malloc_debug.so), gcc, python3.11, mawk and git; Debian 12 was used.
# Usage: bash traces/record.sh [NAME...]   (default: every trace)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

debug_lib="$(ls /usr/lib/*-linux-gnu/libc_malloc_debug.so.0 2>/dev/null | head -1)"
[ -n "$debug_lib" ] || { echo "record.sh: no libc_malloc_debug.so.0 (glibc >= 2.34 needed)" >&2; exit 1; }
gcc -shared -fPIC -O2 -o "$work/mtrace_shim.so" "$repo/tools/trace/mtrace_shim.c"

# record NAME COMMAND...: one process traced, its standard output thrown away
record() {
  local name="$1"; shift
  LD_PRELOAD="$debug_lib:$work/mtrace_shim.so" MALLOC_TRACE="$work/$name.mtrace" "$@" > /dev/null
  gzip -9 -n -c "$work/$name.mtrace" > "$here/$name.mtrace.gz"
  echo "$name: $(wc -l < "$work/$name.mtrace") lines, $(stat -c %s "$here/$name.mtrace.gz") bytes gzipped"
}

# text for mawk: 1,500 lines of words drawn from 400 made-up words, Zipf-like, by a fixed-seed
# Park-Miller generator (no rand(): its sequence differs between awks)
make_text() {
  mawk 'BEGIN {
    split("ka lo mi ne ru sa ti vo pe da", syl, " "); seed = 42
    for (w = 1; w <= 400; w++) { s = ""; n = 2 + w % 3; x = w; for (k = 0; k < n; k++) { s = s syl[x % 10 + 1]; x = int(x / 10) + k + w } vocab[w] = s }
    for (line = 0; line < 1500; line++) {
      out = ""
      for (i = 0; i < 12; i++) { seed = (seed * 16807) % 2147483647; r = seed / 2147483647; out = out (i ? " " : "") vocab[int(400 * r * r * r) + 1] }
      print out
    }
  }' > "$work/words.txt"
}

want() { [ "${#selected[@]}" -eq 0 ] || [[ " ${selected[*]} " == *" $1 "* ]]; }
selected=("$@")

if want cc1-harness; then
  # what `gcc -O0 -c tools/native/harness.c` runs as its compiler proper (gcc -### shows the line);
  # the driver itself is not traced: it starts cc1 and as, which would write over the same file
  record cc1-harness "$(gcc -print-prog-name=cc1)" -quiet -imultiarch x86_64-linux-gnu -O0 \
    "$repo/tools/native/harness.c" -o "$work/harness.s"
fi
if want python-json; then
  # every Python object through malloc (PYTHONMALLOC=malloc), hashing fixed (PYTHONHASHSEED=0)
  PYTHONMALLOC=malloc PYTHONHASHSEED=0 record python-json /usr/bin/python3.11 -s -S -c '
import json
rows = [{"id": i, "name": "user%d" % i, "tags": ["t%d" % (i % 7), "g%d" % (i % 11)], "score": (i * 37) % 101} for i in range(200)]
text = json.dumps(rows)
back = json.loads(text)
groups = {}
for row in back:
    groups.setdefault(row["score"] % 10, []).append(row["name"])
print(len(text), sorted((k, len(v)) for k, v in groups.items()))'
fi
if want mawk-concat; then
  make_text
  # mawk keeps small strings in its own pools: what reaches malloc are the strings that grow
  record mawk-concat mawk '{ for (i = 1; i <= NF; i++) { k = substr($i, 1, 3); g[k] = g[k] " " $i } } END { for (k in g) n += length(g[k]); print n }' "$work/words.txt"
fi
if want git-log; then
  # 60 commits with their diffstats, from the commit the shipped trace was recorded at (HEAD where that
  # commit is not in the history)
  commit="${GIT_LOG_COMMIT:-dffbe01}"
  git -C "$repo" cat-file -e "$commit^{commit}" 2>/dev/null || commit=HEAD
  record git-log git -C "$repo" log --stat -n 60 "$commit"
fi
