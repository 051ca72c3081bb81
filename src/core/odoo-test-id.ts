/**
 * Names of Odoo tests, one scheme for the Test Explorer, the command line and the log: a module
 * (`my_module`), a test file of its `tests` package (`my_module/test_sale`, or
 * `my_module/sub.test_sale` in a sub-package), a class in it (`my_module/test_sale:TestSale`)
 * and a method (`my_module/test_sale:TestSale.test_confirm`). The file part is the Python module
 * under `tests`, which is also what Odoo's log names: the test records come on the logger
 * `odoo.addons.<module>.tests.<file>`.
 */
export interface OdooTestRef {
  readonly module: string;
  /** The Python module under `tests` (`test_sale`, `sub.test_sale`); absent for a whole module. */
  readonly file?: string;
  readonly className?: string;
  readonly method?: string;
}

const name = /^[A-Za-z_]\w*$/;
const dotted = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;

/** The id of a module, file, class or method. */
export function testIdOf(ref: OdooTestRef): string {
  let id = ref.module;
  if (ref.file !== undefined) {
    id += `/${ref.file}`;
  }
  if (ref.className !== undefined) {
    id += `:${ref.className}`;
  }
  if (ref.method !== undefined) {
    id += `.${ref.method}`;
  }
  return id;
}

/** Reads an id made by `testIdOf`; undefined for anything else. */
export function parseTestId(id: string): OdooTestRef | undefined {
  const match = /^([^/:.]+)(?:\/([^:]+))?(?::([^.]+)(?:\.(.+))?)?$/.exec(id);
  if (!match) {
    return undefined;
  }
  const [, module, file, className, method] = match;
  if (!name.test(module) || (file !== undefined && !dotted.test(file)) || (className !== undefined && !name.test(className))
    || (method !== undefined && !name.test(method))) {
    return undefined;
  }
  return { module, ...(file !== undefined ? { file } : {}), ...(className !== undefined ? { className } : {}), ...(method !== undefined ? { method } : {}) };
}

/** A test's ref from the logger of its records and the description Odoo gives it (`Class.method`). */
export function testRefFromLog(logger: string, description: string): OdooTestRef | undefined {
  const where = /^odoo\.addons\.(\w+)\.tests\.([\w.]+)$/.exec(logger);
  const what = /^(?:[\w.]*\.)?(\w+)\.(\w+)$/.exec(description.trim());
  if (!where || !what) {
    return undefined;
  }
  return { module: where[1], file: where[2], className: what[1], method: what[2] };
}
