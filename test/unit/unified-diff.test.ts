import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unifiedDiff } from '../../src/core/unified-diff';

/** Applies the diff with GNU patch to `before` and returns the result: the proof that the diff says what changes. */
function patched(before: string, diff: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'odoo-dev-diff-'));
  try {
    writeFileSync(join(dir, 'f'), before);
    const run = spawnSync('patch', ['--quiet', '--force', '-p1', '--no-backup-if-mismatch'], { cwd: dir, input: diff.replace(/^(---|\+\+\+) [ab]\/.*$/gm, (_, side: string) => `${side} ${side === '---' ? 'a' : 'b'}/f`) });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}\n${diff}`);
    return readFileSync(join(dir, 'f'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lines = (n: number, tag = '') => Array.from({ length: n }, (_, i) => `line ${i + 1}${tag}\n`).join('');

const cases: { name: string; before: string; after: string }[] = [
  { name: 'a line added in the middle', before: lines(10), after: lines(10).replace('line 5\n', 'line 5\nnew\n') },
  { name: 'lines at both ends', before: lines(3), after: `top\n${lines(3)}bottom\n` },
  { name: 'two far-apart changes (two hunks)', before: lines(30), after: lines(30).replace('line 2\n', 'two\n').replace('line 28\n', 'twenty-eight\n') },
  { name: 'everything replaced', before: 'a\nb\n', after: 'c\nd\ne\n' },
  { name: 'a missing newline at the end added', before: 'a\nb', after: 'a\nb\nc\n' },
  { name: 'repeated lines', before: 'x\nx\ny\nx\n', after: 'x\ny\nx\nx\ny\n' },
];

describe('unifiedDiff', () => {
  for (const { name, before, after } of cases) {
    it(`${name}: patch turns the old text into the new`, () => {
      const diff = unifiedDiff('f', before, after);
      assert.match(diff, /^--- a\/f\n\+\+\+ b\/f\n@@ -\d+(,\d+)? \+\d+(,\d+)? @@\n/);
      assert.equal(patched(before, diff), after);
    });
  }

  it('shows a new file against /dev/null', () => {
    assert.equal(unifiedDiff('dir/new.yml', undefined, 'a\nb\n'), '--- /dev/null\n+++ b/dir/new.yml\n@@ -0,0 +1,2 @@\n+a\n+b\n');
  });

  it('is empty when nothing changes', () => {
    assert.equal(unifiedDiff('f', 'same\n', 'same\n'), '');
  });

  it('keeps three lines of context and counts them in the hunk header', () => {
    const diff = unifiedDiff('f', lines(10), lines(10).replace('line 5\n', 'five\n'));
    assert.equal(diff, '--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+five\n line 6\n line 7\n line 8\n');
  });
});
