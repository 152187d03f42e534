/*
 * Evidence from the phone: a photo is shrunk on the device before anything leaves it (longest
 * side 1600 px, JPEG quality 0.8, turned upright from its EXIF orientation), shown at once as a
 * thumbnail, kept in the journal (IndexedDB holds the file itself) and uploaded by the queue one
 * file at a time with a percentage. Each upload carries its id: the server stores it once
 * (AnswerEvidence.client_token), however often a weak connection makes the queue send it.
 */
import { labelOf, newToken } from "./forms.js";
import { MESSAGES, N, attr } from "./names.js";

const LONGEST_SIDE = 1600;
const QUALITY = 0.8;
const SHRINKABLE = /^image\/(jpeg|png|webp|bmp)$/;
const urls = new Map(); // an upload's id -> its thumbnail's object URL

/** ``file`` as a JPEG of at most LONGEST_SIDE px, upright; ``file`` itself if it is no photo. */
export async function shrink(file) {
  if (!SHRINKABLE.test(file.type) || !window.createImageBitmap) {
    return file;
  }
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch (error) {
    return file; // a format this browser cannot read: the server checks it as it is
  }
  const scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff"; // a transparent PNG on white, not black
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
  if (!blob || (blob.size >= file.size && scale === 1 && file.type === "image/jpeg")) {
    return file;
  }
  return new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" });
}

export function evidenceFormFor(url) {
  return document.querySelector("form" + attr(N.evidence) + attr("hx-post", url));
}

function pendingList(form) {
  let list = form.parentElement.querySelector("." + N.pending_uploads);
  if (!list) {
    list = document.createElement("ul");
    list.className = N.pending_uploads + " list-unstyled small mb-2 w-100";
    form.insertAdjacentElement("afterend", list);
  }
  return list;
}

function entryOf(id) {
  return document.querySelector("li" + attr(N.upload_id, id));
}

/** Show a queued upload under its form: thumbnail, name, and its state. */
export function showPending(item) {
  const form = evidenceFormFor(item.url);
  if (!form || entryOf(item.id)) {
    return;
  }
  const li = document.createElement("li");
  li.className = "d-flex align-items-center gap-2 py-1";
  li.setAttribute(N.upload_id, item.id);
  if (item.file && item.file.type.startsWith("image/")) {
    const img = document.createElement("img");
    const url = URL.createObjectURL(item.file);
    urls.set(item.id, url);
    img.src = url;
    img.alt = "";
    img.className = "evidence-thumb rounded border";
    li.appendChild(img);
  }
  const name = document.createElement("span");
  name.className = "text-break me-auto";
  name.textContent = item.file ? item.file.name : "";
  const state = document.createElement("span");
  state.className = N.upload_state + " text-nowrap text-muted";
  state.textContent = navigator.onLine ? "" : MESSAGES.waiting;
  li.append(name, state);
  pendingList(form).appendChild(li);
}

export function showProgress(id, percent) {
  const state = entryOf(id) && entryOf(id).querySelector("." + N.upload_state);
  if (state) {
    state.textContent = percent + " %";
  }
}

export function showUploadState(id, text) {
  const state = entryOf(id) && entryOf(id).querySelector("." + N.upload_state);
  if (state) {
    state.textContent = text;
  }
}

export function removePending(id) {
  const entry = entryOf(id);
  if (entry) {
    entry.remove();
  }
  if (urls.has(id)) {
    URL.revokeObjectURL(urls.get(id));
    urls.delete(id);
  }
}

/** The files chosen in an evidence form, shrunk and kept as uploads in the journal. */
export async function queueFiles(form, journal) {
  const files = [];
  form.querySelectorAll("input[type=file]").forEach((input) => files.push(...Array.from(input.files || [])));
  form.reset();
  const url = form.getAttribute("hx-post");
  for (const file of files) {
    const item = {
      id: newToken(),
      kind: "evidence",
      url: url,
      fields: [],
      file: await shrink(file),
      label: labelOf(form),
      sending: false,
      at: Date.now(),
    };
    journal.add(item);
    showPending(item);
  }
  return files.length;
}

/**
 * Upload one queued file (XMLHttpRequest: fetch cannot report an upload's progress). Resolves
 * with {status, text, loggedOut}; rejects when the request never got an answer.
 */
export function upload(item, csrf) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", item.url);
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.setRequestHeader("HX-Request", "true");
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) {
        showProgress(item.id, Math.round((100 * event.loaded) / event.total));
      }
    });
    xhr.addEventListener("load", () => {
      // A redirect was followed to the login page: the session has ended.
      const landed = xhr.responseURL ? new URL(xhr.responseURL).pathname : item.url;
      resolve({ status: xhr.status, text: xhr.responseText, loggedOut: landed !== item.url });
    });
    xhr.addEventListener("error", () => reject(new Error("network")));
    xhr.addEventListener("timeout", () => reject(new Error("timeout")));
    xhr.addEventListener("abort", () => reject(new Error("abort")));
    const data = new FormData();
    data.append("files", item.file, item.file.name);
    data.append("token", item.id);
    xhr.send(data);
  });
}
