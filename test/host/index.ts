// The entry VS Code's extension host loads as `extensionTestsPath` (bundled to
// dist-test/host/index.js by scripts/build-host-tests.mjs): mocha with the suites of
// test/host/suite, reporting to the extension host's console, which both runners show.
import Mocha from 'mocha';
import { registerExtensionTests } from './suite/extension.test';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30000, reporter: 'spec' });
  // The suites are bundled, not loaded from files: give them mocha's globals, then register them.
  mocha.suite.emit('pre-require', globalThis, 'host', mocha);
  registerExtensionTests();
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension-host tests failed`)) : resolve()));
  });
}
