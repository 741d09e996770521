/* Date-range report (GET /api/v1/manager/report): per zone entries, exits, peak occupancy, dwell where it is
   measured, checkout transactions and conversion when the feed has data; for the export form's dates and
   zones. Download as CSV, or print (only the report is printed). */
import * as Mgr from "/static/manager/core.js";
import { lang, name, onLangChange, t } from "/static/manager/i18n.js";
import { exportQuery } from "/static/manager/panels.js";

const $ = (id) => document.getElementById(id);
let shown = null;  // the report on screen, redrawn when the language changes

function draw(rep) {
  shown = rep;
  $("report").hidden = false;
  $("rp-title").textContent = t("Report {from} – {to} (mall time, {basis} data)", { from: rep.from, to: rep.to, basis: t(rep.basis) });
  const tb = $("rp-table").querySelector("tbody");
  Mgr.clear(tb);
  for (const r of rep.rows) {
    const z = Mgr.state.zones[r.zone];
    const tr = Mgr.el("tr", { "data-zone": r.zone });
    const cell = (text, title) => Mgr.el("td", title ? { title } : {}, text);
    tr.append(cell(z ? name(z) : lang === "zh" ? r.name_zh : r.name_en), cell(String(r.entries)), cell(String(r.exits)),
      cell(r.peak_at ? r.peak_occupancy + " · " + r.peak_at.slice(5) : String(r.peak_occupancy)),
      cell(r.dwell_minutes === null ? "–" : Mgr.fmtNum(r.dwell_minutes, 1), r.dwell_note || ""),
      cell(r.transactions === null ? "–" : String(r.transactions)),
      cell(r.conversion === null ? "–" : Mgr.fmtNum(100 * r.conversion, 1) + " %"));
    tb.append(tr);
  }
  $("rp-note").textContent = t("generated {t}", { t: rep.generated });
}

async function load() {
  const q = exportQuery();
  $("rp-csv").href = "/api/v1/manager/report.csv?" + q;
  try { draw(await Mgr.api("/api/v1/manager/report?" + q)); }
  catch (e) { $("report").hidden = false; shown = null; Mgr.clear($("rp-table").querySelector("tbody")); $("rp-title").textContent = Mgr.errText(e); }
}

export function wireReport() {
  $("rp-show").addEventListener("click", load);
  $("rp-print").addEventListener("click", () => {
    document.body.classList.add("print-report");
    window.print();
  });
  window.addEventListener("afterprint", () => document.body.classList.remove("print-report"));
  onLangChange(() => { if (shown) draw(shown); });
}
