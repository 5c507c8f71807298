// The replica check: what the magazine or cylinder takes tells a real firearm from an airsoft replica.

import { getJSON, postJSON } from "../api.js";
import { h } from "../dom.js";
import { has, pick, t } from "../i18n.js";
import { go, route } from "../router.js";
import { session } from "../state.js";
import { actions, alertBox, button, callout, lead, link, list, page } from "../ui.js";
import { categoryView, errorText, noticeView } from "../views.js";

const NEEDS_ALARM_CHECK = new Set(["alarm_not_checked", "alarm_not_read"]);

/** Ask the service; an alarm check of this weapon, when there is one, is taken into account. */
export async function checkReplica(ammunition) {
  const body = { typology: session.typology, ammunition };
  if (session.alarm?.id) body.alarm_check_id = session.alarm.id;
  const answer = await postJSON("api/v1/replica-check", body);
  session.replica = { ammunition, answer };
  return answer;
}

export function verdictTitle(answer) {
  return has(`replica.verdict_${answer.verdict}`) ? t(`replica.verdict_${answer.verdict}`) : answer.verdict;
}

export function replicaView(answer) {
  return h(
    "section",
    { class: "block verdict" },
    h("h2", {}, t("replica.answer_title")),
    h("p", { class: "result-main" }, verdictTitle(answer)),
    h("p", {}, pick(answer.summary)),
    categoryView({ asserted: true, category_text: answer.category_text, mentions: answer.mentions }, "h3"),
    answer.reasons?.length ? [h("h3", {}, t("replica.reasons_title")), list(answer.reasons.map(pick))] : null,
    answer.advice ? callout("warning", null, h("p", {}, pick(answer.advice))) : null,
  );
}

function form(question) {
  const status = h("p", { class: "status", role: "status" });
  const error = h("div", { class: "form-error", role: "alert" });
  const radios = question.answers.map((answer) =>
    h(
      "label",
      { class: "radio" },
      h("input", {
        type: "radio",
        name: "ammunition",
        value: answer.key,
        checked: session.replica?.ammunition === answer.key,
      }),
      h(
        "span",
        { class: "btn-text" },
        h("span", { class: "btn-label" }, pick(answer.label)),
        has(`replica.hint_${answer.key}`) ? h("span", { class: "btn-hint" }, t(`replica.hint_${answer.key}`)) : null,
      ),
    ),
  );
  const submit = async (event) => {
    event.preventDefault();
    const chosen = event.target.querySelector("input[name=ammunition]:checked");
    error.replaceChildren();
    if (!chosen) {
      error.append(h("p", {}, t("replica.choose_one")));
      event.target.querySelector("input").focus();
      return;
    }
    status.textContent = t("common.sending");
    try {
      await checkReplica(chosen.value);
      go("replica/result");
    } catch (failure) {
      status.textContent = "";
      error.append(h("p", {}, errorText(failure.code)));
    }
  };
  return h(
    "form",
    { class: "form", novalidate: true, onsubmit: submit },
    h("fieldset", {}, h("legend", {}, pick(question.question)), ...radios),
    question.warnings.map((warning) => callout("warning", t("replica.warning_title"), h("p", {}, pick(warning)))),
    error,
    actions(
      h("button", { type: "submit", class: "btn btn-primary" }, h("span", { class: "btn-text" }, t("replica.submit"))),
    ),
    status,
  );
}

async function questionScreen() {
  let question;
  try {
    question = await getJSON(`api/v1/replica-check/${encodeURIComponent(session.typology)}`);
  } catch (failure) {
    return page(
      t("replica.title"),
      alertBox(errorText(failure.code)),
      actions(
        button(t("common.retry"), () => go("replica"), { variant: "primary" }),
        link(t("common.back_result"), "result"),
      ),
    );
  }
  return page(
    t("replica.title"),
    lead(t("replica.intro")),
    callout("danger", null, h("p", {}, t("replica.safety"))),
    form(question),
  );
}

function resultScreen() {
  const answer = session.replica?.answer;
  if (!answer) return { redirect: "replica" };
  const alarmNext = answer.reasons.some((reason) => NEEDS_ALARM_CHECK.has(reason.key));
  return page(
    t("replica.result_title"),
    replicaView(answer),
    alarmNext ? callout("info", t("replica.alarm_next_title"), h("p", {}, t("replica.alarm_next"))) : null,
    noticeView(answer),
    actions(
      alarmNext ? link(t("next.alarm"), "alarm", { variant: "primary", iconName: "bell" }) : null,
      link(t("common.back_result"), "result", { variant: alarmNext ? "secondary" : "primary" }),
      link(t("summary.open"), "summary", { iconName: "print" }),
    ),
  );
}

function replicaScreen([step]) {
  if (!session.typology) return { redirect: session.identification ? "result" : "identify" };
  return step === "result" ? resultScreen() : questionScreen();
}

route("replica", replicaScreen);
