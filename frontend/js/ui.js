// The building blocks every screen is made of, so that they all look and behave alike.

import { h, icon } from "./dom.js";
import { t } from "./i18n.js";

/** A screen: its heading (focused when the screen opens) and its content. */
export function page(title, ...content) {
  const nodes = [h("h1", { tabindex: "-1", class: "screen-title" }, title), ...content.flat()];
  return { title, nodes: nodes.filter((node) => node !== null && node !== undefined && node !== false) };
}

export function lead(text) {
  return h("p", { class: "lead" }, text);
}

export function section(title, ...content) {
  return h("section", { class: "block" }, h("h2", {}, title), ...content);
}

export function list(items, className = "bullets") {
  return h(
    "ul",
    { class: className },
    items.map((item) => h("li", {}, item)),
  );
}

export function steps(items) {
  return h(
    "ol",
    { class: "numbered" },
    items.map((item) => h("li", {}, item)),
  );
}

/** kind: info | warning | danger | success */
export function callout(kind, title, ...content) {
  const icons = { info: "shield", warning: "warning", danger: "stop", success: "check" };
  return h(
    "div",
    { class: `callout callout-${kind}` },
    icon(icons[kind], "callout-icon"),
    h("div", { class: "callout-body" }, title ? h("p", { class: "callout-title" }, title) : null, ...content),
  );
}

/** A message that screen readers announce at once: an error the user has to act on. */
export function alertBox(text) {
  const box = callout("danger", null, h("p", {}, text));
  box.setAttribute("role", "alert");
  return box;
}

function buttonContent(label, iconName, hint) {
  return [
    iconName ? icon(iconName) : null,
    h(
      "span",
      { class: "btn-text" },
      h("span", { class: "btn-label" }, label),
      hint ? h("span", { class: "btn-hint" }, hint) : null,
    ),
  ];
}

/** A button that acts; variant: primary | secondary | danger | big */
export function button(label, onclick, { variant = "secondary", iconName = null, hint = null, id = null } = {}) {
  return h(
    "button",
    { type: "button", class: `btn btn-${variant}`, onclick, id },
    buttonContent(label, iconName, hint),
  );
}

/** A link that goes to another screen of the app, styled as a button. */
export function link(label, route, { variant = "secondary", iconName = null, hint = null } = {}) {
  return h("a", { href: `#/${route}`, class: `btn btn-${variant}` }, buttonContent(label, iconName, hint));
}

export function actions(...buttons) {
  return h("div", { class: "actions" }, buttons);
}

export function backLink(route, label = t("common.back")) {
  return h("p", { class: "back" }, h("a", { href: `#/${route}` }, icon("back"), label));
}

/** A definition list of label / value pairs. */
export function facts(pairs) {
  return h(
    "dl",
    { class: "facts" },
    pairs.filter(Boolean).map(([label, value]) => h("div", { class: "fact" }, h("dt", {}, label), h("dd", {}, value))),
  );
}
