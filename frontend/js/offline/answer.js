// The answer to a photo identified on this phone, shaped as the service's, from the typology network and the
// catalog the app keeps for offline use (labels, legal categories, securing guides). There is no weapon detector
// here: the answer says that nobody checked whether the photo shows a firearm at all.

import { loadCatalog } from "../catalog.js";
import { probabilities, rank } from "./model.js";

const ALTERNATIVES = 3; // as many as the service gives

function typologyRef(catalog, { key, confidence }) {
  const typology = catalog.typologies.find((item) => item.key === key);
  if (!typology) throw new Error(`the model's class ${key} is not in the catalog`);
  return { key, label: typology.label.fr, labels: typology.label, confidence };
}

/** The legal answer the service gives for this typology and level when nothing was measured. */
function legalAnswer(catalog, typology, level) {
  const wording = catalog.answer_wording;
  if (level === "low") {
    return {
      asserted: false,
      categories: [],
      category_text: wording.undetermined,
      mentions: [],
      explanation: wording.low_confidence,
      settle: [],
      other_factors: [],
      length_rule: null,
      notice: catalog.notice,
      advice: wording.advice.low,
    };
  }
  return {
    asserted: true,
    categories: typology.categories,
    category_text: typology.category_text,
    mentions: typology.mentions,
    explanation: typology.category_note,
    settle: typology.categories.length > 1 ? typology.settle : [],
    other_factors: typology.other_factors,
    length_rule: typology.length_rule,
    notice: catalog.notice,
    advice: wording.advice[level],
  };
}

/** Identify a photo with no network: the same answer screen, marked as answered on this phone. */
export async function identifyOffline(blob) {
  const started = performance.now();
  const [catalog, probs] = await Promise.all([loadCatalog(), probabilities(blob)]);
  const { ranked, level, model } = await rank(probs);
  const top = ranked[0];
  const typology = catalog.typologies.find((item) => item.key === top.key);
  const legal = legalAnswer(catalog, typology, level);
  return {
    offline: true,
    firearm_presence: "not_checked",
    typology: typologyRef(catalog, top),
    confidence: top.confidence,
    confidence_level: level,
    alternatives: ranked.slice(1, 1 + ALTERNATIVES).map((item) => typologyRef(catalog, item)),
    legal,
    next_steps: level === "low" ? [] : typology.next_steps,
    advice: legal.advice,
    measurement: null,
    model,
    timings_ms: { total: Math.round(performance.now() - started) },
  };
}
