// The installable portal, on every page of the site (never in the admin nor in its preview frame): registers the
// service worker (static/js/sw.js, served at /sw.js), asks it to forget the planning kept on the device when the
// parent signs out, and, on a page the worker served from the device, shows the «Hors ligne» banner and disables
// what needs the portal (requests, forms).
(() => {
  if (!("serviceWorker" in navigator) || window.top !== window.self || window.location.pathname.startsWith("/admin/")) {
    return;
  }
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // Not a secure context (http other than on this machine): the portal works as before, without the device copy.
  });
  const forget = () =>
    navigator.serviceWorker.ready.then((registration) => registration.active.postMessage({ type: "forget" }));

  // A page drawn for nobody signed in: whatever planning was kept belongs to a session that ended.
  if (document.body.hasAttribute("data-signed-out")) forget();
  document.querySelectorAll("form[data-sign-out]").forEach((form) => form.addEventListener("submit", forget));

  document.querySelectorAll("[data-retry]").forEach((link) => {
    link.href = window.location.href;
  });

  if (document.documentElement.dataset.served !== "device") return;
  document.querySelectorAll("[data-offline-banner]").forEach((banner) => {
    banner.hidden = false;
  });
  document.querySelectorAll("[data-needs-network], [data-needs-network-links] a[href]").forEach((link) => {
    link.removeAttribute("href");
    link.setAttribute("aria-disabled", "true");
    link.classList.add("is-disabled");
  });
  // Forms need the portal; those marked data-works-offline (the planning's show/hide boxes) keep their boxes.
  const controls = "form:not([data-works-offline]) :is(button, input, select, textarea), form[data-works-offline] button";
  document.querySelectorAll(controls).forEach((control) => {
    control.disabled = true;
  });
})();
