import * as assert from 'node:assert/strict';
import { afterUpdate, changedModules, checksumsKey, readRecordedChecksums } from '../../src/core/module-checksums';

describe('module checksums', () => {
  const recorded = { database: 'db', modules: { a: '1', b: '2', gone: '9' }, at: '2026-01-01T00:00:00.000Z' };
  it('changedModules: a changed checksum, or none recorded; in name order', () => {
    assert.deepEqual(changedModules({ c: '3', b: '2', a: 'x' }, recorded), ['a', 'c']);
    assert.deepEqual(changedModules({ a: '1', b: '2' }, recorded), []);
    assert.deepEqual(changedModules({ b: '2', a: '1' }, undefined), ['a', 'b'], 'never updated this way: all of them');
  });
  it('afterUpdate: the updated modules\' new checksums, the others as they were', () => {
    const after = afterUpdate({ a: 'x', b: 'y', c: '3' }, ['a', 'c'], recorded, 'db', new Date('2026-02-02T00:00:00Z'));
    assert.deepEqual(after, { database: 'db', modules: { a: 'x', b: '2', gone: '9', c: '3' }, at: '2026-02-02T00:00:00.000Z' });
  });
  it('readRecordedChecksums: only a record of that database counts', () => {
    assert.deepEqual(readRecordedChecksums(recorded, 'db'), recorded);
    assert.equal(readRecordedChecksums(recorded, 'other'), undefined);
    assert.equal(readRecordedChecksums(null, 'db'), undefined);
    assert.equal(readRecordedChecksums('junk', 'db'), undefined);
    assert.deepEqual(readRecordedChecksums({ database: 'db', modules: { a: 1, b: 'x' } }, 'db'), { database: 'db', modules: { b: 'x' }, at: '' });
  });
  it('checksumsKey: any database name gives a plain file name', () => {
    assert.equal(checksumsKey('db'), 'checksums-6462');
    assert.match(checksumsKey('../é x/'), /^checksums-[0-9a-f]+$/);
  });
});
