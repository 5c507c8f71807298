// Tiny DOM helpers: every node is built with createElement and textContent, never from HTML strings.

const SVG_NS = "http://www.w3.org/2000/svg";

/** h("button", {class: "btn", onclick: fn}, "text", child) */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else if (name in node && typeof value !== "string") node[name] = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// Icons: 24×24 outline paths, drawn in the current text colour and hidden from assistive technologies.
const ICONS = {
  camera: "M4 8h3l2-3h6l2 3h3v11H4z M12 17a4 4 0 1 0 0-8 4 4 0 0 0 0 8z",
  image: "M4 5h16v14H4z M4 16l5-5 4 4 3-3 4 4 M15 9.5a1.5 1.5 0 1 0 0-.01",
  shield: "M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z M8.5 12l2.5 2.5 4.5-5",
  search: "M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13z M15.5 15.5L21 21",
  warning: "M12 3l10 18H2z M12 10v5 M12 17.5v.5",
  check: "M5 12.5l4.5 4.5L19 7.5",
  stop: "M8 3h8l5 5v8l-5 5H8l-5-5V8z M9 9l6 6 M15 9l-6 6",
  ruler: "M3 16l13-13 5 5-13 13z M7 12l2 2 M10 9l2 2 M13 6l2 2",
  tag: "M3 12V4h8l10 10-8 8z M7.5 8.5a1 1 0 1 0 0-.01",
  bell: "M6 17V11a6 6 0 0 1 12 0v6l2 2H4z M10 21h4",
  print: "M6 9V3h12v6 M6 18H3V9h18v9h-3 M6 14h12v7H6z",
  offline:
    "M3 3l18 18 M8.5 16.5a5 5 0 0 1 7 0 M5 13a10 10 0 0 1 5-2.7 M19 13a10 10 0 0 0-2.4-1.6 M2 9.5a15 15 0 0 1 4.5-2.8 M22 9.5a15 15 0 0 0-10-3.4 M12 20h.01",
  arrow: "M5 12h14 M13 6l6 6-6 6",
  back: "M19 12H5 M11 6l-6 6 6 6",
};

export function icon(name, extraClass = "") {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", `icon ${extraClass}`.trim());
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}
