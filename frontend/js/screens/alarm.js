// The alarm-gun check: a close-up of the markings is read, and listed alarm models are recognised.

import { h } from "../dom.js";
import { has, percent, pick, t } from "../i18n.js";
import { route } from "../router.js";
import { session } from "../state.js";
import { registerFlow } from "../transfer.js";
import { actions, callout, link, list, page } from "../ui.js";
import { noticeView } from "../views.js";
import { pickerScreen, reviewScreen, sendScreen } from "./photo.js";
import { checkReplica, replicaView } from "./replica.js";

// Answers that say nothing about the weapon, only about the photo: ask for a better close-up.
const RETAKE = new Set(["no_text", "unreadable"]);
const KIND = { listed_alarm_model: "danger", blank_firing_mark: "warning", no_text: "warning", unreadable: "warning" };

registerFlow("alarm", {
  endpoint: "api/v1/alarm-check",
  result: "alarm/result",
  fields: () => ({}),
  async done(answer) {
    session.alarm = answer;
    if (!session.replica) return;
    try {
      await checkReplica(session.replica.ammunition);
    } catch {
      session.replica.stale = true; // the alarm answer stands on its own; the replica check can be asked again
    }
  },
});

function evidenceView(answer) {
  const lines = answer.evidence?.text ?? [];
  const matches = answer.evidence?.listed_models ?? [];
  return h(
    "details",
    { class: "evidence" },
    h("summary", {}, t("alarm.evidence_title")),
    lines.length
      ? list(lines.map((line) => t("alarm.line", { text: line.text, confidence: percent(line.confidence) })))
      : h("p", {}, t("alarm.no_lines")),
    matches.map((match) => h("p", {}, t("alarm.rule", { rule: match.rule }))),
  );
}

export function alarmTitle(answer) {
  return has(`alarm.verdict_${answer.status}`) ? t(`alarm.verdict_${answer.status}`) : answer.status;
}

export function alarmView(answer) {
  const model = answer.listed_model
    ? [answer.listed_model.maker, answer.listed_model.model].filter(Boolean).join(" ")
    : null;
  return h(
    "section",
    { class: "block verdict" },
    h("h2", {}, t("alarm.answer_title")),
    callout(
      KIND[answer.status] ?? "info",
      alarmTitle(answer),
      model ? h("p", { class: "result-main" }, model) : null,
      h("p", {}, pick(answer.summary)),
      answer.advice ? h("p", { class: "strong" }, pick(answer.advice)) : null,
      answer.airsoft_hint ? h("p", {}, pick(answer.airsoft_hint)) : null,
    ),
    evidenceView(answer),
  );
}

function resultScreen() {
  const answer = session.alarm;
  if (!answer) return { redirect: "alarm" };
  const retake = RETAKE.has(answer.status);
  const replica = session.replica && !session.replica.stale ? session.replica.answer : null;
  return page(
    t("alarm.result_title"),
    alarmView(answer),
    replica ? replicaView(replica) : null,
    !replica && session.typology && (session.identification?.next_steps ?? []).includes("replica_check")
      ? callout("info", null, h("p", {}, t("alarm.replica_next")))
      : null,
    noticeView(answer),
    actions(
      retake ? link(t("alarm.retake"), "alarm", { variant: "primary", iconName: "camera" }) : null,
      !replica && session.typology ? link(t("next.replica"), "replica", { iconName: "tag" }) : null,
      session.identification
        ? link(t("common.back_result"), "result", { variant: retake ? "secondary" : "primary" })
        : null,
      link(t("summary.open"), "summary", { iconName: "print" }),
    ),
  );
}

function alarmScreen([step]) {
  if (step === "review") return reviewScreen("alarm", { title: t("alarm.review_title"), checks: t("alarm.checks") });
  if (step === "send") return sendScreen("alarm", { title: t("alarm.sending_title") });
  if (step === "result") return resultScreen();
  return pickerScreen("alarm", {
    title: t("alarm.title"),
    intro: t("alarm.intro"),
    tips: t("alarm.tips"),
    before: [callout("danger", null, h("p", {}, t("alarm.safety")))],
  });
}

route("alarm", alarmScreen);
