// `npm run pictures`: the README's pictures, copied from the workbench tests' artefacts. Each
// `media/NAME.png` that README.md shows is a picture a workbench test takes of one state
// (test-results/e2e/RUN/pictures/NAME.png, cropped to the part that matters); run those tests
// first. The pictures stay out of the .vsix (.vscodeignore is an allowlist), so their size
// costs the repository only.
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const results = join('test-results', 'e2e');
const wanted = [...new Set([...readFileSync('README.md', 'utf8').matchAll(/\]\((media\/[\w.-]+\.png)\)/g)].map((match) => match[1]))];
const runs = existsSync(results) ? readdirSync(results).filter((run) => existsSync(join(results, run, 'pictures'))) : [];
const missing = [];
for (const target of wanted) {
  const name = target.slice('media/'.length);
  // The newest picture of that name, whichever test run took it.
  const found = runs.map((run) => join(results, run, 'pictures', name)).filter((file) => existsSync(file))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!found) {
    missing.push(name);
    continue;
  }
  copyFileSync(found, target);
  console.log(`${target}: ${Math.round(statSync(target).size / 1024)} KB, from ${found}`);
}
if (missing.length) {
  console.error(`pictures: no test artefact for ${missing.join(', ')}; run the workbench tests that take them (test/e2e) first.`);
  process.exit(1);
}
