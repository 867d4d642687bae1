// Planning on a phone: opened without a chosen view («vue=») on a screen under 600 px wide, it shows the agenda.
// Run in <head> so that the week is not drawn first. Every link of the planning names its view, so a parent who
// picks «Semaine» or «Mois» keeps it; without JavaScript the week shows, as on a computer.
(() => {
  const url = new URL(window.location.href);
  const width = Math.min(window.innerWidth || Infinity, (window.screen && window.screen.width) || Infinity);
  if (url.searchParams.has("vue") || width >= 600) return;
  url.searchParams.set("vue", "agenda");
  window.location.replace(url.toString());
})();
