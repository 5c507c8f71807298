// The three screens every photo goes through, whatever it is for (identify, alarm check, measurement):
// take or choose it, check it, then send it with progress, failure and retry.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { go, path } from "../router.js";
import { clearPhoto, session, setPhoto } from "../state.js";
import { TRANSIENT, cancel, flow, send, transfer } from "../transfer.js";
import { actions, alertBox, button, callout, lead, link, list, page } from "../ui.js";
import { preparePhoto } from "../photo.js";
import { errorText } from "../views.js";

function offlineNote(id) {
  if (navigator.onLine) return null;
  // A flow this phone can answer by itself (identify, once the model is kept) says so; the others wait.
  const here = flow(id)?.offline?.ready();
  const text = t(here ? "offline.picker_here" : "photo.offline_text");
  return callout(here ? "info" : "warning", t("photo.offline_title"), h("p", {}, text));
}

/** Take or choose a photo; `intro` and `tips` are nodes and strings given by the flow. */
export function pickerScreen(id, { title, intro, tips, before = [], after = [] }) {
  const status = h("p", { class: "status", role: "status" });
  const buttons = [];
  const choose = async (event) => {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    buttons.forEach((b) => (b.disabled = true));
    status.textContent = t("photo.preparing");
    const prepared = await preparePhoto(file);
    setPhoto(id, file, prepared);
    go(`${id}/review`);
  };
  const camera = h("input", {
    type: "file",
    accept: "image/*",
    capture: "environment",
    hidden: true,
    id: `${id}-camera`,
    onchange: choose,
  });
  const gallery = h("input", { type: "file", accept: "image/*", hidden: true, id: `${id}-file`, onchange: choose });
  buttons.push(
    button(t("photo.take"), () => camera.click(), { variant: "primary", iconName: "camera" }),
    button(t("photo.choose"), () => gallery.click(), { iconName: "image" }),
  );
  return page(
    title,
    ...before,
    intro ? lead(intro) : null,
    offlineNote(id),
    h("h2", {}, t("photo.tips_title")),
    list(tips, "tips"),
    ...after,
    h("p", { class: "hint" }, t("photo.review_next")),
    actions(...buttons),
    camera,
    gallery,
    status,
  );
}

/** Check the photo before anything is sent: send it, or take another. */
export function reviewScreen(id, { title, checks }) {
  const photo = session.photos[id];
  if (!photo) return { redirect: id };
  const preview = photo.prepared.decoded
    ? h("img", { class: "preview", src: photo.url, alt: t("photo.preview_alt") })
    : callout("info", t("photo.no_preview_title"), h("p", {}, t("photo.no_preview_text")));
  const sendIt = () => {
    send(id);
    go(`${id}/send`);
  };
  const retake = () => {
    clearPhoto(id);
    go(id);
  };
  return page(
    title,
    h("figure", { class: "preview-frame" }, preview),
    h("h2", {}, t("photo.check_title")),
    list(checks, "checks"),
    offlineNote(id),
    actions(
      button(t("photo.send"), sendIt, { variant: "primary", iconName: "arrow" }),
      button(t("photo.retake"), retake, { iconName: "camera" }),
    ),
  );
}

/** Sending: progress, waiting for the network, or the reason it failed with what to do next. */
export function sendScreen(id, { title }) {
  const current = transfer(id);
  if (!current) return { redirect: session.photos[id] ? `${id}/review` : id };
  const other = () => {
    cancel(id);
    clearPhoto(id);
    go(id);
  };
  if (current.status === "waiting") {
    return page(
      t("photo.waiting_title"),
      callout("warning", null, h("p", {}, t("photo.waiting_text"))),
      h("p", {}, t("photo.waiting_guides")),
      actions(
        button(t("photo.try_now"), () => send(id), { variant: "primary" }),
        link(t("home.secure"), "guide", { iconName: "shield" }),
        button(t("photo.cancel_waiting"), other),
      ),
    );
  }
  if (current.status === "error") {
    const { code } = current.error;
    const transient = TRANSIENT.has(code);
    return page(
      t("photo.failed_title"),
      alertBox(errorText(code)),
      actions(
        transient ? button(t("photo.retry"), () => send(id), { variant: "primary" }) : null,
        button(t("photo.other"), other, { variant: transient ? "secondary" : "primary", iconName: "camera" }),
        link(t("common.home"), "home"),
      ),
    );
  }
  const fraction = current.progress ?? 0;
  const uploading = current.status === "uploading";
  const photo = session.photos[id];
  return page(
    title,
    photo?.prepared.decoded ? h("img", { class: "thumb", src: photo.url, alt: t("photo.preview_alt") }) : null,
    h("label", { for: "transfer-progress", class: "progress-label" }, t("photo.progress_label")),
    h("progress", { id: "transfer-progress", max: 100, value: uploading ? Math.round(fraction * 100) : null }),
    h(
      "p",
      { class: "status", role: "status", id: "transfer-status" },
      t({ uploading: "photo.uploading", local: "offline.analysing" }[current.status] ?? "photo.analysing"),
    ),
    actions(
      button(t("photo.cancel"), () => {
        cancel(id);
        go(`${id}/review`);
      }),
    ),
  );
}

/** Called on every transfer event: update the progress in place, or redraw the screen, or tell the user. */
export function followTransfer(id, current, event, notify) {
  const onScreen = path() === `${id}/send`;
  const def = flow(id);
  if (event === "done") {
    if (onScreen) location.replace(`#/${def.result}`);
    else notify(t("photo.ready"), def.result);
    return;
  }
  if (!onScreen) {
    if (current?.status === "uploading" && event === "status") notify(t("photo.sending_back"));
    return;
  }
  const progress = document.getElementById("transfer-progress");
  const status = document.getElementById("transfer-status");
  // Progress moves the bar only; the live status line speaks when the upload ends and the analysis starts.
  if (current && progress && status && (current.status === "uploading" || current.status === "analysing")) {
    if (current.status === "uploading") progress.value = Math.round((current.progress ?? 0) * 100);
    else {
      progress.removeAttribute("value");
      status.textContent = t("photo.analysing");
    }
    return;
  }
  go(path());
}
