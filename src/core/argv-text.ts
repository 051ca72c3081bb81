/** A line of arguments that cannot be split, such as one with an unclosed quote. */
export class ArgsSyntaxError extends Error {
  /** Index in the text of the character at fault (the opening quote). */
  readonly position: number;

  constructor(message: string, position: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ArgsSyntaxError';
    this.position = position;
  }
}

const blank = /[ \t\n\r\f\v]/;

/**
 * The argv a user means by a line typed in an input box, split like POSIX sh does it: blanks
 * separate words; single quotes keep everything literal; double quotes keep everything but
 * `\"`, `\\`, `` \` ``, `\$` and backslash-newline; outside quotes a backslash keeps the next
 * character literal, and backslash-newline joins lines. Unlike a shell it expands nothing:
 * `$HOME`, `` `cmd` ``, `$(cmd)`, `~`, `*` and `#` stay as typed, because these words go to
 * Odoo, not to a shell. `''` gives an empty word.
 * @throws ArgsSyntaxError on an unclosed quote.
 */
export function splitArgs(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let at = 0;
  while (at < text.length) {
    const char = text[at];
    if (blank.test(char)) {
      if (inWord) {
        words.push(word);
        word = '';
        inWord = false;
      }
      at++;
    } else if (char === "'") {
      const close = text.indexOf("'", at + 1);
      if (close < 0) {
        throw new ArgsSyntaxError(`Unclosed single quote at column ${at + 1}: add the closing ' or write \\' for a literal quote.`, at);
      }
      word += text.slice(at + 1, close);
      inWord = true;
      at = close + 1;
    } else if (char === '"') {
      const [content, next] = readDoubleQuoted(text, at);
      word += content;
      inWord = true;
      at = next;
    } else if (char === '\\') {
      if (at + 1 >= text.length) {
        // A trailing backslash escapes nothing; keep it rather than lose what was typed.
        word += char;
        inWord = true;
      } else if (text[at + 1] !== '\n') {
        word += text[at + 1];
        inWord = true;
      }
      // A backslash-newline only joins lines, as in sh: it starts no word of its own.
      at += 2;
    } else {
      word += char;
      inWord = true;
      at++;
    }
  }
  if (inWord) {
    words.push(word);
  }
  return words;
}

/** The content of the double-quoted part opening at `open`, and the index after its closing quote. */
function readDoubleQuoted(text: string, open: number): [string, number] {
  let content = '';
  let at = open + 1;
  while (at < text.length) {
    const char = text[at];
    if (char === '"') {
      return [content, at + 1];
    }
    if (char === '\\' && at + 1 < text.length && '"\\`$\n'.includes(text[at + 1])) {
      if (text[at + 1] !== '\n') {
        content += text[at + 1];
      }
      at += 2;
    } else {
      content += char;
      at++;
    }
  }
  throw new ArgsSyntaxError(`Unclosed double quote at column ${open + 1}: add the closing " or write \\" for a literal quote.`, open);
}

/** Words that read the same to `splitArgs` and to a shell without quoting. */
const plainWord = /^[A-Za-z0-9_\-+=.,/:@%\u0080-\uffff]+$/;
const unicodeBlank = /[\s\u0085\u180e\u200b-\u200d\u2028\u2029\ufeff]/;

/**
 * The argv as one line for display, quoting only words that need it (single quotes, with `'`
 * written `'\''`), so that `splitArgs(joinArgs(argv))` gives argv back for any words, and the
 * line also pastes safely into a POSIX shell. Words with Unicode blanks are quoted too, so
 * they show where one word ends.
 */
export function joinArgs(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ');
}

function quoteWord(word: string): string {
  if (plainWord.test(word) && !unicodeBlank.test(word)) {
    return word;
  }
  return `'${word.replace(/'/g, "'\\''")}'`;
}
