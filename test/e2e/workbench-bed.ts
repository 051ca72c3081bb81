/**
 * The hooks most workbench describes share: a stand-in container, a workbench with the packaged
 * `.vsix` on it, a screenshot after each test, both removed at the end.
 */
import type { ShapeContainer } from '../support/docker-bed';
import { packagedVsix } from './vsix';
import { endOfTest, startWorkbench, type Workbench, type WorkbenchOptions } from './workbench';

/** A stand-in container and a workbench on it, for the tests of one `describe`. */
export interface WorkbenchBed {
  readonly odoo: ShapeContainer;
  readonly workbench: Workbench;
}

/**
 * Registers a describe's hooks: before its tests, the container from `start`, then a workbench
 * with the packaged `.vsix` on it (`options` given the container), then `ready`; after each test,
 * its screenshot; after all, both removed. The returned bed is usable from the tests on.
 */
export function workbenchOn(
  start: () => Promise<ShapeContainer>,
  options: (odoo: ShapeContainer) => WorkbenchOptions,
  ready?: (bed: WorkbenchBed) => Promise<unknown>,
): WorkbenchBed {
  let odoo: ShapeContainer | undefined;
  let workbench: Workbench | undefined;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} of this describe did not start`);
    return value;
  };
  const bed: WorkbenchBed = {
    get odoo() { return started(odoo, 'container'); },
    get workbench() { return started(workbench, 'workbench'); },
  };
  before(async function () {
    const vsix = packagedVsix();
    odoo = await start();
    workbench = await startWorkbench({ vsix, ...options(odoo) });
    await ready?.(bed);
  });
  afterEach(async function () {
    await endOfTest(workbench, this.currentTest?.title);
  });
  after(async function () {
    try {
      await workbench?.stop();
    } finally {
      await odoo?.remove();
    }
  });
  return bed;
}
