// A weapon's markings as a person checks them, on the app's markings screen and the Station page: the close-up with
// the lines read outlined, each field's input with what was read beside it.

import { h } from "./dom.js";
import { percent, t } from "./i18n.js";

export const FIELDS = ["maker", "model", "calibre", "serial_number"];
const SVG_NS = "http://www.w3.org/2000/svg";

/** The close-up at `url`, with the lines each field of `answer` (a markings reading) came from outlined on it. */
export function markingsFigure(answer, url) {
  const size = answer.photos[0]; // boxes are in the first photo's own pixels
  if (!url || !size) return null;
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${size.width} ${size.height}`);
  svg.setAttribute("class", "markings-boxes");
  svg.setAttribute("aria-hidden", "true");
  FIELDS.forEach((name, index) => {
    const line = answer[name]?.line;
    const read = line != null ? answer.lines[line] : null;
    if (!read || read.image !== 0) return;
    const polygon = document.createElementNS(SVG_NS, "polygon");
    polygon.setAttribute("points", read.box.map(([x, y]) => `${x},${y}`).join(" "));
    polygon.setAttribute("class", `box box-${index + 1}`);
    svg.append(polygon);
  });
  return h(
    "figure",
    { class: "markings-photo" },
    h("div", { class: "markings-frame" }, h("img", { src: url, alt: t("markings.photo_alt") }), svg),
    h("figcaption", { class: "hint" }, t("markings.boxes_caption")),
  );
}

/** One field's input: `read` what was read ({ value, text, confidence } or null), `value` what the input holds. */
export function fieldInput(read, name, index, value, prefix = "markings") {
  const id = `${prefix}-${name}`;
  const hintId = `${id}-read`;
  const from = read?.value
    ? t("markings.read_from", { text: read.text ?? read.value, confidence: percent(read.confidence ?? 0) })
    : t("markings.not_read");
  return h(
    "div",
    { class: `field markings-field box-${index + 1}` },
    h("label", { for: id }, t(`markings.field.${name}`)),
    h("p", { class: "field-hint", id: hintId }, h("mark", {}, from)),
    h("input", {
      id,
      name,
      type: "text",
      maxlength: 100,
      autocomplete: "off",
      spellcheck: "false",
      "aria-describedby": hintId,
      value: value ?? "",
    }),
  );
}

/** A field's value as the API keeps it: trimmed, spaces collapsed. */
export function formValue(form, name) {
  return String(form.get(name) ?? "").trim().replace(/\s+/g, " ");
}
