import * as vscode from 'vscode';
import type { EngineSettings } from '../engine/odoo-engine';
import { isRestricted } from './restricted-settings';

/** The extension's settings as the rest of it uses them. */
export interface ExtensionSettings {
  /** A container name or ID prefix; undefined to find it. */
  readonly container: string | undefined;
  /** A Docker endpoint (`unix:///...`, `tcp://...`, `ssh://...`); undefined for DOCKER_HOST, the context, the default. */
  readonly dockerHost: string | undefined;
  readonly engine: EngineSettings;
  /** The args file, relative to the first workspace folder unless absolute. */
  readonly argsFile: string;
}

/** Reads the settings; `isTrusted` false ignores the workspace values of the restricted ones. */
export function readSettings(isTrusted: boolean = vscode.workspace.isTrusted): ExtensionSettings {
  const config = vscode.workspace.getConfiguration('odooDev');
  // The one list of restricted settings decides which values an untrusted workspace may set.
  const read = (setting: `odooDev.${string}`): unknown => {
    const key = setting.slice('odooDev.'.length);
    if (isTrusted || !isRestricted(setting)) {
      return config.get<unknown>(key);
    }
    const values = config.inspect<unknown>(key);
    return values?.globalValue ?? values?.defaultValue;
  };
  const startCommand = read('odooDev.start.command');
  return {
    container: nonEmpty(read('odooDev.container')),
    dockerHost: nonEmpty(read('odooDev.docker.host')),
    engine: {
      stopTimeoutMs: seconds(read('odooDev.restart.stopTimeout'), 30) * 1000,
      killAfterTimeout: read('odooDev.restart.killAfterTimeout') === true,
      ...(read('odooDev.restart.overlap') === false ? { noOverlap: true } : {}),
      ...(read('odooDev.restart.warm') === false ? { noWarm: true } : {}),
      readyTimeoutMs: seconds(read('odooDev.restart.readyTimeout'), 120) * 1000,
      ...(isCommand(startCommand) ? { startProgram: startCommand } : {}),
    },
    argsFile: nonEmpty(read('odooDev.argsFile')) ?? '.odoo-args',
  };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function seconds(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function isCommand(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((word) => typeof word === 'string' && word !== '');
}
