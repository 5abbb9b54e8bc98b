/**
 * Process supervision for kernels the client starts: spawn the kernel behind its watchdog in a process group of its
 * own, remember every live group, kill them all when this process exits, and keep the tail of what the kernel printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/** Every kernel process group this process started and has not yet reaped, with its connection folder. */
const liveGroups = new Map<number, string | undefined>();
let exitHookInstalled = false;

/**
 * Kill every kernel started by this process (SIGKILL to each process group) and remove their connection folders.
 * Synchronous, so it can run in `process.on('exit')` and in signal handlers.
 *
 * PyTorch: none.
 */
export function killAllKernels(): void {
  for (const [pgid, connectionDir] of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    if (connectionDir !== undefined) rmSync(connectionDir, { recursive: true, force: true });
  }
  liveGroups.clear();
}

/** How a kernel process ended. */
export interface KernelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The watchdog's file and the Node arguments that run it (tsx when this module runs from `src/`). */
function watchdogCommand(): string[] {
  const ts = import.meta.url.endsWith('.ts');
  const file = new URL(`./kernel-watchdog${ts ? '.ts' : '.js'}`, import.meta.url).pathname;
  // Resolved here: the kernel's working directory (a notebook's folder) need not see tsx.
  return ts ? ['--import', import.meta.resolve('tsx'), file] : [file];
}

/**
 * One kernel process (its watchdog, the leader of the kernel's process group) and what it printed.
 *
 * PyTorch: none (`jupyter_client.KernelManager`'s process handling).
 */
export class KernelProcess {
  private exitState: KernelExit | null = null;
  private readonly exitWaiters: (() => void)[] = [];
  private outputText = '';

  private constructor(private readonly child: ChildProcess) {
    const capture = (chunk: Buffer): void => {
      this.outputText = (this.outputText + chunk.toString('utf8')).slice(-65536);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    child.on('exit', (code, signal) => {
      this.exitState = { code, signal };
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      for (const wake of this.exitWaiters.splice(0)) wake();
    });
  }

  /**
   * Start `argv` (a kernelspec's, placeholders filled) behind the watchdog, in a new process group, in `cwd` with
   * `env`. The process is unref'd: this process may exit while the kernel runs (the exit hook and the watchdog clean up).
   * `connectionDir`, the folder of its connection file, is removed by {@link killAllKernels}.
   */
  static spawn(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv, connectionDir?: string): KernelProcess {
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', killAllKernels);
    }
    const child = spawn(process.execPath, [...watchdogCommand(), String(process.pid), ...argv], {
      cwd,
      env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) liveGroups.set(child.pid, connectionDir);
    child.unref();
    return new KernelProcess(child);
  }

  /** Process id of the kernel's process group (the watchdog that runs the kernel). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** How the process ended, `null` while it runs. */
  get exited(): KernelExit | null {
    return this.exitState;
  }

  /** What the kernel process printed to stdout/stderr outside of cells (last 64 KB). */
  get output(): string {
    return this.outputText;
  }

  /** Add a line to {@link KernelProcess.output} (the client's own notes, e.g. a failed socket). */
  note(text: string): void {
    this.outputText += text;
  }

  /** Call `wake` once when the process exits (at once if it already has); returns a function that cancels it. */
  onExit(wake: () => void): () => void {
    if (this.exitState) {
      wake();
      return () => undefined;
    }
    this.exitWaiters.push(wake);
    return () => {
      const index = this.exitWaiters.indexOf(wake);
      if (index >= 0) this.exitWaiters.splice(index, 1);
    };
  }

  /** Wait until the process exits, at most `timeoutMs`; `true` when it did. */
  async waitForExit(timeoutMs: number): Promise<boolean> {
    if (this.exitState) return true;
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        cancel();
        resolve(false);
      }, timeoutMs);
      const cancel = this.onExit(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** `"still running"`, `"killed by SIGKILL"` or `"exit code 3"`. */
  describeExit(): string {
    if (!this.exitState) return 'still running';
    return this.exitState.signal ? `killed by ${this.exitState.signal}` : `exit code ${this.exitState.code}`;
  }

  /** The last lines the kernel printed, or a note that it printed nothing (for error messages). */
  outputTail(): string {
    const text = this.outputText.trim();
    if (text === '') return 'The kernel printed nothing.';
    return `The kernel printed:\n${text.split('\n').slice(-30).join('\n')}`;
  }

  /** Send `signal` to the watchdog (it forwards SIGINT and SIGTERM to the kernel). */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Kill the kernel's whole process group now (SIGKILL). */
  kill(): void {
    const pgid = this.child.pid;
    if (pgid === undefined) return;
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    liveGroups.delete(pgid);
  }

  /** Close the pipes to the process (after it was shut down). */
  closePipes(): void {
    this.child.stdin?.destroy();
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
  }
}
