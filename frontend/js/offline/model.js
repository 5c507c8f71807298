// The typology network in the browser: ONNX Runtime Web (WebAssembly), the served model and its manifest.
// Everything about the model (input, preprocessing, classes, thresholds, decoding) comes from the manifest.

import { fromRGBA, jpegDraft, normalise, views } from "./preprocess.js";

export const MANIFEST_URL = "api/v1/models/typology.json";
export const MODEL_URL = "api/v1/models/typology.onnx";
export const RUNTIME_DIR = "vendor/onnxruntime-web/";
export const RUNTIME_FILES = ["ort.wasm.bundle.min.mjs", "ort-wasm-simd-threaded.wasm"];

let loading = null;

/** Through the service worker, else straight from the kept copy: a page that no worker controls still finds it. */
async function fetchKept(url) {
  try {
    const response = await fetch(url);
    if (response.ok) return response;
  } catch {
    // no network and no worker: the kept copy below
  }
  const kept = "caches" in window ? await caches.match(url) : undefined;
  if (!kept) throw new Error(`${url}: neither the service nor a kept copy answers`);
  return kept;
}

async function runtime() {
  const [ort, wasm] = await Promise.all([
    import(new URL(RUNTIME_DIR + RUNTIME_FILES[0], document.baseURI).href),
    fetchKept(RUNTIME_DIR + RUNTIME_FILES[1]).then((response) => response.arrayBuffer()),
  ]);
  ort.env.wasm.wasmBinary = wasm; // the bundle carries its loader; the WebAssembly comes from the kept copy
  // Threads need cross-origin isolation, which the app does not ask for: one thread then, never a failure.
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  ort.env.wasm.proxy = false;
  return ort;
}

async function load() {
  const [ort, manifest, bytes] = await Promise.all([
    runtime(),
    fetchKept(MANIFEST_URL).then((response) => response.json()),
    fetchKept(MODEL_URL).then((response) => response.arrayBuffer()),
  ]);
  const session = await ort.InferenceSession.create(new Uint8Array(bytes), {
    executionProviders: ["wasm"],
    graphOptimizationLevel: "all",
  });
  return { ort, manifest, session };
}

/** The runtime, manifest and session, loaded once (from the service worker's cache when offline). */
export function model() {
  loading ??= load().catch((error) => {
    loading = null;
    throw error;
  });
  return loading;
}

async function isJpeg(blob) {
  const head = new Uint8Array(await blob.slice(0, 3).arrayBuffer());
  return head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
}

/** Upright RGB pixels of a photo, colours as stored (Pillow applies no colour profile either). */
export async function pixels(blob) {
  const bitmap = await createImageBitmap(blob, {
    imageOrientation: "from-image",
    colorSpaceConversion: "none",
    premultiplyAlpha: "none",
  });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return fromRGBA(context.getImageData(0, 0, canvas.width, canvas.height));
}

/** The photo as the service decodes it: a large JPEG at reduced size, as the manifest's `decode` says. */
async function decoded(blob, manifest) {
  const image = await pixels(blob);
  const draft = manifest.decode?.jpeg_draft;
  return draft && (await isJpeg(blob)) ? jpegDraft(image, draft) : image;
}

/**
 * One view's class probabilities from the network's output, as the manifest's decoding says, tempered by its
 * `decoding.temperature` T when it has one: softmax(log(p) / T) (the service's TypologyClassifier does the same).
 * A model trained by basegun-train has its temperature inside the network (`decoding.temperature_in_network`).
 */
function decode(output, manifest) {
  const decoding = manifest.decoding ?? {};
  if (decoding.kind !== "softmax_probabilities")
    throw new Error(`unknown decoding in the model's manifest: ${decoding.kind}`);
  const temperature = decoding.temperature ?? 1;
  if (decoding.softmax_in_network && temperature === 1) return output;
  const scores = decoding.softmax_in_network ? output.map((p) => Math.log(Math.max(p, 1e-12))) : output;
  const top = Math.max(...scores) / temperature;
  const exp = scores.map((s) => Math.exp(s / temperature - top));
  const total = exp.reduce((a, b) => a + b, 0);
  return exp.map((e) => e / total);
}

/** Class probabilities for a photo, in the manifest's class order (several views: the mean of each one's). */
export async function probabilities(blob) {
  const { ort, manifest, session } = await model();
  const prep = manifest.preprocessing;
  const batch = views(await decoded(blob, manifest), prep);
  const tensor = new ort.Tensor("float32", normalise(batch, prep), [batch.length, 3, prep.size, prep.size]);
  const outputs = await session.run({ [manifest.input.name]: tensor });
  const flat = Array.from(outputs[manifest.outputs[0].name].data);
  const classes = manifest.classes.length;
  const perView = batch.map((_, n) => decode(flat.slice(n * classes, (n + 1) * classes), manifest));
  return manifest.classes.map((_, i) => perView.reduce((sum, probs) => sum + probs[i], 0) / perView.length);
}

/** Classes best first, and the confidence level from the manifest's thresholds. */
export async function rank(probs) {
  const { manifest } = await model();
  const ranked = manifest.classes.map((key, i) => ({ key, confidence: probs[i] }));
  ranked.sort((a, b) => b.confidence - a.confidence);
  const { confidence_high: high, confidence_medium: medium } = manifest.thresholds;
  const top = ranked[0].confidence;
  const level = top >= high ? "high" : top >= medium ? "medium" : "low";
  return { ranked, level, model: { name: manifest.name, version: manifest.version, sha256: manifest.sha256 } };
}
