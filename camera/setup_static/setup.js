// Installer view: draws the newest frame with the counting line, the in-side arrow, the handles, the
// tracked boxes; the installer drags the handles, picks the in side and saves to the node's config file.
"use strict";

(() => {
  const canvas = document.getElementById("view");
  const ctx = canvas.getContext("2d");
  const inCount = document.getElementById("in-count");
  const outCount = document.getElementById("out-count");
  const status = document.getElementById("status");
  const dirtyNote = document.getElementById("dirty");
  const radios = Array.from(document.querySelectorAll("input[name=in_side]"));
  const HANDLE_PX = 14; // handle radius in CSS pixels (a 28 px target, bigger grab zone below)

  let state = null; // last /api/state
  let line = null; // [[x, y], [x, y]] normalised, what is drawn (may be unsaved)
  let inSide = null;
  let dirty = false;
  let drag = null; // index of the handle being dragged
  let frame = null; // last loaded frame image

  const setDirty = (v) => { dirty = v; dirtyNote.hidden = !v; };

  function toCanvas(p) { return [p[0] * canvas.width, p[1] * canvas.height]; }
  function cssScale() { const r = canvas.getBoundingClientRect(); return canvas.width / Math.max(r.width, 1); }
  function eventPoint(ev) {
    const r = canvas.getBoundingClientRect();
    const x = Math.min(Math.max((ev.clientX - r.left) / r.width, 0), 1);
    const y = Math.min(Math.max((ev.clientY - r.top) / r.height, 0), 1);
    return [x, y];
  }

  function draw() {
    if (frame) ctx.drawImage(frame, 0, 0, canvas.width, canvas.height);
    else { ctx.fillStyle = "#333"; ctx.fillRect(0, 0, canvas.width, canvas.height); }
    const s = cssScale();
    if (state) {
      const sx = canvas.width / Math.max(state.width, 1), sy = canvas.height / Math.max(state.height, 1);
      ctx.lineWidth = 2 * s;
      ctx.font = `${Math.round(14 * s)}px system-ui, sans-serif`;
      for (const t of state.tracks) {
        const [x1, y1, x2, y2] = t.box;
        ctx.strokeStyle = t.confirmed ? "#4e4" : "#ee4";
        ctx.strokeRect(x1 * sx, y1 * sy, (x2 - x1) * sx, (y2 - y1) * sy);
        ctx.fillStyle = ctx.strokeStyle;
        ctx.fillText(`#${t.id}`, x1 * sx + 3 * s, y1 * sy - 4 * s);
      }
    }
    if (!line) return;
    canvas.dataset.line = JSON.stringify(line); // what is drawn, for tests and for reading it off the page
    const [a, b] = [toCanvas(line[0]), toCanvas(line[1])];
    ctx.strokeStyle = "#0cf";
    ctx.lineWidth = 4 * s;
    ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke();
    // Arrow from the middle towards the in side. "left" is where (x2-x1)*(py-y1) - (y2-y1)*(px-x1) > 0,
    // i.e. along the normal (-(y2-y1), x2-x1) in image coordinates (y down).
    const dx = b[0] - a[0], dy = b[1] - a[1], len = Math.hypot(dx, dy) || 1;
    let nx = -dy / len, ny = dx / len;
    if (inSide === "right") { nx = -nx; ny = -ny; }
    const mx = (a[0] + b[0]) / 2, my = (a[1] + b[1]) / 2, al = 60 * s;
    const tx = mx + nx * al, ty = my + ny * al;
    ctx.strokeStyle = ctx.fillStyle = "#fc3";
    ctx.lineWidth = 4 * s;
    ctx.beginPath(); ctx.moveTo(mx, my); ctx.lineTo(tx, ty); ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(tx + nx * 12 * s, ty + ny * 12 * s);
    ctx.lineTo(tx - ny * 9 * s, ty + nx * 9 * s);
    ctx.lineTo(tx + ny * 9 * s, ty - nx * 9 * s);
    ctx.closePath(); ctx.fill();
    ctx.font = `bold ${Math.round(18 * s)}px system-ui, sans-serif`;
    ctx.fillText("IN", tx + nx * 18 * s - 10 * s, ty + ny * 18 * s + 6 * s);
    [a, b].forEach((p, i) => {
      ctx.fillStyle = drag === i ? "#fff" : "#0cf";
      ctx.beginPath(); ctx.arc(p[0], p[1], HANDLE_PX * s, 0, 2 * Math.PI); ctx.fill();
      ctx.fillStyle = "#000";
      ctx.font = `bold ${Math.round(14 * s)}px system-ui, sans-serif`;
      ctx.fillText(String(i + 1), p[0] - 4 * s, p[1] + 5 * s);
    });
  }

  function applyState(st) {
    const resized = !state || state.width !== st.width || state.height !== st.height;
    state = st;
    if (resized && st.width && st.height) { canvas.width = st.width; canvas.height = st.height; }
    if (!dirty && drag === null) {
      line = st.line.map((p) => [p[0], p[1]]);
      inSide = st.in_side;
      radios.forEach((r) => { r.checked = r.value === inSide; });
    }
    inCount.textContent = String(st.counts.in);
    outCount.textContent = String(st.counts.out);
    document.getElementById("config-path").textContent = st.config;
    document.getElementById("frame-info").textContent = `${st.width}×${st.height}, ${st.fps} fps`;
    document.getElementById("detect-info").textContent = `${st.detect_fps} passes/s, ${st.detect_ms} ms a pass`;
    if (st.error) { status.textContent = `Counting stopped: ${st.error}`; status.className = "error"; }
    canvas.dataset.epoch = String(st.epoch);
  }

  async function pollState() {
    try {
      const res = await fetch("/api/state", { cache: "no-store" });
      if (res.ok) applyState(await res.json());
    } catch (_) { /* node restarting: keep the last picture */ }
    setTimeout(pollState, 250);
  }

  function pollFrame() {
    const img = new Image();
    img.onload = () => { frame = img; draw(); setTimeout(pollFrame, 100); };
    img.onerror = () => setTimeout(pollFrame, 1000);
    img.src = `/frame.jpg?t=${Date.now()}`;
  }

  canvas.addEventListener("pointerdown", (ev) => {
    if (!line) return;
    const p = eventPoint(ev);
    const s = cssScale();
    let best = null, bestD = Infinity;
    line.forEach((q, i) => {
      const d = Math.hypot((q[0] - p[0]) * canvas.width, (q[1] - p[1]) * canvas.height) / s;
      if (d < bestD) { best = i; bestD = d; }
    });
    if (bestD <= HANDLE_PX * 2) {
      drag = best;
      canvas.setPointerCapture(ev.pointerId);
      ev.preventDefault();
    }
  });
  canvas.addEventListener("pointermove", (ev) => {
    if (drag === null) return;
    line[drag] = eventPoint(ev);
    setDirty(true);
    draw();
  });
  const endDrag = () => { if (drag !== null) { drag = null; draw(); } };
  canvas.addEventListener("pointerup", endDrag);
  canvas.addEventListener("pointercancel", endDrag);

  radios.forEach((r) => r.addEventListener("change", () => { inSide = r.value; setDirty(true); draw(); }));

  document.getElementById("save").addEventListener("click", async () => {
    const round = (v) => Math.round(v * 10000) / 10000;
    const body = { line: line.map((p) => [round(p[0]), round(p[1])]), in_side: inSide };
    status.textContent = "Saving…"; status.className = "";
    try {
      const res = await fetch("/api/config", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      const out = await res.json();
      if (res.ok) {
        setDirty(false);
        status.textContent = `Saved to ${out.saved}; counts restarted on the new line.`;
        status.className = "ok";
        inCount.textContent = "0"; outCount.textContent = "0";
      } else {
        status.textContent = `Not saved: ${out.detail}` + (out.field ? ` (field: ${out.field})` : "");
        status.className = "error";
      }
    } catch (err) {
      status.textContent = `Not saved: the camera node did not answer (${err})`;
      status.className = "error";
    }
  });

  pollState();
  pollFrame();
})();
