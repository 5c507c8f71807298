// Keeping the model and the runtime on the phone for identifying offline: downloaded in the background after the
// first visit (with progress, never in the way of an answer), on a metered connection only when the user asks,
// kept in a cache that the service worker serves when the network is gone.

import { busy } from "../transfer.js";
import { MANIFEST_URL, MODEL_URL, RUNTIME_DIR, RUNTIME_FILES, model } from "./model.js";

export const OFFLINE_CACHE = "basegun-offline-v1"; // sw.js serves from the same cache

const state = { status: "checking", progress: 0 };
const listeners = new Set();
let running = null;

/** status: checking | downloading | ready | metered | absent | failed | unsupported; progress in [0, 1] */
export function offlineState() {
  return state;
}

export function offlineReady() {
  return state.status === "ready";
}

export function onOfflineState(listener) {
  listeners.add(listener);
}

/** No network and the model kept: load it now, so that the next photo is answered sooner. */
export function warmUp() {
  if (offlineReady() && !navigator.onLine) model().catch((error) => console.warn("offline model:", error));
}

function set(changes) {
  Object.assign(state, changes);
  for (const listener of listeners) listener(state);
}

function metered() {
  const connection = navigator.connection;
  return Boolean(connection && (connection.saveData || connection.type === "cellular"));
}

/** The files to keep, each with the ETag its cached copy must carry (the model's: the manifest's sha256). */
function wanted(manifest) {
  return [
    { url: MODEL_URL, etag: `"${manifest.sha256}"` },
    ...RUNTIME_FILES.map((file) => ({ url: RUNTIME_DIR + file, etag: null })),
  ];
}

async function missing(cache, manifest) {
  const absent = [];
  for (const file of wanted(manifest)) {
    const hit = await cache.match(file.url);
    if (!hit || (file.etag && hit.headers.get("etag") !== file.etag)) absent.push(file);
  }
  return absent;
}

/** Download `files` into the cache, reporting the bytes received over the bytes announced. */
async function download(cache, files) {
  const responses = await Promise.all(
    files.map(async (file) => {
      // "reload": past the service worker's cached copy, to the service.
      const response = await fetch(file.url, { cache: "reload", priority: "low" });
      if (!response.ok) throw new Error(`${file.url}: HTTP ${response.status}`);
      return response;
    }),
  );
  const total = responses.reduce((sum, r) => sum + Number(r.headers.get("content-length") || 0), 0);
  let received = 0;
  await Promise.all(
    responses.map(async (response, i) => {
      const reader = response.body.getReader();
      const chunks = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.length;
        if (total) set({ progress: Math.min(1, received / total) });
      }
      const body = new Blob(chunks, { type: response.headers.get("content-type") || "" });
      await cache.put(files[i].url, new Response(body, { headers: response.headers }));
    }),
  );
}

/** Resolves once no photo is on its way to the service: the download never slows down an answer. */
async function quiet() {
  while (busy()) await new Promise((resolve) => setTimeout(resolve, 1000));
}

/** The service's manifest, kept for offline use; the kept copy when the service cannot be reached. */
async function manifestNow(cache) {
  try {
    const response = await fetch(MANIFEST_URL, { cache: "no-cache" });
    if (response.ok) {
      await cache.put(MANIFEST_URL, response.clone());
      return await response.json();
    }
  } catch {
    // no network: the kept copy below
  }
  const kept = await cache.match(MANIFEST_URL);
  return kept ? kept.json() : null;
}

async function check(requested) {
  if (!("caches" in window) || !navigator.serviceWorker) return set({ status: "unsupported" });
  await navigator.serviceWorker.ready;
  const cache = await caches.open(OFFLINE_CACHE);
  const manifest = await manifestNow(cache);
  if (!manifest) return set({ status: navigator.onLine ? "failed" : "absent" });
  const absent = await missing(cache, manifest);
  if (!absent.length) {
    set({ status: "ready", progress: 1 });
    return warmUp();
  }
  if (!navigator.onLine) return set({ status: "absent" });
  if (metered() && !requested) return set({ status: "metered" });
  await quiet();
  set({ status: "downloading", progress: 0 });
  await download(cache, absent);
  set({ status: (await missing(cache, manifest)).length ? "failed" : "ready", progress: 1 });
}

/** Check the kept copy and fetch what is missing; `requested`: the user asked, even on a metered connection. */
export function prepareOffline(requested = false) {
  running ??= check(requested)
    .catch((error) => {
      console.warn("offline identification unavailable:", error);
      set({ status: navigator.onLine ? "failed" : "absent" });
    })
    .finally(() => {
      running = null;
    });
  return running;
}
