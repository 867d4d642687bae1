// Planning: the show/hide check boxes apply at once; without JavaScript the «Afficher» button reloads the page.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-planning-toggles]");
  if (!form) return;
  const checked = (kind) =>
    new Set([...form.querySelectorAll(`[data-toggle="${kind}"]`)].filter((box) => box.checked).map((box) => box.value));
  const apply = () => {
    const children = checked("child");
    const activities = checked("activity");
    document.querySelectorAll(".planning-entry").forEach((entry) => {
      entry.hidden = !(children.has(entry.dataset.child) && activities.has(entry.dataset.activity));
    });
    // The address and the period links keep the choice, as the reloaded page would.
    const filters = new URLSearchParams(new FormData(form));
    const keep = (href) => {
      const url = new URL(href, window.location.href);
      ["filtre", "enfant", "activite"].forEach((name) => url.searchParams.delete(name));
      filters.forEach((value, name) => {
        if (["filtre", "enfant", "activite"].includes(name)) url.searchParams.append(name, value);
      });
      return url;
    };
    window.history.replaceState(null, "", keep(window.location.href));
    document.querySelectorAll("a[data-keep-filters]").forEach((link) => {
      link.href = keep(link.href).toString();
    });
  };
  form.addEventListener("change", apply);
});
