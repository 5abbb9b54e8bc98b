/**
 * The watchdog between the runner and a kernel: `node kernel-watchdog.js <runner pid> <kernel argv...>`.
 *
 * It runs the kernel as its child, in the process group the client created for it, and kills the whole group when
 * the runner goes away: its stdin pipe from the runner closes (the runner exited or was SIGKILLed) or its parent pid
 * changes. It forwards SIGINT/SIGTERM to the kernel, and ends the way the kernel ended (same exit code, or the same
 * signal), so the client can tell a kill from an exit.
 */
import { spawn } from 'node:child_process';

const [parentPid, command, ...args] = process.argv.slice(2);
if (parentPid === undefined || command === undefined) {
  process.stderr.write('kernel-watchdog: usage: node kernel-watchdog.js <runner pid> <kernel command> [args...]\n');
  process.exit(2);
}

let done = false;
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });

function killGroup(): void {
  if (done) return;
  done = true;
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  process.exit(1);
}

child.on('error', (error) => {
  process.stderr.write(`cannot start kernel ${JSON.stringify(command)}: ${error.message}\n`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  done = true;
  if (signal !== null) {
    // End by the same signal, so the client reports "killed by SIGKILL" rather than an exit code.
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
process.on('SIGINT', () => child.kill('SIGINT'));
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.stdin.on('end', killGroup);
process.stdin.on('close', killGroup);
process.stdin.on('error', killGroup);
process.stdin.resume();
setInterval(() => {
  if (String(process.ppid) !== parentPid) killGroup();
}, 500);
