// Making a weapon safe, step by step. Works offline: the catalog comes from the service worker's copy.

import { h } from "../dom.js";
import { pick, t } from "../i18n.js";
import { go, route } from "../router.js";
import { loadCatalog } from "../catalog.js";
import { role, session } from "../state.js";
import { actions, backLink, button, callout, lead, link, list, page } from "../ui.js";

function unavailable() {
  return page(
    t("guide.title"),
    callout("warning", t("guide.unavailable_title"), h("p", {}, t("guide.unavailable_text"))),
    h("p", {}, t("guide.unavailable_safety")),
    actions(
      button(t("common.retry"), () => go("guide"), { variant: "primary" }),
      link(t("common.home"), "home"),
    ),
  );
}

function expertHelp() {
  return h("p", {}, t(role() === "police" ? "guide.expert_police" : "guide.expert_citizen"));
}

function pickTypology(catalog) {
  const common = catalog.typologies[0].securing.common_steps;
  return page(
    t("guide.title"),
    lead(t("guide.pick_intro")),
    callout("danger", t("guide.first_title"), list(common.map(pick))),
    h("h2", {}, t("guide.pick_title")),
    h("p", {}, t("guide.unsure"), " ", h("a", { href: "#/identify" }, t("guide.unsure_link"))),
    h(
      "ul",
      { class: "choice-list" },
      catalog.typologies.map((item) =>
        h("li", {}, link(pick(item.label), `guide/${item.key}`, { variant: "choice", hint: pick(item.description) })),
      ),
    ),
    expertHelp(),
  );
}

function noGuide(typology, reason, label = typology.label) {
  return page(
    t("guide.no_guide_title", { label: pick(label) }),
    callout("danger", t("guide.do_not_title"), h("p", {}, pick(reason))),
    expertHelp(),
    actions(
      link(t("guide.other_type"), "guide"),
      session.identification ? link(t("common.back_result"), "result") : null,
    ),
  );
}

function pickVariant(typology) {
  return page(
    pick(typology.label),
    lead(t("guide.variant_intro")),
    h(
      "ul",
      { class: "choice-list" },
      [...typology.securing.variants, ...typology.securing.no_guide].map((variant) =>
        h(
          "li",
          {},
          link(pick(variant.label), `guide/${typology.key}/${variant.key}/1`, {
            variant: "choice",
            hint: pick(variant.hint),
          }),
        ),
      ),
    ),
    h("p", {}, t("guide.variant_none")),
    expertHelp(),
    backLink("guide", t("guide.other_type")),
  );
}

/** Where "back" goes from a step: the step before, else the choice of variant, else the choice of type. */
function previous(typology, base, number) {
  if (number > 1) return [`${base}/${number - 1}`, t("guide.previous")];
  const choices = typology.securing.variants.length + typology.securing.no_guide.length;
  return choices > 1 ? [`guide/${typology.key}`, t("guide.change_variant")] : ["guide", t("guide.other_type")];
}

function stepScreen(typology, variant, number) {
  const common = typology.securing.common_steps;
  const all = [...common, ...variant.steps];
  if (!(number >= 1 && number <= all.length)) return { redirect: `guide/${typology.key}/${variant.key}/1` };
  const base = `guide/${typology.key}/${variant.key}`;
  const last = number === all.length;
  return page(
    t("guide.step_title", { number, total: all.length }),
    h("p", { class: "kicker" }, `${pick(typology.label)} · ${pick(variant.label)}`),
    h("progress", { max: all.length, value: number, "aria-label": t("guide.progress", { number, total: all.length }) }),
    h("p", { class: "step-text" }, pick(all[number - 1])),
    number <= common.length ? h("p", { class: "hint" }, t("guide.common_hint")) : null,
    actions(
      link(last ? t("guide.finish") : t("guide.next"), last ? `${base}/done` : `${base}/${number + 1}`, {
        variant: "primary",
        iconName: "check",
      }),
      link(t("guide.cannot"), `${base}/stop/${number}`, { variant: "danger", iconName: "stop" }),
    ),
    backLink(...previous(typology, base, number)),
  );
}

function doneScreen(typology, variant) {
  session.securing = { key: typology.key, variant: variant.key, outcome: "done" };
  return page(
    t("guide.done_title"),
    callout("success", null, h("p", {}, t("guide.done_text"))),
    list(t("guide.done_after")),
    actions(
      session.identification
        ? link(t("common.back_result"), "result", { variant: "primary" })
        : link(t("home.identify"), "identify", { variant: "primary", iconName: "search" }),
      link(t("common.home"), "home"),
    ),
  );
}

function stopScreen(typology, variant, number) {
  session.securing = { key: typology.key, variant: variant.key, outcome: "stopped", step: number };
  return page(
    t("guide.stop_title"),
    callout("danger", null, h("p", {}, pick(typology.securing.stop))),
    expertHelp(),
    actions(
      link(t("guide.retry_step"), `guide/${typology.key}/${variant.key}/${number}`),
      session.identification ? link(t("common.back_result"), "result") : null,
      link(t("common.home"), "home"),
    ),
  );
}

async function guideScreen([key, variantKey, step, stopAt]) {
  let catalog;
  try {
    catalog = await loadCatalog();
  } catch {
    return unavailable();
  }
  if (!key) return pickTypology(catalog);
  const typology = catalog.typologies.find((item) => item.key === key);
  if (!typology) return { redirect: "guide" };
  const { available, expert_reason: reason, variants, no_guide: noGuides } = typology.securing;
  if (!available) return noGuide(typology, reason);
  const expertOnly = noGuides.find((item) => item.key === variantKey);
  if (expertOnly) return noGuide(typology, expertOnly.expert_reason, expertOnly.label);
  const variant = variants.find((item) => item.key === variantKey);
  if (!variant) {
    const single = variants.length === 1 && noGuides.length === 0;
    return single ? { redirect: `guide/${key}/${variants[0].key}/1` } : pickVariant(typology);
  }
  if (step === "done") return doneScreen(typology, variant);
  if (step === "stop") return stopScreen(typology, variant, Number(stopAt));
  return stepScreen(typology, variant, Number(step));
}

route("guide", guideScreen);
