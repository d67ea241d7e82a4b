/*
 * The styles of every crowd element's shadow tree, as one constructable stylesheet shared by
 * all of them (adoptedStyleSheets: parsed once, no network request, no inline <style>).
 * Page-level (light DOM) styles live in crowd.css.
 */
(function (CE) {
  "use strict";
  var css = `
:host { display: block; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #16191f; --accent: #0972d3; --accent-dark: #033160; --border: #d1d5db; --muted: #5f6b7a;
  --danger: #d91515; --ok: #037f0c; box-sizing: border-box; }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
button { font: inherit; cursor: pointer; }
button:disabled { cursor: not-allowed; opacity: .55; }
button:focus-visible, input:focus-visible, textarea:focus-visible, [tabindex]:focus-visible {
  outline: 2px solid var(--accent); outline-offset: 2px; }
.btn { border: 1px solid var(--accent); background: #fff; color: var(--accent); border-radius: 18px;
  padding: 5px 16px; font-weight: 600; display: inline-flex; align-items: center; gap: 6px; }
.btn.primary { background: #ff9900; border-color: #ff9900; color: #0f1b2a; }
.btn.link { border: none; background: none; padding: 0; color: var(--accent); border-radius: 0; }
.btn.icon { border: none; background: none; padding: 4px; border-radius: 50%; color: var(--muted); }
.btn.loading::after { content: ""; width: 12px; height: 12px; border: 2px solid currentColor;
  border-right-color: transparent; border-radius: 50%; animation: spin .8s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }
.link { border: none; background: none; color: var(--accent); padding: 0; text-decoration: underline; }
.dialog { border: none; border-radius: 10px; padding: 0; width: min(760px, 92vw); max-height: 86vh;
  box-shadow: 0 8px 40px rgba(0,0,0,.3); }
.dialog::backdrop { background: rgba(15,27,42,.45); }
.dialog header { display: flex; justify-content: space-between; align-items: center; padding: 12px 18px;
  border-bottom: 1px solid var(--border); }
.dialog h2 { font-size: 18px; margin: 0; }
.dialog .close { border: none; background: none; font-size: 22px; line-height: 1; color: var(--muted); }
.dialog-body { padding: 14px 18px; overflow: auto; max-height: calc(86vh - 60px); }
.task { display: grid; grid-template-columns: minmax(180px, 260px) 1fr; gap: 16px; align-items: start; }
.task.wide { grid-template-columns: minmax(180px, 240px) 1fr minmax(160px, 220px); }
.header { font-size: 17px; font-weight: 600; margin: 0 0 10px; }
.instructions { background: #f2f8fd; border: 1px solid #b8d8f3; border-radius: 8px; padding: 10px 12px; }
.instructions ::slotted(*) { display: block; }
.instructions.empty { visibility: hidden; }
.panel { border: 1px solid var(--border); border-radius: 8px; padding: 10px; background: #fff; }
.panel h3 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted);
  margin: 0 0 8px; }
.labels { display: flex; flex-direction: column; gap: 4px; }
.label-btn { display: flex; align-items: center; gap: 8px; width: 100%; text-align: left;
  border: 1px solid var(--border); background: #fff; border-radius: 6px; padding: 6px 8px; }
.label-btn[aria-pressed="true"], .label-btn[aria-checked="true"] { border-color: var(--accent);
  background: #e9f3fd; box-shadow: inset 3px 0 0 var(--accent); }
.label-btn .key { font: 11px/1 ui-monospace, monospace; border: 1px solid var(--border); border-radius: 3px;
  padding: 2px 4px; color: var(--muted); background: #f7f7f7; }
.swatch { width: 12px; height: 12px; border-radius: 3px; flex: none; }
.label-btn .text { flex: 1; overflow-wrap: anywhere; }
.check { width: 16px; height: 16px; border: 2px solid var(--muted); border-radius: 3px; flex: none; }
[aria-checked="true"] > .check { background: var(--accent); border-color: var(--accent);
  box-shadow: inset 0 0 0 2px #fff; }
.radio-dot { width: 16px; height: 16px; border: 2px solid var(--muted); border-radius: 50%; flex: none; }
[aria-checked="true"] > .radio-dot { border-color: var(--accent); background: radial-gradient(var(--accent) 45%, #fff 50%); }
.hint { color: var(--muted); font-size: 12px; margin-top: 8px; }
.error { color: var(--danger); font-size: 13px; min-height: 1em; }
.target { border: 1px solid var(--border); border-radius: 8px; padding: 12px; background: #fff; min-height: 60px; }
.stage { position: relative; display: inline-block; line-height: 0; user-select: none; max-width: 100%;
  border: 1px solid var(--border); background: #f4f4f4; touch-action: none; }
.stage img { display: block; max-width: 100%; max-height: 72vh; }
.stage svg, .stage canvas.overlay { position: absolute; inset: 0; width: 100%; height: 100%; }
.stage svg { overflow: visible; }
.stage canvas.upper-canvas { position: absolute; inset: 0; width: 100%; height: 100%; pointer-events: none; }
.stage.drawing { cursor: crosshair; }
.toolbar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-bottom: 8px; }
.toolbar .btn { padding: 3px 12px; }
.toolbar .btn[aria-pressed="true"] { background: var(--accent); color: #fff; }
.list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 4px;
  max-height: 40vh; overflow: auto; }
.list li { display: flex; align-items: center; gap: 6px; padding: 4px 6px; border-radius: 6px;
  border: 1px solid transparent; font-size: 13px; }
.list li.selected { border-color: var(--accent); background: #e9f3fd; }
.list select { flex: 0 1 180px; min-width: 0; font: inherit; }
.list .del { border: none; background: none; color: var(--danger); font-size: 16px; padding: 0 4px; }
.field { display: flex; flex-direction: column; gap: 3px; margin: 6px 0; }
.field label { font-size: 12px; color: var(--muted); }
.field input, .field textarea { font: inherit; padding: 6px 8px; border: 1px solid var(--border);
  border-radius: 6px; width: 100%; }
.field.invalid input, .field.invalid textarea { border-color: var(--danger); }
.field .counter { align-self: flex-end; font-size: 11px; color: var(--muted); }
.entity-text { white-space: pre-wrap; line-height: 2.4; font-size: 16px; padding: 10px 12px;
  border: 1px solid var(--border); border-radius: 8px; background: #fff; user-select: text; cursor: text; }
.entity { border-radius: 3px; padding: 2px 0; position: relative; cursor: pointer; }
.entity::before { content: attr(data-short); position: absolute; left: 0; top: -1.35em; font-size: 10px;
  line-height: 1; font-weight: 700; color: #fff; background: var(--c); padding: 1px 3px; border-radius: 2px;
  white-space: nowrap; user-select: none; pointer-events: none; }
.entity.selected { outline: 2px solid var(--accent-dark); }
.tabs-bar { display: flex; gap: 2px; border-bottom: 1px solid var(--border); margin-bottom: 10px; }
.tabs-bar button { border: none; background: none; padding: 8px 14px; border-bottom: 3px solid transparent;
  color: var(--muted); font-weight: 600; }
.tabs-bar button[aria-selected="true"] { color: var(--accent); border-bottom-color: var(--accent); }
.card { border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.18); background: #fff; overflow: hidden; }
.card .card-heading { font-weight: 600; padding: 10px 14px 0; }
.card img { display: block; max-width: 100%; }
.alert { display: flex; gap: 10px; align-items: flex-start; border-radius: 8px; padding: 10px 12px;
  border: 1px solid #b8d8f3; background: #f2f8fd; }
.alert.success { border-color: #95d79a; background: #f2fcf3; }
.alert.error { border-color: #f3a7a7; background: #fff7f7; }
.alert.warning { border-color: #f7d289; background: #fffce9; }
.alert .body { flex: 1; }
.toggle { display: inline-flex; align-items: center; gap: 8px; }
.switch { width: 36px; height: 20px; border-radius: 10px; background: #aab7b8; position: relative;
  border: none; padding: 0; flex: none; }
.switch::after { content: ""; position: absolute; top: 2px; left: 2px; width: 16px; height: 16px;
  border-radius: 50%; background: #fff; transition: left .12s; }
.switch[aria-checked="true"] { background: var(--accent); }
.switch[aria-checked="true"]::after { left: 18px; }
:host([invalid]) .switch[aria-checked="false"] { background: var(--danger); }
.toast { position: fixed; left: 50%; bottom: 24px; transform: translateX(-50%); background: #232f3e;
  color: #fff; border-radius: 8px; padding: 10px 16px; box-shadow: 0 4px 20px rgba(0,0,0,.3); z-index: 1000; }
.fab { width: 48px; height: 48px; border-radius: 50%; border: none; background: var(--accent); color: #fff;
  font-size: 20px; box-shadow: 0 3px 10px rgba(0,0,0,.3); }
.icon-button { width: 36px; height: 36px; border-radius: 50%; border: none; background: transparent;
  color: var(--muted); font-size: 18px; }
.badge { display: inline-flex; min-width: 20px; height: 20px; padding: 0 5px; border-radius: 10px;
  background: var(--accent); color: #fff; font-size: 11px; align-items: center; justify-content: center; }
.overlay-img { position: absolute; inset: 0; width: 100%; height: 100%; opacity: .5; pointer-events: none; }
.submit-row { display: flex; align-items: center; gap: 12px; margin-top: 16px; }
`;
  try {
    CE.sheet = new CSSStyleSheet();
    CE.sheet.replaceSync(css);
  } catch (err) {
    CE.sheet = null; // very old browsers: elements render unstyled but keep working
  }
})(window.CrowdElements);
