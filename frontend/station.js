// Basegun Station: send the photos of a seizure (a folder, photos or a zip), follow the analysis (or cancel it),
// check each weapon's markings (a close-up read, each field corrected or typed) and open the report.
// A page of its own beside the web app, in the app's shell (header, language switch, footer, css/app.css) and on
// its modules: texts from locales/ (i18n.js), nodes built with dom.js, calls through api.js, a weapon's confidence
// and the errors' words as the app's result screens write them (views.js). No inline script or style (the
// Content-Security-Policy forbids them).

import { ApiError, getJSON, postForm, postJSON, putJSON } from "./js/api.js";
import { h } from "./js/dom.js";
import { has, lang, number, other, pick, setLanguage, storedLanguage, t } from "./js/i18n.js";
import { FIELDS, fieldInput, formValue, markingsFigure } from "./js/markings_fields.js";
import { confidenceText, errorText } from "./js/views.js";

const API = "api/v1/batches";
const MARKINGS_API = "api/v1/markings";
const POLL_MS = 1000;
const ANNOUNCE_MS = 10000;
const UNFINISHED = ["queued", "running"];

const $ = (id) => document.getElementById(id);
let selection = null; // { archive: File } or { files: [{ file, name }] }
let batch = null; // the last status received
let sent = []; // the photos this page sent ({ file, name }), to pick a close-up from: none for a zip or a resumed batch
let shownWeapons = ""; // the weapons the table shows, so that a poll rebuilds it (and loses the focus) only on change
let editing = null; // the weapon whose markings are being checked: { index, reading, closeup, url }
let lastAnnounce = 0;

function applyLanguage() {
  document.title = t("station.page_title");
  for (const element of document.querySelectorAll("[data-text]")) element.textContent = t(element.dataset.text);
  const button = $("lang-switch");
  button.textContent = t("lang.switch");
  button.lang = other();
  describeSelection();
  shownWeapons = "";
  if (batch) render(batch);
  if (editing) renderEditor(true);
}

// Choosing the photos

/** Weapons as the server will count them: a folder is a weapon, a file at the top is a weapon of its own. */
function weaponCount(names) {
  return new Set(names.map((name) => (name.includes("/") ? name.split("/")[0] : name))).size;
}

function describeSelection() {
  const chosen = $("chosen");
  if (!selection) {
    chosen.textContent = "";
  } else if (selection.archive) {
    const size = t("station.megabytes", { size: number(selection.archive.size / (1024 * 1024)) });
    chosen.textContent = t("station.chosen_zip", { name: selection.archive.name, size });
  } else {
    const names = selection.files.map((item) => item.name);
    chosen.textContent = t("station.chosen_files", { photos: names.length, weapons: weaponCount(names) });
  }
  $("submit").disabled = !selection;
}

function choose(next) {
  selection = next && (next.archive || next.files.length) ? next : null;
  $("send-error").hidden = true;
  describeSelection();
}

/** Files of a chosen folder, named relative to it: the folder is the seizure, its sub-folders the weapons. */
function fromFolderInput(files) {
  return files.map((file) => ({ file, name: file.webkitRelativePath.split("/").slice(1).join("/") || file.name }));
}

function readEntries(reader) {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function walk(entry, prefix, out) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out.push({ file, name: prefix + entry.name });
    return;
  }
  const reader = entry.createReader();
  for (let batchOfEntries = await readEntries(reader); batchOfEntries.length; batchOfEntries = await readEntries(reader)) {
    for (const child of batchOfEntries) await walk(child, `${prefix}${entry.name}/`, out);
  }
}

/** A drop: one folder alone is the seizure (its name dropped); otherwise each folder is a weapon. */
async function fromDrop(dataTransfer) {
  const entries = [...dataTransfer.items].map((item) => item.webkitGetAsEntry?.()).filter(Boolean);
  if (entries.length === 1 && entries[0].isFile && /\.zip$/i.test(entries[0].name)) {
    return { archive: dataTransfer.files[0] };
  }
  const files = [];
  for (const entry of entries) await walk(entry, "", files);
  if (entries.length === 1 && entries[0].isDirectory) {
    for (const item of files) item.name = item.name.split("/").slice(1).join("/");
  }
  return { files };
}

// Sending

/** The words for a failed call: the station's own for a batch's codes, else the app's for the same code. */
function problemText(error) {
  const code = error instanceof ApiError ? error.code : "network";
  return has(`station.errors.${code}`) ? t(`station.errors.${code}`) : errorText(code);
}

function showSendError(text) {
  const error = $("send-error");
  error.textContent = text;
  error.hidden = false;
  $("submit").disabled = !selection;
}

async function send(event) {
  event.preventDefault();
  if (!selection) return;
  const form = new FormData();
  const name = $("name").value.trim();
  if (name) form.append("name", name);
  if (selection.archive) form.append("archive", selection.archive, selection.archive.name);
  else for (const item of selection.files) form.append("images", item.file, item.name);

  $("submit").disabled = true;
  $("send-error").hidden = true;
  sent = selection.archive ? [] : selection.files;
  const showSent = (fraction) => {
    $("chosen").textContent = t("station.uploading", { percent: Math.floor(100 * fraction) });
  };
  try {
    start(await postForm(API, form, showSent, 0).promise);
  } catch (error) {
    describeSelection();
    showSendError(problemText(error));
  }
}

// Following

function start(status) {
  history.replaceState(null, "", `#lot=${status.id}`);
  $("send").hidden = true;
  $("progress-card").hidden = false;
  $("progress-title").focus();
  render(status);
  poll(status.id);
}

async function poll(id) {
  let status;
  try {
    status = await getJSON(`${API}/${encodeURIComponent(id)}`, { cache: "no-store" });
  } catch (error) {
    if (["network", "timeout"].includes(error.code)) setTimeout(() => poll(id), POLL_MS * 5); // back? try again
    else showBatchError(problemText(error));
    return;
  }
  render(status);
  if (UNFINISHED.includes(status.status)) setTimeout(() => poll(id), POLL_MS);
  else finish(status);
}

function showBatchError(text) {
  $("progress-card").hidden = false;
  $("send").hidden = true;
  const error = $("batch-error");
  error.textContent = text;
  error.hidden = false;
  $("again").hidden = false;
}

function duration(seconds) {
  const minutes = Math.floor(seconds / 60);
  const rest = String(Math.round(seconds % 60)).padStart(2, "0");
  return minutes ? t("station.minutes", { minutes, seconds: rest }) : t("station.seconds", { seconds: Math.round(seconds) });
}

function progressLine(progress, status, cancelling) {
  if (status === "cancelled") return t("station.cancelled");
  if (cancelling) return t("station.cancelling");
  if (status === "queued") return t("station.queued");
  const parts = [t("station.progress", { done: progress.photos_done, total: progress.photos_total })];
  if (progress.photos_per_second) parts.push(t("station.rate", { rate: number(progress.photos_per_second, 2) }));
  if (progress.seconds_left && progress.photos_done < progress.photos_total) {
    parts.push(t("station.left", { left: duration(progress.seconds_left) }));
  }
  return parts.join(" · ");
}

function weaponRow(weapon, flagTexts) {
  const { agreement, typology, legal } = weapon;
  const level = weapon.confidence_level;
  const agreeing =
    agreement.readable > 1
      ? h("div", { class: "small" }, t("station.agreement", { agreeing: agreement.agreeing, total: agreement.readable }))
      : null;
  const cells = typology
    ? [
        level === "low" ? t("result.undetermined") : pick(typology.labels),
        confidenceText(weapon),
        pick(legal.category_text),
      ]
    : [t("station.no_firearm"), "", ""];
  const flags = h("ul", {}, weapon.flags.map((flag) => h("li", {}, pick(flagTexts[flag]) || flag)));
  return h(
    "tr",
    {},
    h("th", { scope: "row" }, weapon.name, agreeing),
    cells.map((text) => h("td", {}, text)),
    h("td", {}, flags),
    markingsCell(weapon),
  );
}

/** A weapon's fields, each marked read or typed, and the button to check them. */
function markingsCell(weapon) {
  const markings = weapon.markings ?? {};
  const lines = FIELDS.filter((name) => markings[name]?.value).map((name) => {
    const { value, source } = markings[name];
    const field = t(`markings.field.${name}`);
    return h("li", {}, t("station.field_line", { field, value, source: t(`markings.source_${source}`) }));
  });
  const label = t("station.check_markings_of", { weapon: weapon.name });
  const open = () => openEditor(weapon.index);
  return h(
    "td",
    {},
    lines.length ? h("ul", {}, lines) : h("p", { class: "small" }, t("markings.not_read")),
    h("button", { type: "button", class: "btn", "data-weapon": weapon.index, "aria-label": label, onclick: open }, [
      t("station.check_markings"),
    ]),
  );
}

function render(status) {
  batch = status;
  const { progress } = status;
  const bar = $("progress");
  bar.max = Math.max(progress.photos_total, 1);
  bar.value = progress.photos_done;
  const unfinished = UNFINISHED.includes(status.status);
  const line = progressLine(progress, status.status, unfinished && status.cancel_requested);
  $("progress-text").textContent = line;
  if (Date.now() - lastAnnounce > ANNOUNCE_MS && UNFINISHED.includes(status.status)) {
    lastAnnounce = Date.now();
    $("progress-live").textContent = line;
  }
  const cancel = $("cancel");
  cancel.hidden = !unfinished || status.cancel_requested;
  cancel.disabled = false;
  const table = $("weapons");
  const weapons = JSON.stringify(status.weapons);
  if (weapons !== shownWeapons) {
    shownWeapons = weapons;
    table.tBodies[0].replaceChildren(...status.weapons.map((weapon) => weaponRow(weapon, status.texts.flags)));
  }
  table.hidden = status.weapons.length === 0;
  const skipped = $("skipped");
  skipped.querySelector("ul").replaceChildren(
    ...status.not_analysed.map((item) => {
      const reason = pick(status.texts.reasons[item.code]) || item.detail;
      return h("li", {}, t("station.skipped_item", { name: item.name, reason, code: item.code }));
    }),
  );
  skipped.hidden = status.not_analysed.length === 0;
  const expires = new Date(status.expires);
  $("retention").textContent = t("station.retention", {
    date: expires.toLocaleDateString(lang() === "fr" ? "fr-FR" : "en-GB"),
  });
  if (status.reports) showReports(status);
}

function showReports(status) {
  // Relative to this page, as the API calls are, so that a service behind a path prefix works too.
  for (const kind of ["html", "csv", "json"]) $(`report-${kind}`).href = `${API}/${status.id}/report.${kind}`;
  $("report").hidden = false;
  $("again").hidden = false;
  const title = { finished: "station.done_title", cancelled: "station.cancelled_title" }[status.status];
  $("progress-title").textContent = t(title ?? "station.progress_title");
}

function finish(status) {
  const finished = status.status === "finished";
  const message = finished ? t("station.finished", { weapons: status.weapons.length }) : t(`station.${status.status}`);
  $("progress-live").textContent = message;
  if (status.status === "cancelled") $("again").hidden = false; // asked for: no error
  else if (!finished) showBatchError(message);
  $("report-title").focus();
}

async function cancelBatch() {
  $("cancel").disabled = true;
  try {
    render(await postJSON(`${API}/${batch.id}/cancel`, {}));
  } catch (error) {
    showBatchError(problemText(error));
  }
}

// A weapon's markings: a close-up read (a photo sent, or one added), each field corrected or typed

const weaponAt = (index) => batch?.weapons.find((weapon) => weapon.index === index);
const photosOf = (weapon) => sent.filter((item) => item.name.split("/")[0] === weapon.name);

function openEditor(index) {
  closeEditor(false);
  editing = { index };
  $("fields-error").hidden = true;
  $("editor").hidden = false;
  $("fields-status").textContent = $("reading-status").textContent = "";
  renderEditor(false);
  $("editor-title").focus();
}

function closeEditor(refocus = true) {
  if (!editing) return;
  URL.revokeObjectURL(editing.url);
  if (refocus) document.querySelector(`[data-weapon="${editing.index}"]`)?.focus();
  editing = null;
  $("editor").hidden = true;
}

function renderEditor(keep) {
  const weapon = weaponAt(editing.index);
  const held = photosOf(weapon);
  $("editor-title").textContent = t("station.editor_title", { weapon: weapon.name });
  $("closeup").replaceChildren(
    held.length
      ? h("div", { class: "field" }, h("label", { for: "closeup-photo" }, t("station.closeup_sent")), [
          h("select", { id: "closeup-photo" }, held.map(option)),
        ])
      : "",
    h("div", { class: "field" }, h("label", { for: "closeup-file" }, t("station.closeup_add")), [
      h("input", { id: "closeup-file", type: "file", accept: "image/*,.heic,.heif" }),
    ]),
    h("button", { type: "button", class: "btn", onclick: readCloseup }, t("station.read_closeup")),
  );
  renderFields(keep);
}

const option = (item, i) => h("option", { value: i, selected: /_(marquages?|markings?)\.\w+$/i.test(item.name) }, item.name);

/** Each field with what was read (the close-up just read, else the weapon's markings); `keep`: what is typed stays. */
function renderFields(keep) {
  const { reading, url } = editing;
  const markings = weaponAt(editing.index).markings ?? {};
  const form = $("fields-form");
  const kept = keep && form.elements.maker && new FormData(form);
  const inputs = FIELDS.map((name, index) => {
    const field = markings[name];
    const read = reading ? reading[name] : field?.read && { value: field.read, confidence: field.confidence };
    const value = kept ? formValue(kept, name) : (reading ? read : field)?.value;
    return fieldInput(read, name, index, value, "weapon-fields");
  });
  $("fields").replaceChildren(...inputs);
  $("closeup-figure").replaceChildren((reading && markingsFigure(reading, url)) || "");
}

async function readCloseup() {
  const editor = editing;
  const file = $("closeup-file").files[0];
  const chosen = file ? { file, name: file.name } : photosOf(weaponAt(editor.index))[$("closeup-photo")?.value];
  const status = $("reading-status");
  status.textContent = t(chosen ? "station.reading" : "station.closeup_missing");
  if (!chosen) return;
  const form = new FormData();
  form.append("images", chosen.file, chosen.name.split("/").pop());
  try {
    const reading = await postForm(MARKINGS_API, form).promise;
    if (editing !== editor) return; // closed, or another weapon opened, meanwhile
    URL.revokeObjectURL(editor.url);
    Object.assign(editor, { reading, closeup: chosen.name, url: URL.createObjectURL(chosen.file) });
    renderFields(false);
    const done = reading.status === "read";
    status.textContent = t(done ? "station.closeup_read" : `markings.status_${reading.status}`, { name: chosen.name });
  } catch (error) {
    if (editing === editor) status.textContent = problemText(error);
  }
}

async function saveFields(event) {
  event.preventDefault();
  const editor = editing;
  const form = new FormData(event.target);
  const body = Object.fromEntries(FIELDS.map((name) => [name, formValue(form, name)]));
  if (editor.reading?.id) Object.assign(body, { markings_id: editor.reading.id, closeup: editor.closeup });
  const error = $("fields-error");
  error.hidden = true;
  try {
    const weapon = await putJSON(`${API}/${batch.id}/weapons/${editor.index}/fields`, body);
    batch.weapons = batch.weapons.map((each) => (each.index === weapon.index ? weapon : each));
    render(batch);
    const sources = FIELDS.filter((name) => weapon.markings[name].value).map((name) => weapon.markings[name].source);
    const count = (source) => sources.filter((each) => each === source).length;
    $("fields-status").textContent = t("markings.confirmed", { read: count("read"), typed: count("typed") });
  } catch (failure) {
    error.textContent = problemText(failure);
    error.hidden = false;
  }
}

function reset() {
  history.replaceState(null, "", location.pathname);
  closeEditor(false);
  batch = null;
  sent = [];
  shownWeapons = "";
  $("progress-card").hidden = true;
  $("report").hidden = true;
  $("batch-error").hidden = true;
  $("again").hidden = true;
  $("send").hidden = false;
  $("send").reset();
  choose(null);
  $("name").focus();
}

// Wiring

async function init() {
  await setLanguage(storedLanguage());
  applyLanguage();
  $("lang-switch").addEventListener("click", async () => {
    await setLanguage(other());
    applyLanguage();
  });
  for (const button of document.querySelectorAll("[data-pick]")) {
    button.addEventListener("click", () => $(button.dataset.pick).click());
  }
  $("pick-folder").addEventListener("change", (e) => choose({ files: fromFolderInput([...e.target.files]) }));
  $("pick-files").addEventListener("change", (e) => choose({ files: [...e.target.files].map((file) => ({ file, name: file.name })) }));
  $("pick-zip").addEventListener("change", (e) => choose(e.target.files[0] ? { archive: e.target.files[0] } : null));
  const drop = $("drop");
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    choose(await fromDrop(event.dataTransfer));
  });
  $("send").addEventListener("submit", send);
  $("again").addEventListener("click", reset);
  $("cancel").addEventListener("click", cancelBatch);
  $("fields-form").addEventListener("submit", saveFields);
  $("editor-close").addEventListener("click", () => closeEditor());
  const resumed = /^#lot=([0-9a-f]{32})$/.exec(location.hash);
  if (resumed) {
    $("send").hidden = true;
    $("progress-card").hidden = false;
    poll(resumed[1]);
  }
  document.body.dataset.ready = "";
}

init();
