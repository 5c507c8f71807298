// Reading the markings: a close-up, then maker, model, calibre and serial number beside the photo, the words each
// came from outlined on it, each field editable. What was read is kept apart from what the agent typed.

import { h } from "../dom.js";
import { percent, pick, t } from "../i18n.js";
import { route } from "../router.js";
import { session } from "../state.js";
import { registerFlow } from "../transfer.js";
import { actions, callout, facts, lead, link, list, page, section } from "../ui.js";
import { noticeView } from "../views.js";
import { pickerScreen, reviewScreen, sendScreen } from "./photo.js";

export const FIELDS = ["maker", "model", "calibre", "serial_number"];
const SVG_NS = "http://www.w3.org/2000/svg";

registerFlow("markings", {
  endpoint: "api/v1/markings",
  field: "images",
  result: "markings/result",
  fields: () => ({ identification_id: session.identification?.id ?? null }),
  done(answer) {
    session.markings = { answer, typed: {} };
  },
});

/** The value kept for a field: the one typed (even empty: cleared), else the one read. */
export function confirmedValue(name) {
  const markings = session.markings;
  if (!markings) return null;
  if (name in markings.typed) return markings.typed[name] || null;
  return markings.answer[name]?.value ?? null;
}

/** "read" or "typed" (null when there is no value). */
export function fieldSource(name) {
  const markings = session.markings;
  if (!markings || !confirmedValue(name)) return null;
  return name in markings.typed ? "typed" : "read";
}

/** The confirmed fields as label / value pairs, each marked read or typed (for the summary and its printed page). */
export function markingsFacts() {
  return FIELDS.map((name) => {
    const value = confirmedValue(name);
    return [
      t(`markings.field.${name}`),
      value ? t("markings.valued", { value, source: t(`markings.source_${fieldSource(name)}`) }) : t("markings.not_read"),
    ];
  });
}

function overlay(answer, photo) {
  // The lines each field came from, outlined on the first photo (boxes are in its own pixels).
  const size = answer.photos[0];
  if (!photo?.prepared.decoded || !size) return null;
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${size.width} ${size.height}`);
  svg.setAttribute("class", "markings-boxes");
  svg.setAttribute("aria-hidden", "true");
  FIELDS.forEach((name, index) => {
    const line = answer[name]?.line;
    const read = line != null ? answer.lines[line] : null;
    if (!read || read.image !== 0) return;
    const polygon = document.createElementNS(SVG_NS, "polygon");
    polygon.setAttribute("points", read.box.map(([x, y]) => `${x},${y}`).join(" "));
    polygon.setAttribute("class", `box box-${index + 1}`);
    svg.append(polygon);
  });
  return h(
    "figure",
    { class: "markings-photo" },
    h("div", { class: "markings-frame" }, h("img", { src: photo.url, alt: t("markings.photo_alt") }), svg),
    h("figcaption", { class: "hint" }, t("markings.boxes_caption")),
  );
}

function fieldInput(answer, name, index) {
  const read = answer[name];
  const id = `markings-${name}`;
  const hintId = `${id}-read`;
  const from = read?.value
    ? t("markings.read_from", { text: read.text ?? read.value, confidence: percent(read.confidence) })
    : t("markings.not_read");
  return h(
    "div",
    { class: `field markings-field box-${index + 1}` },
    h("label", { for: id }, t(`markings.field.${name}`)),
    h("p", { class: "field-hint", id: hintId }, h("mark", {}, from)),
    h("input", {
      id,
      name,
      type: "text",
      maxlength: 100,
      autocomplete: "off",
      spellcheck: "false",
      "aria-describedby": hintId,
      value: confirmedValue(name) ?? "",
    }),
  );
}

function reasonsView(answer) {
  if (!answer.reasons.length) return null;
  return section(
    t("markings.reasons_title"),
    answer.reasons.map((reason) => callout("warning", null, h("p", {}, pick(reason.text)))),
    h("p", { class: "hint" }, t("markings.reasons_hint")),
  );
}

function marksView(answer) {
  if (!answer.marks.length) return null;
  return section(
    t("markings.marks_title"),
    list(answer.marks.map((mark) => t("markings.mark", { value: mark.value, text: mark.text }))),
  );
}

function resultScreen() {
  const markings = session.markings;
  if (!markings) return { redirect: "markings" };
  const answer = markings.answer;
  const status = h("p", { class: "status", role: "status" });
  const confirm = (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const typed = {};
    for (const name of FIELDS) {
      const value = String(form.get(name) ?? "").trim().replace(/\s+/g, " ");
      if (value !== (answer[name]?.value ?? "")) typed[name] = value;
    }
    markings.typed = typed;
    markings.confirmed = true;
    status.textContent = t("markings.confirmed", {
      read: FIELDS.filter((name) => fieldSource(name) === "read").length,
      typed: Object.keys(typed).length,
    });
  };
  const retake = answer.status !== "read";
  return page(
    t("markings.result_title"),
    retake
      ? callout("warning", t(`markings.status_${answer.status}`), h("p", {}, t("markings.retake_text")))
      : lead(t("markings.result_lead")),
    overlay(answer, session.photos.markings),
    h(
      "form",
      { class: "markings-form", onsubmit: confirm },
      FIELDS.map((name, index) => fieldInput(answer, name, index)),
      actions(h("button", { type: "submit", class: "btn btn-primary" }, t("markings.confirm"))),
      status,
    ),
    reasonsView(answer),
    marksView(answer),
    noticeView(answer),
    actions(
      retake ? link(t("markings.retake"), "markings", { iconName: "camera" }) : null,
      session.identification ? link(t("common.back_result"), "result") : null,
      link(t("summary.open"), "summary", { iconName: "print" }),
    ),
  );
}

/** The confirmed fields, for the summary. */
export function markingsView() {
  if (!session.markings) return null;
  return section(t("markings.summary_title"), facts(markingsFacts()));
}

function markingsScreen([step]) {
  if (step === "review") return reviewScreen("markings", { title: t("markings.review_title"), checks: t("alarm.checks") });
  if (step === "send") return sendScreen("markings", { title: t("markings.sending_title") });
  if (step === "result") return resultScreen();
  return pickerScreen("markings", {
    title: t("markings.title"),
    intro: t("markings.intro"),
    tips: t("alarm.tips"),
    before: [callout("danger", null, h("p", {}, t("alarm.safety")))],
  });
}

route("markings", markingsScreen);
