/**
 * The extension's own figures alone (no Docker): bundle and `.vsix` sizes, activation time,
 * completion latency. `npm run bench` includes them; `npx tsx bench/extension-bench.ts` prints
 * just these, the table then the summary as one JSON line.
 */
import { formatExtension, measureExtension, summarizeExtension } from './lib/extension-figures';

measureExtension((line) => process.stderr.write(`bench: ${line}\n`)).then((figures) => {
  process.stdout.write(`${formatExtension(figures)}\n\n${JSON.stringify(summarizeExtension(figures))}\n`);
}, (error: unknown) => {
  process.stderr.write(`bench: failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
