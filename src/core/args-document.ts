/**
 * The args file a team commits next to its code (`.odoo-args`), read with the exact place of
 * every word, so that editors can point at the word a problem is about.
 *
 * ```
 * # Everyday work: comments start with a # that begins a word.
 * -d dev --dev=xml,qweb   # a comment may also end a line
 *
 * [update sale]
 * -d dev -u sale \
 *    --stop-after-init
 * ```
 *
 * - Args before the first header belong to the default profile; `[name]` on a line of its own
 *   (blanks and a comment may follow) starts the profile `name`. Profiles do not inherit.
 * - Args are split like `splitArgs` splits a line, which is POSIX-sh-like quoting with no
 *   expansion: `'...'` is literal, `"..."` keeps all but `\"`, `\\`, `` \` ``, `\$`, and a
 *   backslash outside quotes keeps the next character literal.
 * - A backslash at the end of a line joins the next line, as in sh: the backslash and the line
 *   break vanish, so `--dev=xml\` + `,qweb` is one word. A header is only read at the start of
 *   a line that does not continue another.
 * - A quote must close on its line (or on a line joined to it by a backslash inside double
 *   quotes), so that a stray quote cannot swallow the profiles below it.
 * - Lines break at `\n`, `\r\n` or `\r`; characters count UTF-16 code units, as LSP does.
 */

/** A place in the text: zero-based line, and character within the line in UTF-16 code units. */
export interface TextPosition {
  readonly line: number;
  readonly character: number;
}

/** The text from `start` up to, not including, `end`. */
export interface TextRange {
  readonly start: TextPosition;
  readonly end: TextPosition;
}

/** One word of an args line: an argv entry, and where it is written. */
export interface ArgWord {
  /** The argv entry, quotes and escapes resolved. */
  readonly value: string;
  /** The source text, quotes and escapes included. */
  readonly text: string;
  readonly range: TextRange;
}

/** The default profile (no header) or a named one. */
export interface ArgsProfile {
  /** Undefined for the default profile. */
  readonly name: string | undefined;
  /** The `[name]` header, without a comment after it; undefined for the default profile. */
  readonly header?: TextRange;
  /** The words in order: `words[i].value` is `argv[i]`. */
  readonly words: readonly ArgWord[];
  readonly argv: readonly string[];
}

/** Text that cannot be read as an args file, such as an unclosed quote. */
export interface ArgsDocumentError {
  readonly message: string;
  readonly range: TextRange;
}

/** An args file read. */
export interface ArgsDocument {
  /** The default profile first (always present, maybe empty), then the named ones in order. */
  readonly profiles: readonly ArgsProfile[];
  /** Each comment from its `#` to the end of its line. */
  readonly comments: readonly TextRange[];
  readonly errors: readonly ArgsDocumentError[];
}

/** Where a position falls among the words of its profile. */
export interface ArgsContext {
  readonly profile: ArgsProfile;
  /** The index of the word at the position, or the index a word typed there would take. */
  readonly index: number;
  /** The word the position is in or touches (at its start or end); undefined between words. */
  readonly word?: ArgWord;
}

const blank = /[ \t\f\v]/;

/** Reads an args file. Never throws: what cannot be read is in `errors`, and the rest is kept. */
export function parseArgsDocument(text: string): ArgsDocument {
  return new ArgsReader(text).read();
}

/**
 * The argv of a profile: the default profile without a name (empty if the file has no args
 * before its first header), else the first profile with that name, or undefined if none has it.
 */
export function argsOfProfile(doc: ArgsDocument, name?: string): string[] | undefined {
  const profile = doc.profiles.find((p) => p.name === name);
  return profile ? [...profile.argv] : undefined;
}

/**
 * The profile and word at a position, for completion and hover; undefined inside a header or a
 * comment, where no word goes.
 */
export function argsContextAt(doc: ArgsDocument, position: TextPosition): ArgsContext | undefined {
  if (doc.comments.some((range) => isBefore(range.start, position) && !isBefore(range.end, position))) {
    return undefined;
  }
  let profile = doc.profiles[0];
  for (const candidate of doc.profiles.slice(1)) {
    const header = candidate.header as TextRange;
    if (isBefore(position, header.start)) {
      break;
    }
    if (header.start.line === position.line) {
      return undefined;
    }
    profile = candidate;
  }
  const index = profile.words.findIndex((word) => !isBefore(word.range.end, position));
  if (index < 0) {
    return { profile, index: profile.words.length };
  }
  const word = profile.words[index];
  return isBefore(position, word.range.start) ? { profile, index } : { profile, index, word };
}

/** Whether `a` comes strictly before `b`. */
function isBefore(a: TextPosition, b: TextPosition): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

interface OpenProfile {
  name: string | undefined;
  header?: TextRange;
  words: ArgWord[];
}

/** One pass over the text, character by character, keeping track of lines. */
class ArgsReader {
  private readonly profiles: OpenProfile[] = [{ name: undefined, words: [] }];
  private readonly comments: TextRange[] = [];
  private readonly errors: ArgsDocumentError[] = [];
  private at = 0;
  private line = 0;
  private lineStart = 0;
  /** The word being read, if any. */
  private word: { value: string; start: TextPosition; startOffset: number } | undefined;

  constructor(private readonly text: string) {}

  read(): ArgsDocument {
    let atLineStart = true;
    while (this.at < this.text.length) {
      if (atLineStart) {
        atLineStart = false;
        if (this.readHeader()) {
          continue;
        }
      }
      const char = this.text[this.at];
      if (this.lineBreakAt(this.at) > 0) {
        this.endWord();
        this.breakLine();
        atLineStart = true;
      } else if (blank.test(char)) {
        this.endWord();
        this.at++;
      } else if (char === '#' && !this.word) {
        this.readComment();
      } else if (char === "'") {
        this.readSingleQuoted();
      } else if (char === '"') {
        this.readDoubleQuoted();
      } else if (char === '\\') {
        this.readBackslash();
      } else {
        this.append(char, 1);
      }
    }
    this.endWord();
    return {
      profiles: this.profiles.map((p) => ({
        name: p.name,
        ...(p.header ? { header: p.header } : {}),
        words: p.words,
        argv: p.words.map((w) => w.value),
      })),
      comments: this.comments,
      errors: this.errors,
    };
  }

  private get position(): TextPosition {
    return { line: this.line, character: this.at - this.lineStart };
  }

  /** The length of the line break at `offset`, or 0 when there is none. */
  private lineBreakAt(offset: number): number {
    const char = this.text[offset];
    if (char === '\n') {
      return 1;
    }
    if (char === '\r') {
      return this.text[offset + 1] === '\n' ? 2 : 1;
    }
    return 0;
  }

  private breakLine(): void {
    this.at += this.lineBreakAt(this.at);
    this.line++;
    this.lineStart = this.at;
  }

  /** The offset of the end of the current line (its line break, or the end of the text). */
  private endOfLine(): number {
    let end = this.at;
    while (end < this.text.length && this.lineBreakAt(end) === 0) {
      end++;
    }
    return end;
  }

  private append(value: string, length: number): void {
    if (!this.word) {
      this.word = { value: '', start: this.position, startOffset: this.at };
    }
    this.word.value += value;
    this.at += length;
  }

  private endWord(): void {
    if (this.word) {
      const { value, start, startOffset } = this.word;
      const words = this.profiles[this.profiles.length - 1].words;
      words.push({ value, text: this.text.slice(startOffset, this.at), range: { start, end: this.position } });
      this.word = undefined;
    }
  }

  private error(message: string, start: TextPosition, end: TextPosition): void {
    this.errors.push({ message, range: { start, end } });
  }

  /** A `[name]` header at the start of a line, after blanks; false when the line holds none. */
  private readHeader(): boolean {
    let open = this.at;
    while (open < this.text.length && blank.test(this.text[open])) {
      open++;
    }
    if (this.text[open] !== '[') {
      return false;
    }
    const eol = this.endOfLine();
    const close = this.text.indexOf(']', open);
    const closed = close >= 0 && close < eol;
    const end = closed ? close + 1 : eol;
    const range = { start: this.positionOf(open), end: this.positionOf(end) };
    const name = this.text.slice(open + 1, closed ? close : eol).trim();
    if (!closed) {
      this.error(`Unclosed profile header: end it with ], as in [${name || 'name'}].`, range.start, range.end);
    } else if (name === '') {
      this.error('A profile header needs a name, as in [tests].', range.start, range.end);
    }
    const first = this.profiles.find((p) => p.name === name);
    if (first?.header) {
      this.error(`The profile [${name}] is already defined on line ${first.header.start.line + 1}; rename one of them.`, range.start, range.end);
    }
    this.profiles.push({ name, header: range, words: [] });
    this.at = end;
    while (this.at < eol && blank.test(this.text[this.at])) {
      this.at++;
    }
    if (this.at < eol && this.text[this.at] !== '#') {
      this.error('Only a comment may follow a profile header on its line; move the args to the next line.',
        this.position, this.positionOf(eol));
      this.at = eol;
    }
    return true;
  }

  private positionOf(offset: number): TextPosition {
    return { line: this.line, character: offset - this.lineStart };
  }

  private readComment(): void {
    const start = this.position;
    this.at = this.endOfLine();
    this.comments.push({ start, end: this.position });
  }

  private readSingleQuoted(): void {
    const eol = this.endOfLine();
    const close = this.text.indexOf("'", this.at + 1);
    if (close < 0 || close > eol) {
      this.error("Unclosed single quote: add the closing ' or write \\' for a literal quote.", this.position, this.positionOf(eol));
      this.append(this.text.slice(this.at + 1, eol), eol - this.at);
      return;
    }
    this.append(this.text.slice(this.at + 1, close), close + 1 - this.at);
  }

  private readDoubleQuoted(): void {
    const open = this.position;
    this.append('', 1);
    while (this.at < this.text.length) {
      const char = this.text[this.at];
      if (char === '"') {
        this.append('', 1);
        return;
      }
      if (this.lineBreakAt(this.at) > 0) {
        break;
      }
      const next = this.text[this.at + 1];
      if (char === '\\' && this.lineBreakAt(this.at + 1) > 0) {
        this.at++;
        this.breakLine();
      } else if (char === '\\' && next !== undefined && '"\\`$'.includes(next)) {
        this.append(next, 2);
      } else {
        this.append(char, 1);
      }
    }
    this.error('Unclosed double quote: add the closing " or write \\" for a literal quote.', open, this.position);
  }

  private readBackslash(): void {
    if (this.lineBreakAt(this.at + 1) > 0) {
      // sh removes a backslash-newline before it splits words, so it neither ends nor starts one.
      this.at++;
      this.breakLine();
    } else if (this.at + 1 >= this.text.length) {
      // As in splitArgs: a trailing backslash escapes nothing and is kept as typed.
      this.append('\\', 1);
    } else {
      this.append(this.text[this.at + 1], 2);
    }
  }
}
