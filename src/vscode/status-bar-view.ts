// What the status-bar item shows for each state, as plain data: no `vscode` here, so that every
// state can be checked by a unit test.
import { joinArgs } from '../core/argv-text';
import { describeExit, signalName } from '../core/exit-status';
import type { WatchState } from '../engine/odoo-watcher';

/** The watcher's states, plus what only the extension knows. */
export type StatusState =
  | WatchState
  /** A server runs but did not answer in time after our restart. */
  | { readonly kind: 'not-ready'; readonly pid?: number; readonly message: string }
  /** No container could be chosen (none runs Odoo, or several do and nobody chose). */
  | { readonly kind: 'no-container'; readonly message?: string }
  /** Looking for the container and asking it for the first status. */
  | { readonly kind: 'connecting' }
  /** Restricted Mode: nothing was started by itself. */
  | { readonly kind: 'restricted' };

/** What we are doing right now, from our own command. */
export interface BusyInfo {
  readonly action: 'restart' | 'run' | 'start' | 'stop';
  /** The engine's latest progress line. */
  readonly message?: string;
}

export interface StatusContext {
  readonly container?: string;
  /** When we saw the running server start (ms since the epoch); unknown for one found running. */
  readonly runningSince?: number;
  readonly now?: number;
}

export interface StatusBarView {
  readonly text: string;
  /** Markdown paragraphs of the tooltip; the last one holds the command links. */
  readonly tooltipLines: readonly string[];
  /** The state is an error: the item gets the error background. */
  readonly isError: boolean;
  /** Something is under way: the icon spins. */
  readonly isBusy: boolean;
  /** The text without icons, for screen readers. */
  readonly accessibleLabel: string;
}

/** Commands the tooltip may link to; the status bar trusts exactly these. */
export const tooltipCommands = ['odooDev.restart', 'odooDev.restartWithArgs', 'odooDev.stop', 'odooDev.start', 'odooDev.showLogs', 'odooDev.selectContainer', 'odooDev.startContainer'] as const;

type TooltipCommand = typeof tooltipCommands[number];

const linkTitles: Record<TooltipCommand, string> = {
  'odooDev.restart': 'Restart',
  'odooDev.restartWithArgs': 'Restart with args',
  'odooDev.stop': 'Stop',
  'odooDev.start': 'Start',
  'odooDev.showLogs': 'Show Logs',
  'odooDev.selectContainer': 'Select Container',
  'odooDev.startContainer': 'Start Container',
};

const busyWords: Record<BusyInfo['action'], string> = { restart: 'restarting', run: 'running once', start: 'starting', stop: 'stopping' };

/** The item's text, tooltip and look for a state and what we are doing. */
export function statusBarView(state: StatusState, busy?: BusyInfo, context: StatusContext = {}): StatusBarView {
  const base = viewOf(state, context);
  const spinning = busy !== undefined && !base.isBusy;
  const text = spinning ? `$(sync~spin) Odoo ${busyWords[busy.action]}` : base.text;
  // A line of its own: "Odoo is stopped in container x" would read as if the container were.
  const lines = [
    base.heading,
    ...(context.container ? [`Container ${code(context.container)}`] : []),
    ...base.details,
    ...(busy?.message ? [`_${escapeMarkdown(busy.message)}_`] : []),
    links(base.links),
  ];
  return {
    text,
    tooltipLines: lines,
    isError: base.isError && !spinning,
    isBusy: base.isBusy || spinning,
    accessibleLabel: `${text.replace(/\$\([^)]*\)\s*/g, '')}${context.container ? `, container ${context.container}` : ''}`,
  };
}

interface BaseView {
  readonly text: string;
  readonly heading: string;
  readonly details: readonly string[];
  readonly links: readonly TooltipCommand[];
  readonly isError: boolean;
  readonly isBusy: boolean;
}

const runningLinks: readonly TooltipCommand[] = ['odooDev.restart', 'odooDev.restartWithArgs', 'odooDev.stop', 'odooDev.showLogs'];
const stoppedLinks: readonly TooltipCommand[] = ['odooDev.start', 'odooDev.restartWithArgs', 'odooDev.showLogs'];
const busyLinks: readonly TooltipCommand[] = ['odooDev.showLogs'];
const noContainerLinks: readonly TooltipCommand[] = ['odooDev.selectContainer'];

function viewOf(state: StatusState, context: StatusContext): BaseView {
  const quiet = { isError: false, isBusy: false };
  switch (state.kind) {
    case 'running': {
      const version = state.version?.serverVersion;
      const label = version ? `Odoo ${version}` : 'Odoo running';
      const uptime = context.runningSince !== undefined ? `up ${uptimeText((context.now ?? Date.now()) - context.runningSince)}` : undefined;
      const facts = [`PID ${state.pid}`, state.database ? `database ${code(state.database)}` : undefined, uptime].filter(Boolean).join(' · ');
      return {
        text: `$(pass) ${label}${state.database ? ` · ${state.database}` : ''}`,
        heading: `**${version ? `Odoo ${escapeMarkdown(version)}` : 'Odoo'}** is running`,
        details: [
          facts,
          ...commandBlock(state.argv),
          ...(state.olderKeeper ? ['Its keeper is an older one: the first restart after each container start stops the server first. "Odoo: Make Container Restartable" puts in the current one.'] : []),
        ],
        links: runningLinks,
        ...quiet,
      };
    }
    case 'starting':
      return state.answering !== undefined
        ? busyView('restarting', `Odoo is restarting: the new server (PID ${state.pid}) is starting`, [previousAnswers(state.answering)])
        : busyView('starting', `Odoo is starting (PID ${state.pid})`);
    case 'restarting':
      return state.answering !== undefined
        ? busyView('restarting', `Odoo is restarting (PID ${state.pid})`, [previousAnswers(state.answering)])
        : busyView('restarting', `Odoo is restarting (PID ${state.pid})`);
    case 'stopping':
      return busyView('stopping', `Odoo is stopping (PID ${state.pid})`);
    case 'stopped':
      return { text: '$(debug-stop) Odoo stopped', heading: '**Odoo** is stopped', details: ['The container runs; Odoo does not.'], links: stoppedLinks, ...quiet };
    case 'crashed': {
      const how = state.exitCode !== undefined ? `${state.exitCode}` : state.signal !== undefined ? signalName(state.signal) : undefined;
      const known = state.exitCode !== undefined || state.signal !== undefined;
      return {
        text: `$(error) Odoo crashed${how ? ` (${how})` : ''}`,
        heading: known ? `**Odoo crashed**: it ${escapeMarkdown(describeExit(state.exitCode, state.signal))}` : '**Odoo crashed**',
        details: [
          ...(state.reason ? [escapeMarkdown(state.reason)] : []),
          'The log shows why; Start runs the last args that worked, Restart with args other ones.',
        ],
        links: ['odooDev.showLogs', 'odooDev.start', 'odooDev.restartWithArgs'],
        isError: true,
        isBusy: false,
      };
    }
    case 'not-ready':
      return {
        text: '$(warning) Odoo not ready',
        heading: `**Odoo is not ready**${state.pid !== undefined ? ` (PID ${state.pid})` : ''}`,
        details: [escapeMarkdown(state.message)],
        links: ['odooDev.showLogs', 'odooDev.restart', 'odooDev.stop'],
        ...quiet,
      };
    case 'container-stopped':
      return {
        text: '$(debug-stop) Odoo container stopped',
        heading: `**The container is stopped**${state.exitCode !== undefined ? ` (exit code ${state.exitCode})` : ''}`,
        details: ['Start the container to run Odoo in it.'],
        links: ['odooDev.startContainer', 'odooDev.showLogs', 'odooDev.selectContainer'],
        ...quiet,
      };
    case 'container-gone':
      return {
        text: '$(circle-slash) Odoo: no container',
        heading: '**The container is gone**',
        details: ['It was removed. Select another container, or recreate it.'],
        links: noContainerLinks,
        ...quiet,
      };
    case 'no-container':
      return {
        text: '$(circle-slash) Odoo: no container',
        heading: '**No Odoo container**',
        details: [escapeMarkdown(state.message ?? 'No running container was found for this window.')],
        links: noContainerLinks,
        ...quiet,
      };
    case 'docker-unavailable':
      return {
        text: '$(error) Odoo: Docker unavailable',
        heading: '**Docker is unavailable**',
        details: [escapeMarkdown(state.message)],
        links: noContainerLinks,
        isError: true,
        isBusy: false,
      };
    case 'unknown':
      return {
        text: '$(warning) Odoo: unknown',
        heading: '**Could not ask the container**',
        details: [escapeMarkdown(state.message)],
        links: ['odooDev.restart', 'odooDev.showLogs'],
        isError: true,
        isBusy: false,
      };
    case 'connecting':
      return { text: '$(sync~spin) Odoo', heading: '**Odoo**: looking for the container', details: [], links: [], isError: false, isBusy: true };
    case 'restricted':
      return {
        text: '$(shield) Odoo',
        heading: '**Odoo**: Restricted Mode',
        details: ['Nothing starts by itself in an untrusted workspace, and its Docker and container settings are ignored. Any action connects.'],
        links: ['odooDev.restart', 'odooDev.showLogs'],
        ...quiet,
      };
  }
}

function busyView(word: string, heading: string, details: readonly string[] = []): BaseView {
  return { text: `$(sync~spin) Odoo ${word}`, heading: `**${heading}**`, details, links: busyLinks, isError: false, isBusy: true };
}

/** While the new server boots beside the old one on the same socket, the old one serves. */
function previousAnswers(pid: number): string {
  return `The previous server (PID ${pid}) still answers until the new one is ready.`;
}

function links(commands: readonly TooltipCommand[]): string {
  return commands.map((command) => `[${linkTitles[command]}](command:${command})`).join(' · ');
}

/** The command line as a code block, fenced longer than any backtick run inside it. */
function commandBlock(argv: readonly string[]): string[] {
  if (!argv.length) {
    return [];
  }
  // A masked value needs no quotes to be read: `--db_password ***`, not `'***'`.
  const line = joinArgs(argv).replace(/'([^'\s]*\*\*\*)'/g, '$1');
  const fence = '`'.repeat(Math.max(3, longestRun(line, '`') + 1));
  return [`${fence}text\n${line}\n${fence}`];
}

/** Inline code that survives backticks in the text. */
function code(text: string): string {
  const fence = '`'.repeat(longestRun(text, '`') + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

/**
 * The uptime as the tooltip shows it: the item is redrawn once a minute, so seconds would stand
 * still between two redraws; under a minute it says so.
 */
export function uptimeText(ms: number): string {
  return ms < 60_000 ? 'under a minute' : duration(ms);
}

/** `12 s`, `5 min`, `2 h 5 min`, `3 d 4 h`. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) {
    return `${seconds} s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  }
  return `${Math.floor(hours / 24)} d${hours % 24 ? ` ${hours % 24} h` : ''}`;
}
