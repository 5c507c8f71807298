// Basegun Station: send the photos of a seizure (a folder, photos or a zip), follow the analysis, open the report.
// A standalone page: no framework, no inline script or style (the Content-Security-Policy forbids them).

const API = "api/v1/batches";
const POLL_MS = 1000;
const ANNOUNCE_MS = 10000;
const UNFINISHED = ["queued", "running"];

const TEXTS = {
  fr: {
    skip: "Aller au contenu",
    other_lang: "English",
    title: "Trier une saisie",
    intro:
      "Envoyez les photos de toutes les armes d'une saisie : Basegun reconnaît le type de chaque arme, donne sa " +
      "catégorie probable et ce qu'il reste à vérifier, puis prépare un rapport à imprimer.",
    how_title: "Comment ranger les photos",
    how_folder: "Un sous-dossier par arme, avec toutes les photos de cette arme (côtés, marquages, chargeur).",
    how_single: "Une photo posée directement dans le dossier compte pour une arme à elle seule.",
    how_card: "Pour une arme d'épaule, posez une carte au format carte bancaire à côté de l'arme : elle sert à mesurer.",
    send_title: "Envoyer le lot",
    name_label: "Nom de la saisie (facultatif)",
    name_hint: "Il figure en tête du rapport, par exemple un numéro de procédure.",
    drop_hint: "Déposez ici un dossier, des photos ou une archive zip, ou choisissez-les :",
    pick_folder: "Choisir un dossier",
    pick_files: "Choisir des photos",
    pick_zip: "Choisir une archive zip",
    chosen_files: "{photos} fichier(s) choisi(s), soit {weapons} arme(s).",
    chosen_zip: "Archive « {name} » choisie ({size}).",
    submit: "Envoyer et analyser",
    uploading: "Envoi : {percent} %",
    progress_title: "Analyse en cours",
    progress_label: "Photos analysées",
    queued: "En attente : un autre lot est en cours d'analyse.",
    progress: "{done} photo(s) sur {total} analysée(s)",
    rate: "{rate} photo(s) par seconde",
    left: "environ {left} restante(s)",
    finished: "Analyse terminée : {weapons} arme(s).",
    interrupted: "L'analyse a été interrompue (le service a redémarré) : le rapport ne couvre que les armes déjà analysées.",
    failed: "L'analyse s'est arrêtée sur une erreur : le rapport ne couvre que les armes déjà analysées.",
    done_title: "Analyse terminée",
    agreement: "{agreeing} photo(s) sur {total} concordent",
    report_title: "Rapport prêt",
    report_html: "Ouvrir le rapport à imprimer",
    report_csv: "Télécharger le tableau (CSV)",
    report_json: "Télécharger les données (JSON)",
    print_hint: "Dans le rapport, imprimez avec Ctrl+P (⌘+P sur Mac).",
    retention: "Les photos et le rapport seront supprimés du serveur le {date}.",
    weapons_caption: "Armes analysées",
    col_weapon: "Arme",
    col_type: "Type d'arme",
    col_confidence: "Confiance",
    col_category: "Catégorie",
    col_todo: "À faire",
    no_firearm: "Pas d'arme à feu trouvée",
    undetermined: "Non déterminé",
    levels: { high: "élevée", medium: "moyenne", low: "faible" },
    skipped_title: "Fichiers non analysés",
    again: "Trier une autre saisie",
    footer: "Information seulement : la catégorie légale d'une arme saisie est établie par l'examen d'un expert.",
    network: "Le serveur ne répond pas. Vérifiez la connexion puis réessayez.",
    errors: {
      batch_too_large: "Le lot est trop volumineux : envoyez-le en plusieurs fois.",
      too_many_photos: "Le lot contient trop de photos : envoyez-le en plusieurs fois.",
      too_many_entries: "L'archive contient trop de fichiers : envoyez-la en plusieurs fois.",
      file_too_large: "Le lot est trop volumineux : envoyez-le en plusieurs fois.",
      archive_bomb: "L'archive a été refusée : son contenu ne ressemble pas à des photos.",
      not_a_zip: "Ce fichier n'est pas une archive zip lisible.",
      empty_batch: "Aucune photo utilisable n'a été trouvée dans le lot.",
      rate_limited: "Trop d'envois en peu de temps : réessayez dans une minute.",
      unknown_batch: "Ce lot n'existe plus (il a pu être supprimé à la fin de sa durée de conservation).",
    },
  },
  en: {
    skip: "Skip to content",
    other_lang: "Français",
    title: "Triage a seizure",
    intro:
      "Send the photos of every weapon of a seizure: Basegun recognises the type of each weapon, gives its likely " +
      "category and what remains to be checked, then prepares a report to print.",
    how_title: "How to arrange the photos",
    how_folder: "One sub-folder per weapon, with all the photos of that weapon (sides, markings, magazine).",
    how_single: "A photo placed directly in the folder counts as a weapon of its own.",
    how_card: "For a long gun, lay a bank-card-sized card next to the weapon: it is used to measure it.",
    send_title: "Send the batch",
    name_label: "Name of the seizure (optional)",
    name_hint: "It heads the report, for example a case number.",
    drop_hint: "Drop a folder, photos or a zip archive here, or choose them:",
    pick_folder: "Choose a folder",
    pick_files: "Choose photos",
    pick_zip: "Choose a zip archive",
    chosen_files: "{photos} file(s) chosen: {weapons} weapon(s).",
    chosen_zip: "Archive '{name}' chosen ({size}).",
    submit: "Send and analyse",
    uploading: "Sending: {percent}%",
    progress_title: "Analysis in progress",
    progress_label: "Photos analysed",
    queued: "Waiting: another batch is being analysed.",
    progress: "{done} of {total} photo(s) analysed",
    rate: "{rate} photo(s) per second",
    left: "about {left} left",
    finished: "Analysis finished: {weapons} weapon(s).",
    interrupted: "The analysis was interrupted (the service restarted): the report covers only the weapons done.",
    failed: "The analysis stopped on an error: the report covers only the weapons done.",
    done_title: "Analysis finished",
    agreement: "{agreeing} of {total} photo(s) agree",
    report_title: "Report ready",
    report_html: "Open the report to print",
    report_csv: "Download the table (CSV)",
    report_json: "Download the data (JSON)",
    print_hint: "In the report, print with Ctrl+P (⌘+P on a Mac).",
    retention: "The photos and the report will be deleted from the server on {date}.",
    weapons_caption: "Weapons analysed",
    col_weapon: "Weapon",
    col_type: "Type of weapon",
    col_confidence: "Confidence",
    col_category: "Category",
    col_todo: "To do",
    no_firearm: "No firearm found",
    undetermined: "Not determined",
    levels: { high: "high", medium: "medium", low: "low" },
    skipped_title: "Files not analysed",
    again: "Triage another seizure",
    footer: "Information only: the legal category of a seized weapon is settled by an expert's examination.",
    network: "The server does not answer. Check the connection and try again.",
    errors: {
      batch_too_large: "The batch is too large: send it in several parts.",
      too_many_photos: "The batch holds too many photos: send it in several parts.",
      too_many_entries: "The archive holds too many files: send it in several parts.",
      file_too_large: "The batch is too large: send it in several parts.",
      archive_bomb: "The archive was refused: its content does not look like photos.",
      not_a_zip: "This file is not a readable zip archive.",
      empty_batch: "No usable photo was found in the batch.",
      rate_limited: "Too many batches sent in a short time: try again in a minute.",
      unknown_batch: "This batch no longer exists (it may have been deleted at the end of its retention period).",
    },
  },
};

const $ = (id) => document.getElementById(id);
let lang = localStorage.getItem("basegun-station-lang") === "en" ? "en" : "fr";
let selection = null; // { archive: File } or { files: [{ file, name }] }
let batch = null; // the last status received
let lastAnnounce = 0;

function t(key, values = {}) {
  const text = TEXTS[lang][key] ?? TEXTS.fr[key];
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const element of document.querySelectorAll("[data-t]")) element.textContent = t(element.dataset.t);
  const button = $("lang");
  button.textContent = t("other_lang");
  button.lang = lang === "fr" ? "en" : "fr";
  describeSelection();
  if (batch) render(batch);
}

// Choosing the photos

/** Weapons as the server will count them: a folder is a weapon, a file at the top is a weapon of its own. */
function weaponCount(names) {
  return new Set(names.map((name) => (name.includes("/") ? name.split("/")[0] : name))).size;
}

function megabytes(bytes) {
  const value = (bytes / (1024 * 1024)).toFixed(1);
  return `${lang === "fr" ? value.replace(".", ",") : value} ${lang === "fr" ? "Mo" : "MB"}`;
}

function describeSelection() {
  const chosen = $("chosen");
  if (!selection) {
    chosen.textContent = "";
  } else if (selection.archive) {
    chosen.textContent = t("chosen_zip", { name: selection.archive.name, size: megabytes(selection.archive.size) });
  } else {
    const names = selection.files.map((item) => item.name);
    chosen.textContent = t("chosen_files", { photos: names.length, weapons: weaponCount(names) });
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

function problemText(body) {
  return TEXTS[lang].errors[body?.code] ?? body?.detail ?? t("network");
}

function showSendError(text) {
  const error = $("send-error");
  error.textContent = text;
  error.hidden = false;
  $("submit").disabled = !selection;
}

function send(event) {
  event.preventDefault();
  if (!selection) return;
  const form = new FormData();
  const name = $("name").value.trim();
  if (name) form.append("name", name);
  if (selection.archive) form.append("archive", selection.archive, selection.archive.name);
  else for (const item of selection.files) form.append("images", item.file, item.name);

  const request = new XMLHttpRequest();
  request.open("POST", API);
  request.responseType = "json";
  request.upload.addEventListener("progress", (progress) => {
    if (!progress.lengthComputable) return;
    const percent = Math.floor((100 * progress.loaded) / progress.total);
    $("chosen").textContent = t("uploading", { percent });
  });
  request.addEventListener("load", () => {
    if (request.status === 202) {
      start(request.response);
    } else {
      describeSelection();
      showSendError(problemText(request.response));
    }
  });
  request.addEventListener("error", () => {
    describeSelection();
    showSendError(t("network"));
  });
  $("submit").disabled = true;
  $("send-error").hidden = true;
  request.send(form);
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
    const response = await fetch(`${API}/${encodeURIComponent(id)}`, { cache: "no-store" });
    status = await response.json();
    if (!response.ok) {
      showBatchError(problemText(status));
      return;
    }
  } catch {
    setTimeout(() => poll(id), POLL_MS * 5); // the network came back? try again, more slowly
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

function progressLine(progress, status) {
  if (status === "queued") return t("queued");
  const parts = [t("progress", { done: progress.photos_done, total: progress.photos_total })];
  if (progress.photos_per_second) parts.push(t("rate", { rate: decimal(progress.photos_per_second) }));
  if (progress.seconds_left && progress.photos_done < progress.photos_total) {
    parts.push(t("left", { left: duration(progress.seconds_left) }));
  }
  return parts.join(" · ");
}

function decimal(value) {
  return lang === "fr" ? String(value).replace(".", ",") : String(value);
}

function duration(seconds) {
  const minutes = Math.floor(seconds / 60);
  return minutes ? `${minutes} min ${String(Math.round(seconds % 60)).padStart(2, "0")} s` : `${Math.round(seconds)} s`;
}

function percent(probability) {
  const value = (Math.min(Math.floor(probability * 1000), 999) / 10).toFixed(1);
  const shown = (probability >= 0.999 ? "≥ " : "") + decimal(value);
  return lang === "fr" ? `${shown} %` : `${shown}%`;
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text;
  row.append(td);
  return td;
}

function weaponRow(weapon, flagTexts) {
  const row = document.createElement("tr");
  const name = document.createElement("th");
  name.scope = "row";
  name.textContent = weapon.name;
  const { agreement } = weapon;
  if (agreement.readable > 1) {
    const small = document.createElement("div");
    small.className = "small";
    small.textContent = t("agreement", { agreeing: agreement.agreeing, total: agreement.readable });
    name.append(small);
  }
  row.append(name);
  const level = weapon.confidence_level;
  if (!weapon.typology) {
    cell(row, t("no_firearm"));
    cell(row, "");
    cell(row, "");
  } else {
    cell(row, level === "low" ? t("undetermined") : weapon.typology.labels[lang]);
    cell(row, `${percent(weapon.confidence)} (${TEXTS[lang].levels[level]})`);
    cell(row, weapon.legal.category_text[lang]);
  }
  const list = document.createElement("ul");
  for (const flag of weapon.flags) {
    const item = document.createElement("li");
    item.textContent = flagTexts[flag]?.[lang] ?? flag;
    list.append(item);
  }
  cell(row, "").append(list);
  return row;
}

function render(status) {
  batch = status;
  const { progress } = status;
  const bar = $("progress");
  bar.max = Math.max(progress.photos_total, 1);
  bar.value = progress.photos_done;
  const line = progressLine(progress, status.status);
  $("progress-text").textContent = line;
  if (Date.now() - lastAnnounce > ANNOUNCE_MS && UNFINISHED.includes(status.status)) {
    lastAnnounce = Date.now();
    $("progress-live").textContent = line;
  }
  const table = $("weapons");
  table.tBodies[0].replaceChildren(...status.weapons.map((weapon) => weaponRow(weapon, status.texts.flags)));
  table.hidden = status.weapons.length === 0;
  const skipped = $("skipped");
  skipped.querySelector("ul").replaceChildren(
    ...status.not_analysed.map((item) => {
      const li = document.createElement("li");
      const reason = status.texts.reasons[item.code]?.[lang] ?? item.detail;
      li.textContent = `${item.name}${lang === "fr" ? " :" : ":"} ${reason} (${item.code})`;
      return li;
    }),
  );
  skipped.hidden = status.not_analysed.length === 0;
  const expires = new Date(status.expires);
  $("retention").textContent = t("retention", { date: expires.toLocaleDateString(lang === "fr" ? "fr-FR" : "en-GB") });
  if (status.reports) showReports(status);
}

function showReports(status) {
  // Relative to this page, as the API calls are, so that a service behind a path prefix works too.
  for (const kind of ["html", "csv", "json"]) $(`report-${kind}`).href = `${API}/${status.id}/report.${kind}`;
  $("report").hidden = false;
  $("again").hidden = false;
  $("progress-title").textContent = t(status.status === "finished" ? "done_title" : "progress_title");
}

function finish(status) {
  const message =
    status.status === "finished" ? t("finished", { weapons: status.weapons.length }) : t(status.status);
  $("progress-live").textContent = message;
  if (status.status !== "finished") showBatchError(message);
  $("report-title").focus();
}

function reset() {
  history.replaceState(null, "", location.pathname);
  batch = null;
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

function init() {
  applyLanguage();
  $("lang").addEventListener("click", () => {
    lang = lang === "fr" ? "en" : "fr";
    localStorage.setItem("basegun-station-lang", lang);
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
  const resumed = /^#lot=([0-9a-f]{32})$/.exec(location.hash);
  if (resumed) {
    $("send").hidden = true;
    $("progress-card").hidden = false;
    poll(resumed[1]);
  }
  document.body.dataset.ready = "";
}

init();
