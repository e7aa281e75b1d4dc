/**
 * The report page's only style sheet and script, inline: the page loads nothing (a report is
 * opened from a bucket, a CI artifact or an email attachment). The Content-Security-Policy
 * names each by its SHA-256, so nothing else runs, and fetches nothing (`default-src 'none'`).
 */
export const STYLE = `
:root { color-scheme: light; --red: #b3261e; --red-bg: #fde7e7; --yellow: #7a5b00; --yellow-bg: #fff4cc; --green: #1e6b35; --green-bg: #e3f4e8; --grey: #5f6368; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 1200px; padding: 16px 24px 48px; color: #202124; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #dadce0; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta { color: var(--grey); margin: 0 0 12px; }
.totals span { display: inline-block; margin-right: 14px; font-weight: 600; }
table.fleet { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
table.fleet th, table.fleet td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e8eaed; vertical-align: top; }
table.fleet td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.fleet td.where { white-space: nowrap; }
tr.status-failing td:first-child { border-left: 6px solid var(--red); } tr.status-failing { background: var(--red-bg); }
tr.status-incomplete td:first-child { border-left: 6px solid #e0a800; } tr.status-incomplete { background: var(--yellow-bg); }
tr.status-clean td:first-child { border-left: 6px solid var(--green); } tr.status-clean { background: var(--green-bg); }
tr.status-empty td:first-child { border-left: 6px solid #9aa0a6; } tr.status-empty { background: #f1f3f4; }
.filters { display: flex; gap: 16px; flex-wrap: wrap; align-items: end; background: #f8f9fa; border: 1px solid #dadce0; border-radius: 8px; padding: 10px 12px; margin: 12px 0; }
.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--grey); gap: 2px; }
.filters output { font-size: 13px; color: #202124; }
.check { border: 1px solid #dadce0; border-radius: 8px; padding: 8px 12px; margin: 8px 0; }
.check > header { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.status { font-weight: 700; font-size: 12px; text-transform: uppercase; border-radius: 4px; padding: 1px 6px; }
.status.failed { color: var(--red); background: var(--red-bg); } .status.passed { color: var(--green); background: var(--green-bg); }
.status.incomplete { color: var(--yellow); background: var(--yellow-bg); } .status.not-applicable { color: var(--grey); background: #f1f3f4; }
.reason { color: var(--yellow); margin: 4px 0; }
.finding { border-top: 1px dashed #dadce0; padding: 8px 0; }
.severity { font-weight: 700; font-size: 12px; border-radius: 4px; padding: 1px 6px; margin-right: 6px; }
.severity.error { color: #fff; background: var(--red); } .severity.warning { color: #202124; background: #fbbc04; } .severity.info { color: #fff; background: #1a73e8; }
.resource { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 600; word-break: break-all; }
.message { white-space: pre-wrap; margin: 6px 0; }
.suppressed { opacity: 0.6; }
pre { background: #f1f3f4; border-radius: 6px; padding: 8px 10px; overflow-x: auto; margin: 4px 0; font: 12.5px/1.4 ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-all; }
.commands { position: relative; }
button.copy { float: right; font-size: 12px; margin: 4px; cursor: pointer; }
details summary { cursor: pointer; color: var(--grey); }
.hc-path { margin: 8px 0; padding: 8px; border: 1px solid #dadce0; border-radius: 8px; background: #fcfcfd; }
.hc-path .lane { list-style: none; display: flex; align-items: stretch; gap: 22px; margin: 6px 0; padding: 0; }
.hc-path .hop { position: relative; border: 1.5px solid #9aa0a6; border-radius: 6px; padding: 4px 8px; min-width: 110px; max-width: 260px; background: #fff; font-size: 12.5px; }
.hc-path .hop + .hop::before { content: "\\2192"; position: absolute; left: -19px; top: 30%; color: var(--grey); font-weight: 700; }
.hc-path .hop.differs, .hc-path .hop.bad { border-color: var(--red); background: var(--red-bg); }
.hc-path b.differs { color: var(--red); text-decoration: underline wavy; }
.hc-path .probe-lane .hop { border-style: dashed; }
.hc-path figcaption { font-size: 12.5px; color: var(--red); font-weight: 600; }
.hidden { display: none !important; }
.none-shown { color: var(--grey); font-style: italic; }
`;

/** Filters (severity, check, project) and copy buttons; the page reads fully without it. */
export const SCRIPT = `
(function () {
  var form = document.getElementById('filters');
  if (!form) return;
  function value(name) { var element = form.elements.namedItem(name); return element ? element.value : ''; }
  function apply() {
    var severity = value('severity'), check = value('check'), project = value('project');
    var shown = 0;
    document.querySelectorAll('.finding').forEach(function (finding) {
      var visible = (!severity || finding.dataset.severity === severity) && (!check || finding.dataset.check === check) && (!project || finding.dataset.project === project);
      finding.classList.toggle('hidden', !visible);
      if (visible) shown++;
    });
    var filtering = Boolean(severity || check);
    document.querySelectorAll('.check').forEach(function (section) {
      var any = section.querySelector('.finding:not(.hidden)');
      section.classList.toggle('hidden', (filtering && !any) || (Boolean(check) && section.dataset.check !== check));
    });
    document.querySelectorAll('[data-cluster]').forEach(function (element) {
      var inProject = !project || element.dataset.project === project;
      var any = !filtering || document.querySelector('.cluster[data-cluster="' + CSS.escape(element.dataset.cluster) + '"] .finding:not(.hidden)');
      element.classList.toggle('hidden', !inProject || !any);
    });
    document.querySelectorAll('table.projects tr[data-project]').forEach(function (row) {
      row.classList.toggle('hidden', Boolean(project) && row.dataset.project !== project);
    });
    var count = document.getElementById('shown');
    if (count) count.textContent = shown + ' finding' + (shown === 1 ? '' : 's') + ' shown';
  }
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  document.querySelectorAll('button.copy').forEach(function (button) {
    button.addEventListener('click', function () {
      var text = button.parentElement.querySelector('pre').textContent;
      function done() { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1500); }
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, select);
      else select();
      function select() { var range = document.createRange(); range.selectNodeContents(button.parentElement.querySelector('pre')); var selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range); button.textContent = 'Selected: press Ctrl+C'; }
    });
  });
  apply();
})();
`;
