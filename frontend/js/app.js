// Start-up: texts, screens, the service worker, the network banner and background news.

import { completeSignIn } from "./auth.js";
import { h } from "./dom.js";
import { lang, other, setLanguage, storedLanguage, t } from "./i18n.js";
import { refresh, route, start } from "./router.js";
import { onTransfer, resume } from "./transfer.js";
import { about, home, profile, welcome } from "./screens/intro.js";
import { followTransfer } from "./screens/photo.js";
import { showOfflineState, translateOfflineState } from "./offline/status.js";
import "./screens/identify.js";
import "./screens/guide.js";
import "./screens/replica.js";
import "./screens/alarm.js";
import "./screens/markings.js";
import "./screens/measure.js";
import "./screens/summary.js";
import "./screens/experts.js";

route("", home);
route("home", home);
route("welcome", welcome);
route("profile", profile);
route("about", about);

const main = document.getElementById("main");
const networkBanner = document.getElementById("network");
const notice = document.getElementById("notice");
const switcher = document.getElementById("lang-switch");

/** The texts of the page around the screens (skip link, header, footer). */
function translateShell() {
  for (const node of document.querySelectorAll("[data-text]")) node.textContent = t(node.dataset.text);
  switcher.lang = other();
  switcher.textContent = t("lang.switch");
}

function showNetwork() {
  networkBanner.replaceChildren(navigator.onLine ? "" : h("p", { class: "banner" }, t("network.offline")));
}

/** News from a photo sent in the background, with a link to its answer when there is one. */
function notify(text, target = null) {
  notice.replaceChildren(
    h(
      "p",
      { class: "banner banner-info" },
      text,
      target ? " " : null,
      target ? h("a", { href: `#/${target}` }, t("photo.see_result")) : null,
    ),
  );
}

async function switchLanguage() {
  await setLanguage(other());
  translateShell();
  translateOfflineState();
  showNetwork();
  notice.replaceChildren();
  await refresh();
  switcher.focus();
}

async function boot() {
  await setLanguage(storedLanguage());
  translateShell();
  showNetwork();
  switcher.addEventListener("click", switchLanguage);
  document.querySelector(".skip-link").addEventListener("click", (event) => {
    event.preventDefault();
    (main.querySelector("h1") ?? main).focus();
  });
  window.addEventListener("offline", showNetwork);
  window.addEventListener("online", () => {
    showNetwork();
    resume();
  });
  onTransfer((id, current, event) => followTransfer(id, current, event, notify));
  const signedInTo = await completeSignIn(); // back from the sign-in page: open the screen the user was on
  if (signedInTo) history.replaceState(null, "", `#/${signedInTo}`);
  window.addEventListener("hashchange", () => notice.replaceChildren());
  await start(main);
  if ("serviceWorker" in navigator)
    navigator.serviceWorker.register("sw.js").catch((error) => console.warn("offline use unavailable:", error));
  showOfflineState(document.getElementById("offline-model"));
  document.body.dataset.ready = lang();
}

boot();
