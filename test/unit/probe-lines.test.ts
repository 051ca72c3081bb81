import * as assert from 'node:assert/strict';
import { isProbeLine } from '../../src/core/probe-lines';

describe('isProbeLine', () => {
  const at = '2026-01-01 10:00:00,000 42 INFO ? werkzeug: 127.0.0.1 - - [01/Jan/2026 10:00:00]';
  const cases: Array<[string, string, boolean]> = [
    ['the readiness probe', `${at} "GET /web/health HTTP/1.0" 200 - 2 0.001 0.003`, true],
    ['the readiness probe with a query', `${at} "GET /web/health?db_server_status=1 HTTP/1.0" 200 - 2 0.001 0.003`, true],
    ['Odoo 14\'s version_info probe', `${at} "POST /web/webclient/version_info HTTP/1.0" 200 - 0 0.000 0.002`, true],
    ['the database list', `${at} "POST /web/database/list HTTP/1.0" 200 - 1 0.001 0.004`, true],
    ['a browser asking for the health route', `${at} "GET /web/health HTTP/1.1" 200 - 2 0.001 0.003`, false],
    ['a browser page', `${at} "GET /web/login HTTP/1.1" 200 - 12 0.010 0.120`, false],
    ['another HTTP/1.0 route', `${at} "GET /web/login HTTP/1.0" 200 - 12 0.010 0.120`, false],
    ['a line that quotes the route', '2026-01-01 10:00:00,000 42 INFO db odoo.modules: "GET /web/health HTTP/1.0" ', false],
    ['a traceback line', '  File "/usr/lib/python3/dist-packages/odoo/http.py", line 2000, in __call__', false],
  ];
  for (const [title, line, expected] of cases) {
    it(`${expected ? 'drops' : 'keeps'} ${title}`, () => assert.equal(isProbeLine(line), expected));
  }
});
