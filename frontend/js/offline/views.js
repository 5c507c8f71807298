// What an answer made on this phone says about itself: made without the network, no check that a firearm is in
// the photo, and what waits for the network (with the user's consent, the photo is sent when it is back).

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { go } from "../router.js";
import { queue, send } from "../transfer.js";
import { button, callout, list } from "../ui.js";

function checkWithService(event) {
  if (navigator.onLine) {
    send("identify");
    go("identify/send");
    return;
  }
  queue("identify");
  const done = h("p", { class: "status", role: "status" }, t("offline.queued"));
  event.currentTarget.replaceWith(done);
}

export function offlineNotice() {
  return callout(
    "warning",
    t("offline.answered_here"),
    h("p", {}, t("offline.answered_text")),
    h("p", {}, t("offline.presence_not_checked")),
    h("p", {}, t("offline.needs_network_title")),
    list(t("offline.needs_network")),
    button(t("offline.check_with_service"), checkWithService, { iconName: "arrow" }),
  );
}
