// Views shared by the result screens and the summary: the legal answer, the notice, the measurement.

import { h } from "./dom.js";
import { has, number, percent, pick, t } from "./i18n.js";
import { callout, facts, list } from "./ui.js";

/** The user's message for an API error code, in their language; never the service's English detail. */
export function errorText(code) {
  return has(`errors.${code}`) ? t(`errors.${code}`) : t("errors.generic");
}

// A replica falls in no category: the service names it "not_classified".
const NOT_CLASSIFIED = "not_classified";

/** "Catégorie B", "Catégorie B ou C", or "Non classée" for a replica. */
function categoryName(category) {
  return category === NOT_CLASSIFIED ? t("result.not_classified") : t("result.category_badge", { category });
}

/** Whether an identification names a typology: a firearm was found, or the phone answered (it has no detector). */
export function namesTypology(answer) {
  return Boolean(answer.firearm_detected || answer.offline);
}

export function confidenceText(answer) {
  return t("result.confidence", {
    level: t(`result.level_${answer.confidence_level}`),
    percent: percent(answer.confidence),
  });
}

/** The likely category and what each of its mentions means for the holder. */
export function categoryView(legal, headingLevel = "h2") {
  if (!legal?.asserted) return null;
  return h(
    "section",
    { class: "block legal" },
    h(headingLevel, {}, t("result.category_title")),
    h("p", { class: "category" }, categoryName(pick(legal.category_text))),
    h(
      "ul",
      { class: "mentions" },
      (legal.mentions ?? []).map((item) =>
        h(
          "li",
          {},
          h("span", { class: "badge" }, categoryName(item.category)),
          h("span", { class: "mention" }, pick(item.mention)),
          item.meaning ? h("span", { class: "meaning" }, pick(item.meaning)) : null,
        ),
      ),
    ),
  );
}

/** What the answer rests on, and what would settle an open one. */
export function reasonsView(legal, headingLevel = "h2") {
  if (!legal?.asserted || !(legal.explanation || legal.settle?.length || legal.other_factors?.length)) return null;
  const sub = headingLevel === "h2" ? "h3" : "h4";
  return h(
    "section",
    { class: "block" },
    h(headingLevel, {}, t("result.why_title")),
    legal.explanation ? h("p", {}, pick(legal.explanation)) : null,
    legal.settle?.length
      ? h("div", { class: "settle" }, h(sub, {}, t("result.settle_title")), list(legal.settle.map(pick)))
      : null,
    legal.other_factors?.length ? [h(sub, {}, t("result.factors_title")), list(legal.other_factors.map(pick))] : null,
  );
}

export function legalView(legal, headingLevel = "h2") {
  return [categoryView(legal, headingLevel), reasonsView(legal, headingLevel)];
}

/** The information-only notice: the service's own wording when the answer carries it. */
export function noticeView(answer) {
  return callout(
    "info",
    t("result.notice_title"),
    h("p", {}, answer?.notice ? pick(answer.notice) : t("result.notice")),
  );
}

export function lengthText(value, uncertainty) {
  return t("measure.length_value", { value: number(value), uncertainty: number(uncertainty) });
}

/**
 * Both lengths with their uncertainty, what they say of the category (`verdict`: not when the identification's
 * own answer already took them into account), and the annotated photo to check by eye.
 */
export function measurementView(measurement, { verdict = true } = {}) {
  return h(
    "section",
    { class: "block measurement" },
    h("h2", {}, t("measure.result_heading")),
    facts([
      [t("measure.overall"), lengthText(measurement.overall_length_cm, measurement.overall_uncertainty_cm)],
      [t("measure.barrel"), lengthText(measurement.barrel_length_cm, measurement.barrel_uncertainty_cm)],
      [t("measure.card_confidence"), percent(measurement.card_confidence)],
      [t("measure.weapon_confidence"), percent(measurement.weapon_confidence)],
    ]),
    h("p", { class: "hint" }, t("measure.uncertainty_note")),
    verdict && measurement.legal
      ? [h("h3", {}, t("measure.verdict_title")), h("p", { class: "strong" }, pick(measurement.legal.reason))]
      : null,
    measurement.annotated_image
      ? h(
          "figure",
          { class: "annotated" },
          h("img", { src: measurement.annotated_image, alt: t("measure.annotated_alt") }),
          h("figcaption", {}, t("measure.annotated_caption")),
        )
      : null,
  );
}
