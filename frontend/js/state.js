// What the app remembers. Only the language and the user's profile are stored in the browser; photos and answers
// live in memory for this visit and are gone when the page is closed.

const ROLE_KEY = "basegun.role";
export const ROLES = ["police", "citizen"];

export function role() {
  const stored = localStorage.getItem(ROLE_KEY);
  return ROLES.includes(stored) ? stored : null;
}

export function setRole(value) {
  localStorage.setItem(ROLE_KEY, value);
}

/** The current visit: one photo per flow (identify, alarm, measure), the answers, the securing outcome. */
export const session = {
  photos: {}, // flow -> {file, prepared: {blob, filename, decoded}, url}
  identification: null,
  identifiedAt: null,
  typology: null, // the typology key the next steps are about
  replica: null, // {ammunition, answer}
  alarm: null,
  markings: null, // {answer, typed: {field: value typed}, confirmed}
  measurement: null,
  securing: null, // {key, variant, outcome: "done" | "stopped", step}
  pending: null, // a flow whose photo waits for the network
};

export function setPhoto(flow, file, prepared) {
  clearPhoto(flow);
  const url = URL.createObjectURL(prepared.decoded ? prepared.blob : file);
  session.photos[flow] = { file, prepared, url };
  return session.photos[flow];
}

export function clearPhoto(flow) {
  const photo = session.photos[flow];
  if (photo) URL.revokeObjectURL(photo.url);
  delete session.photos[flow];
  if (session.pending === flow) session.pending = null;
}

/** A new identification starts a new case: forget the previous answers. */
export function resetCase() {
  for (const flow of Object.keys(session.photos)) if (flow !== "identify") clearPhoto(flow);
  Object.assign(session, { identification: null, identifiedAt: null, typology: null, replica: null, alarm: null });
  session.markings = null;
  Object.assign(session, { measurement: null, securing: null });
}
