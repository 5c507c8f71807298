#!/bin/sh
# ONNX Runtime Web from npm, pinned by package-lock.json, and the files of it the web app serves (no bundler):
# copied to frontend/vendor/onnxruntime-web/, which git ignores. Run by `make web-deps` and the Docker build.
set -eu
cd "$(dirname "$0")"
npm ci --ignore-scripts --no-audit --no-fund --silent
target=../frontend/vendor/onnxruntime-web
mkdir -p "$target"
for file in ort.wasm.bundle.min.mjs ort-wasm-simd-threaded.wasm; do
  cp "node_modules/onnxruntime-web/dist/$file" "$target/$file"
done
cp NOTICE.md "$target/NOTICE.md"
