// Sending a photo for one of the three analyses (identify, alarm, measure): progress, failure, retry, and a
// photo kept in memory while the network is away, sent as soon as it is back.

import { upload } from "./api.js";
import { session } from "./state.js";

const flows = {};
const transfers = {};
const listeners = new Set();

// Failures that the same photo may get past by trying again; the others need another photo.
export const TRANSIENT = new Set([
  "network",
  "timeout",
  "rate_limited",
  "model_unavailable",
  "not_ready",
  "server_error",
  "internal_error",
]);

/**
 * def: {endpoint, field (optional): the photo's form field, fields(): extra form fields, done(answer): keeps the answer (may be async), result: its route,
 * offline (optional): {ready(): whether this phone can answer, answer(blob): the answer made here}}
 */
export function registerFlow(id, def) {
  flows[id] = def;
}

export function flow(id) {
  return flows[id];
}

export function transfer(id) {
  return transfers[id] ?? null;
}

/** Whether a photo is on its way to the service, or being analysed there. */
export function busy() {
  return Object.values(transfers).some((current) => ["uploading", "analysing"].includes(current.status));
}

/** listener(id, transfer, event) with event one of: status, progress, done */
export function onTransfer(listener) {
  listeners.add(listener);
}

function emit(id, event) {
  for (const listener of listeners) listener(id, transfers[id] ?? null, event);
}

function set(id, value, event = "status") {
  if (value) transfers[id] = value;
  else delete transfers[id];
  emit(id, event);
}

/** The service cannot be reached: no network, a time-out, or the service itself failing. */
function unreachable(error) {
  return error.code === "network" || error.code === "timeout" || error.status >= 500;
}

/** Answer on this phone; if that fails too, the photo waits for the network or the service's failure is shown. */
async function answerHere(id, def, photo, failure = null) {
  set(id, { status: "local" });
  try {
    const answer = await def.offline.answer(photo.prepared.blob);
    if (transfers[id]?.status !== "local") return; // cancelled meanwhile
    await def.done(answer);
    set(id, null, "done");
  } catch (error) {
    console.warn("answering on this phone failed:", error);
    if (failure && navigator.onLine) set(id, { status: "error", error: failure });
    else {
      session.pending = id;
      set(id, { status: "waiting" });
    }
  }
}

export function send(id) {
  const photo = session.photos[id];
  const def = flows[id];
  if (!photo || !def) return;
  if (!navigator.onLine && def.offline?.ready()) {
    answerHere(id, def, photo);
    return;
  }
  if (!navigator.onLine) {
    session.pending = id;
    set(id, { status: "waiting" });
    return;
  }
  if (session.pending === id) session.pending = null;
  const onProgress = (fraction) => {
    const current = transfers[id];
    if (!current) return;
    current.progress = fraction;
    if (fraction >= 1 && current.status === "uploading") {
      current.status = "analysing";
      emit(id, "status");
    } else emit(id, "progress");
  };
  const { promise, cancel: abort } = upload(
    def.endpoint,
    photo.prepared.blob,
    photo.prepared.filename,
    def.fields(),
    onProgress,
    def.field,
  );
  set(id, { status: "uploading", progress: 0, abort });
  promise.then(
    async (answer) => {
      await def.done(answer);
      set(id, null, "done");
    },
    (error) => {
      if (error.code === "aborted") set(id, null);
      else if (unreachable(error) && def.offline?.ready()) answerHere(id, def, photo, error);
      else if (error.code === "network" && !navigator.onLine) {
        session.pending = id;
        set(id, { status: "waiting" });
      } else set(id, { status: "error", error });
    },
  );
}

export function cancel(id) {
  const current = transfers[id];
  if (current?.abort) current.abort();
  if (session.pending === id) session.pending = null;
  set(id, null);
}

/** Send this photo as soon as the network is back (the user asked for it). */
export function queue(id) {
  if (!session.photos[id]) return;
  session.pending = id;
  set(id, { status: "waiting" });
}

/** The network is back: send the photo that waited for it. */
export function resume() {
  const id = session.pending;
  if (id && transfers[id]?.status === "waiting") send(id);
}
