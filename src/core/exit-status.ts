/** Signal numbers as Linux numbers them (x86 and arm alike for these), for messages. */
const signalNames: Readonly<Record<number, string>> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
};

/** `SIGKILL` for 9; `signal 42` for a number without a name here. */
export function signalName(signal: number): string {
  return signalNames[signal] ?? `signal ${signal}`;
}

/**
 * How a process ended, as a phrase after "Odoo (PID 7)": `exited with exit code 1`, `was
 * killed by SIGKILL`, or `ended` when neither is known.
 */
export function describeExit(exitCode: number | null | undefined, signal: number | null | undefined): string {
  if (exitCode !== null && exitCode !== undefined) {
    return `exited with exit code ${exitCode}`;
  }
  if (signal !== null && signal !== undefined) {
    return `was killed by ${signalName(signal)}${signal === 9 ? ' (the out-of-memory killer, or kill -9)' : ''}`;
  }
  return 'ended';
}
