"use strict";
// The entitlement checker's copy and print buttons (a file, not inline: the CSP forbids inline scripts).
(() => {
  const box = document.getElementById("share-text");
  const status = document.getElementById("copy-status");
  document.getElementById("copy-share").addEventListener("click", async () => {
    box.select();
    try { await navigator.clipboard.writeText(box.value); } catch (e) { document.execCommand("copy"); }
    status.textContent = status.dataset.copied;
  });
  document.getElementById("print-sheet").addEventListener("click", () => window.print());
})();
