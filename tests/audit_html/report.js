// The HTML audit report in real headless Chromium (playwright-core). Started by run.sh.
// Serves a small fake catalogue (its schema and package_search) with records built from the local
// CKAN's capture, runs `bcdc-lsp audit` for a JSON and an HTML report of it, opens the HTML
// file and checks: it renders offline, its numbers match the JSON, the table sorts and
// filters, untrusted titles stay text. Env: BCDC_LSP, CHROMIUM, OUT_DIR (work files and
// report-page.png, the whole page), SCREENSHOT (optional: where to save the first screenful).
// Prints "STEP <name> ok|FAIL <detail>" per step, then "RESULT PASS|FAIL"; exit 0 = all passed.
const fs = require('fs');
const http = require('http');
const path = require('path');
const { execFile } = require('child_process');
const { chromium } = require('playwright-core');

const BCDC_LSP = process.env.BCDC_LSP;
const CHROMIUM = process.env.CHROMIUM;
const OUT = process.env.OUT_DIR;
const capture = require(path.join(__dirname, '../catalogue_fixtures/30_package_show.json'));

// ---- the records: a clean template and the problems administrators meet --------------------
const template = capture.response.body.result;
const orgs = {
  'bc-geological-survey': 'BC Geological Survey',
  'water-protection': 'Water Protection and Sustainability',
  'forest-analysis': 'Forest Analysis and Inventory',
};
const csv = {
  name: 'Data (CSV)', url: 'https://example.invalid/data.csv', bcdc_type: 'document',
  resource_update_cycle: 'monthly', format: 'csv', resource_storage_location: 'web or ftp site',
  resource_type: 'data', resource_access_method: 'direct access',
};
const geographic = { ...csv, name: 'Layer (WMS)', bcdc_type: 'geographic', format: 'wms' };
const plans = [
  ['groundwater-wells', 'Groundwater Wells', 'water-protection', (p) => { p.resources = [geographic]; }],
  ['aquifer-maps', 'Aquifer Maps', 'water-protection', (p) => { p.contacts[0].email = 'aquifers at gov'; }],
  ['stream-flow', 'Stream Flow Observations', 'water-protection', () => {}],
  ['lake-levels', 'Lake Levels', 'water-protection', (p) => { p.tags = []; }],
  ['bedrock-geology', 'Bedrock Geology', 'bc-geological-survey', (p) => { p.resources = [geographic]; p.license_id = '99'; }],
  ['mineral-occurrences', 'Mineral Occurrences (MINFILE)', 'bc-geological-survey', (p) => { p.description = 'moved to notes in 2021'; }],
  ['till-geochemistry', 'Till Geochemistry', 'bc-geological-survey', () => {}],
  ['assessment-reports', 'Assessment Reports', 'bc-geological-survey', (p) => { p.resource_status = 'obsolete'; }],
  ['vegetation-inventory', 'Vegetation Resources Inventory', 'forest-analysis', (p) => { p.dates[0].date = '2024-13-01'; p.resources = [geographic]; }],
  ['harvest-billing', 'Harvest Billing System', 'forest-analysis', () => {}],
  ['forest-cover', 'Forest Cover <img src=x onerror="window.__pwned=1"> & "co"', 'forest-analysis', (p) => { p.purpose_statement = 'old key'; }],
  ['tree-farm-licences', 'Tree Farm Licences</script><script>window.__pwned=2</script>', 'forest-analysis', () => {}],
];
const packages = plans.map(([name, title, org, change], i) => {
  const p = JSON.parse(JSON.stringify(template));
  p.id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  p.name = name;
  p.title = title;
  p.organization = { ...p.organization, name: org, title: orgs[org] };
  p.resources = [csv];
  change(p);
  return p;
});

// ---- a fake catalogue: its schema (the embedded BCDC one) and package_search over those records
const schema = require(path.join(__dirname, '../../schema/bcdc_dataset.json')).result;
const licences = require(path.join(__dirname, '../../schema/bcdc_licenses.json'));
const answers = {
  '/api/3/action/scheming_dataset_schema_list': ['bcdc_dataset'],
  '/api/3/action/scheming_dataset_schema_show': schema,
  '/api/3/action/license_list': licences,
};
function serve() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const send = (status, body) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (answers[url.pathname]) return send(200, { success: true, result: answers[url.pathname] });
    if (url.pathname !== '/api/3/action/package_search') return send(404, { success: false });
    const start = Number(url.searchParams.get('start') || 0);
    const rows = Number(url.searchParams.get('rows') || 10);
    send(200, { success: true, result: { count: packages.length, results: packages.slice(start, start + rows) } });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// asynchronous: the fake catalogue answers from this same process
function audit(host, format, file) {
  const cache = fs.mkdtempSync(path.join(OUT, 'cache-'));
  const env = { ...process.env, XDG_CACHE_HOME: cache, XDG_CONFIG_HOME: cache, XDG_DATA_HOME: cache, BCDC_API_KEY: '' };
  const args = ['audit', '--host', host, '--format', format, '--output', file];
  return new Promise((resolve, reject) => {
    execFile(BCDC_LSP, args, { env }, (error, _stdout, stderr) => {
      // exit 1: some record has an error, as planted
      if (error && error.code !== 1) reject(new Error(`audit --format ${format} exited ${error.code}: ${stderr}`));
      else resolve();
    });
  });
}

// ---- the checks --------------------------------------------------------------------------
let failed = 0;
async function step(name, fn) {
  try {
    const detail = await fn();
    console.log(`STEP ${name} ok ${detail === undefined ? '' : JSON.stringify(detail)}`);
  } catch (e) {
    failed++;
    console.log(`STEP ${name} FAIL ${String((e && e.message) || e).split('\n')[0]}`);
  }
}
function same(actual, expected, what) {
  const a = JSON.stringify(actual), b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${what}: got ${a}, expected ${b}`);
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const server = await serve();
  const host = `http://127.0.0.1:${server.address().port}`;
  const jsonFile = path.join(OUT, 'report.json');
  const htmlFile = path.join(OUT, 'report.html');
  await audit(host, 'json', jsonFile);
  await audit(host, 'html', htmlFile);
  await audit(host, 'human', path.join(OUT, 'report.txt')); // for the README's example
  server.close();
  const report = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('file://' + htmlFile);

  const rows = () => page.$$eval('#records-table tbody tr', (trs) =>
    trs.filter((tr) => !tr.hidden).map((tr) => ({
      name: tr.dataset.name, org: tr.dataset.org, errors: Number(tr.dataset.errors),
      warnings: Number(tr.dataset.warnings), href: tr.querySelector('a').getAttribute('href'),
    })));
  const shown = () => page.textContent('#shown');

  await step('renders offline', async () => {
    same(await page.textContent('h1'), 'Catalogue audit', 'heading');
    same(requests.filter((u) => !u.startsWith('file://')), [], 'requests beyond the file');
    same(errors, [], 'script errors');
    return { records: report.records_checked };
  });

  await step('summary matches the JSON', async () => {
    for (const stat of ['records_checked', 'records_with_errors', 'records_refused', 'records_with_warnings', 'records_clean', 'records_from_cache']) {
      const n = Number(await page.textContent(`[data-stat="${stat}"] .n`));
      same(n, report[stat], stat);
    }
    if (report.records_with_errors === 0 || report.records_clean === 0) throw new Error('a dull report');
  });

  await step('charts match the JSON', async () => {
    const fields = await page.$$eval('#by-field tr[data-key]', (trs) =>
      trs.map((tr) => [tr.dataset.key, Number(tr.dataset.count), tr.querySelector('.num').textContent]));
    same(fields.map(([k, n]) => [k, n]), Object.entries(report.by_field), 'by field');
    fields.forEach(([k, n, text]) => same(text, String(n), `count shown for ${k}`));
    const widths = await page.$$eval('#by-field td.bar > span', (s) => s.map((e) => e.getBoundingClientRect().width));
    if (!(widths[0] > 0 && widths.every((w, i) => i === 0 || w <= widths[i - 1] + 0.5))) throw new Error(`bar widths ${widths}`);
    const byOrg = await page.$$eval('#by-org tr[data-key]', (trs) =>
      trs.map((tr) => [tr.dataset.key, { records: Number(tr.dataset.records), with_errors: Number(tr.dataset.withErrors) }]));
    same(byOrg, Object.entries(report.by_org), 'by organization');
    const byCode = await page.$$eval('#by-code tr[data-key]', (trs) => trs.map((tr) => [tr.dataset.key, Number(tr.dataset.count)]));
    same(byCode, Object.entries(report.by_code), 'by code');
    return { fields: fields.length, organizations: byOrg.length };
  });

  await step('table matches the JSON', async () => {
    const table = await rows();
    same(table.length, report.records_checked, 'rows');
    same(await shown(), `${report.records_checked} of ${report.records_checked} records`, 'shown');
    for (const r of report.records) {
      const row = table.find((t) => t.name === r.name);
      if (!row) throw new Error(`no row for ${r.name}`);
      same(row.href, r.url, `link of ${r.name}`);
      same(row.errors, r.diagnostics.filter((d) => d.severity === 'error').length, `errors of ${r.name}`);
      same(row.warnings, r.diagnostics.filter((d) => d.severity === 'warning').length, `warnings of ${r.name}`);
    }
    const items = await page.$$eval('#records-table .problems li', (lis) => lis.length);
    same(items, report.records.reduce((n, r) => n + r.diagnostics.length, 0), 'problems listed');
  });

  await step('untrusted titles stay text', async () => {
    const titles = await page.$$eval('#records-table tbody a', (as) => as.map((a) => a.textContent));
    for (const r of report.records) {
      if (!titles.includes(r.title)) throw new Error(`title not shown as text: ${r.title}`);
    }
    same(await page.evaluate(() => window.__pwned), undefined, 'injected script ran');
    same(await page.$$eval('body img, body script', (els) => els.length), 1, 'elements (only the report script)');
    same(dialogs, [], 'dialogs');
  });

  await step('sorts', async () => {
    await page.click('th[data-key="errors"]');
    let errorsCol = (await rows()).map((r) => r.errors);
    same(errorsCol, [...errorsCol].sort((a, b) => a - b), 'errors ascending');
    same(await page.getAttribute('th[data-key="errors"]', 'aria-sort'), 'ascending', 'aria-sort');
    await page.click('th[data-key="errors"]');
    errorsCol = (await rows()).map((r) => r.errors);
    same(errorsCol, [...errorsCol].sort((a, b) => b - a), 'errors descending');
    const worst = Math.max(...report.records.map((r) => r.diagnostics.filter((d) => d.severity === 'error').length));
    same(errorsCol[0], worst, 'worst first');
    await page.click('th[data-key="org"]');
    const orgCol = (await rows()).map((r) => r.org);
    same(orgCol, [...orgCol].sort((a, b) => a.localeCompare(b)), 'organizations ascending');
    await page.click('th[data-key="name"]');
    const names = (await rows()).map((r) => r.name);
    same(names, [...names].sort((a, b) => a.localeCompare(b)), 'names ascending');
    return { worst };
  });

  await step('filters', async () => {
    const [org, counts] = Object.entries(report.by_org)[1];
    await page.selectOption('#org-filter', org);
    same((await rows()).length, counts.records, `rows of ${org}`);
    await page.selectOption('#status-filter', 'errors');
    same((await rows()).length, counts.with_errors, `rows of ${org} with errors`);
    same(await shown(), `${counts.with_errors} of ${report.records_checked} records`, 'shown');
    await page.selectOption('#org-filter', '');
    same((await rows()).length, report.records_with_errors, 'rows with errors');
    await page.selectOption('#status-filter', 'clean');
    same((await rows()).length, report.records_clean, 'clean rows');
    await page.selectOption('#status-filter', '');
    await page.fill('#filter', 'projection_name');
    const withProjection = report.records.filter((r) => r.diagnostics.some((d) => d.pointer.endsWith('/projection_name'))).length;
    same((await rows()).length, withProjection, 'rows mentioning projection_name');
    await page.fill('#filter', '');
    same((await rows()).length, report.records_checked, 'all rows again');
    return { org, withProjection };
  });

  await step('scores match the JSON', async () => {
    const near = (a, b, tolerance, what) => { if (!(Math.abs(a - b) <= tolerance)) throw new Error(`${what}: ${a} vs ${b}`); };
    const shownScores = await page.$$eval('#records-table tbody tr', (trs) => trs.map((tr) => [tr.dataset.name, Number(tr.dataset.score)]));
    same(shownScores.length, Object.keys(report.scores.records).length, 'records with a score');
    for (const [name, score] of shownScores) near(score, report.scores.records[name].score, 0.051, `score of ${name}`);
    near(Number(await page.textContent('[data-stat="score"]')), report.scores.catalogue, 0.55, 'catalogue score');
    await page.click('th[data-key="score"]');
    const sorted = (await page.$$eval('#records-table tbody tr', (trs) => trs.map((tr) => Number(tr.dataset.score))));
    same(sorted, [...sorted].sort((a, b) => a - b), 'scores ascending');
    return { catalogue: report.scores.catalogue };
  });

  await step('keyboard sorts', async () => {
    await page.focus('th[data-key="warnings"] button');
    await page.keyboard.press('Enter');
    same(await page.getAttribute('th[data-key="warnings"]', 'aria-sort'), 'ascending', 'Enter sorts');
    await page.keyboard.press('Space');
    same(await page.getAttribute('th[data-key="warnings"]', 'aria-sort'), 'descending', 'Space sorts again');
  });

  await step('organization sections', async () => {
    const sections = await page.$$eval('section.org', (ss) => ss.map((s) => [s.id, s.querySelector('h3').textContent]));
    same(sections.map(([, org]) => org), Object.keys(report.by_org), 'one per organization');
    // the chart's organization links lead to them
    const links = await page.$$eval('#by-org a', (as) => as.map((a) => a.getAttribute('href')));
    same(links, sections.map(([id]) => `#${id}`), 'links to the sections');
    const [org] = Object.keys(report.by_org);
    const problems = report.records.filter((r) => r.org === org).reduce((n, r) => n + r.diagnostics.length, 0);
    const items = await page.$$eval(`section.org[id="${sections[0][0]}"] .org-records li li`, (lis) => lis.length);
    same(items, problems, `problems of ${org}`);
    // messages show code as code, not backticks
    const backticks = await page.$$eval('.problems li, .org-records li', (lis) => lis.filter((li) => li.textContent.includes('`')).length);
    same(backticks, 0, 'raw backticks');
    return { sections: sections.length };
  });

  await step('accessibility (axe-core)', async () => {
    const source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    await page.evaluate(source);
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const violations = result.violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length}): ${v.nodes[0].target}`);
    fs.writeFileSync(path.join(OUT, 'axe.json'), JSON.stringify(result.violations, null, 2));
    same(violations, [], 'axe violations');
    return { rules: result.passes ? result.passes.length : 'n/a' };
  });

  await step('screenshot', async () => {
    await page.click('th[data-key="errors"]');
    await page.click('th[data-key="errors"]');
    const shot = path.join(OUT, 'report-page.png');
    await page.screenshot({ path: shot, fullPage: true });
    // the README's picture: the first screenful
    await page.evaluate(() => window.scrollTo(0, 0));
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT });
    return shot;
  });

  await browser.close();
  console.log(`RESULT ${failed ? 'FAIL' : 'PASS'}`);
  process.exit(failed ? 1 : 0);
})().catch((e) => {
  console.log(`RESULT FAIL ${e.stack || e}`);
  process.exit(1);
});
