// Screens are addressed by the URL fragment (#/guide/revolver/...), so the browser's back button works
// and a screen can be opened again offline.

import { h } from "./dom.js";
import { t } from "./i18n.js";

const routes = new Map();
let main;
let renders = 0;
let first = true;

/** Register the screen for the first path segment; `render(params)` returns a page or {redirect}. */
export function route(name, render) {
  routes.set(name, render);
}

export function path() {
  return location.hash.replace(/^#\/?/, "");
}

export function go(target) {
  if (path() === target) refresh();
  else location.hash = `#/${target}`;
}

function focusHeading() {
  const heading = main.querySelector("h1");
  if (heading) heading.focus({ preventScroll: true });
}

/** Show `screen` in place of the current one: new title, heading focused, scrolled to the top. */
export function mount(screen) {
  main.replaceChildren(...screen.nodes);
  document.title = `${screen.title} – Basegun`;
  window.scrollTo(0, 0);
  if (first) first = false;
  else focusHeading();
}

export async function refresh() {
  const token = ++renders;
  const [name = "", ...params] = path().split("/").map(decodeURIComponent);
  const render = routes.get(name) ?? routes.get("");
  let screen = render(params);
  if (screen instanceof Promise) {
    main.replaceChildren(h("p", { class: "loading", role: "status" }, t("common.loading")));
    screen = await screen;
  }
  if (token !== renders) return; // the user has moved on meanwhile
  if (screen.redirect !== undefined) {
    history.replaceState(null, "", `#/${screen.redirect}`);
    refresh();
    return;
  }
  mount(screen);
}

export function start(mainElement) {
  main = mainElement;
  window.addEventListener("hashchange", () => {
    if (location.hash.startsWith("#/") || location.hash === "") refresh();
  });
  return refresh();
}
