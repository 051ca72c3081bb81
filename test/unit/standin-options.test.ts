/**
 * The product's option catalogs (src/core/options/<series>.json) against Odoo's own option
 * definitions, as the stand-in holds them (test/fixtures/standin/options/<series>.py, the
 * add_option calls of each series' odoo/tools/config.py). A catalog entry with a flag Odoo
 * does not have, a missing flag, or a wrong "takes a value" fails here.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SERIES, Series, TableEntry, standinOptionTable } from '../support/standin-local';

interface CatalogEntry {
  flags: string[];
  dest: string;
  type: string;
  envVar?: string;
}

type TakesValue = TableEntry['takesValue'];

function catalogOf(series: Series): CatalogEntry[] {
  const file = path.resolve(__dirname, '../../src/core/options', `${series}.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CatalogEntry[];
}

/** How the catalog says optparse reads the flag: `bool` takes none, `optionalBool` may take one. */
function catalogTakesValue(entry: CatalogEntry): TakesValue {
  if (entry.type === 'bool') return 'no';
  if (entry.type === 'optionalBool') return 'optional';
  return 'yes';
}

function flagMap<T>(entries: T[], flagsOf: (entry: T) => string[], valueOf: (entry: T) => TakesValue): Map<string, TakesValue> {
  const map = new Map<string, TakesValue>();
  for (const entry of entries) for (const flag of flagsOf(entry)) map.set(flag, valueOf(entry));
  return map;
}

describe('stand-in option table vs the product catalogs', function () {
  this.timeout(20000);
  const tables = new Map<Series, TableEntry[]>();
  before(async () => {
    for (const series of SERIES) tables.set(series, await standinOptionTable(series));
  });
  const tableOf = (series: Series) => {
    const table = tables.get(series);
    assert.ok(table, `no option table for ${series}`);
    return table;
  };

  for (const series of SERIES) {
    describe(series, () => {
      it('has the same flags', () => {
        const odoo = flagMap(tableOf(series).filter((e) => e.kind === 'add_option'), (e) => e.flags, (e) => e.takesValue);
        const catalog = flagMap(catalogOf(series), (e) => e.flags, catalogTakesValue);
        assert.ok(odoo.size > 70, `only ${odoo.size} flags in the ${series} table`);
        const missing = [...odoo.keys()].filter((flag) => !catalog.has(flag)).sort();
        const unknown = [...catalog.keys()].filter((flag) => !odoo.has(flag)).sort();
        assert.deepEqual({ missingFromCatalog: missing, notInOdoo: unknown }, { missingFromCatalog: [], notInOdoo: [] });
      });

      it('agrees on which flags take a value', () => {
        const odoo = flagMap(tableOf(series).filter((e) => e.kind === 'add_option'), (e) => e.flags, (e) => e.takesValue);
        const catalog = flagMap(catalogOf(series), (e) => e.flags, catalogTakesValue);
        const differing = [...catalog.entries()]
          .filter(([flag, value]) => odoo.has(flag) && odoo.get(flag) !== value)
          .map(([flag, value]) => `${flag}: catalog ${value}, Odoo ${odoo.get(flag)}`);
        assert.deepEqual(differing, []);
      });
    });
  }

  it('19.0: the same environment variable for every option', () => {
    const odoo = new Map(tableOf('19.0').filter((e) => e.envVar).map((e) => [e.dest, e.envVar]));
    const catalog = new Map(catalogOf('19.0').filter((e) => e.envVar).map((e) => [e.dest, e.envVar]));
    assert.ok(odoo.get('db_host') === 'PGHOST' && odoo.get('http_port') === 'ODOO_HTTP_PORT', 'Odoo 19 env rule not applied');
    const differing = [...new Set([...odoo.keys(), ...catalog.keys()])]
      .filter((dest) => odoo.get(dest) !== catalog.get(dest))
      .map((dest) => `${dest}: catalog ${catalog.get(dest) ?? '-'}, Odoo ${odoo.get(dest) ?? '-'}`)
      .sort();
    assert.deepEqual(differing, []);
  });

  it('reads the table of the series, not one table for all', () => {
    const flags = (series: Series) => new Set(tableOf(series).flatMap((e) => e.flags));
    assert.ok(flags('14.0').has('--longpolling-port') && !flags('14.0').has('--gevent-port'));
    assert.ok(flags('19.0').has('--with-demo') && !flags('18.0').has('--with-demo'));
    assert.equal(tableOf('19.0').find((e) => e.flags.includes('--without-demo'))?.takesValue, 'optional');
    assert.equal(tableOf('18.0').find((e) => e.flags.includes('--without-demo'))?.takesValue, 'yes');
  });
});
