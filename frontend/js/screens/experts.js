// Agents and experts: sign-in, the expert-request form, an agent's requests, the experts' queue and answer screen.
// Everything here needs an account; citizens never see it.

import { ApiError } from "../api.js";
import { authFetch, currentUser, hasRole, signIn, signInSettings, signOut } from "../auth.js";
import { loadCatalog } from "../catalog.js";
import { h } from "../dom.js";
import { dateTime, has, pick, t } from "../i18n.js";
import { go, route } from "../router.js";
import { session } from "../state.js";
import { actions, alertBox, backLink, button, callout, facts, lead, link, page, section } from "../ui.js";
import { errorText } from "../views.js";
import { FIELDS, confirmedValue } from "./markings.js";

const AGENT = "basegun-agent";
const EXPERT = "basegun-expert";
const CATEGORIES = ["A", "B", "C", "D", "not_classified"];
// The photos the experts need, in the order they read them (DOMAIN: left side, right side, markings, magazine).
const PHOTO_SLOTS = ["left", "right", "markings", "magazine", "other"];

async function call(path, init) {
  let response;
  try {
    response = await authFetch(path, init);
  } catch {
    throw new ApiError("network");
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(typeof body.code === "string" ? body.code : "server_error", response.status);
  return body;
}

function expertError(code) {
  return has(`expert.errors.${code}`) ? t(`expert.errors.${code}`) : errorText(code);
}

/** The screen for someone who must sign in first (or whose account lacks the role). */
function needsAccount(user, returnTo) {
  if (user) return page(t("expert.forbidden_title"), alertBox(t("expert.errors.forbidden")), backLink("account"));
  return page(
    t("account.title"),
    lead(t("account.sign_in_lead")),
    actions(button(t("account.sign_in"), () => signIn(returnTo), { variant: "primary" })),
  );
}

/** One line on the home screen for officers: their space, or how to get in. */
export function accountLink() {
  return h("p", { class: "profile-line" }, h("a", { href: "#/account" }, t("account.home_link")));
}

async function account() {
  if (!(await signInSettings())) return page(t("account.title"), callout("info", null, h("p", {}, t("account.off"))));
  const user = await currentUser();
  if (!user) return needsAccount(null, "account");
  const roles = user.roles.map((role) => t(`account.roles.${role.replace("basegun-", "")}`));
  return page(
    t("account.title"),
    facts([
      [t("account.name"), user.name],
      user.email ? [t("account.email"), user.email] : null,
      [t("account.roles_title"), roles.length ? roles.join(", ") : t("account.no_role")],
    ]),
    h(
      "div",
      { class: "choices" },
      hasRole(user, AGENT) ? link(t("expert.new_title"), "expert-request-new", { variant: "big" }) : null,
      hasRole(user, AGENT) ? link(t("expert.mine_title"), "expert-requests", { variant: "big" }) : null,
      hasRole(user, EXPERT) ? link(t("expert.queue_title"), "expert-requests/submitted", { variant: "big" }) : null,
    ),
    actions(button(t("account.sign_out"), signOut)),
  );
}

function field(name, label, { type = "text", required = true, hint = null, multiline = false, ...extra } = {}) {
  const id = `field-${name}`;
  const hintId = hint ? `${id}-hint` : null;
  const control = multiline
    ? h("textarea", { id, name, rows: 3, required, "aria-describedby": hintId, ...extra })
    : h("input", { id, name, type, required, "aria-describedby": hintId, ...extra });
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label, required ? null : h("span", { class: "optional" }, ` ${t("expert.optional")}`)),
    hint ? h("p", { class: "field-hint", id: hintId }, hint) : null,
    control,
  );
}

/** The markings read and confirmed in this visit, pre-filled and editable; the service keeps read apart from typed. */
function markingsFields() {
  const markings = session.markings;
  return h(
    "fieldset",
    {},
    h("legend", {}, t("expert.weapon_fields")),
    markings ? h("p", { class: "field-hint" }, t("expert.weapon_fields_hint")) : null,
    markings ? h("input", { type: "hidden", name: "markings_id", value: markings.answer.id ?? "" }) : null,
    FIELDS.map((name) =>
      field(name, t(`markings.field.${name}`), { required: false, maxlength: 100, value: confirmedValue(name) ?? "" }),
    ),
  );
}

async function newRequest() {
  const user = await currentUser();
  if (!hasRole(user, AGENT)) return needsAccount(user, "expert-request-new");
  const identified = session.identification?.id ? session.identification : null;
  const error = h("div", { class: "form-error", role: "alert" });
  const status = h("p", { class: "status", role: "status" });
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    if (!form.get("include_identification")) form.delete("identification_id");
    if (!form.get("markings_id")) form.delete("markings_id");
    form.delete("include_identification");
    for (const slot of PHOTO_SLOTS) {
      for (const file of form.getAll(`photo_${slot}`)) if (file.size) form.append("photos", file);
      form.delete(`photo_${slot}`);
    }
    error.replaceChildren();
    status.textContent = t("common.sending");
    try {
      const created = await call("api/v1/expert-requests", { method: "POST", body: form });
      go(`expert-request/${created.id}`);
    } catch (failure) {
      status.textContent = "";
      error.replaceChildren(h("p", {}, expertError(failure.code)));
    }
  };
  return page(
    t("expert.new_title"),
    lead(t("expert.new_lead")),
    h(
      "form",
      { class: "expert-form", onsubmit: submit, novalidate: false },
      field("service", t("expert.service"), { autocomplete: "organization", maxlength: 200 }),
      field("phone", t("expert.phone"), { type: "tel", autocomplete: "tel", maxlength: 40 }),
      field("seizure_number", t("expert.seizure_number"), { maxlength: 100 }),
      field("procedure_number", t("expert.procedure_number"), { maxlength: 100 }),
      markingsFields(),
      field("markings", t("expert.markings"), { required: false, multiline: true, maxlength: 2000 }),
      field("notes", t("expert.notes"), { required: false, multiline: true, maxlength: 4000 }),
      h(
        "fieldset",
        {},
        h("legend", {}, t("expert.photos")),
        h("p", { class: "field-hint" }, t("expert.photos_hint")),
        PHOTO_SLOTS.map((slot) =>
          field(`photo_${slot}`, t(`expert.photo_slots.${slot}`), {
            type: "file",
            accept: "image/*",
            required: slot === "left",
            multiple: slot === "other",
          }),
        ),
      ),
      identified
        ? h(
            "label",
            { class: "radio" },
            h("input", { type: "checkbox", name: "include_identification", value: "1", checked: true }),
            h("span", { class: "btn-label" }, t("expert.include_identification")),
          )
        : null,
      identified ? h("input", { type: "hidden", name: "identification_id", value: identified.id }) : null,
      error,
      status,
      actions(h("button", { type: "submit", class: "btn btn-primary" }, t("expert.send"))),
    ),
    backLink("account"),
  );
}

function statusText(request) {
  return t(`expert.status.${request.status}`);
}

async function requestsList(params) {
  const user = await currentUser();
  if (!hasRole(user, AGENT) && !hasRole(user, EXPERT)) return needsAccount(user, "expert-requests");
  const wanted = ["submitted", "answered"].includes(params[0]) ? params[0] : null;
  const queue = hasRole(user, EXPERT);
  let body;
  try {
    body = await call(`api/v1/expert-requests${wanted ? `?status=${wanted}` : ""}`);
  } catch (failure) {
    return page(t("expert.mine_title"), alertBox(expertError(failure.code)), backLink("account"));
  }
  const title = queue ? t("expert.queue_title") : t("expert.mine_title");
  const filters = queue
    ? h(
        "p",
        { class: "filters" },
        ["submitted", "answered"].map((key) =>
          h("a", { href: `#/expert-requests/${key}`, "aria-current": key === wanted ? "page" : null }, t(`expert.filter.${key}`)),
        ),
      )
    : null;
  const items = body.requests.map((request) =>
    h(
      "li",
      {},
      h(
        "a",
        { href: `#/expert-request/${request.id}` },
        t("expert.list_item", { seizure: request.seizure_number, service: request.service }),
      ),
      h("span", { class: "badge" }, statusText(request)),
      h("span", { class: "muted" }, ` ${dateTime(new Date(request.created_at))}`),
    ),
  );
  return page(
    title,
    filters,
    items.length ? h("ul", { class: "request-list" }, items) : h("p", {}, t("expert.empty")),
    hasRole(user, AGENT) ? actions(link(t("expert.new_title"), "expert-request-new", { variant: "primary" })) : null,
    backLink("account"),
  );
}

async function photoViews(request) {
  return Promise.all(
    request.photos.map(async (photo, index) => {
      const response = await authFetch(photo.url.replace(/^\//, ""), { headers: { accept: "image/jpeg" } });
      const url = response.ok ? URL.createObjectURL(await response.blob()) : "";
      return h("img", { class: "thumb", src: url, alt: t("expert.photo_alt", { n: index + 1 }) });
    }),
  );
}

async function answerForm(request) {
  const catalog = await loadCatalog();
  const error = h("div", { class: "form-error", role: "alert" });
  const typology = h(
    "select",
    { id: "field-typology", name: "typology", required: true },
    catalog.typologies.map((item) =>
      h("option", { value: item.key, selected: item.key === request.identification?.typology }, pick(item.label)),
    ),
  );
  const category = h(
    "select",
    { id: "field-category", name: "category", required: true },
    CATEGORIES.map((key) => h("option", { value: key }, t(`expert.category.${key}`))),
  );
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      await call(`api/v1/expert-requests/${request.id}/answer`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(Object.fromEntries(form)),
      });
      go(`expert-request/${request.id}`);
    } catch (failure) {
      error.replaceChildren(h("p", {}, expertError(failure.code)));
    }
  };
  return section(
    t("expert.answer_title"),
    h(
      "form",
      { class: "expert-form", onsubmit: submit },
      h("div", { class: "field" }, h("label", { for: "field-typology" }, t("expert.typology")), typology),
      h("div", { class: "field" }, h("label", { for: "field-category" }, t("expert.category_title")), category),
      field("text", t("expert.answer_text"), { multiline: true, maxlength: 4000 }),
      error,
      actions(h("button", { type: "submit", class: "btn btn-primary" }, t("expert.answer_send"))),
    ),
  );
}

/** Maker, model, calibre and serial number of a request, each marked read or typed. */
function weaponFacts(weapon) {
  if (!weapon) return [];
  return FIELDS.filter((name) => weapon[name]?.value).map((name) => [
    t(`markings.field.${name}`),
    t("markings.valued", { value: weapon[name].value, source: t(`markings.source_${weapon[name].source}`) }),
  ]);
}

async function requestScreen([id]) {
  const user = await currentUser();
  if (!hasRole(user, AGENT) && !hasRole(user, EXPERT)) return needsAccount(user, `expert-request/${id}`);
  let request;
  try {
    request = await call(`api/v1/expert-requests/${encodeURIComponent(id)}`);
  } catch (failure) {
    return page(t("expert.request_title"), alertBox(expertError(failure.code)), backLink("expert-requests"));
  }
  const identification = request.identification;
  const pending = request.notifications.filter((n) => n.status === "pending");
  const answer = request.answer;
  return page(
    t("expert.request_title"),
    h("p", { class: "result-main" }, statusText(request)),
    pending.length ? callout("info", null, h("p", {}, t("expert.mail_pending"))) : null,
    answer
      ? section(
          t("expert.answer_title"),
          facts([
            [t("expert.typology"), pick(answer.typology_label)],
            [t("expert.category_title"), t(`expert.category.${answer.category}`)],
            [t("expert.answered_by"), `${answer.expert}, ${dateTime(new Date(answer.answered_at))}`],
          ]),
          h("p", { class: "expert-answer" }, answer.text),
        )
      : null,
    section(
      t("expert.details_title"),
      facts([
        [t("expert.agent"), request.agent.name],
        [t("expert.service"), request.service],
        [t("expert.phone"), request.phone],
        [t("expert.seizure_number"), request.seizure_number],
        [t("expert.procedure_number"), request.procedure_number],
        ...weaponFacts(request.weapon_fields),
        request.markings ? [t("expert.markings"), request.markings] : null,
        request.notes ? [t("expert.notes"), request.notes] : null,
        identification
          ? [t("expert.identification"), identification.label ? pick(identification.label) : identification.typology]
          : null,
      ]),
      h("div", { class: "photo-row" }, await photoViews(request)),
    ),
    !answer && hasRole(user, EXPERT) ? await answerForm(request) : null,
    backLink(hasRole(user, EXPERT) ? "expert-requests/submitted" : "expert-requests"),
  );
}

route("account", account);
route("expert-request-new", newRequest);
route("expert-requests", requestsList);
route("expert-request", requestScreen);
