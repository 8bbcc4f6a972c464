// Drives the bcdc-lsp extension in a running code-server (real VS Code workbench) with headless Chromium
// through playwright-core. Started by e2e.sh, which sets up the profile, workspace and catalogue.
// Env: CS_URL, WS_DIR (the workspace folder on disk), INVALID_FILE / VALID_FILE (file names in WS_DIR),
//      RECORD_NAME (the valid record's unique `name`), CATALOGUE_LABEL (host shown in the status bar),
//      CKAN_URL + CKAN_TOKEN (to check the published dataset and to type into "BCDC: Set API key"),
//      EXPECT_SERVER (the server that must run: its path, or the folder it must be in),
//      LENS_FILE / LENS_RECORD_NAME (the record the code lens steps publish; e2e.sh purges it), LOGS_DIR (the
//      profile's logs, where the extension's output channel says how the editor followed a pull),
//      SHOTS_DIR, CHROMIUM (/usr/bin/chromium), CHROMIUM_PROFILE (a fresh dir), SKIP_PUBLISH (1 = no CKAN), STEP_TIMEOUT_MS (30000).
// Prints "STEP <name> ok|FAIL <ms since start> <detail>" per step, then "RESULT PASS|FAIL"; exit 0 = all passed.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`drive.js: ${name} is not set`);
  return v;
};
const CS_URL = env('CS_URL');
const WS_DIR = env('WS_DIR');
const INVALID_FILE = env('INVALID_FILE', 'bad-choice.bcdc.yaml');
const VALID_FILE = env('VALID_FILE', 'new-record.bcdc.yaml');
const RECORD_NAME = env('RECORD_NAME');
const CATALOGUE_LABEL = env('CATALOGUE_LABEL');
const CKAN_URL = env('CKAN_URL').replace(/\/+$/, '');
const CKAN_TOKEN = env('CKAN_TOKEN');
const SHOTS = env('SHOTS_DIR');
const EXPECT_SERVER = env('EXPECT_SERVER');
const RECORD_LANGUAGE = 'BCDC record (YAML)'; // the record language's name in the status bar
const PROFILE = env('CHROMIUM_PROFILE');
const T = Number(process.env.STEP_TIMEOUT_MS || 30000);
const SKIP_PUBLISH = process.env.SKIP_PUBLISH === '1'; // no CKAN: the publish steps report SKIP
const LENS_FILE = env('LENS_FILE', 'lens-record.bcdc.yaml');
const LENS_RECORD_NAME = process.env.LENS_RECORD_NAME || `${RECORD_NAME}-lens`;
const LOGS_DIR = process.env.LOGS_DIR || '';

const t0 = Date.now();
let failed = 0;
let page;

function report(name, ok, detail) {
  console.log(`STEP ${name} ${ok ? 'ok' : 'FAIL'} ${Date.now() - t0}ms ${detail === undefined ? '' : JSON.stringify(detail)}`);
  if (!ok) failed++;
}
let stepNo = 0;
async function step(name, fn, { needsCatalogue = false } = {}) {
  if (needsCatalogue && SKIP_PUBLISH) {
    console.log(`STEP ${name} SKIP ${Date.now() - t0}ms "no BCDC_TEST_CKAN_* catalogue"`);
    return true;
  }
  const shotName = `${String(++stepNo).padStart(2, '0')}-${name}`;
  try {
    const detail = await fn();
    await shot(shotName); // every step leaves a picture of where it ended
    report(name, true, detail);
    return true;
  } catch (e) {
    report(name, false, String((e && e.message) || e).split('\n')[0]);
    await shot(`${shotName}-FAILED`);
    return false;
  }
}
async function shot(name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) }).catch(() => {});
}
const squash = (s) => s.replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();

/** Text of the active editor as rendered (lines sorted by their position: Monaco reuses DOM nodes). */
async function editorText() {
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll('.editor-group-container.active .monaco-editor .view-lines .view-line')];
    return lines
      .map((el) => ({ top: parseFloat(el.style.top || '0'), text: el.textContent.replace(/\u00a0/g, ' ') }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text)
      .join('\n');
  });
}

/** The extension's status-bar item (its text starts with "BCDC "). */
function bcdcStatus() {
  return page.locator('.statusbar-item').filter({ hasText: /^\s*BCDC / }).first();
}
async function waitStatus(pattern) {
  const item = bcdcStatus();
  await item.waitFor({ timeout: T });
  await page.waitForFunction(
    ([source, flags]) => [...document.querySelectorAll('.statusbar-item')].some((el) => new RegExp(source, flags).test(el.textContent)),
    [pattern.source, pattern.flags],
    { timeout: T },
  );
  return squash(await item.innerText());
}

async function quickOpen(file) {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: T });
  await page.keyboard.type(file, { delay: 15 });
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${file}"]`, { timeout: T });
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tab.active[aria-label^="${file}"]`, { timeout: T });
  await page.waitForSelector('.editor-group-container.active .monaco-editor .view-lines .view-line', { timeout: T });
}

async function runCommand(title) {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: T });
  await page.keyboard.type(title, { delay: 15 });
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${title}"]`, { timeout: T });
  await page.keyboard.press('Enter');
}

/** The active editor's language, as the status bar names it. */
async function languageMode(expected) {
  const item = page.locator('[id="status.editor.mode"]');
  await item.waitFor({ timeout: T });
  await page.waitForFunction(
    (name) => document.querySelector('[id="status.editor.mode"]')?.textContent.trim() === name,
    expected,
    { timeout: T },
  ).catch(() => undefined);
  const text = squash(await item.innerText());
  if (text !== expected) throw new Error(`language mode is ${JSON.stringify(text)}, expected ${JSON.stringify(expected)}`);
  return text;
}

/**
 * Types `key: ` and `quote` (none, or `"`, which the editor closes) on `line` of the active editor, closes the
 * list those trigger characters opened, then types `prefix` of a value: the completion list must open by
 * itself (no Ctrl+Space) and offer `expected`, which is accepted. `file` names the screenshot.
 */
async function completeWhileTyping(file, line, key, quote, prefix, expected) {
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await goToLine(line);
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.type(`${key}: ${quote}`, { delay: 15 });
  // the list the trigger characters open (asynchronously): close it, so that what follows must open its own
  await page.locator('.suggest-widget:visible').waitFor({ timeout: 3000 }).catch(() => undefined);
  await page.keyboard.press('Escape');
  await page.locator('.suggest-widget:visible').waitFor({ state: 'hidden', timeout: T });
  await page.keyboard.type(prefix, { delay: 60 });
  const row = page.locator(`.suggest-widget:visible .monaco-list-row:has-text("${expected}")`).first();
  await row.waitFor({ timeout: T });
  const labels = (await page.locator('.suggest-widget .monaco-list-row').allInnerTexts()).map(squash);
  await shot(`moment-completion-while-typing-${file}`);
  await row.click();
  return labels;
}

/** The extension starts the server once a record is open; from the package when EXPECT_SERVER is its folder
 *  (never what a workspace's own settings name). */
async function expectedServerRuns() {
  const deadline = Date.now() + T;
  for (;;) {
    const servers = execFileSync('ps', ['-eo', 'args=']).toString().split('\n').filter((l) => /bcdc-lsp.* serve\b/.test(l));
    const ours = servers.find((l) => l.startsWith(EXPECT_SERVER) && / serve\b/.test(l));
    if (ours) return ours;
    if (Date.now() > deadline) throw new Error(`no "bcdc-lsp serve" from ${EXPECT_SERVER}; running: ${JSON.stringify(servers)}`);
    await page.waitForTimeout(300);
  }
}

async function problemsRow(text) {
  if (!(await page.locator('.markers-panel').isVisible())) await page.keyboard.press('Control+Shift+M');
  const row = page.locator(`.markers-panel .monaco-list-row:has-text("${text}")`).first();
  await row.waitFor({ timeout: T });
  return squash(await row.innerText());
}

/** A fresh profile with workspace trust on opens the folder untrusted: the extension still checks records,
 *  says Restricted Mode in its status bar item and refuses to publish, saying why. */
async function restrictedMode() {
  let ok = await step('folder_opens_restricted', async () => {
    // VS Code asks first (declined here) or, as code-server does, opens the folder in Restricted Mode at once
    const dialog = page.locator('.monaco-dialog-box:has-text("trust")').first();
    const restricted = page.locator('.statusbar-item:has-text("Restricted Mode")').first();
    await Promise.race([dialog.waitFor({ timeout: T }), restricted.waitFor({ timeout: T })]);
    let asked = '';
    if (await dialog.isVisible()) {
      asked = squash(await dialog.innerText()).slice(0, 120);
      await shot('moment-trust-prompt');
      await dialog.locator('.monaco-button', { hasText: /No, I don.t trust/ }).first().click();
      await dialog.waitFor({ state: 'hidden', timeout: T });
    }
    await restricted.waitFor({ timeout: T });
    return { asked, statusBar: squash(await restricted.innerText()) };
  });
  if (ok) ok = await step('open_record_untrusted', async () => { await quickOpen(INVALID_FILE); return INVALID_FILE; });
  if (ok) await step('server_is_the_expected_one', expectedServerRuns);
  if (ok) await step('diagnostics_in_restricted_mode', async () => {
    await page.waitForSelector('.editor-group-container.active .monaco-editor .squiggly-error', { timeout: T });
    return problemsRow('invalid-choice');
  });
  if (ok) await step('status_bar_says_restricted', () => waitStatus(/restricted/));
  if (ok) await step('publish_refused_untrusted', async () => {
    const before = fs.readFileSync(path.join(WS_DIR, INVALID_FILE), 'utf8');
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await runCommand('BCDC: Publish record');
    const toast = page.locator('.notification-toast:has-text("trust this folder")').first();
    await toast.waitFor({ timeout: T });
    if (fs.readFileSync(path.join(WS_DIR, INVALID_FILE), 'utf8') !== before) throw new Error('the record changed');
    return squash(await toast.innerText()).slice(0, 200);
  });
}

// ---------- the code lens on a record's first line ----------
const LENS = '.editor-group-container.active .monaco-editor .codelens-decoration';

/** The lenses' text as shown (items separated by " | "), or "" when there is none. */
async function lensText() {
  return page.evaluate((sel) => [...document.querySelectorAll(sel)].map((el) => el.textContent).join(' || '), LENS)
    .then(squash);
}

/** Waits until the lens text matches every pattern (the server refreshes it by itself); returns the text. */
async function waitLens(patterns, timeout = T) {
  const deadline = Date.now() + timeout;
  let text = '';
  for (;;) {
    text = await lensText();
    if (patterns.every((p) => p.test(text))) return text;
    if (Date.now() > deadline) throw new Error(`code lens says ${JSON.stringify(text)}, expected ${patterns.join(' and ')}`);
    await page.waitForTimeout(250);
  }
}

/** Clicks the lens link titled exactly `title`. */
async function clickLens(title) {
  const link = page.locator(`${LENS} a`, { hasText: new RegExp(`^\\s*${title}\\s*$`) }).first();
  await link.waitFor({ timeout: T });
  await link.click();
}

/** The active editor at its first line, where the lens is. */
async function toTop() {
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Home');
}

/** Replaces the line of the active editor that starts with `prefix` (found in the file on disk, whose lines the
 *  editor's match) with `text`, closing the completion list typing may open. */
async function replaceLine(file, prefix, text) {
  const line = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.startsWith(prefix)) + 1;
  if (!line) throw new Error(`no line starting with ${prefix} in ${path.basename(file)}`);
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await goToLine(line);
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.type(text, { delay: 5 });
  await page.keyboard.press('Escape');
  return line;
}

/** Saves the active editor and waits until its tab is no longer dirty. */
async function save() {
  await page.keyboard.press('Control+S');
  await page.waitForFunction(() => !document.querySelector('.tab.active.dirty'), null, { timeout: T });
}

/** A CKAN action with the sysadmin token (changing the record on the catalogue behind the editor's back). */
async function ckan(action, body) {
  const res = await fetch(`${CKAN_URL}/api/3/action/${action}`, {
    method: 'POST',
    headers: { Authorization: CKAN_TOKEN, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!json.success) throw new Error(`${action}: ${JSON.stringify(json.error)}`);
  return json.result;
}

/** Polls `check` (returning a truthy value when done) until `what` holds or the step times out. */
async function poll(what, check) {
  const deadline = Date.now() + T;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(250);
  }
}

/** The extension's own log lines (its output channel's file) that match `pattern`. */
function extensionLog(pattern) {
  if (!LOGS_DIR || !fs.existsSync(LOGS_DIR)) return [];
  const lines = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (p.includes('bcdc-lsp.bcdc-lsp') && p.endsWith('.log')) lines.push(...fs.readFileSync(p, 'utf8').split('\n').filter((l) => pattern.test(l)));
    }
  };
  walk(LOGS_DIR);
  return lines;
}

/** The lines of the two sides of the active diff editor. */
async function diffSides() {
  return page.evaluate(() => {
    const side = (cls) =>
      [...document.querySelectorAll(`.editor-group-container.active .monaco-diff-editor .editor.${cls} .view-lines .view-line`)]
        .map((el) => ({ top: parseFloat(el.style.top || '0'), text: el.textContent.replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text)
        .join('\n');
    return { catalogue: side('original'), file: side('modified') };
  });
}

/** A quick fix of the line `line` of the active editor, by its title. */
async function quickFix(line, title, shotName) {
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await goToLine(line);
  await page.keyboard.press('End');
  await runCommand('Quick Fix...');
  const action = page.locator('.action-widget:visible .monaco-list-row', { hasText: title }).first();
  await action.waitFor({ timeout: T });
  const offered = (await page.locator('.action-widget:visible .monaco-list-row').allInnerTexts()).map(squash);
  await shot(shotName);
  await action.click();
  return offered;
}

/**
 * The code lens on a new record's first line, against the real CKAN (catalogueRefreshSeconds = 2): Not published ·
 * Publish (clicked: the id is written and saved); Published · unchanged; an edited title gives 1 field to update ·
 * Update · Show diff (clicked: the diff editor shows the old and new title); notes changed on the catalogue gives
 * Changed on the catalogue · Pull (clicked: the editor shows the catalogue's notes); notes changed on both sides
 * give Conflict, a warning on notes and the quick fixes: Take the catalogue's value, then (a second conflict)
 * Keep mine, which updates the catalogue after the server's question.
 */
async function codeLens() {
  const file = path.join(WS_DIR, LENS_FILE);
  const originalTitle = fs.readFileSync(file, 'utf8').match(/^title: (.*)$/m)[1];
  let id;
  let ok = true;
  const lensStep = async (name, fn) => {
    if (ok) ok = await step(name, fn, { needsCatalogue: true });
  };
  await lensStep('lens_not_published', async () => {
    await page.keyboard.press('Escape');
    await quickOpen(LENS_FILE);
    await toTop();
    return waitLens([/Not published/, /\bPublish\b/]);
  });
  await lensStep('lens_publish_click', async () => {
    await clickLens('Publish');
    id = await poll(`an id in ${LENS_FILE} on disk`, () => fs.readFileSync(file, 'utf8').match(/^id:[ \t]*["']?([^\s"']+)/m)?.[1]);
    await page.waitForFunction(() => !document.querySelector('.tab.active.dirty'), null, { timeout: T });
    const body = await ckan('package_show', { id });
    if (body.name !== LENS_RECORD_NAME) throw new Error(`catalogue has ${body.name}, expected ${LENS_RECORD_NAME}`);
    return `id: ${id} (saved, on the catalogue as ${body.name})`;
  });
  await lensStep('lens_published_unchanged', async () => {
    await toTop();
    return waitLens([/Published\s*·\s*unchanged/]);
  });
  const editedTitle = `${originalTitle}, edited ${Date.now()}`;
  await lensStep('lens_field_to_update', async () => {
    await replaceLine(file, 'title:', `title: ${editedTitle}`);
    await toTop();
    const text = await waitLens([/1 field to update/, /\bUpdate\b/, /Show diff/]);
    await shot('moment-code-lens-update');
    return text;
  });
  await lensStep('lens_show_diff', async () => {
    await clickLens('Show diff');
    await page.waitForSelector('.editor-group-container.active .monaco-diff-editor', { timeout: T });
    const tab = await page.locator('.tab.active').first().getAttribute('aria-label');
    if (!/↔ file/.test(tab || '')) throw new Error(`the active tab is ${JSON.stringify(tab)}`);
    // (the server writes the values as it would in the file: a title may come quoted)
    const sides = await poll('the old title left and the new one right', async () => {
      const s = await diffSides();
      const left = /^title: /m.test(s.catalogue) && s.catalogue.includes(originalTitle) && !s.catalogue.includes(editedTitle);
      return left && /^title: /m.test(s.file) && s.file.includes(editedTitle) ? s : undefined;
    });
    await page.waitForTimeout(300);
    await shot('moment-code-lens-diff');
    const language = squash(await page.locator('[id="status.editor.mode"]').innerText().catch(() => ''));
    // back to the record (the diff tab closed)
    await page.locator('.tab.active .tab-actions .action-label').first().click().catch(() => undefined);
    await quickOpen(LENS_FILE);
    return { tab, catalogue: sides.catalogue, file: sides.file, language };
  });
  const catalogueNotes = `Notes changed on the catalogue ${Date.now()}`;
  await lensStep('lens_changed_on_catalogue', async () => {
    await ckan('package_patch', { id, notes: catalogueNotes });
    await replaceLine(file, 'title:', `title: ${originalTitle}`);
    await save();
    await toTop();
    const text = await waitLens([/Changed on the catalogue/, /notes/, /\bPull\b/, /Show diff/]);
    await shot('moment-code-lens-pull');
    return text;
  });
  await lensStep('lens_pull_click', async () => {
    await clickLens('Pull');
    await poll(`the catalogue's notes in ${LENS_FILE} on disk`, () => fs.readFileSync(file, 'utf8').includes(`notes: ${catalogueNotes}`));
    await poll('the catalogue\'s notes in the editor', async () => (await editorText()).includes(`notes: ${catalogueNotes}`));
    if (await page.locator('.tab.active.dirty').count()) throw new Error('the record is left with unsaved changes after the pull');
    await toTop();
    const lens = await waitLens([/Published\s*·\s*unchanged/]);
    // the extension says whether VS Code reloaded the file by itself or it had to read it again
    const how = await poll('the extension to log how the editor followed the file', () => extensionLog(/pull: /).slice(-1)[0]);
    return { lens, editor: `notes: ${catalogueNotes}`, how: how.replace(/^.*?pull: /, '') };
  });
  const notesLine = () => fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.startsWith('notes:')) + 1;
  const theirNotes = `Notes changed again on the catalogue ${Date.now()}`;
  await lensStep('lens_conflict', async () => {
    await replaceLine(file, 'notes:', 'notes: Notes changed in the editor');
    await save();
    await ckan('package_patch', { id, notes: theirNotes });
    await toTop();
    const lens = await waitLens([/Conflict in/, /notes/, /Show diff/]);
    await page.waitForSelector('.editor-group-container.active .monaco-editor .squiggly-warning', { timeout: T });
    const problem = await problemsRow('was changed on');
    await shot('moment-code-lens-conflict');
    return { lens, problem: problem.slice(0, 200) };
  });
  await lensStep('lens_conflict_take_theirs', async () => {
    const offered = await quickFix(notesLine(), /^Take .*'s value of `notes`/, 'moment-code-lens-quick-fix-take');
    await poll('the catalogue\'s notes in the editor', async () => (await editorText()).includes(`notes: ${theirNotes}`));
    await save();
    if (!fs.readFileSync(file, 'utf8').includes(`notes: ${theirNotes}`)) throw new Error('the file on disk lacks the catalogue\'s notes');
    await toTop();
    const lens = await poll('the conflict to go', async () => {
      const text = await lensText();
      return text && !/Conflict/.test(text) ? text : undefined;
    });
    await page.waitForFunction(() => !document.querySelector('.editor-group-container.active .monaco-editor .squiggly-warning'), null, { timeout: T });
    return { offered, lens };
  });
  const myNotes = `Notes kept from the editor ${Date.now()}`;
  await lensStep('lens_conflict_keep_mine', async () => {
    await replaceLine(file, 'notes:', `notes: ${myNotes}`);
    await save();
    await ckan('package_patch', { id, notes: `Notes changed a third time on the catalogue ${Date.now()}` });
    await toTop();
    await waitLens([/Conflict in/, /notes/]);
    await quickFix(notesLine(), /^Keep mine: /, 'moment-code-lens-quick-fix-keep');
    // the server asks first (Update / Cancel), naming the field
    const toast = page.locator('.notification-toast:has-text("notes")').filter({ has: page.locator('.monaco-button', { hasText: /^Update$/ }) }).first();
    await toast.waitFor({ timeout: T });
    const question = squash(await toast.innerText());
    await toast.locator('.monaco-button', { hasText: /^Update$/ }).first().click();
    await poll('the editor\'s notes on the catalogue', async () => (await ckan('package_show', { id })).notes === myNotes);
    await toTop();
    const lens = await waitLens([/Published\s*·\s*unchanged/]);
    return { asked: question.slice(0, 200), lens };
  });
  return ok;
}

async function goToLine(line) {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: T });
  await page.keyboard.type(`:${line}`, { delay: 15 });
  await page.keyboard.press('Enter');
}

(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const ctx = await chromium.launchPersistentContext(PROFILE, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 860 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  page = ctx.pages()[0] || (await ctx.newPage());
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 200)); });

  let ok = await step('workbench_loaded', async () => {
    await page.goto(CS_URL, { timeout: T });
    await page.waitForSelector('.monaco-workbench', { timeout: T });
    if (process.env.MODE === 'restricted') return await page.title(); // the trust prompt is up: no clicking around
    await page.waitForSelector('.explorer-folders-view, .explorer-viewlet, .pane-body', { timeout: T }).catch(() => {});
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
    return await page.title();
  });
  if (process.env.MODE === 'restricted') {
    if (ok) await restrictedMode();
    await ctx.close();
    console.log(failed ? `RESULT FAIL (${failed} step(s))` : 'RESULT PASS', `${Date.now() - t0}ms`);
    process.exit(failed ? 1 : 0);
  }

  // 1. Diagnostics of the invalid record reach the Problems panel.
  const securityLine = fs.readFileSync(path.join(WS_DIR, INVALID_FILE), 'utf8').split('\n').findIndex((l) => l.startsWith('security_class: SECRET')) + 1;
  if (!securityLine) throw new Error(`${INVALID_FILE} has no "security_class: SECRET" line`);
  if (ok) ok = await step('open_invalid_record', async () => { await quickOpen(INVALID_FILE); return INVALID_FILE; });
  if (ok) await step('record_language_mode', () => languageMode(RECORD_LANGUAGE));
  if (ok) await step('server_is_the_expected_one', expectedServerRuns);
  if (ok) {
    await step('status_bar_shows_catalogue', () => waitStatus(new RegExp(`BCDC ${CATALOGUE_LABEL.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)));
    await step('problems_panel_invalid_choice', async () => {
      await page.waitForSelector('.editor-group-container.active .monaco-editor .squiggly-error', { timeout: T });
      await page.keyboard.press('Control+Shift+M');
      // the server's invalid-choice diagnostic, on the security_class: SECRET line
      await page.waitForSelector(`.markers-panel .monaco-list-row:has-text("invalid-choice"):has-text("Ln ${securityLine},")`, { timeout: T });
      return (await page.locator('.markers-panel .monaco-list-row').allInnerTexts()).map(squash);
    });
    await step('status_bar_counts_problems', () => waitStatus(/\d+ problems?/));
    // 1b. The licence id shows the licence's title as an inlay hint after the value (hints are on by default).
    await step('inlay_hint_shows_licence_title', async () => {
      const hinted = /^license_id: "2"\s*Open Government Licence - British Columbia\s*$/m;
      const deadline = Date.now() + T;
      for (;;) {
        const line = (await editorText()).match(/^license_id:.*$/m);
        if (line && hinted.test(line[0])) {
          await shot('moment-inlay-hint-licence');
          return line[0];
        }
        if (Date.now() > deadline) throw new Error(`no licence title after the id: ${JSON.stringify(line && line[0])}`);
        await page.waitForTimeout(300);
      }
    });

    // 2. Typing a value of `security_class` opens its dropdown values by itself (the record language's
    //    editor defaults); accepting one clears the server's diagnostic.
    await step('completion_opens_while_typing_value', () => completeWhileTyping(INVALID_FILE, securityLine, 'security_class', '"', 'PROT', 'PROTECTED A'));
    await step('accepted_value_clears_diagnostic', async () => {
      await page.waitForFunction(
        () => !document.querySelector('.editor-group-container.active .monaco-editor .squiggly-error'),
        null,
        { timeout: T },
      );
      const text = await editorText();
      if (!/^security_class: "PROTECTED A"\s*$/m.test(text)) throw new Error(`line not completed: ${text.match(/^security_class:.*$/m)}`);
      return 'security_class: "PROTECTED A"';
    });
  }

  // 2b. A plain .yaml file that says `type: bcdc_dataset` gets the record language and the same completion;
  //     a YAML file that is no record stays YAML.
  if (ok) await step('plain_yaml_record_gets_record_language', async () => {
    await quickOpen('plain-record.yaml');
    const mode = await languageMode(RECORD_LANGUAGE);
    await page.waitForSelector('.editor-group-container.active .monaco-editor .squiggly-error', { timeout: T });
    return mode;
  });
  if (ok) await step('plain_yaml_record_completes_while_typing', async () => {
    const line = fs.readFileSync(path.join(WS_DIR, 'plain-record.yaml'), 'utf8').split('\n').findIndex((l) => l.startsWith('security_class:')) + 1;
    const labels = await completeWhileTyping('plain-record.yaml', line, 'security_class', '"', 'PROT', 'PROTECTED A');
    await page.waitForFunction(() => !document.querySelector('.editor-group-container.active .monaco-editor .squiggly-error'), null, { timeout: T });
    return labels;
  });
  if (ok) await step('other_yaml_stays_yaml', async () => {
    await quickOpen('notes.yaml');
    return languageMode('YAML');
  });

  // 2c. A record under a bcdc.toml that names the local CKAN's camel-photos type: checked and completed against
  //     the schema that portal serves, not BCDC's.
  if (ok) await step('portal_record_diagnostics', async () => {
    await quickOpen('larry.bcdc.yaml');
    await page.waitForSelector('.editor-group-container.active .monaco-editor .squiggly-error', { timeout: T });
    return problemsRow('whole number');
  }, { needsCatalogue: true });
  if (ok) await step('portal_record_hover', async () => {
    // the mouse on the `humps` key: the server's Markdown for the portal's field
    const key = page.locator('.editor-group-container.active .monaco-editor .view-line span', { hasText: /^humps$/ }).first();
    await key.hover();
    const hover = page.locator('.monaco-hover').filter({ hasText: /humps/i }).first();
    await hover.waitFor({ state: 'visible', timeout: T });
    const text = squash(await hover.innerText());
    await page.mouse.move(5, 5);
    return text.slice(0, 200);
  }, { needsCatalogue: true });
  if (ok) await step('portal_record_completion', async () => {
    const line = fs.readFileSync(path.join(WS_DIR, 'camels', 'larry.bcdc.yaml'), 'utf8').split('\n').findIndex((l) => l.startsWith('category:')) + 1;
    const labels = await completeWhileTyping('larry.bcdc.yaml', line, 'category', '', 'bac', 'bactrian');
    if (labels.some((l) => /PROTECTED/.test(l))) throw new Error(`BCDC values offered: ${labels}`);
    await page.waitForFunction(() => !/category: *bac *$/m.test(document.body.innerText), null, { timeout: T }).catch(() => undefined);
    return labels;
  }, { needsCatalogue: true });
  if (ok) await step('portal_status_names_schema', async () => {
    const item = bcdcStatus();
    await item.hover();
    const tip = page.locator('.monaco-hover:has-text("camel-photos"), .workbench-hover:has-text("camel-photos")').first();
    await tip.waitFor({ timeout: T });
    return squash(await tip.innerText()).slice(0, 200);
  }, { needsCatalogue: true });

  // 3. The API key goes in through "BCDC: Set API key" (SecretStorage), never through settings.json.
  if (ok) ok = await step('set_api_key_command', async () => {
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await runCommand('BCDC: Set API key');
    const input = page.locator('.quick-input-widget input[type="password"]');
    await input.waitFor({ state: 'visible', timeout: T });
    await page.keyboard.type(CKAN_TOKEN, { delay: 2 });
    await shot('moment-api-key-input');
    await page.keyboard.press('Enter');
    const toast = page.locator('.notification-toast:has-text("API key for")').first();
    await toast.waitFor({ timeout: T });
    return squash(await toast.innerText()).slice(0, 120);
  });

  // 4. "BCDC: Publish record" creates the dataset in the local CKAN and writes its id into the file.
  if (ok) ok = await step('open_valid_record', async () => {
    await page.keyboard.press('Escape');
    await quickOpen(VALID_FILE);
    return VALID_FILE;
  });
  if (ok) await step('status_bar_valid', async () => {
    const text = await waitStatus(/\bvalid\b|\d+ warnings?/); // no errors: the record can be published
    return text;
  });
  let publishedId;
  if (ok) ok = await step('publish_record_command', async () => {
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await runCommand('BCDC: Publish record');
    // the server writes the new id into the document (applyEdit), the extension then saves it
    const file = path.join(WS_DIR, VALID_FILE);
    const deadline = Date.now() + T;
    for (;;) {
      const m = fs.readFileSync(file, 'utf8').match(/^id:[ \t]*["']?([^\s"']+)/m);
      if (m) { publishedId = m[1]; break; }
      if (Date.now() > deadline) throw new Error(`no id: in ${VALID_FILE} on disk after ${T} ms`);
      await page.waitForTimeout(200);
    }
    await page.waitForTimeout(800); // let the server's message toast fade in for the screenshot
    const toasts = (await page.locator('.notification-toast').allInnerTexts()).map(squash);
    return { file: `${VALID_FILE}: id: ${publishedId}`, toasts };
  }, { needsCatalogue: true });
  if (ok) await step('id_shown_in_editor', async () => {
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    for (let i = 0; ; i++) { // only the visible lines are in the DOM: page down until the id line shows
      const m = (await editorText()).match(/^id:[ \t]*["']?([^\s"']+)/m);
      if (m) {
        if (m[1] !== publishedId) throw new Error(`editor shows id ${m[1]}, file has ${publishedId}`);
        break;
      }
      if (i === 4) throw new Error('no id: line in the editor');
      await page.keyboard.press('PageDown');
      await page.waitForTimeout(150);
    }
    const dirty = await page.locator('.tab.active.dirty').count();
    if (dirty) throw new Error('the published record was left unsaved');
    return `id: ${publishedId} (saved)`;
  }, { needsCatalogue: true });
  if (ok) await step('catalogue_has_dataset', async () => {
    const res = await fetch(`${CKAN_URL}/api/3/action/package_show?id=${encodeURIComponent(publishedId)}`, {
      headers: { Authorization: CKAN_TOKEN },
    });
    const body = await res.json();
    if (!body.success) throw new Error(`package_show ${publishedId}: ${JSON.stringify(body.error)}`);
    if (body.result.name !== RECORD_NAME) throw new Error(`name ${body.result.name}, expected ${RECORD_NAME}`);
    return { id: body.result.id, name: body.result.name, publish_state: body.result.publish_state };
  }, { needsCatalogue: true });
  if (ok) await step('status_bar_published', async () => {
    const text = await waitStatus(new RegExp(publishedId.slice(0, 8)));
    return text;
  }, { needsCatalogue: true });

  // 5. "BCDC: Update record" sends the changed title after the server's confirmation (Update / Cancel).
  const newTitle = `VS Code end-to-end test record, updated ${Date.now()}`;
  if (ok) await step('update_record_command', async () => {
    const titleLine = fs.readFileSync(path.join(WS_DIR, VALID_FILE), 'utf8').split('\n').findIndex((l) => l.startsWith('title:')) + 1;
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await goToLine(titleLine);
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.type(`title: ${newTitle}`, { delay: 5 });
    await page.keyboard.press('Escape');
    await runCommand('BCDC: Update record');
    const confirm = page.locator('.notification-toast:has-text("title")').locator('.monaco-button', { hasText: /^Update$/ }).first();
    await confirm.waitFor({ timeout: T });
    await shot('moment-update-confirmation');
    const question = squash(await page.locator('.notification-toast:has-text("title")').first().innerText());
    await confirm.click();
    const deadline = Date.now() + T;
    for (;;) {
      const res = await fetch(`${CKAN_URL}/api/3/action/package_show?id=${encodeURIComponent(publishedId)}`, { headers: { Authorization: CKAN_TOKEN } });
      const body = await res.json();
      if (body.success && body.result.title === newTitle) break;
      if (Date.now() > deadline) throw new Error(`catalogue title is still ${JSON.stringify(body.result && body.result.title)}`);
      await page.waitForTimeout(300);
    }
    await page.waitForTimeout(500);
    return { asked: question.slice(0, 160), catalogueTitle: newTitle };
  }, { needsCatalogue: true });

  // 6. "BCDC: Pull record…" fetches the published dataset into a new record file.
  if (ok) await step('pull_record_command', async () => {
    await page.keyboard.press('Escape');
    await runCommand('BCDC: Pull record');
    // wait for the command's own input box, not the palette that is still closing
    await page.waitForSelector('.quick-input-widget .quick-input-title:has-text("BCDC: Pull record")', { state: 'visible', timeout: T });
    await page.keyboard.type(RECORD_NAME, { delay: 5 });
    await page.keyboard.press('Enter');
    // the save dialog (code-server's simple dialog) proposes <workspace>/<name>.bcdc.yaml: take it
    const pulledName = `${RECORD_NAME}.bcdc.yaml`;
    await page.waitForFunction(
      (name) => [...document.querySelectorAll('.quick-input-widget input')].some((i) => i.offsetParent && i.value.endsWith(name)),
      pulledName,
      { timeout: T },
    );
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.tab.active[aria-label^="${pulledName}"]`, { timeout: T });
    const file = path.join(WS_DIR, pulledName);
    const deadline = Date.now() + T;
    for (;;) {
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      // the pull comes after the update, so the catalogue's copy carries the new title
      if (new RegExp(`^name: *["']?${RECORD_NAME}`, 'm').test(text) && text.includes(publishedId) && text.includes(newTitle)) break;
      if (Date.now() > deadline) throw new Error(`${pulledName} on disk lacks name/id/updated title: ${JSON.stringify(text.slice(0, 200))}`);
      await page.waitForTimeout(200);
    }
    return `${pulledName}: name ${RECORD_NAME}, id ${publishedId}`;
  }, { needsCatalogue: true });

  // 6a. The code lens on a record's first line: publish, update, diff, pull and conflicts from there.
  if (ok) await codeLens();

  // 6b. A hostile evil/bcdc.toml names a listener on this machine: the server asks it for the schema without a
  //     key (e2e.sh checks what the listener saw) and says it cannot read it.
  if (ok) await step('hostile_project_file_gets_no_key', async () => {
    await page.keyboard.press('Escape');
    await quickOpen('evil.bcdc.yaml');
    const toast = page.locator('.notification-toast:has-text("cannot read")').first();
    await toast.waitFor({ timeout: T });
    return squash(await toast.innerText()).slice(0, 200);
  });

  // 7. Production needs a modal confirmation first (declined here, so nothing is sent anywhere).
  ok = await step('choose_catalogue_prod', async () => {
    await page.keyboard.press('Escape');
    await runCommand('BCDC: Choose catalogue');
    await page.waitForSelector('.quick-input-widget .quick-input-title:has-text("BCDC: Choose catalogue")', { state: 'visible', timeout: T });
    await page.keyboard.type('prod', { delay: 15 });
    await page.keyboard.press('Enter');
    return await waitStatus(/BCDC prod/);
  });
  if (ok) await step('prod_publish_asks_modal', async () => {
    await quickOpen(INVALID_FILE);
    const before = fs.readFileSync(path.join(WS_DIR, INVALID_FILE), 'utf8');
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await runCommand('BCDC: Publish record');
    const dialog = page.locator('.monaco-dialog-box:has-text("PRODUCTION")');
    await dialog.waitFor({ timeout: T });
    await shot('moment-prod-confirmation-modal');
    const text = squash(await dialog.innerText());
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: T });
    if (fs.readFileSync(path.join(WS_DIR, INVALID_FILE), 'utf8') !== before) throw new Error('the record changed after declining');
    return text.slice(0, 160);
  });

  if (ok) await step('prod_source_action_asks_modal', async () => {
    // the server's own "Publish to BC Data Catalogue (prod)" source action goes through the same modal
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await runCommand('Source Action...');
    const action = page.locator('.action-widget:visible .monaco-list-row:has-text("Publish to BC Data Catalogue")').first();
    await action.waitFor({ timeout: T });
    const title = squash(await action.innerText());
    await action.click();
    const dialog = page.locator('.monaco-dialog-box:has-text("PRODUCTION")');
    await dialog.waitFor({ timeout: T });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: T });
    return title;
  });

  // 8. A wrong server path is reported with how to install the server, not silently ignored.
  await step('missing_server_notification', async () => {
    await page.keyboard.press('Escape');
    await runCommand('Preferences: Open Settings (UI)');
    await page.waitForSelector('.settings-editor .suggest-input-container', { timeout: T });
    await page.keyboard.type('bcdc.server.path', { delay: 10 });
    const input = page.locator('.settings-editor .setting-item-contents:has-text("Server: Path") input').first();
    await input.waitFor({ timeout: T });
    await input.fill('/nonexistent/bcdc-lsp');
    await input.press('Tab'); // commit the value: the extension restarts the server with the new path
    const toast = page.locator('.notification-toast:has-text("not an executable file")').first();
    await toast.waitFor({ timeout: T });
    const text = squash(await toast.innerText());
    if (!/cargo install/.test(text)) throw new Error(`no install hint in: ${text}`);
    await page.waitForTimeout(600);
    return text.slice(0, 200);
  });

  if (failed) console.log('console errors (first 10):', JSON.stringify(consoleErrors.slice(0, 10)));
  await ctx.close();
  console.log(failed ? `RESULT FAIL (${failed} step(s))` : 'RESULT PASS', `${Date.now() - t0}ms`);
  process.exit(failed ? 1 : 0);
})().catch(async (e) => {
  console.error('FATAL', e);
  process.exit(2);
});
