/**
 * Edits of a user's devcontainer.json (JSON with comments and trailing commas) that keep its
 * comments and layout: jsonc-parser computes the smallest text edit for each change.
 */
import { applyEdits, findNodeAtLocation, modify, parse, parseTree, printParseErrorCode, type FormattingOptions, type ParseError } from 'jsonc-parser';
import { OdooDevError } from './errors';

/** The members of devcontainer.json that the keeper change reads. */
export interface DevcontainerConfig {
  readonly image?: unknown;
  readonly build?: { readonly dockerfile?: unknown; readonly target?: unknown; readonly [key: string]: unknown };
  /** The older spelling of `build.dockerfile`. */
  readonly dockerFile?: unknown;
  readonly dockerComposeFile?: unknown;
  readonly service?: unknown;
  readonly overrideCommand?: unknown;
}

/** devcontainer.json read as VS Code reads it: comments and trailing commas allowed. */
export function readDevcontainerJson(text: string, file: string): DevcontainerConfig {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  if (errors.length > 0) {
    const { line, column } = lineAndColumn(text, errors[0].offset);
    throw new OdooDevError('invalid-args', `${file} cannot be read: ${printParseErrorCode(errors[0].error)} at line ${line}, column ${column}.`, {
      hint: 'Fix it, then run this again.',
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OdooDevError('invalid-args', `${file} is not a devcontainer.json: its top level is not an object.`);
  }
  return value as DevcontainerConfig;
}

/** `ref` added at the end of `dockerComposeFile` (a string becomes a list); unchanged when it is in it. */
export function withComposeFile(text: string, ref: string): string {
  const current = readDevcontainerJson(text, 'devcontainer.json').dockerComposeFile;
  const list = Array.isArray(current) ? current : typeof current === 'string' ? [current] : [];
  if (list.includes(ref)) {
    return text;
  }
  const options = { formattingOptions: formattingOf(text) };
  if (Array.isArray(current)) {
    return applyEdits(text, modify(text, ['dockerComposeFile', -1], ref, { ...options, isArrayInsertion: true }));
  }
  return applyEdits(text, modify(text, ['dockerComposeFile'], [...list, ref], options));
}

/** `"overrideCommand": false`, set or added. */
export function withOverrideCommandFalse(text: string): string {
  if (readDevcontainerJson(text, 'devcontainer.json').overrideCommand === false) {
    return text;
  }
  return applyEdits(text, modify(text, ['overrideCommand'], false, { formattingOptions: formattingOf(text) }));
}

/**
 * The image built from `dockerfile` instead of pulled: `"image": ...` becomes
 * `"build": { "dockerfile": ... }` in the same place, so that the comments around it stay; a
 * `build` that is there gets the `dockerfile` member.
 */
export function withBuildDockerfile(text: string, dockerfile: string): string {
  const config = readDevcontainerJson(text, 'devcontainer.json');
  const options = { formattingOptions: formattingOf(text) };
  if (config.build !== undefined) {
    if (config.build?.dockerfile === dockerfile) {
      return text;
    }
    return applyEdits(text, modify(text, ['build', 'dockerfile'], dockerfile, options));
  }
  const root = parseTree(text, [], { allowTrailingComma: true });
  const image = root && findNodeAtLocation(root, ['image'])?.parent;
  if (!image) {
    return applyEdits(text, modify(text, ['build'], { dockerfile }, options));
  }
  const member = `"build": { "dockerfile": ${JSON.stringify(dockerfile)} }`;
  return applyEdits(text, [{ offset: image.offset, length: image.length, content: member }]);
}

/** The indentation and line ends the file already uses. */
function formattingOf(text: string): FormattingOptions {
  const indented = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
  const tabs = indented.startsWith('\t');
  return { insertSpaces: !tabs, tabSize: tabs ? 4 : indented.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}
