// The catalog of typologies and their securing guides, read once per visit. The service worker keeps a copy,
// so that the guides open with no network.

import { getJSON } from "./api.js";

const CATALOG = "api/v1/typologies";
let catalog = null;

/** The copy the service worker keeps, read directly: a page that no worker controls (a hard reload, a worker that
 * the browser skipped) can still open the guides offline. */
async function cachedCatalog() {
  const cached = "caches" in window ? await caches.match(CATALOG) : undefined;
  return cached ? cached.json() : null;
}

export async function loadCatalog() {
  if (!catalog) {
    try {
      catalog = await getJSON(CATALOG);
    } catch (error) {
      catalog = await cachedCatalog();
      if (!catalog) throw error;
    }
  }
  return catalog;
}

export async function typologies() {
  return (await loadCatalog()).typologies;
}

export async function typology(key) {
  return (await typologies()).find((item) => item.key === key) ?? null;
}
