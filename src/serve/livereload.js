// workplan serve's live reload: injected into every previewed page, never into a built site.
//
// It listens to the preview server's events (Server-Sent Events beside this script):
// `reload` reloads the page and keeps its scroll position, `css` swaps the stylesheets in
// place, `error` shows the failed build's report over the last good page.
(() => {
  "use strict";

  const script = document.currentScript;
  // The build the page comes from: the server answers a stale one with `reload` at once.
  const eventsUrl =
    script.src.replace(/livereload\.js(\?.*)?$/, "events") +
    "?build=" +
    encodeURIComponent(script.dataset.build ?? "");
  const scrollKey = "workplan-scroll:" + location.pathname;
  const overlayId = "workplan-build-error";

  function reload() {
    sessionStorage.setItem(scrollKey, JSON.stringify([scrollX, scrollY]));
    location.reload();
  }

  function restoreScroll() {
    const saved = sessionStorage.getItem(scrollKey);
    if (saved === null) return;
    sessionStorage.removeItem(scrollKey);
    const [x, y] = JSON.parse(saved);
    const restore = () => scrollTo(x, y);
    // Images and fonts change the page's height until the page has loaded.
    if (document.readyState === "complete") restore();
    else addEventListener("load", restore, { once: true });
  }

  // The new stylesheet is added before the old one goes, so the page never flashes unstyled.
  function swapStylesheets() {
    const version = Date.now();
    for (const old of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(old.href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("v", version);
      const fresh = old.cloneNode();
      fresh.href = url.href;
      const done = () => old.remove();
      fresh.addEventListener("load", done, { once: true });
      fresh.addEventListener("error", done, { once: true });
      old.after(fresh);
    }
  }

  function hideError() {
    document.getElementById(overlayId)?.remove();
  }

  // A page element with the page's styles reset: inline `!important` wins over any stylesheet,
  // so the site's CSS can neither hide nor restyle the overlay.
  function element(tag, styles, attributes = {}) {
    const node = document.createElement(tag);
    node.style.setProperty("all", "initial", "important");
    for (const [name, value] of Object.entries(styles)) {
      node.style.setProperty(name, value, "important");
    }
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    return node;
  }

  function showError(report) {
    hideError();
    const text = { color: "#f2f2f2", font: "15px/1.5 system-ui, sans-serif" };
    const overlay = element(
      "div",
      {
        ...text,
        display: "block",
        position: "fixed",
        inset: "0 0 auto 0",
        "max-height": "100vh",
        overflow: "auto",
        "z-index": "2147483647",
        "box-sizing": "border-box",
        padding: "1rem 1.5rem",
        background: "#1d1f21",
        "border-top": "4px solid #e5484d",
        "box-shadow": "0 4px 24px rgb(0 0 0 / 50%)",
      },
      {
        id: overlayId,
        role: "alertdialog",
        "aria-labelledby": overlayId + "-title",
        "aria-describedby": overlayId + "-report",
      },
    );
    const header = element("div", {
      display: "flex",
      "align-items": "center",
      "justify-content": "space-between",
      gap: "1rem",
    });
    const title = element(
      "h2",
      { ...text, display: "block", "font-size": "1.2rem", "font-weight": "bold", color: "#ff9592" },
      { id: overlayId + "-title" },
    );
    title.textContent = "Build failed";
    const close = element(
      "button",
      {
        ...text,
        display: "inline-block",
        padding: "0.25rem 0.75rem",
        cursor: "pointer",
        background: "#3a3d41",
        border: "1px solid #8a8d91",
        "border-radius": "4px",
        // Keeps the browser's focus ring, which `all: initial` would remove.
        outline: "revert",
      },
      { type: "button", "aria-label": "Close the build error" },
    );
    close.textContent = "Close";
    close.addEventListener("click", hideError);
    overlay.addEventListener("keydown", (event) => {
      if (event.key === "Escape") hideError();
    });
    const pre = element(
      "pre",
      {
        ...text,
        display: "block",
        margin: "0.75rem 0 0",
        "white-space": "pre-wrap",
        "overflow-wrap": "anywhere",
        font: "14px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      },
      { id: overlayId + "-report" },
    );
    // The report quotes the user's files: it is text, never markup.
    pre.textContent = report;
    header.append(title, close);
    overlay.append(header, pre);
    (document.body ?? document.documentElement).append(overlay);
    close.focus({ preventScroll: true });
  }

  restoreScroll();
  // The server marks pages served while the last build is broken, so the overlay shows at once.
  if (script.dataset.error !== undefined) showError(script.dataset.error);

  // EventSource reconnects by itself when the server restarts or the connection drops.
  const events = new EventSource(eventsUrl);
  events.addEventListener("reload", reload);
  events.addEventListener("css", () => {
    hideError();
    swapStylesheets();
  });
  events.addEventListener("error", (event) => {
    // EventSource also fires a plain `error` (without data) when the connection drops.
    if (event instanceof MessageEvent) showError(event.data);
  });
})();
