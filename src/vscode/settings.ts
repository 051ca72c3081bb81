import * as vscode from 'vscode';
import type { EngineSettings } from '../engine/odoo-engine';

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

/**
 * Settings that pick the Docker endpoint or what runs in the container: in an untrusted
 * workspace only their user (global) values count.
 */
export const restrictedSettings = ['odooDev.container', 'odooDev.docker.host', 'odooDev.start.command'] as const;

/** Reads the settings; `isTrusted` false ignores the workspace values of the restricted ones. */
export function readSettings(isTrusted: boolean = vscode.workspace.isTrusted): ExtensionSettings {
  const config = vscode.workspace.getConfiguration('odooDev');
  const restricted = <T>(key: string): T | undefined => {
    if (isTrusted) {
      return config.get<T>(key);
    }
    const values = config.inspect<T>(key);
    return values?.globalValue ?? values?.defaultValue;
  };
  const startCommand = restricted<unknown>('start.command');
  return {
    container: nonEmpty(restricted<unknown>('container')),
    dockerHost: nonEmpty(restricted<unknown>('docker.host')),
    engine: {
      stopTimeoutMs: seconds(config.get<unknown>('restart.stopTimeout'), 30) * 1000,
      killAfterTimeout: config.get<unknown>('restart.killAfterTimeout') === true,
      readyTimeoutMs: seconds(config.get<unknown>('restart.readyTimeout'), 120) * 1000,
      ...(isCommand(startCommand) ? { startProgram: startCommand } : {}),
    },
    argsFile: nonEmpty(config.get<unknown>('argsFile')) ?? '.odoo-args',
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
