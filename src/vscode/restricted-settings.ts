// The settings that Restricted Mode limits, as plain data: no `vscode` here, so that a unit test
// can hold the list against package.json's `restrictedConfigurations`.

/**
 * Settings that pick the Docker endpoint, the container or what runs in it: in an untrusted
 * workspace only their user (global) values count. package.json declares the same list.
 */
export const restrictedSettings = ['odooDev.container', 'odooDev.docker.host', 'odooDev.start.command'] as const;

/** Whether only the user value of `setting` counts in an untrusted workspace. */
export function isRestricted(setting: string): boolean {
  return (restrictedSettings as readonly string[]).includes(setting);
}

/**
 * Settings whose change means connecting again: the restricted ones, which choose Docker, the
 * container and the start command, and the engine's restart timeouts.
 */
export const connectionSettings: readonly string[] = [...restrictedSettings, 'odooDev.restart'];
