import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pictures = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((match) => match[1]!);

describe("the README's pictures", () => {
  it('are there', () => assert.ok(pictures.length >= 5, pictures.join(', ')));

  it('are PNGs under media/ by a relative path, so that they show in the repository at any address', () => {
    for (const picture of pictures) {
      assert.match(picture, /^media\/[\w.-]+\.png$/);
      assert.ok(existsSync(join(root, picture)), `${picture} is missing`);
    }
  });

  it('are small: cropped to what they show', () => {
    for (const picture of pictures) {
      const kb = statSync(join(root, picture)).size / 1024;
      assert.ok(kb < 60, `${picture} is ${Math.round(kb)} KB`);
    }
  });

  it('stay out of the .vsix: .vscodeignore leaves out everything but what it names, and names none of them', () => {
    const rules = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
    assert.equal(rules[0], '**');
    const kept = rules.filter((rule) => rule.startsWith('!')).map((rule) => rule.slice(1));
    for (const rule of kept) {
      assert.ok(!rule.includes('*') || !/^media\b|\.png$/.test(rule), `${rule} may keep pictures`);
    }
    for (const picture of pictures) {
      assert.ok(!kept.includes(picture), `${picture} is packaged`);
    }
  });
});
