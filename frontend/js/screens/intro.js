// First visit (what Basegun is and is not, who you are), the home screen, and the about screen.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { go } from "../router.js";
import { role, session, setRole } from "../state.js";
import { actions, button, callout, lead, link, list, page, section } from "../ui.js";
import { accountLink } from "./experts.js";

function whatItIs() {
  return [
    section(t("welcome.does_title"), list(t("welcome.does"))),
    section(t("welcome.not_title"), list(t("welcome.not"))),
  ];
}

function roleButtons(then) {
  const choose = (value) => () => {
    setRole(value);
    go(then);
  };
  return h(
    "div",
    { class: "choices", role: "group", "aria-labelledby": "role-question" },
    button(t("role.police"), choose("police"), { variant: "big", hint: t("role.police_hint") }),
    button(t("role.citizen"), choose("citizen"), { variant: "big", hint: t("role.citizen_hint") }),
  );
}

export function welcome() {
  return page(
    t("welcome.title"),
    lead(t("welcome.lead")),
    ...whatItIs(),
    h("h2", { id: "role-question" }, t("role.question")),
    h("p", {}, t("role.why")),
    roleButtons("home"),
  );
}

export function profile() {
  return page(t("role.change_title"), h("p", { id: "role-question" }, t("role.why")), roleButtons("home"));
}

/** The advice that differs between an officer and a private person. */
export function roleAdvice() {
  return role() === "police"
    ? callout("info", t("role.police_advice_title"), h("p", {}, t("role.police_advice")))
    : callout("warning", t("role.citizen_advice_title"), h("p", {}, t("role.citizen_advice")));
}

export function home() {
  if (!role()) return { redirect: "welcome" };
  const last = session.identification
    ? h("p", { class: "resume" }, h("a", { href: "#/result" }, t("home.last_result")))
    : null;
  return page(
    t("home.title"),
    role() === "citizen" ? roleAdvice() : null,
    h(
      "div",
      { class: "choices" },
      link(t("home.secure"), "guide", { variant: "big", iconName: "shield", hint: t("home.secure_hint") }),
      link(t("home.identify"), "identify", { variant: "big", iconName: "search", hint: t("home.identify_hint") }),
    ),
    last,
    role() === "police" ? accountLink() : null,
    h(
      "p",
      { class: "profile-line" },
      t("home.profile", { role: t(`role.${role()}_short`) }),
      " ",
      h("a", { href: "#/profile" }, t("home.change_profile")),
    ),
  );
}

export function about() {
  return page(
    t("about.title"),
    lead(t("welcome.lead")),
    ...whatItIs(),
    section(t("about.privacy_title"), list(t("about.privacy"))),
    section(t("about.offline_title"), h("p", {}, t("about.offline"))),
    actions(link(t("common.home"), "home", { variant: "primary" }), link(t("home.change_profile"), "profile")),
  );
}
