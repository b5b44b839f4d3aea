// The chat page: act as a persona through the stand-in's control API, and long-poll its
// events for what the bot sends. Everything shown is built as DOM nodes with textContent:
// no text from the bot or a user is ever parsed as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const LONG_POLL_SECONDS = 25;
const STATUS_EVERY_MS = 3000;

const state = {
  personas: [],
  current: null, // persona id
  unread: new Map(), // persona id -> count
  cursor: 0, // last event seq seen
  instance: null, // the stand-in's identity: changes when it restarts
  nodes: new Map(), // message id -> element, for the current chat
  connected: true,
  botOnline: null,
  pendingFile: null,
  panels: [],
};

// -- small helpers ------------------------------------------------------------------------

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "background") node.style.background = value; // CSSOM: allowed by the CSP
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

async function api(path, options = {}) {
  const init = { ...options };
  if (options.json !== undefined) {
    init.method = init.method || "POST";
    init.headers = { "content-type": "application/json" };
    init.body = JSON.stringify(options.json);
    delete init.json;
  }
  const response = await fetch(path, init);
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    body = { ok: false, error: `${response.status} ${response.statusText}` };
  }
  if (!response.ok || body.ok === false) {
    const error = new Error(body.error || body.description || `HTTP ${response.status}`);
    error.status = response.status;
    error.refused = true; // the stand-in answered, and said no
    throw error;
  }
  return body;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function localPath(url) {
  // File URLs carry the stand-in's own address; keep only the path so the page works under
  // whatever host name it was opened with.
  try {
    const parsed = new URL(url, location.href);
    return parsed.pathname + parsed.search;
  } catch (_) {
    return "#";
  }
}

function safeHref(url) {
  try {
    const parsed = new URL(url, location.href);
    return ["http:", "https:", "mailto:", "tel:"].includes(parsed.protocol) ? parsed.href : null;
  } catch (_) {
    return null;
  }
}

function initials(name) {
  const letters = [...(name || "?").trim()];
  return (letters[0] || "?").toUpperCase();
}

function colour(id) {
  const palette = ["#e17076", "#7bc862", "#65aadd", "#a695e7", "#ee7aae", "#6ec9cb", "#faa774"];
  return palette[Math.abs(Number(id)) % palette.length];
}

function clock(seconds) {
  if (!seconds) return "";
  const d = new Date(seconds * 1000);
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
}

function humanSize(bytes) {
  if (bytes == null) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// -- banners, toasts, alerts --------------------------------------------------------------

let bannerTimer = null;
function banner(text, kind = "", sticky = false) {
  const node = $("banner");
  node.textContent = text;
  node.className = `banner ${kind}`;
  node.hidden = false;
  clearTimeout(bannerTimer);
  if (!sticky) bannerTimer = setTimeout(() => (node.hidden = true), 3500);
}

function toast(text, kind = "") {
  const node = el("div", { class: `toast ${kind}`, text });
  $("toasts").append(node);
  setTimeout(() => node.remove(), kind === "error" ? 6000 : 3000);
}

function alertBox(text) {
  $("alert-text").textContent = text;
  $("alert").hidden = false;
  $("alert-ok").focus();
}

// -- Telegram formatting: entities (UTF-16 offsets, as JavaScript strings are) -------------

function entityNode(entity, text) {
  switch (entity.type) {
    case "bold": return el("b");
    case "italic": return el("i");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "code": return el("code");
    case "pre": return el("pre");
    case "blockquote":
    case "expandable_blockquote": return el("blockquote");
    case "spoiler": {
      const node = el("span", { class: "spoiler", title: "spoiler" });
      node.addEventListener("click", () => node.classList.add("shown"));
      return node;
    }
    case "text_link":
    case "url": {
      const href = safeHref(entity.type === "url" ? text : entity.url);
      if (!href) return el("span");
      return el("a", { href, target: "_blank", rel: "noopener noreferrer" });
    }
    default: return el("span", { class: `entity-${entity.type}` });
  }
}

function renderFormatted(parent, text, entities) {
  const list = (entities || [])
    .filter((e) => e.length > 0)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  const build = (into, start, end, items) => {
    let pos = start;
    let i = 0;
    while (i < items.length) {
      const entity = items[i];
      if (entity.offset < pos) { i += 1; continue; } // overlapping: not nested, skip
      if (entity.offset > pos) into.append(text.slice(pos, entity.offset));
      const stop = Math.min(entity.offset + entity.length, end);
      const inner = [];
      let j = i + 1;
      while (j < items.length && items[j].offset < stop) {
        if (items[j].offset + items[j].length <= stop) inner.push(items[j]);
        j += 1;
      }
      const node = entityNode(entity, text.slice(entity.offset, stop));
      into.append(node);
      build(node, entity.offset, stop, inner);
      pos = stop;
      i = j;
    }
    if (pos < end) into.append(text.slice(pos, end));
  };
  build(parent, 0, text.length, list);
}

// -- personas -----------------------------------------------------------------------------

async function loadPersonas() {
  const body = await api("/webchat/personas");
  state.personas = body.personas;
  renderPersonas();
}

function persona(id) {
  return state.personas.find((p) => p.id === id) || null;
}

function renderPersonas() {
  const list = $("personas");
  list.replaceChildren();
  for (const p of state.personas) {
    const count = state.unread.get(p.id) || 0;
    const item = el(
      "li",
      {
        class: `persona${p.id === state.current ? " active" : ""}`,
        dataset: { id: String(p.id) },
        tabindex: "0",
        onclick: () => selectPersona(p.id),
        onkeydown: (e) => { if (e.key === "Enter") selectPersona(p.id); },
      },
      el("div", { class: "avatar", text: initials(p.first_name), background: colour(p.id) }),
      el(
        "div",
        { class: "persona-text" },
        el("div", { class: "persona-name", text: p.first_name }),
        el("div", { class: "persona-role muted small", text: p.role || `user ${p.id}` }),
      ),
      count ? el("span", { class: "unread", text: String(count), title: `${count} unread` }) : null,
    );
    list.append(item);
  }
}

async function selectPersona(id) {
  state.current = id;
  state.unread.delete(id);
  const p = persona(id);
  $("chat-name").textContent = p ? p.first_name : `user ${id}`;
  $("chat-role").textContent = p ? p.role || `user ${id}` : "";
  const avatar = $("chat-avatar");
  avatar.textContent = initials(p ? p.first_name : "?");
  avatar.style.background = colour(id);
  $("text").disabled = false;
  $("send").disabled = false;
  $("app").className = "app show-chat";
  renderPersonas();
  clearPendingFile();
  $("attach-menu").hidden = true;
  $("location-form").hidden = true;
  await loadChat();
}

async function addPersona(event) {
  event.preventDefault();
  const name = $("new-name").value.trim();
  try {
    const body = await api("/webchat/personas", {
      json: { first_name: name, language_code: $("new-language").value },
    });
    $("new-name").value = "";
    await loadPersonas();
    await selectPersona(body.persona.id);
  } catch (error) {
    toast(`Could not add the user: ${error.message}`, "error");
  }
}

// -- the chat -----------------------------------------------------------------------------

async function loadChat() {
  const id = state.current;
  if (id == null) return;
  const box = $("messages");
  let messages = [];
  let chat = null;
  try {
    messages = (await api(`/sandbox/chats/${id}/messages`)).messages;
    chat = await api(`/sandbox/chats/${id}`);
  } catch (error) {
    if (!error.refused) throw error;
  }
  if (id !== state.current) return; // switched meanwhile
  box.replaceChildren();
  state.nodes.clear();
  for (const message of messages) upsertMessage(message, false);
  renderKeyboard(chat ? chat.reply_keyboard : null);
  updateEmpty();
  box.scrollTop = box.scrollHeight;
}

async function loadKeyboard() {
  if (state.current == null) return;
  try {
    const chat = await api(`/sandbox/chats/${state.current}`);
    renderKeyboard(chat.reply_keyboard);
  } catch (_) {
    renderKeyboard(null);
  }
}

function updateEmpty() {
  const box = $("messages");
  const empty = state.nodes.size === 0;
  $("start-bar").hidden = !empty || state.current == null;
  const note = box.querySelector(".empty");
  if (empty && !note) box.append(el("div", { class: "empty", text: "No messages here yet." }));
  if (!empty && note) note.remove();
}

function messageNode(m) {
  const out = m.from === "user";
  const bubble = el("div", { class: "bubble" });
  if (m.photo) {
    bubble.append(el("img", { class: "photo", src: localPath(m.photo.url), alt: "photo" }));
  }
  if (m.document) {
    const doc = m.document;
    bubble.append(
      el(
        "a",
        { class: "doc", href: localPath(doc.url), download: doc.file_name || "file" },
        el("span", { class: "doc-icon", text: "⬇" }),
        el(
          "span",
          {},
          el("div", { class: "doc-name", text: doc.file_name || "document" }),
          el("div", { class: "muted small", text: humanSize(doc.file_size) }),
        ),
      ),
    );
  }
  if (m.location) {
    const { latitude, longitude } = m.location;
    bubble.append(
      el("div", { class: "location", text: `📍 Location: ${Number(latitude).toFixed(5)}, ${Number(longitude).toFixed(5)}` }),
    );
  }
  if (m.contact) {
    const c = m.contact;
    bubble.append(el("div", { text: `📞 ${c.first_name || ""} ${c.phone_number || ""}`.trim() }));
  }
  if (m.text) {
    const body = el("div", { class: "text" });
    renderFormatted(body, m.text, m.entities || []);
    bubble.append(body);
  }
  bubble.append(el("div", { class: "meta", text: `${m.edited ? "edited " : ""}${clock(m.date)}` }));
  const node = el("div", { class: `msg ${out ? "out" : "in"}`, dataset: { id: String(m.message_id) } }, bubble);
  if (m.inline_keyboard && m.inline_keyboard.length) {
    const keyboard = el("div", { class: "inline-keyboard" });
    for (const row of m.inline_keyboard) {
      const line = el("div", { class: "kb-row" });
      for (const button of row) {
        if (button.url) {
          const href = safeHref(button.url);
          line.append(el("a", { href: href || "#", target: "_blank", rel: "noopener noreferrer", text: `${button.text} ↗` }));
        } else {
          line.append(
            el("button", {
              type: "button",
              text: button.text,
              onclick: () => clickButton(m.message_id, button),
            }),
          );
        }
      }
      keyboard.append(line);
    }
    node.append(keyboard);
  }
  return node;
}

function upsertMessage(m, scroll = true) {
  if (m.chat_id !== state.current) return;
  const box = $("messages");
  const old = state.nodes.get(m.message_id);
  if (m.deleted) {
    if (old) old.remove();
    state.nodes.delete(m.message_id);
    updateEmpty();
    return;
  }
  const node = messageNode(m);
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  if (old) {
    old.replaceWith(node);
  } else {
    // In message-id order, whatever order the answers arrive in.
    const later = [...state.nodes.entries()]
      .filter(([id]) => id > m.message_id)
      .sort((a, b) => a[0] - b[0])[0];
    if (later) box.insertBefore(node, later[1]);
    else box.append(node);
  }
  state.nodes.set(m.message_id, node);
  updateEmpty();
  if (scroll && (atBottom || m.from === "user")) box.scrollTop = box.scrollHeight;
}

function renderKeyboard(markup) {
  const box = $("reply-keyboard");
  box.replaceChildren();
  const rows = markup ? markup.keyboard || markup.rows || [] : [];
  for (const row of rows) {
    const line = el("div", { class: "kb-row" });
    for (const raw of row) {
      const button = typeof raw === "string" ? { text: raw } : raw;
      line.append(
        el("button", {
          type: "button",
          text: button.request_contact ? `📱 ${button.text}` : button.text,
          onclick: () => (button.request_contact ? shareContact() : sendText(button.text)),
        }),
      );
    }
    box.append(line);
  }
  box.hidden = rows.length === 0;
  if (markup && markup.input_field_placeholder) $("text").placeholder = markup.input_field_placeholder;
  else $("text").placeholder = "Message";
}

// -- acting as the persona ----------------------------------------------------------------

function currentProfile() {
  const p = persona(state.current);
  return p ? { first_name: p.first_name, language_code: p.language_code || undefined } : {};
}

async function act(path, payload, what) {
  try {
    const body = await api(`/sandbox/users/${state.current}/${path}`, payload);
    if (body.message) upsertMessage(body.message);
    return body;
  } catch (error) {
    toast(`${what}: ${error.message}`, "error");
    return null;
  }
}

async function sendText(text) {
  if (!text || state.current == null) return;
  await act("send", { json: { text, ...currentProfile() } }, "Not sent");
}

async function shareContact() {
  const phone = `+996700${String(state.current).padStart(6, "0").slice(-6)}`;
  await act("contact", { json: { phone_number: phone, ...currentProfile() } }, "Contact not shared");
}

async function clickButton(messageId, button) {
  await act(
    "click",
    { json: { message_id: messageId, data: button.callback_data, ...currentProfile() } },
    "The button did not work",
  );
}

// 📎 opens a menu as in the Telegram app: a file or photo, or a location.
function toggleAttachMenu() {
  if (state.current == null) return;
  $("attach-menu").hidden = !$("attach-menu").hidden;
}

function showLocationForm() {
  $("attach-menu").hidden = true;
  clearPendingFile();
  $("location-form").hidden = false;
  $("location-latitude").focus();
}

async function shareLocation(event) {
  event.preventDefault();
  if (state.current == null) return;
  // Sent as typed: the stand-in checks the numbers and its refusal shows as a toast.
  const latitude = Number($("location-latitude").value);
  const longitude = Number($("location-longitude").value);
  const body = await act(
    "location",
    { json: { latitude, longitude, ...currentProfile() } },
    "Location not shared",
  );
  if (body) $("location-form").hidden = true;
}

function clearPendingFile() {
  state.pendingFile = null;
  $("pending-file").hidden = true;
  $("file-input").value = "";
}

function pickedFile() {
  const file = $("file-input").files[0];
  if (!file) return;
  state.pendingFile = file;
  $("pending-name").textContent = `📎 ${file.name} (${humanSize(file.size)})`;
  $("send-as-photo").hidden = !/^image\/(jpeg|png|gif)$/.test(file.type);
  $("pending-file").hidden = false;
}

async function sendFile(kind) {
  const file = state.pendingFile;
  if (!file || state.current == null) return;
  const form = new FormData();
  form.append("file", file, file.name);
  const caption = $("text").value.trim();
  if (caption) form.append("caption", caption);
  const profile = currentProfile();
  for (const [key, value] of Object.entries(profile)) if (value) form.append(key, value);
  clearPendingFile();
  $("text").value = "";
  const body = await act(kind, { method: "POST", body: form }, "The stand-in refused the file");
  if (!body && file.size > 50 * 1024 * 1024) {
    toast("Telegram (and the stand-in) accept bot uploads up to 50 MB.", "error");
  }
}

// -- events, status, reconnecting ---------------------------------------------------------

function handleEvent(event) {
  const chat = event.chat_id;
  if (chat !== state.current) {
    if (event.kind === "message") {
      state.unread.set(chat, (state.unread.get(chat) || 0) + 1);
      if (!persona(chat)) loadPersonas().catch(() => {});
      renderPersonas();
    }
    return;
  }
  if (event.kind === "callback_answer") {
    if (event.text) {
      if (event.show_alert) alertBox(event.text);
      else toast(event.text);
    }
    if (event.url) toast(`Open: ${event.url}`);
    return;
  }
  if (event.message) {
    upsertMessage(event.message);
    if (event.kind === "message" && (event.message.reply_keyboard || event.message.remove_keyboard)) {
      loadKeyboard();
    }
  }
}

async function eventLoop() {
  let failures = 0;
  for (;;) {
    try {
      if (!state.connected) {
        await reconnected(); // a quick call first, not a long poll, to say so at once
        continue;
      }
      const body = await api(`/sandbox/events?after=${state.cursor}&wait=${LONG_POLL_SECONDS}`);
      if (body.last_seq < state.cursor) await reconnected();
      else {
        for (const event of body.events) {
          state.cursor = Math.max(state.cursor, event.seq);
          handleEvent(event);
        }
      }
      failures = 0;
    } catch (error) {
      failures += 1;
      if (state.connected) {
        state.connected = false;
        banner("Lost the connection to the stand-in; reconnecting…", "bad", true);
        document.body.dataset.connection = "lost";
      }
      await sleep(Math.min(5000, 300 * failures));
    }
  }
}

async function reconnected() {
  // The stand-in (or the whole demo) may have restarted: its events start again from 1, so
  // take its current position and reload what is on screen.
  const status = await api("/webchat/status");
  const restarted = state.instance !== null && status.instance !== state.instance;
  state.instance = status.instance;
  state.cursor = status.last_seq;
  state.connected = true;
  document.body.dataset.connection = "ok";
  applyStatus(status);
  await loadPersonas();
  if (state.current != null) await loadChat();
  banner(restarted ? "Reconnected: the stand-in was restarted." : "Reconnected.", "good");
}

function applyStatus(status) {
  const node = $("bot-state");
  const name = status.bot && status.bot.username ? `@${status.bot.username}` : "bot";
  if (status.bot_online) {
    node.textContent = `${name} online`;
    node.className = "bot-state small";
  } else {
    node.textContent = `${name} not running`;
    node.className = "bot-state small offline";
  }
  if (state.botOnline === true && !status.bot_online) {
    banner("The bot stopped polling: messages wait until it is back.", "bad", true);
  } else if (state.botOnline === false && status.bot_online) {
    banner("The bot is back.", "good");
  }
  state.botOnline = status.bot_online;
  document.body.dataset.bot = status.bot_online ? "online" : "offline";
  state.panels = status.panels || [];
  applyRemindersControl();
  const notes = $("notes");
  notes.replaceChildren();
  for (const note of status.notes || []) notes.append(el("p", { class: "muted small", text: note }));
}

async function statusLoop() {
  for (;;) {
    await sleep(STATUS_EVERY_MS);
    if (!state.connected) continue;
    try {
      const status = await api("/webchat/status");
      if (state.instance !== null && status.instance !== state.instance) {
        await reconnected();
        continue;
      }
      applyStatus(status);
      if (!$("helpers").hidden) await loadOutbox();
    } catch (_) {
      // the event loop notices and says so
    }
  }
}

// -- demo helpers -------------------------------------------------------------------------

async function loadOutbox() {
  const panel = state.panels.find((p) => p.key === "outbox");
  const box = $("outbox");
  if (!panel) return;
  let body;
  try {
    body = await api(localPath(panel.url));
  } catch (error) {
    box.textContent = `Outbox not available: ${error.message}`;
    return;
  }
  const columns = ["queued", "sending", "sent", "failed", "blocked"];
  const table = el("table");
  table.append(el("tr", {}, ...columns.map((c) => el("th", { text: c }))));
  for (const row of body.broadcasts) {
    const id = String(row.id ?? "");
    table.append(
      el("tr", { class: "label" }, el("td", { colspan: String(columns.length), text: row.label })),
      el(
        "tr",
        { dataset: { broadcast: id }, title: row.label },
        ...columns.map((c) => el("td", { class: "n", text: String(row.counts[c] || 0) })),
      ),
    );
  }
  box.replaceChildren(
    body.broadcasts.length ? table : el("div", { text: "Nothing sent through the outbox yet." }),
  );
  box.className = "outbox";
}

function remindersPanel() {
  return state.panels.find((p) => p.key === "reminders");
}

function applyRemindersControl() {
  const available = Boolean(remindersPanel());
  $("reminder-hours").disabled = !available;
  $("run-reminders").disabled = !available;
  $("reminders-hint").hidden = !available;
}

async function runReminders() {
  const panel = remindersPanel();
  if (!panel) return;
  const hours = Number($("reminder-hours").value);
  const result = $("reminders-result");
  $("run-reminders").disabled = true;
  try {
    const body = await api(localPath(panel.url), { json: { hours } });
    const counts = Object.entries(body.counts || {})
      .map(([status, n]) => `${n} ${status}`)
      .join(", ");
    result.textContent = `+${body.hours} h: ${counts || "nothing was due"}.`;
    result.dataset.done = String((body.counts || {}).sent || 0);
  } catch (error) {
    result.textContent = `Not run: ${error.message}`;
  } finally {
    $("run-reminders").disabled = false;
  }
  await loadOutbox();
}

function toggleHelpers(show) {
  $("helpers").hidden = !show;
  if (show) loadOutbox();
}

// -- start --------------------------------------------------------------------------------

async function main() {
  $("new-user").addEventListener("submit", addPersona);
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("text").value.trim();
    $("text").value = "";
    sendText(text);
  });
  $("start-button").addEventListener("click", () => sendText("/start"));
  $("attach").addEventListener("click", toggleAttachMenu);
  $("attach-file").addEventListener("click", () => {
    $("attach-menu").hidden = true;
    $("location-form").hidden = true;
    $("file-input").click();
  });
  $("attach-location").addEventListener("click", showLocationForm);
  $("location-form").addEventListener("submit", shareLocation);
  $("location-cancel").addEventListener("click", () => ($("location-form").hidden = true));
  $("file-input").addEventListener("change", pickedFile);
  $("send-as-document").addEventListener("click", () => sendFile("document"));
  $("send-as-photo").addEventListener("click", () => sendFile("photo"));
  $("pending-cancel").addEventListener("click", clearPendingFile);
  $("back").addEventListener("click", () => ($("app").className = "app show-list"));
  $("helpers-toggle").addEventListener("click", () => toggleHelpers($("helpers").hidden));
  $("helpers-close").addEventListener("click", () => toggleHelpers(false));
  $("outbox-refresh").addEventListener("click", loadOutbox);
  $("run-reminders").addEventListener("click", runReminders);
  $("alert-ok").addEventListener("click", () => ($("alert").hidden = true));

  for (;;) {
    try {
      const status = await api("/webchat/status");
      state.instance = status.instance;
      state.cursor = status.last_seq;
      applyStatus(status);
      await loadPersonas();
      break;
    } catch (_) {
      banner("Waiting for the stand-in…", "bad", true);
      await sleep(1000);
    }
  }
  document.body.dataset.connection = "ok";
  document.body.dataset.ready = "1";
  eventLoop();
  statusLoop();
}

main();
