// The final summary of this visit, to print or share. Nothing of it is stored in the browser.

import { h } from "../dom.js";
import { dateTime, percent, pick, t } from "../i18n.js";
import { route } from "../router.js";
import { role, session } from "../state.js";
import { actions, button, facts, link, page, section } from "../ui.js";
import { confidenceText, legalView, lengthText, measurementView, namesTypology, noticeView } from "../views.js";
import { alarmTitle, alarmView } from "./alarm.js";
import { markingsFacts, markingsView } from "./markings.js";
import { replicaView, verdictTitle } from "./replica.js";

function typologyText(answer) {
  if (!namesTypology(answer)) return t("result.no_firearm_title");
  if (answer.firearm_presence === "uncertain") return t("result.uncertain_title");
  if (answer.confidence_level === "low") return t("result.undetermined");
  return pick(answer.typology.labels) || answer.typology.label;
}

function securingText() {
  const securing = session.securing;
  if (!securing) return t("summary.securing_none");
  if (securing.outcome === "done") return t("summary.securing_done");
  return t("summary.securing_stopped", { step: securing.step });
}

function pair(label, value) {
  return t("summary.pair", { label, value });
}

/** The same facts as plain text, for sharing or copying. */
function plainText() {
  const answer = session.identification;
  const lines = [t("summary.title"), dateTime(session.identifiedAt ?? new Date())];
  if (answer) {
    lines.push(pair(t("result.typology"), typologyText(answer)));
    if (namesTypology(answer)) lines.push(confidenceText(answer));
    if (answer.offline) lines.push(t("offline.answered_here"));
    if (answer.legal?.asserted) lines.push(pair(t("result.category_title"), pick(answer.legal.category_text)));
  }
  const m = session.measurement;
  if (m) {
    lines.push(pair(t("measure.overall"), lengthText(m.overall_length_cm, m.overall_uncertainty_cm)));
    lines.push(pair(t("measure.barrel"), lengthText(m.barrel_length_cm, m.barrel_uncertainty_cm)));
  }
  if (session.replica) lines.push(pair(t("replica.answer_title"), verdictTitle(session.replica.answer)));
  if (session.alarm) lines.push(pair(t("alarm.answer_title"), alarmTitle(session.alarm)));
  if (session.markings) for (const [label, value] of markingsFacts()) lines.push(pair(label, value));
  lines.push(pair(t("summary.securing"), securingText()));
  lines.push("", pick(answer?.legal?.notice) || t("result.notice"));
  return lines.join("\n");
}

function shareButton(status) {
  if (navigator.share) {
    return button(t("summary.share"), async () => {
      try {
        await navigator.share({ title: t("summary.title"), text: plainText() });
      } catch {
        // the user closed the share sheet
      }
    });
  }
  return button(t("summary.copy"), async () => {
    try {
      await navigator.clipboard.writeText(plainText());
      status.textContent = t("summary.copied");
    } catch {
      status.textContent = t("summary.copy_failed");
    }
  });
}

function summaryScreen() {
  const answer = session.identification;
  const status = h("p", { class: "status no-print", role: "status" });
  const photo = session.photos.identify;
  return page(
    t("summary.title"),
    h("p", { class: "lead" }, t("summary.made", { date: dateTime(session.identifiedAt ?? new Date()) })),
    facts([
      [t("summary.profile"), t(`role.${role() ?? "citizen"}_short`)],
      answer?.id ? [t("summary.reference"), answer.id] : null,
      [t("summary.securing"), securingText()],
    ]),
    answer
      ? section(
          t("summary.identification"),
          photo?.prepared.decoded ? h("img", { class: "thumb", src: photo.url, alt: t("result.photo_alt") }) : null,
          facts([
            [t("result.typology"), typologyText(answer)],
            namesTypology(answer)
              ? [
                  t("summary.confidence"),
                  t("summary.confidence_value", {
                    level: t(`result.level_${answer.confidence_level}`),
                    percent: percent(answer.confidence),
                  }),
                ]
              : null,
          ]),
          answer.offline ? h("p", {}, t("offline.answered_here"), ". ", t("offline.presence_not_checked")) : null,
          answer.confidence_level === "low" ? null : legalView(answer.legal, "h3"),
        )
      : section(t("summary.identification"), h("p", {}, t("summary.no_identification"))),
    session.measurement ? measurementView(session.measurement) : null,
    session.replica && !session.replica.stale ? replicaView(session.replica.answer) : null,
    session.alarm ? alarmView(session.alarm) : null,
    markingsView(),
    noticeView(answer?.legal),
    h("p", { class: "hint" }, t("summary.privacy")),
    h(
      "div",
      { class: "no-print" },
      actions(
        button(t("summary.print"), () => window.print(), { variant: "primary", iconName: "print" }),
        shareButton(status),
        answer ? link(t("common.back_result"), "result") : link(t("common.home"), "home"),
      ),
      status,
    ),
  );
}

route("summary", summaryScreen);
