// Identification: photo tips, the photo, and the answer with its legal category and next steps.

import { h } from "../dom.js";
import { percent, pick, t } from "../i18n.js";
import { route } from "../router.js";
import { resetCase, session } from "../state.js";
import { registerFlow } from "../transfer.js";
import { identifyOffline } from "../offline/answer.js";
import { offlineReady } from "../offline/store.js";
import { offlineNotice } from "../offline/views.js";
import { actions, callout, link, list, page, section } from "../ui.js";
import { roleAdvice } from "./intro.js";
import { categoryView, confidenceText, measurementView, namesTypology, noticeView, reasonsView } from "../views.js";
import { pickerScreen, reviewScreen, sendScreen } from "./photo.js";

registerFlow("identify", {
  endpoint: "api/v1/identify",
  result: "result",
  fields: () => ({}),
  offline: { ready: offlineReady, answer: identifyOffline },
  done(answer) {
    resetCase();
    session.identification = answer;
    session.identifiedAt = new Date();
    session.typology = namesTypology(answer) && answer.confidence_level !== "low" ? answer.typology.key : null;
    if (answer.measurement) session.measurement = answer.measurement;
  },
});

function identifyScreen([step]) {
  if (step === "review")
    return reviewScreen("identify", { title: t("identify.review_title"), checks: t("identify.checks") });
  if (step === "send") return sendScreen("identify", { title: t("identify.sending_title") });
  return pickerScreen("identify", {
    title: t("identify.title"),
    intro: t("identify.intro"),
    tips: t("identify.tips"),
    after: [callout("info", t("identify.card_title"), h("p", {}, t("identify.card_text")))],
  });
}

function typologyCard(answer) {
  const low = answer.confidence_level === "low";
  return h(
    "div",
    { class: "result-card" },
    h("p", { class: "kicker" }, t("result.typology")),
    h(
      "p",
      { class: "result-main" },
      low ? t("result.undetermined") : pick(answer.typology.labels) || answer.typology.label,
    ),
    h("p", { class: `confidence confidence-${answer.confidence_level}` }, confidenceText(answer)),
  );
}

function alternativesView(answer) {
  if (answer.confidence_level === "high" || !answer.alternatives?.length) return null;
  const items = answer.confidence_level === "low" ? [answer.typology, ...answer.alternatives] : answer.alternatives;
  return section(
    t(answer.confidence_level === "low" ? "result.possibilities_title" : "result.alternatives_title"),
    list(items.map((item) => `${pick(item.labels) || item.label} (${percent(item.confidence)})`)),
  );
}

/** The next steps the answer offers, as links. */
function nextStepsView(answer) {
  const key = session.typology;
  const steps = new Set(answer.next_steps ?? []);
  const links = [];
  if (answer.confidence_level === "low")
    links.push(
      link(t("result.retake"), "identify", { variant: "big", iconName: "camera", hint: t("next.retake_hint") }),
    );
  if (steps.has("securing_guide") && key)
    links.push(
      link(t("next.secure"), `guide/${key}`, { variant: "big", iconName: "shield", hint: t("next.secure_hint") }),
    );
  if (steps.has("replica_check"))
    links.push(link(t("next.replica"), "replica", { variant: "big", iconName: "tag", hint: t("next.replica_hint") }));
  if (steps.has("alarm_check"))
    links.push(link(t("next.alarm"), "alarm", { variant: "big", iconName: "bell", hint: t("next.alarm_hint") }));
  links.push(
    link(t("next.markings"), "markings", { variant: "big", iconName: "search", hint: t("next.markings_hint") }),
  );
  if (steps.has("measurement"))
    links.push(link(t("next.measure"), "measure", { variant: "big", iconName: "ruler", hint: t("next.measure_hint") }));
  if (!steps.has("securing_guide") && !steps.has("expert_securing")) {
    links.push(
      link(t("next.secure_pick"), "guide", { variant: "big", iconName: "shield", hint: t("next.secure_pick_hint") }),
    );
  }
  return h(
    "section",
    { class: "block" },
    h("h2", {}, t("next.title")),
    steps.has("expert_securing") ? callout("warning", t("next.expert_title"), h("p", {}, t("next.expert_text"))) : null,
    h("div", { class: "choices" }, links),
  );
}

function photoView(flow, altKey) {
  const photo = session.photos[flow];
  if (!photo?.prepared.decoded) return null;
  return h("img", { class: "thumb", src: photo.url, alt: t(altKey) });
}

function resultScreen() {
  const answer = session.identification;
  if (!answer) return { redirect: "identify" };
  if (!namesTypology(answer)) {
    return page(
      t("result.title"),
      photoView("identify", "result.photo_alt"),
      callout("warning", t("result.no_firearm_title"), h("p", {}, pick(answer.advice))),
      actions(
        link(t("result.retake"), "identify", { variant: "primary", iconName: "camera" }),
        link(t("next.secure_pick"), "guide", { iconName: "shield" }),
      ),
    );
  }
  const low = answer.confidence_level === "low";
  // "uncertain": a firearm may not be there at all; the typology is only a hint, and another photo is asked for.
  const unsure = answer.firearm_presence === "uncertain";
  return page(
    t("result.title"),
    photoView("identify", "result.photo_alt"),
    typologyCard(answer),
    answer.offline ? offlineNotice() : null,
    low ? callout("warning", unsure ? t("result.uncertain_title") : null, h("p", {}, pick(answer.advice))) : null,
    answer.confidence_level === "medium" ? callout("info", null, h("p", {}, pick(answer.advice))) : null,
    low ? null : categoryView(answer.legal),
    session.measurement ? measurementView(session.measurement, { verdict: !answer.measurement }) : null,
    nextStepsView(answer),
    low ? null : reasonsView(answer.legal),
    alternativesView(answer),
    roleAdvice(),
    noticeView(answer.legal),
    actions(
      link(t("summary.open"), "summary", { variant: "primary", iconName: "print" }),
      link(t("result.another"), "identify", { iconName: "camera" }),
    ),
  );
}

route("identify", identifyScreen);
route("result", resultScreen);
