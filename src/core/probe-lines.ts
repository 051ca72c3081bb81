/**
 * Odoo logs every HTTP request, ours too: the readiness and status probes (`/web/health`,
 * `version_info`, the database list) would add a line to the user's log at each restart and
 * each status. They are the only HTTP/1.0 requests to those routes (browsers and Odoo's own
 * clients speak HTTP/1.1), which tells them apart from a user's own.
 */
const probeLine = /\bwerkzeug: \S+ - - \[[^\]]*\] "(GET \/web\/health(\?[^ "]*)?|POST \/web\/webclient\/version_info|POST \/web\/database\/list) HTTP\/1\.0" /;

/** Whether a log line is Odoo's record of one of our probes. */
export function isProbeLine(line: string): boolean {
  return probeLine.test(line);
}
