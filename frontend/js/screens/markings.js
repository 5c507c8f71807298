// Reading the markings: a close-up, then maker, model, calibre and serial number beside the photo, the words each
// came from outlined on it, each field editable. What was read is kept apart from what the agent typed.

import { h } from "../dom.js";
import { pick, t } from "../i18n.js";
import { FIELDS, fieldInput, formValue, markingsFigure } from "../markings_fields.js";
import { route } from "../router.js";
import { session } from "../state.js";
import { registerFlow } from "../transfer.js";
import { actions, callout, facts, lead, link, list, page, section } from "../ui.js";
import { noticeView } from "../views.js";
import { pickerScreen, reviewScreen, sendScreen } from "./photo.js";

export { FIELDS };

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
      const value = formValue(form, name);
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
    markingsFigure(answer, session.photos.markings?.prepared.decoded ? session.photos.markings.url : null),
    h(
      "form",
      { class: "markings-form", onsubmit: confirm },
      FIELDS.map((name, index) => fieldInput(answer[name], name, index, confirmedValue(name))),
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
