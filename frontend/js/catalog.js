// The catalog of typologies and their securing guides, read once per visit. The service worker keeps a copy,
// so that the guides open with no network.

import { getJSON } from "./api.js";

let catalog = null;

export async function loadCatalog() {
  if (!catalog) catalog = await getJSON("api/v1/typologies");
  return catalog;
}

export async function typologies() {
  return (await loadCatalog()).typologies;
}

export async function typology(key) {
  return (await typologies()).find((item) => item.key === key) ?? null;
}
