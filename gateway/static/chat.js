"use strict";
// The web chat: sends to /api/v1/chat, shows quick replies, shares a location on request.
(() => {
  const $ = (id) => document.getElementById(id);
  const log = $("log"), form = $("composer"), input = $("text"), picker = $("language");
  const sendButton = $("send"), locate = $("locate"), writing = $("writing");
  const restart = $("new-conversation");
  const UI = JSON.parse($("ui-strings").textContent);
  const LOCATION_TEXT = JSON.parse($("location-text").textContent);
  const RTL = new Set(["ar"]);

  // The conversation's only credential: kept in this browser, sent in request bodies, never in URLs.
  let sender = localStorage.getItem("dalil.sender") || crypto.randomUUID();
  localStorage.setItem("dalil.sender", sender);
  // Only a language the person picked is sent as a choice; the page's own is just a hint.
  let chosen = localStorage.getItem("dalil.language");
  let busy = false;

  function applyLanguage(language) {
    const t = UI[language] || UI.fr;
    const root = document.documentElement;
    root.lang = language;
    root.dir = direction(language);
    picker.value = language;
    document.title = t.title;
    $("language-label").textContent = t.language;
    $("text-label").textContent = t.message;
    $("welcome").textContent = t.welcome;
    writing.textContent = t.writing;
    log.setAttribute("aria-label", t.conversation);
    input.placeholder = t.placeholder;
    sendButton.textContent = t.send;
    locate.setAttribute("aria-label", t.location);
    locate.title = t.location;
    restart.textContent = t.new_conversation;
    $("source").textContent = t.source;
  }
  const direction = (language) => (RTL.has(language) ? "rtl" : "ltr");
  const text = (key) => (UI[document.documentElement.lang] || UI.fr)[key];

  function bubble(content, who, buttons, extraClass) {
    const li = document.createElement("li");
    li.className = `msg ${who}${extraClass ? " " + extraClass : ""}`;
    const label = document.createElement("span");
    label.className = "sr-only";
    label.textContent = text(who === "user" ? "you" : "bot") + " ";
    const body = document.createElement("span");
    // The bot writes in the conversation's language: its direction must not follow the first
    // word, which may be a Latin name ("CHU Ibn Sina") inside an Arabic card. What the person
    // types may be in any script, so it keeps "auto".
    const language = document.documentElement.lang;
    if (who === "user") {
      body.dir = "auto";
    } else {
      body.lang = language;
      body.dir = direction(language);
    }
    body.textContent = content;
    li.append(label, body);
    if (buttons && buttons.length) {
      const row = document.createElement("div");
      row.className = "buttons";
      for (const b of buttons) {
        const el = document.createElement("button");
        el.type = "button";
        el.lang = language;
        el.dir = direction(language);
        el.textContent = b.title;
        el.addEventListener("click", () => send(b.payload, b.title));
        row.appendChild(el);
      }
      li.appendChild(row);
    }
    log.appendChild(li);
    li.scrollIntoView({block: "end"});
    return li;
  }

  function setBusy(value) {
    busy = value;
    writing.hidden = !value;
    sendButton.disabled = value;
    locate.disabled = value;
  }

  async function send(message, shown, location) {
    if (busy) return;
    bubble(shown || message, "user");
    const body = {sender, text: message};
    if (chosen) body.language = chosen;
    if (location) body.location = location;
    setBusy(true);
    try {
      const res = await fetch("/api/v1/chat", {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify(body),
      });
      const data = await res.json();
      if (res.status === 429) {
        // Over a limit: the server's message says, politely and in the right language, to wait.
        bubble(typeof data.detail === "string" ? data.detail : text("too_many"), "bot", null, "error");
        return;
      }
      if (!res.ok) throw new Error(data.detail || String(res.status));
      applyLanguage(data.language);
      for (const m of data.messages) bubble(m.text, "bot", m.buttons);
      // The conversation was deleted: the next message starts a new one, under a new id.
      if (data.new_conversation) newSender();
      // An empty answer means a person has taken over: fetch what they write.
      else if (!data.messages.length) pollStaff();
    } catch (err) {
      bubble(text("failed"), "bot", null, "error");
    } finally {
      setBusy(false);
      input.focus();
    }
  }

  // While a staff member handles the conversation, their replies arrive through this inbox.
  let polling = null;
  async function pollStaff() {
    if (polling) return;
    const tick = async () => {
      try {
        const res = await fetch("/api/v1/chat/inbox", {
          method: "POST",
          headers: {"Content-Type": "application/json"},
          body: JSON.stringify({sender}),
        });
        if (!res.ok) return;
        const data = await res.json();
        for (const m of data.messages) bubble(m.text, "bot", null, "staff");
        if (!data.handover) { clearInterval(polling); polling = null; }
      } catch (err) { /* offline for a moment: the next tick retries */ }
    };
    polling = setInterval(tick, 5000);
    tick();
  }

  function newSender() {
    sender = crypto.randomUUID();
    localStorage.setItem("dalil.sender", sender);
    if (polling) { clearInterval(polling); polling = null; }
  }

  // On a shared phone or computer the next person starts afresh: nothing of this one is shown.
  restart.addEventListener("click", () => {
    newSender();
    log.replaceChildren();
    input.value = "";
    input.focus();
  });

  picker.addEventListener("change", () => {
    chosen = picker.value;
    localStorage.setItem("dalil.language", chosen);
    applyLanguage(chosen);
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (!value || busy) return;
    input.value = "";
    send(value);
  });

  if ("geolocation" in navigator) {
    locate.hidden = false;
    locate.addEventListener("click", () => {
      navigator.geolocation.getCurrentPosition(
        (pos) => send(LOCATION_TEXT, "📍 " + text("my_location"),
                      {lat: pos.coords.latitude, lon: pos.coords.longitude}),
        () => bubble(text("no_location"), "bot", null, "error"),
        {enableHighAccuracy: false, timeout: 15000, maximumAge: 600000},
      );
    });
  }

  applyLanguage(chosen || document.documentElement.lang);
  input.focus();
})();
