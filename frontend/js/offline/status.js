// The line that says whether this phone can identify without the network, with the download's progress.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { button } from "../ui.js";
import { offlineState, onOfflineState, prepareOffline, warmUp } from "./store.js";

let box = null;
let shownStatus = null;

function render() {
  const { status, progress } = offlineState();
  if (status === "checking") return box.replaceChildren();
  if (status === "downloading") {
    const bar = box.querySelector("progress");
    if (bar && shownStatus === status) {
      bar.value = Math.round(progress * 100);
      return;
    }
    box.replaceChildren(
      h("label", { for: "offline-progress" }, t("offline.downloading")),
      h("progress", { id: "offline-progress", max: 100, value: Math.round(progress * 100) }),
    );
  } else {
    const action = { metered: "offline.download", failed: "offline.retry" }[status];
    const line = h("p", { class: `offline-status offline-${status}` }, t(`offline.status_${status}`));
    if (action) box.replaceChildren(line, button(t(action), () => prepareOffline(true)));
    else box.replaceChildren(line);
  }
  shownStatus = status;
}

/** Show the state in `element` from now on, and start preparing once the service worker is in place. */
export function showOfflineState(element) {
  box = element;
  onOfflineState(render);
  render();
  window.addEventListener("online", () => prepareOffline());
  window.addEventListener("offline", warmUp);
  // After the first screen is drawn and the page is idle: the download never delays the app's start.
  (window.requestIdleCallback ?? setTimeout)(() => prepareOffline());
}

/** The texts changed language. */
export function translateOfflineState() {
  shownStatus = null;
  if (box) render();
}
