import { OdooDevError } from './errors';

/** What to test: a module, a class of it, or one method of a class. */
export interface TestTarget {
  readonly module: string;
  readonly className?: string;
  readonly method?: string;
  /**
   * The class is known to keep Odoo's `standard` tag, so the run of its whole module covers it:
   * `/module` selects standard tests only (`@tagged('-standard', 'slow')` drops the tag).
   */
  readonly standard?: boolean;
}

const identifier = /^[A-Za-z_]\w*$/;

/**
 * Reads `MODULE[:Class[.method]]` as `odoo-dev test` takes it. A bad target is refused with
 * what is wrong, since it would otherwise reach Odoo as a tag that selects nothing.
 */
export function parseTestTarget(text: string): TestTarget {
  const match = /^([^:]*)(?::([^.]*)(?:\.(.*))?)?$/.exec(text);
  const [module = '', className, method] = match ? match.slice(1) : [];
  const bad = (what: string) => new OdooDevError('invalid-args', `"${text}" is not a test to run: ${what}.`, {
    hint: 'Name tests as MODULE, MODULE:Class or MODULE:Class.method, as in: odoo-dev test sale_extension:TestSale.test_confirm',
  });
  if (!identifier.test(module)) {
    throw bad(module ? `"${module}" is not a module name` : 'the module name is missing');
  }
  if (className !== undefined && !identifier.test(className)) {
    throw bad(className ? `"${className}" is not a class name` : 'the class name after ":" is missing');
  }
  if (method !== undefined && !identifier.test(method)) {
    throw bad(method ? `"${method}" is not a method name` : 'the method name after "." is missing');
  }
  return { module, ...(className !== undefined ? { className } : {}), ...(method !== undefined ? { method } : {}) };
}

/**
 * The `--test-tags` value that runs these targets and nothing else: `/module` (its standard
 * tests, as Odoo selects them), `/module:Class` and `/module:Class.method` with the tag `*` in
 * front (a class or a method asked for by name runs whatever its tags: `*` lifts Odoo's
 * implicit `standard`), comma-joined, each once, and none that a wider target already covers.
 */
export function testTagsFor(targets: readonly TestTarget[]): string {
  const kept: TestTarget[] = [];
  for (const target of targets) {
    if (!kept.some((other) => covers(other, target))) {
      for (let i = kept.length - 1; i >= 0; i--) {
        if (covers(target, kept[i])) {
          kept.splice(i, 1);
        }
      }
      kept.push(target);
    }
  }
  return kept.map(tagOf).join(',');
}

/** The modules of the targets, each once, in order. */
export function modulesOf(targets: readonly TestTarget[]): string[] {
  return [...new Set(targets.map((t) => t.module))];
}

function tagOf(target: TestTarget): string {
  const tag = target.className !== undefined ? '*' : '';
  return `${tag}/${target.module}${target.className !== undefined ? `:${target.className}` : ''}${target.method !== undefined ? `.${target.method}` : ''}`;
}

/** Whether running `wide` runs all of `narrow`. */
function covers(wide: TestTarget, narrow: TestTarget): boolean {
  if (wide.module !== narrow.module) {
    return false;
  }
  if (wide.className === undefined) {
    // `/module` runs the standard tests only.
    return narrow.className === undefined || narrow.standard === true;
  }
  if (wide.className !== narrow.className) {
    return false;
  }
  return wide.method === undefined || wide.method === narrow.method;
}
