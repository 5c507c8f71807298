// Talking to the Basegun API: JSON reads, JSON posts, and photo uploads with progress, time-out and cancel.

const UPLOAD_TIMEOUT_MS = 90_000;
const JSON_TIMEOUT_MS = 30_000;

/** A failed call; `code` is the API's stable code, or network / timeout / aborted / server_error; `detail` the
 * API's own words, for a code the page has no text for. */
export class ApiError extends Error {
  constructor(code, status = 0, retryAfter = null, detail = null) {
    super(code);
    this.code = code;
    this.status = status;
    this.retryAfter = retryAfter;
    this.detail = detail;
  }
}

function problemFrom(status, type, text, retryAfter) {
  if (type.includes("json")) {
    try {
      const body = JSON.parse(text);
      if (body && typeof body.code === "string") return new ApiError(body.code, status, retryAfter, body.detail ?? null);
    } catch {
      // not JSON after all: reported below as a server error
    }
  }
  return new ApiError(status >= 500 ? "server_error" : "http_error", status, retryAfter);
}

async function request(path, init) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), JSON_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(path, {
      ...init,
      signal: controller.signal,
      headers: { accept: "application/json", ...init.headers },
    });
  } catch {
    throw new ApiError(controller.signal.aborted ? "timeout" : "network");
  } finally {
    clearTimeout(timer);
  }
  const text = await response.text();
  if (!response.ok) {
    throw problemFrom(
      response.status,
      response.headers.get("content-type") || "",
      text,
      response.headers.get("retry-after"),
    );
  }
  return JSON.parse(text);
}

export function getJSON(path, init = {}) {
  return request(path, { method: "GET", ...init });
}

export function postJSON(path, body) {
  return request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

export function putJSON(path, body) {
  return request(path, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

/**
 * POST a photo as the multipart field `field` (`image` unless told; plus text `fields`).
 * `onProgress(fraction)` follows the upload; the promise resolves to the JSON answer.
 * Returns {promise, cancel}.
 */
export function upload(path, blob, filename, fields = {}, onProgress = () => {}, field = "image") {
  const form = new FormData();
  form.append(field, blob, filename);
  for (const [name, value] of Object.entries(fields)) if (value != null) form.append(name, value);
  return postForm(path, form, onProgress);
}

/**
 * POST a multipart form; `onProgress(fraction)` follows the upload, `timeout` in ms (0: none, for a seizure's
 * many photos). Resolves to the JSON answer. Returns {promise, cancel}.
 */
export function postForm(path, form, onProgress = () => {}, timeout = UPLOAD_TIMEOUT_MS) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open("POST", path);
    xhr.timeout = timeout;
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.upload.onload = () => onProgress(1);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText));
        } catch {
          reject(new ApiError("server_error", xhr.status));
        }
        return;
      }
      const type = xhr.getResponseHeader("content-type") || "";
      reject(problemFrom(xhr.status, type, xhr.responseText, xhr.getResponseHeader("retry-after")));
    };
    xhr.onerror = () => reject(new ApiError("network"));
    xhr.ontimeout = () => reject(new ApiError("timeout"));
    xhr.onabort = () => reject(new ApiError("aborted"));
    xhr.send(form);
  });
  return { promise, cancel: () => xhr.abort() };
}
