// The sandbox page: pick a persona, chat with the bot as them, several side by side.
// Everything the bot wrote is rendered from its text and entities with DOM nodes and
// textContent only: no HTML from the chat ever reaches innerHTML.
"use strict";

const POLL_MS = 700;
const OFFICE = "-7.7543, 113.2159"; // a default point for location sharing
const world = { personas: [], koperasi: [] };
const columns = new Map(); // user id -> column

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// --- the persona picker --------------------------------------------------------------------

function fillWho() {
  const role = document.getElementById("role").value;
  const who = document.getElementById("who");
  who.replaceChildren();
  if (role === "newcomer-petugas") {
    who.append(new Option("orang baru dengan undangan baru", ""));
  } else if (role === "newcomer-pengurus") {
    for (const k of world.koperasi) who.append(new Option(`${k.nama} (${k.kecamatan})`, k.key));
  } else {
    for (const p of world.personas.filter((p) => p.role === role)) {
      const label = role === "pengurus" ? `${p.detail} — ${p.name}` : `${p.name} ${p.detail ? "— " + p.detail : ""}`;
      who.append(new Option(label, p.user_id));
    }
    if (role === "pengurus") sortOptions(who);
  }
}

function sortOptions(select) {
  const options = [...select.options].sort((a, b) => a.text.localeCompare(b.text));
  select.replaceChildren(...options);
}

async function openPicked(event) {
  event.preventDefault();
  const role = document.getElementById("role").value;
  const value = document.getElementById("who").value;
  let persona;
  if (role.startsWith("newcomer-")) {
    const body = { role: role.slice("newcomer-".length), koperasi_key: value || null };
    persona = await api("POST", "/api/newcomer", body);
    world.personas.push(persona);
  } else {
    persona = world.personas.find((p) => String(p.user_id) === value);
  }
  if (persona) await openColumn(persona);
}

// --- a chat column -------------------------------------------------------------------------

async function openColumn(persona) {
  if (columns.has(persona.user_id)) return;
  await api("POST", "/api/open", { user_id: persona.user_id });
  const node = document.getElementById("column-template").content.firstElementChild.cloneNode(true);
  node.dataset.userId = persona.user_id;
  node.dataset.role = persona.role;
  node.querySelector(".name").textContent = persona.name;
  node.querySelector(".role").textContent = persona.role;
  node.querySelector(".detail").textContent = persona.detail;
  const column = { persona, node, last: "", timer: null, keyboard: null };
  wireColumn(column);
  if (persona.invite_code) {
    const start = node.querySelector(".invite-start");
    start.textContent = `/start ${persona.invite_code}`;
    start.onclick = () => send(column, start.textContent);
    node.querySelector(".invite").hidden = false;
  }
  document.getElementById("columns").append(node);
  columns.set(persona.user_id, column);
  await refresh(column);
  column.timer = setInterval(() => refresh(column).catch(console.error), POLL_MS);
}

function wireColumn(column) {
  const { node } = column;
  const form = node.querySelector(".composer");
  form.onsubmit = (event) => {
    event.preventDefault();
    const text = form.elements.text.value.trim();
    if (text) send(column, text);
    form.elements.text.value = "";
  };
  node.querySelector(".close").onclick = () => {
    clearInterval(column.timer);
    columns.delete(column.persona.user_id);
    node.remove();
  };
  node.querySelector(".menu-button").onclick = () => {
    const menu = node.querySelector(".menu");
    menu.hidden = !menu.hidden;
  };
  node.querySelector(".location").onclick = () => shareLocation(column);
  node.querySelector(".attach").onchange = (event) => sendFiles(column, event.target);
  node.querySelector(".voice").onchange = (event) => sendVoice(column, event.target);
  node.querySelector(".record").onclick = (event) => toggleRecording(column, event.target).catch(() => {
    node.querySelector(".voice").click(); // no microphone here: pick an audio file instead
  });
}

async function act(column, path, body) {
  await api("POST", path, { user_id: column.persona.user_id, ...body });
  await refresh(column);
}

const send = (column, text) => act(column, "/api/send", { text });

function shareLocation(column) {
  const answer = prompt("Lokasi (lintang, bujur)", OFFICE);
  if (!answer) return;
  const [latitude, longitude] = answer.split(",").map((part) => parseFloat(part));
  act(column, "/api/location", { latitude, longitude });
}

function base64Of(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result.split(",", 2)[1]);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

async function sendFiles(column, input) {
  const files = [...input.files];
  input.value = "";
  const caption = takeCaption(column);
  const kind = files.every((f) => f.type.startsWith("image/")) ? "photo" : "document";
  if (files.length > 1) {
    const items = await Promise.all(files.map(base64Of));
    return act(column, "/api/album", { kind, items, caption });
  }
  const [file] = files;
  if (!file) return;
  const data_base64 = await base64Of(file);
  return act(column, "/api/media", { kind, data_base64, filename: file.name, mime_type: file.type || null, caption });
}

async function sendVoice(column, input) {
  const [file] = input.files;
  input.value = "";
  if (!file) return;
  const data_base64 = await base64Of(file);
  return act(column, "/api/media", { kind: "voice", data_base64, mime_type: "audio/ogg" });
}

// A voice note from the microphone: the first click records, the second sends it.
async function toggleRecording(column, button) {
  if (column.recorder) return column.recorder.stop();
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const recorder = new MediaRecorder(stream);
  const chunks = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  recorder.onstop = async () => {
    stream.getTracks().forEach((track) => track.stop());
    column.recorder = null;
    button.textContent = "Suara";
    const data_base64 = await base64Of(new Blob(chunks, { type: recorder.mimeType }));
    await act(column, "/api/media", { kind: "voice", data_base64, mime_type: "audio/ogg" });
  };
  recorder.start();
  column.recorder = recorder;
  button.textContent = "Kirim suara";
}

function takeCaption(column) {
  const input = column.node.querySelector(".composer").elements.text;
  const caption = input.value.trim();
  input.value = "";
  return caption || null;
}

async function refresh(column) {
  const chat = await api("GET", `/api/chat/${column.persona.user_id}`);
  const snapshot = JSON.stringify(chat);
  if (snapshot === column.last) return;
  column.last = snapshot;
  renderMessages(column, chat.messages);
  renderMenu(column, chat.commands);
  renderReplyKeyboard(column, chat.messages);
}

// --- rendering -----------------------------------------------------------------------------

function renderMessages(column, messages) {
  const list = column.node.querySelector(".messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...messages.filter((m) => !m.deleted).map((m) => renderMessage(column, m)));
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function renderMessage(column, message) {
  const item = el("li", `message ${message.direction}`);
  item.dataset.messageId = message.message_id;
  item.append(...renderMedia(message.media || {}));
  const text = message.text ?? message.caption;
  if (text) item.append(renderText(text, message.entities || []));
  const markup = message.reply_markup;
  if (markup && markup.inline_keyboard) item.append(renderInline(column, message, markup.inline_keyboard));
  if (message.edit_count) item.append(el("small", "edited", "diedit"));
  return item;
}

// Telegram's entities nest without crossing; offsets count UTF-16 units, as JS strings do.
function renderText(text, entities) {
  const box = el("div", "text");
  appendRange(box, text, 0, text.length, [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length));
  return box;
}

function appendRange(parent, text, start, end, entities) {
  let cursor = start;
  for (let i = 0; i < entities.length; i++) {
    const entity = entities[i];
    if (entity.offset < cursor || entity.offset >= end) continue;
    parent.append(text.slice(cursor, entity.offset));
    const stop = Math.min(entity.offset + entity.length, end);
    const inner = entities.filter((e, j) => j > i && e.offset >= entity.offset && e.offset + e.length <= stop);
    const node = entityNode(entity, text.slice(entity.offset, stop));
    appendRange(node, text, entity.offset, stop, inner);
    parent.append(node);
    cursor = stop;
  }
  parent.append(text.slice(cursor, end));
}

const TAGS = {
  bold: "b", italic: "i", underline: "u", strikethrough: "s", spoiler: "span",
  code: "code", pre: "pre", blockquote: "blockquote", expandable_blockquote: "blockquote",
};

function entityNode(entity, content) {
  if (entity.type === "text_link" || entity.type === "url") {
    const href = entity.type === "url" ? content : entity.url || "";
    if (/^https?:\/\//i.test(href)) {
      const link = el("a");
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      return link;
    }
    return el("span", "link");
  }
  const node = el(TAGS[entity.type] || "span", entity.type === "spoiler" ? "spoiler" : "");
  if (entity.type === "bot_command") {
    node.className = "command";
    node.onclick = (event) => {
      const column = columns.get(Number(event.target.closest(".column").dataset.userId));
      if (column) send(column, content);
    };
  }
  return node;
}

function renderMedia(media) {
  const parts = [];
  if (media.photo) {
    const biggest = media.photo[media.photo.length - 1];
    const img = el("img", "photo");
    img.src = `/api/file/${encodeURIComponent(biggest.file_id)}`;
    img.alt = "foto";
    parts.push(img);
  }
  for (const kind of ["document", "audio", "video"]) {
    if (!media[kind]) continue;
    const file = media[kind];
    const link = el("a", "file", `Unduh ${file.file_name || kind}`);
    link.href = `/api/file/${encodeURIComponent(file.file_id)}`;
    link.download = file.file_name || kind;
    parts.push(link);
  }
  if (media.voice) {
    const audio = el("audio", "voice");
    audio.controls = true;
    audio.src = `/api/file/${encodeURIComponent(media.voice.file_id)}`;
    parts.push(audio);
  }
  if (media.location) parts.push(el("div", "location", `Lokasi: ${media.location.latitude}, ${media.location.longitude}`));
  if (media.contact) parts.push(el("div", "contact", `Kontak: ${media.contact.first_name} ${media.contact.phone_number}`));
  return parts;
}

function renderInline(column, message, rows) {
  const box = el("div", "inline-keyboard");
  for (const row of rows) {
    const line = el("div", "row");
    for (const button of row) {
      const node = el("button", "inline", button.text);
      node.type = "button";
      if (button.callback_data !== undefined) {
        node.onclick = () => act(column, "/api/press", { message_id: message.message_id, data: button.callback_data });
      } else if (button.url && /^https?:\/\//i.test(button.url)) {
        node.onclick = () => window.open(button.url, "_blank", "noopener");
      } else {
        node.disabled = true;
      }
      line.append(node);
    }
    box.append(line);
  }
  return box;
}

function renderMenu(column, commands) {
  const menu = column.node.querySelector(".menu");
  menu.replaceChildren(...commands.map((c) => {
    const item = el("button", "menu-item");
    item.type = "button";
    item.append(el("b", "", `/${c.command}`), " ", el("span", "", c.description));
    item.onclick = () => { menu.hidden = true; send(column, `/${c.command}`); };
    return item;
  }));
  column.node.querySelector(".menu-button").disabled = commands.length === 0;
}

// The reply keyboard shown is the last one the bot sent, until it removes it.
function renderReplyKeyboard(column, messages) {
  let keyboard = null;
  for (const m of messages) {
    const markup = m.direction === "out" && !m.deleted ? m.reply_markup : null;
    if (markup && markup.keyboard) keyboard = markup.keyboard;
    if (markup && markup.remove_keyboard) keyboard = null;
  }
  const box = column.node.querySelector(".reply-keyboard");
  box.replaceChildren();
  for (const row of keyboard || []) {
    const line = el("div", "row");
    for (const button of row) {
      const label = typeof button === "string" ? button : button.text;
      const node = el("button", "reply", label);
      node.type = "button";
      node.onclick = () => replyButton(column, button, label);
      line.append(node);
    }
    box.append(line);
  }
}

function replyButton(column, button, label) {
  if (button.request_location) return shareLocation(column);
  if (button.request_contact) return act(column, "/api/contact", { phone_number: `+62${column.persona.user_id}` });
  return send(column, label);
}

// --- the sandbox clock ---------------------------------------------------------------------

function showClock(view) {
  document.getElementById("clock-now").textContent = view.local;
  document.getElementById("clock-offset").textContent = view.offset_days ? `(+${view.offset_days} hari)` : "";
  const buttons = document.getElementById("clock-buttons");
  buttons.querySelectorAll("[data-date]").forEach((b) => b.remove());
  for (const preset of view.presets) {
    const button = el("button", "", preset.label);
    button.type = "button";
    button.dataset.date = preset.date;
    buttons.append(button);
  }
  if (view.ran) {
    const ran = view.ran.map((r) => r.job).join(", ") || "tidak ada";
    document.getElementById("clock-ran").textContent = `Tugas terjadwal yang berjalan: ${ran}`;
  }
}

async function moveClock(event) {
  const button = event.target.closest("button");
  if (!button) return;
  const body = button.dataset.date ? { date: button.dataset.date } : { days: Number(button.dataset.days) };
  showClock(await api("POST", "/api/clock", body));
}

async function start() {
  const state = await api("GET", "/api/state");
  world.personas = state.personas;
  world.koperasi = state.koperasi;
  document.title = `Gempur sandbox — @${state.bot.username}`;
  document.getElementById("role").onchange = fillWho;
  document.getElementById("picker").onsubmit = (event) => openPicked(event).catch(alert);
  document.getElementById("clock-buttons").onclick = (event) => moveClock(event).catch(alert);
  fillWho();
  showClock(await api("GET", "/api/clock"));
  document.body.dataset.ready = "yes";
}

start().catch((error) => { document.body.textContent = `Sandbox tidak siap: ${error}`; });
