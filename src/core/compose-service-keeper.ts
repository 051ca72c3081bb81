/**
 * Puts the keeper's `entrypoint` and `command` into one service of a compose file (an override
 * file, ours or the user's), keeping everything else of the file. The common block layout is
 * edited in place, so that every other byte, comments and formatting included, stays as it
 * was; any other layout (flow maps, an empty document) goes through the YAML document model,
 * which keeps comments but may reformat.
 */
import { isMap, isScalar, parseDocument, Scalar, YAMLMap, YAMLSeq, type Document, type Node, type Pair } from 'yaml';
import { OdooDevError } from './errors';
import { composeSequence, composeSnippet, type KeeperCommand } from './restartable-keeper';

/** The keeper in `service` of compose file `text`; the text unchanged when it is there already. */
export function withServiceKeeper(text: string, service: string, keeper: KeeperCommand, file = 'the compose file'): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new OdooDevError('invalid-args', `${file} is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`, {
      hint: 'Fix it, then run this again.',
    });
  }
  if (hasKeeper(doc, service, keeper)) {
    return text;
  }
  const edited = inPlace(text, doc, service, keeper);
  if (edited !== undefined) {
    const check = parseDocument(edited);
    if (check.errors.length === 0 && hasKeeper(check, service, keeper)) {
      return edited;
    }
  }
  return throughModel(doc, service, keeper, file);
}

/** A new compose file of ours with only the keeper for `service`, and a header that says why. */
export function composeKeeperFile(service: string, keeper: KeeperCommand, header: readonly string[]): string {
  return [...header.map((line) => `# ${line}`.trimEnd()), composeSnippet(service, keeper)].join('\n');
}

/** The words as compose reads them: `$$` in the file is one `$`. */
function composeWords(words: readonly string[]): string[] {
  return words.map((word) => word.replace(/\$/g, '$$$$'));
}

function hasKeeper(doc: Document, service: string, keeper: KeeperCommand): boolean {
  const same = (key: string, words: readonly string[]) => {
    const value = doc.getIn(['services', service, key]) as unknown;
    const list = value instanceof YAMLSeq ? value.toJSON() as unknown[] : undefined;
    const want = composeWords(words);
    return list !== undefined && list.length === want.length && list.every((word, i) => word === want[i]);
  };
  return same('entrypoint', keeper.entrypoint) && same('command', keeper.command);
}

const eolOf = (text: string) => (text.includes('\r\n') ? '\r\n' : '\n');

/** The block-layout edit, or undefined when the layout is one this does not edit by hand. */
function inPlace(text: string, doc: Document, service: string, keeper: KeeperCommand): string | undefined {
  const eol = eolOf(text);
  const key = plainKey(service);
  const lines = (indent: string) => [
    `${indent}entrypoint: ${composeSequence(keeper.entrypoint)}`,
    `${indent}command: ${composeSequence(keeper.command)}`,
  ];
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) {
    return undefined;
  }
  if (!isMap(root) || root.flow) {
    return undefined;
  }
  const services = pairOf(root, 'services');
  if (!services) {
    const end = text.length === 0 || text.endsWith('\n') ? text : `${text}${eol}`;
    return `${end}services:${eol}  ${key}:${eol}${lines('    ').join(eol)}${eol}`;
  }
  const servicesKey = services.key as Node;
  const servicesValue = services.value as Node | null;
  if (servicesValue === null || (isScalar(servicesValue) && servicesValue.value === null)) {
    const column = columnOf(text, servicesKey.range![0]);
    const indent = ' '.repeat(column + 2);
    return insertAfterLine(text, servicesKey.range![1], [`${indent}${key}:`, ...lines(`${indent}  `)], eol);
  }
  if (!isMap(servicesValue) || servicesValue.flow) {
    return undefined;
  }
  const entry = pairOf(servicesValue, service);
  if (!entry) {
    const first = servicesValue.items[0]?.key as Node | undefined;
    const indent = ' '.repeat(first?.range ? columnOf(text, first.range[0]) : columnOf(text, servicesKey.range![0]) + 2);
    return insertAfterLine(text, servicesKey.range![1], [`${indent}${key}:`, ...lines(`${indent}  `)], eol);
  }
  const entryKey = entry.key as Node;
  const entryValue = entry.value as Node | null;
  if (entryValue === null || (isScalar(entryValue) && entryValue.value === null)) {
    const indent = ' '.repeat(columnOf(text, entryKey.range![0]) + 2);
    return insertAfterLine(text, entryKey.range![1], lines(indent), eol);
  }
  if (!isMap(entryValue) || entryValue.flow) {
    return undefined;
  }
  const first = entryValue.items[0]?.key as Node | undefined;
  const indent = ' '.repeat(first?.range ? columnOf(text, first.range[0]) : columnOf(text, entryKey.range![0]) + 2);
  // Replace the values that are there, from the last one back so that offsets stay right.
  let out = text;
  const missing: string[] = [];
  const wanted = [
    { name: 'entrypoint', words: keeper.entrypoint },
    { name: 'command', words: keeper.command },
  ];
  const present = wanted
    .map((want) => ({ ...want, pair: pairOf(entryValue, want.name) }))
    .filter((want) => {
      if (!want.pair) missing.push(`${indent}${want.name}: ${composeSequence(want.words)}`);
      return want.pair !== undefined;
    })
    .sort((x, y) => (y.pair!.key as Node).range![0] - (x.pair!.key as Node).range![0]);
  for (const { name, words, pair } of present) {
    const from = (pair!.key as Node).range![0];
    const value = pair!.value as Node | null;
    const to = value?.range ? value.range[1] : (pair!.key as Node).range![1];
    const removed = out.slice(from, to);
    const keepEol = removed.endsWith('\n') ? (removed.endsWith('\r\n') ? '\r\n' : '\n') : '';
    out = `${out.slice(0, from)}${name}: ${composeSequence(words)}${keepEol}${out.slice(to)}`;
  }
  return missing.length ? insertAfterLine(out, entryKey.range![1], missing, eol) : out;
}

/** The model edit: keeps comments; other formatting may change. */
function throughModel(doc: Document, service: string, keeper: KeeperCommand, file: string): string {
  const root = doc.contents;
  if (root !== null && !(isScalar(root) && root.value === null) && !isMap(root)) {
    throw new OdooDevError('invalid-args', `${file} is not a compose file: its top level is not a mapping.`);
  }
  const sequence = (words: readonly string[]) => {
    const seq = new YAMLSeq<Scalar>();
    seq.flow = true;
    for (const word of composeWords(words)) {
      const scalar = new Scalar(word);
      scalar.type = Scalar.QUOTE_DOUBLE;
      seq.items.push(scalar);
    }
    return seq;
  };
  if (!isMap(doc.contents)) {
    doc.contents = new YAMLMap() as typeof doc.contents;
  }
  for (const path of [['services'], ['services', service]]) {
    const node = doc.getIn(path, true) as unknown;
    if (!isMap(node)) {
      doc.setIn(path, new YAMLMap());
    }
  }
  doc.setIn(['services', service, 'entrypoint'], sequence(keeper.entrypoint));
  doc.setIn(['services', service, 'command'], sequence(keeper.command));
  return doc.toString({ lineWidth: 0 });
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return (map.items as Pair[]).find((pair) => (isScalar(pair.key) ? String(pair.key.value) : pair.key) === key);
}

const plainKeyPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const plainKey = (name: string) => (plainKeyPattern.test(name) ? name : JSON.stringify(name));

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** `lines` after the line that holds `offset`. */
function insertAfterLine(text: string, offset: number, lines: readonly string[], eol: string): string {
  const newline = text.indexOf('\n', offset);
  const block = lines.join(eol) + eol;
  if (newline < 0) {
    return `${text}${eol}${block}`;
  }
  return text.slice(0, newline + 1) + block + text.slice(newline + 1);
}
