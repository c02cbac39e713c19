"use strict";
(() => {
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const picker = document.getElementById("language");
  const sender = localStorage.getItem("dalil.sender") || crypto.randomUUID();
  localStorage.setItem("dalil.sender", sender);
  let chosen = localStorage.getItem("dalil.language");
  if (chosen) picker.value = chosen;

  function setDirection(language) {
    document.documentElement.lang = language;
    document.documentElement.dir = language === "ar" ? "rtl" : "ltr";
  }

  function bubble(text, who, buttons) {
    const li = document.createElement("li");
    li.className = `msg ${who}`;
    li.textContent = text;
    if (buttons && buttons.length) {
      const row = document.createElement("div");
      row.className = "buttons";
      for (const b of buttons) {
        const el = document.createElement("button");
        el.type = "button";
        el.textContent = b.title;
        el.addEventListener("click", () => send(b.payload, b.title));
        row.appendChild(el);
      }
      li.appendChild(row);
    }
    log.appendChild(li);
    li.scrollIntoView({block: "end"});
  }

  async function send(text, shown) {
    bubble(shown || text, "user");
    const body = {sender, text};
    if (chosen) body.language = chosen;
    try {
      const res = await fetch("/api/v1/chat", {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify(body),
      });
      const data = await res.json();
      if (!res.ok) throw new Error(data.detail || res.status);
      setDirection(data.language);
      for (const m of data.messages) bubble(m.text, "bot", m.buttons);
    } catch (err) {
      bubble(String(err.message || err), "bot");
    }
  }

  picker.addEventListener("change", () => {
    chosen = picker.value;
    localStorage.setItem("dalil.language", chosen);
    setDirection(chosen);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
  if (chosen) setDirection(chosen);
})();
