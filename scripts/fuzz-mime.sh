#!/usr/bin/env bash
# Coverage-guided fuzzing of the MIME reader (libFuzzer with address sanitizer), then a release
# replay of everything the fuzzer kept: no crash, no hang, and no input slower than 100 ms in an
# optimised build.
#
#   scripts/fuzz-mime.sh [RUNS]      (fuzzer executions, default 1000000)
#
# Steps:
#   1. builds Sources/MIME with `swiftc -sanitize=fuzzer,address` and links Fuzz/MIMEFuzz (the
#      LLVMFuzzerTestOneInput entry, which reads every value a caller reads); also builds the same
#      reading code with plain `swiftc -O` as Fuzz/MIMEReplay. Neither is a SwiftPM target, so the
#      package build and CI do not compile them.
#   2. seeds a corpus from the fixtures: every file under Tests/Fixtures (the mime and replies
#      corpora, Tests/Fixtures/fuzz, ...) but licences and READMEs, and every .eml under Tests/.
#   3. runs libFuzzer for RUNS executions; crashes, hangs (-timeout), out-of-memory and slow units
#      are written to an artifacts folder of this run.
#   4. replays the final corpus and the seeds with the release build, timing each input.
# Exit status: 0 when the fuzzer found nothing and every input read within the limit; 1 otherwise;
# 2 for a usage or build problem.
#
# Settings (environment): FUZZ_DIR (default .build-fuzz: builds, corpus, artifacts, log; the corpus
# is kept, so a later run goes on from it), MAX_TIME (seconds, stop early; default none),
# TIMEOUT (seconds one input may take under the sanitizer before it counts as a hang, default 10),
# SLOW (seconds under the sanitizer to report a slow unit, default 1), RSS_MB (default 2048),
# MAX_LEN (bytes, default 1048576), LIMIT_MS (release time limit per input, default 100).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

die() {
    echo "fuzz-mime: $1" >&2
    exit 2
}

runs=${1:-1000000}
[[ $runs =~ ^[0-9]+$ && $runs -gt 0 ]] || die "RUNS must be a positive whole number, got '$runs' (usage: scripts/fuzz-mime.sh [RUNS])"
fuzz_dir=${FUZZ_DIR:-.build-fuzz}
max_time=${MAX_TIME:-0}
timeout_s=${TIMEOUT:-10}
slow_s=${SLOW:-1}
rss_mb=${RSS_MB:-2048}
max_len=${MAX_LEN:-1048576}
limit_ms=${LIMIT_MS:-100}

command -v swiftc >/dev/null || die "swiftc is not on PATH; install the Swift toolchain (swift.org) or add its usr/bin to PATH"

# The package's Swift settings (Package.swift, `swiftSettings`): the module must compile exactly as
# SwiftPM compiles it, or an upcoming-feature difference could hide or invent a problem.
swift_flags=(
    -swift-version 6
    -enable-upcoming-feature ExistentialAny
    -enable-upcoming-feature InternalImportsByDefault
    -enable-upcoming-feature MemberImportVisibility
)
mapfile -t mime_sources < <(find Sources/MIME -name '*.swift' | LC_ALL=C sort)
((${#mime_sources[@]} > 0)) || die "no Swift files under Sources/MIME; run this from a Mailgate checkout"

# lld, when the toolchain has it: the system gold linker prints a warning per sanitizer symbol.
linker=()
if command -v ld.lld >/dev/null; then linker=(-use-ld=lld); fi

# build NAME SANITIZE_FLAGS... -- MAIN_SOURCES...: MIME as its own module (so the fuzz code sees only
# its public API, like any caller), then the driver linked against it. Skipped when neither the
# sources nor the flags changed since the last build in FUZZ_DIR.
build() {
    local name=$1
    shift
    local flags=()
    while [[ $1 != -- ]]; do
        flags+=("$1")
        shift
    done
    shift
    local out="$fuzz_dir/build/$name"
    local stamp
    stamp=$({ printf '%s\n' "${swift_flags[@]}" "${flags[@]}" "${linker[@]}" "$@"; cat "${mime_sources[@]}" "$@"; } | sha256sum | cut -d' ' -f1)
    if [[ -x $out/$name && -f $out/stamp && $(cat "$out/stamp") == "$stamp" ]]; then
        echo "== $name: up to date"
        return
    fi
    mkdir -p "$out"
    rm -f "$out/stamp"
    echo "== building $name (${flags[*]})"
    swiftc "${swift_flags[@]}" "${flags[@]}" -module-name MIME -parse-as-library -wmo \
        -emit-module -emit-module-path "$out/MIME.swiftmodule" -emit-object -o "$out/MIME.o" "${mime_sources[@]}" \
        || die "Sources/MIME did not compile with ${flags[*]} (see above); if another change to Sources/MIME is half done, try again when it builds"
    swiftc "${swift_flags[@]}" "${flags[@]}" "${linker[@]}" -module-name "${name//-/_}" -I "$out" "$@" "$out/MIME.o" -o "$out/$name" \
        || die "could not link $name (see above); -sanitize=fuzzer needs a Linux swift.org toolchain with libFuzzer"
    echo "$stamp" >"$out/stamp"
}

build mime-fuzz -O -sanitize=fuzzer,address -parse-as-library -- Fuzz/MIMEFuzz/*.swift
build mime-replay -O -- Fuzz/MIMEReplay/main.swift Fuzz/MIMEFuzz/ReadEverything.swift
fuzzer=$fuzz_dir/build/mime-fuzz/mime-fuzz
replay=$fuzz_dir/build/mime-replay/mime-replay

# Seeds are copied anew each run (flat names, so fixtures with the same file name do not collide);
# the corpus folder is kept and only grows, so a later run goes on where this one stopped.
corpus=$fuzz_dir/corpus
seeds=$fuzz_dir/seeds
rm -rf "$seeds"
mkdir -p "$corpus" "$seeds"
while IFS= read -r -d '' file; do
    relative=${file#Tests/}
    cp "$file" "$seeds/${relative//\//_}"
done < <(find Tests -type f \( -path 'Tests/Fixtures/*' -o -name '*.eml' \) \
    ! -name 'LICENSE*' ! -name 'NOTICE*' ! -name 'README*' -print0 | sort -z)
seed_count=$(find "$seeds" -type f | wc -l)
((seed_count > 0)) || die "no seed messages found under Tests/Fixtures; run this from a full Mailgate checkout"

# Each run's artifacts in their own folder, so a crash of an earlier run is never mistaken for this one's.
artifacts=$fuzz_dir/artifacts/$(date +%Y%m%d-%H%M%S)
mkdir -p "$artifacts"
log=$fuzz_dir/fuzz.log

fuzz_args=(
    -runs="$runs"
    -timeout="$timeout_s"
    -rss_limit_mb="$rss_mb"
    -max_len="$max_len"
    -report_slow_units="$slow_s"
    -dict=Fuzz/MIMEFuzz/mime.dict
    -artifact_prefix="$artifacts/"
    -print_final_stats=1
)
if ((max_time > 0)); then fuzz_args+=(-max_total_time="$max_time"); fi

echo "== fuzzing: $runs runs, $seed_count seeds, corpus $corpus ($(find "$corpus" -type f | wc -l) inputs), log $log"
set +e
# Progress lines only on the terminal; everything (including a crash's stack trace) in the log.
"$fuzzer" "${fuzz_args[@]}" "$corpus" "$seeds" 2>&1 | tee "$log" \
    | grep --line-buffered -E 'INITED|pulse|DONE|Slowest unit|ERROR|WARNING|SUMMARY|Fatal error|Test unit written|==[0-9]+=='
fuzz_status=${PIPESTATUS[0]}
set -e

final_stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
executions=$(final_stat number_of_executed_units)
exec_per_sec=$(final_stat average_exec_per_sec)
peak_rss=$(final_stat peak_rss_mb)
mapfile -t findings < <(find "$artifacts" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | sort)
mapfile -t slow_units < <(find "$artifacts" -type f -name 'slow-unit-*' | sort)

if ((fuzz_status != 0 || ${#findings[@]} > 0)); then
    echo "== the fuzzer stopped with status $fuzz_status; end of $log:"
    tail -n 60 "$log"
fi

# Release replay: the fuzzer's times include sanitizer overhead, so the 100 ms rule is judged on an
# optimised build. Crash artifacts are left out (they would only crash the replay again).
echo "== release replay (limit $limit_ms ms per input)"
set +e
replay_output=$("$replay" --limit-ms "$limit_ms" --top 5 "$corpus" "$seeds" "${slow_units[@]}" 2>&1)
replay_status=$?
set -e
echo "$replay_output"
slowest=$(sed -n 's/^slowest input in release: //p' <<<"$replay_output")

echo
echo "== summary"
echo "executions:        ${executions:-unknown} (${exec_per_sec:-?} exec/s, peak RSS ${peak_rss:-?} MB)"
echo "corpus:            $(find "$corpus" -type f | wc -l) inputs, $(du -sh "$corpus" | cut -f1) in $corpus (+ $seed_count seeds)"
echo "crashes/hangs/oom: ${#findings[@]}${findings:+ (${findings[*]})}"
echo "slow units:        ${#slow_units[@]} over ${slow_s}s under the sanitizer"
echo "slowest in release: ${slowest:-unknown} (limit $limit_ms ms)"
echo "artifacts:         $artifacts"

status=0
if ((fuzz_status != 0 || ${#findings[@]} > 0)); then
    echo "FAIL: the fuzzer found a problem; copy each crash/timeout file into Tests/Fixtures/fuzz/ (the" \
        "regression test reads every file there) and reproduce it with: $fuzzer FILE"
    status=1
fi
if ((replay_status != 0)); then
    echo "FAIL: the release replay found an input over $limit_ms ms or a broken invariant (see above)"
    status=1
fi
((status == 0)) && echo "OK: no crashes, every input read in release within $limit_ms ms"
exit "$status"
