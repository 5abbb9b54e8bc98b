/**
 * A Jupyter kernel client with no Jupyter server: start a kernel from its kernelspec, execute code, collect outputs
 * as nbformat outputs, interrupt, shut down, and never leave the kernel process behind.
 *
 * Its parts: `kernel-process.ts` (the process and its watchdog), `kernel-channels.ts` (ZeroMQ requests and replies),
 * `iopub-outputs.ts` (iopub messages to nbformat outputs), `stderr-error.ts` (errors of kernels that only print them).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IError } from '@jupyterlab/nbformat';
import { IopubOutputs, type CellCollector, type CellOutput } from './iopub-outputs.js';
import { KernelChannels } from './kernel-channels.js';
import { KernelProcess } from './kernel-process.js';
import type { KernelSpec } from './kernelspec.js';
import { errorFromReplyOrStderr } from './stderr-error.js';
import { newConnectionInfo, newSessionId, writeConnectionFile, type ConnectionInfo, type JsonObject, type JupyterMessage } from './wire.js';

export { killAllKernels } from './kernel-process.js';
export { errorFromStderr } from './stderr-error.js';
export type { CellOutput } from './iopub-outputs.js';

/** How long a kernel may take to end a timed-out cell after the interrupt before it is killed. */
const INTERRUPT_GRACE_MS = 5000;

/** How long to wait for iopub's `status: idle` after the `execute_reply` arrived. */
const IDLE_AFTER_REPLY_MS = 5000;

/**
 * Options for {@link KernelClient.start}.
 *
 * PyTorch: none.
 */
export interface StartKernelOptions {
  /** Working directory of the kernel (the notebook's folder). @default process.cwd() */
  cwd?: string;
  /** Extra environment variables, on top of `process.env` and the kernelspec's `env`. @default {} */
  env?: Record<string, string>;
  /** How long to wait for `kernel_info_reply`. @default 60000 */
  startupTimeoutMs?: number;
}

/**
 * Options for {@link KernelClient.execute}.
 *
 * PyTorch: none.
 */
export interface ExecuteOptions {
  /** Interrupt the cell after this many milliseconds; `0` means no limit. @default 0 */
  timeoutMs?: number;
  /** Called whenever the cell's outputs change (new output, merged stream text, display update, clear). */
  onOutput?: (outputs: readonly CellOutput[]) => void;
  /** Passed to the kernel: abort queued requests after an error. @default true */
  stopOnError?: boolean;
  /** Execution count to store on `execute_result` outputs when the kernel sends none. */
  executionCount?: number;
}

/**
 * How one execution ended. `aborted`: the kernel refused the request (e.g. tslab's 200 ms window after an error).
 *
 * PyTorch: none.
 */
export type ExecuteStatus = 'ok' | 'error' | 'aborted' | 'timeout' | 'dead';

/**
 * Result of one {@link KernelClient.execute}.
 *
 * PyTorch: none (nbclient's per-cell execution result).
 */
export interface ExecuteResult {
  status: ExecuteStatus;
  /** Execution count from `execute_input`/`execute_reply`, `null` when the kernel gave none. */
  executionCount: number | null;
  /** nbformat outputs of the cell, in order (streams merged, displays updated, clears applied). */
  outputs: CellOutput[];
  /** The error, for status `error`/`timeout`/`dead`: from an `error` message, the reply, or synthesized from stderr. */
  error?: IError;
  /** Whether {@link ExecuteResult.error} was synthesized by the client (the kernel sent no `error` message). */
  errorSynthesized?: boolean;
  /** Content of `execute_reply`, `null` if none came. */
  reply: JsonObject | null;
  /** Wall-clock milliseconds from request to reply and idle. */
  durationMs: number;
}

/**
 * A running kernel and the sockets talking to it.
 *
 * PyTorch: none (`jupyter_client.KernelManager` + `BlockingKernelClient`, without a server).
 * @example
 * const kernel = await KernelClient.start(getKernelSpec('tslab'), { cwd: 'notebooks/iris' });
 * try {
 *   const result = await kernel.execute('console.log(1 + 1)', { timeoutMs: 60_000 });
 *   console.log(result.status, result.outputs);
 * } finally {
 *   await kernel.shutdown();
 * }
 */
export class KernelClient {
  /** `kernel_info_reply` content. */
  kernelInfo: JsonObject = {};
  private readonly iopub = new IopubOutputs();
  private readonly channels: KernelChannels;

  private constructor(
    /** The kernelspec the kernel was started from. */
    readonly spec: KernelSpec,
    /** Connection info written for the kernel. */
    readonly connection: ConnectionInfo,
    private readonly process: KernelProcess,
    private readonly connectionDir: string,
  ) {
    this.channels = new KernelChannels(connection, newSessionId(), (msg) => this.iopub.handle(msg), (note) => process.note(note));
  }

  /** Process id of the kernel's process group (the watchdog that runs the kernel). */
  get pid(): number | undefined {
    return this.process.pid;
  }

  /** What the kernel process printed to stdout/stderr outside of cells (last 64 KB), e.g. startup errors. */
  get processOutput(): string {
    return this.process.output;
  }

  /** Whether the kernel process is still running. */
  get alive(): boolean {
    return this.process.exited === null;
  }

  /** How the kernel process ended: `"still running"`, `"exit code 3"` or `"killed by SIGKILL"`. */
  get exitDescription(): string {
    return this.process.describeExit();
  }

  /** The folder holding the kernel's connection file (removed by {@link KernelClient.shutdown}). */
  get connectionFolder(): string {
    return this.connectionDir;
  }

  /**
   * Start a kernel from a kernelspec and wait until it answers `kernel_info_request` on shell and publishes on
   * iopub.
   *
   * Throws when the kernel exits or does not answer within the startup timeout, with what it printed.
   */
  static async start(spec: KernelSpec, options: StartKernelOptions = {}): Promise<KernelClient> {
    const connectionDir = await mkdtemp(join(tmpdir(), 'trainbook-kernel-'));
    const connection = await newConnectionInfo('127.0.0.1', spec.name);
    const connectionFile = join(connectionDir, 'kernel.json');
    await writeConnectionFile(connectionFile, connection);
    const argv = spec.argv.map((arg) =>
      arg.replaceAll('{connection_file}', connectionFile).replaceAll('{resource_dir}', spec.resourceDir),
    );
    const kernelProcess = KernelProcess.spawn(argv, options.cwd ?? process.cwd(), { ...process.env, ...spec.env, ...(options.env ?? {}) }, connectionDir);
    const client = new KernelClient(spec, connection, kernelProcess, connectionDir);
    try {
      await client.waitForReady(options.startupTimeoutMs ?? 60_000);
    } catch (error) {
      client.kill();
      await client.closeSockets();
      throw error;
    }
    return client;
  }

  /** Send a request and wait for its reply on the same channel (or reject after `timeoutMs`, or if the kernel dies). */
  private async request(channel: 'shell' | 'control', msgType: string, content: JsonObject, timeoutMs: number): Promise<JupyterMessage> {
    const msg = this.channels.message(msgType, content);
    const reply = this.channels.send(channel, msg);
    return await this.within(reply, timeoutMs, `${msgType} got no reply within ${timeoutMs} ms`, () => this.channels.forget(msg.header.msg_id));
  }

  /** Resolve with `promise`, or reject on timeout or kernel exit. */
  private within<T>(promise: Promise<T>, timeoutMs: number, timeoutMessage: string, cleanup: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let cancelExit: () => void = () => undefined;
      const timer = timeoutMs > 0 ? setTimeout(() => finish(new Error(timeoutMessage)), timeoutMs) : undefined;
      const finish = (error: Error | null, value?: T): void => {
        if (timer) clearTimeout(timer);
        cancelExit();
        if (error) {
          cleanup();
          reject(error);
        } else resolve(value as T);
      };
      cancelExit = this.process.onExit(() => finish(new Error(`the kernel exited (${this.process.describeExit()})`)));
      promise.then((value) => finish(null, value), (error: Error) => finish(error));
    });
  }

  private async waitForReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Like nbclient's wait_for_ready: repeat kernel_info_request until the reply came AND iopub delivered a message
    // for it, so the iopub subscription is live before the first cell runs (ZeroMQ drops earlier publications).
    while (Date.now() < deadline) {
      if (this.process.exited) {
        throw new Error(
          `Kernel "${this.spec.name}" exited during startup (${this.process.describeExit()}); argv ${JSON.stringify(this.spec.argv)}. ${this.process.outputTail()}`,
        );
      }
      const msg = this.channels.message('kernel_info_request', {});
      const promise = this.channels.send('shell', msg);
      const wait = Math.min(1000, Math.max(1, deadline - Date.now()));
      let reply: JupyterMessage | undefined;
      try {
        reply = await this.within(promise, wait, 'no reply yet', () => this.channels.forget(msg.header.msg_id));
      } catch {
        continue;
      }
      this.kernelInfo = reply.content;
      const iopubDeadline = Date.now() + 500;
      while (!this.iopub.seen(msg.header.msg_id) && Date.now() < iopubDeadline) await sleep(10);
      if (this.iopub.seen(msg.header.msg_id)) return;
    }
    throw new Error(
      `Kernel "${this.spec.name}" did not become ready within ${timeoutMs / 1000} s (no kernel_info_reply with iopub status); ` +
        `argv ${JSON.stringify(this.spec.argv)}. ${this.process.outputTail()}`,
    );
  }

  /**
   * Execute code and collect its outputs until the kernel replies and publishes `status: idle` for the request.
   *
   * Never throws for cell errors: the status says what happened (`error`, `timeout` after an interrupt,
   * `aborted`, `dead`); `error` holds an nbformat error output, synthesized from the reply or stderr when the
   * kernel sent none (tslab).
   */
  async execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    const started = performance.now();
    const msg = this.channels.message(
      'execute_request',
      {
        code,
        silent: false,
        store_history: true,
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: options.stopOnError ?? true,
      },
    );
    const id = msg.header.msg_id;
    let wakeIdle: () => void = () => undefined;
    const idle = new Promise<void>((resolve) => (wakeIdle = resolve));
    const collector: CellCollector = this.iopub.collect(id, () => {
      options.onOutput?.(collector.outputs);
      if (collector.idle) wakeIdle();
    });
    const replyPromise = this.channels.send('shell', msg);
    // Like nbclient's iopub_timeout: once the reply is in, wait for `idle` as long as iopub keeps delivering messages
    // for this request; after a quiet spell of IDLE_AFTER_REPLY_MS (a lost `idle`) go on.
    const quiet = async (): Promise<void> => {
      while (!collector.idle && performance.now() - collector.lastActivity < IDLE_AFTER_REPLY_MS) {
        await Promise.race([idle, sleep(Math.max(10, IDLE_AFTER_REPLY_MS - (performance.now() - collector.lastActivity)))]);
      }
    };
    const idleAfterReply = replyPromise.then(() => {
      collector.lastActivity = Math.max(collector.lastActivity, performance.now());
      return quiet();
    });
    const both = Promise.all([replyPromise, idleAfterReply]).then(([reply]) => reply);
    const timeoutMs = options.timeoutMs ?? 0;
    let status: ExecuteStatus;
    let reply: JupyterMessage | null = null;
    let timeoutError: IError | undefined;
    try {
      reply = await this.within(both, timeoutMs, 'timeout', () => undefined);
      status = replyStatus(reply.content.status);
    } catch (error) {
      if (!this.process.exited && (error as Error).message === 'timeout') {
        status = 'timeout';
        timeoutError = {
          output_type: 'error',
          ename: 'TimeoutError',
          evalue: `Cell execution timed out after ${timeoutMs / 1000} s; the kernel was interrupted`,
          traceback: [`TimeoutError: cell execution timed out after ${timeoutMs / 1000} s; the kernel was interrupted`],
        };
        await this.interrupt();
        try {
          reply = await this.within(both, INTERRUPT_GRACE_MS, 'no reply after interrupt', () => undefined);
        } catch {
          // The kernel ignored the interrupt: it cannot run more cells, so stop it, and say so.
          this.kill();
          const text = `cell execution timed out after ${timeoutMs / 1000} s; the kernel did not stop within ${INTERRUPT_GRACE_MS / 1000} s of the interrupt and was killed (the outputs printed so far are kept)`;
          timeoutError = { output_type: 'error', ename: 'TimeoutError', evalue: text.charAt(0).toUpperCase() + text.slice(1), traceback: [`TimeoutError: ${text}`] };
        }
      } else {
        status = 'dead';
      }
    } finally {
      this.iopub.release(id);
      this.channels.forget(id);
    }
    const outputs = collector.outputs;
    const result: ExecuteResult = {
      status,
      executionCount: numberOrNull(reply?.content.execution_count) ?? collector.executionCount,
      outputs,
      reply: reply?.content ?? null,
      durationMs: performance.now() - started,
    };
    if (status === 'timeout') {
      result.error = timeoutError;
    } else if (status === 'dead') {
      result.error = {
        output_type: 'error',
        ename: 'KernelDied',
        evalue: `The kernel died while running this cell (${this.process.describeExit()})`,
        traceback: [`KernelDied: the kernel died while running this cell (${this.process.describeExit()})`, this.process.outputTail()],
      };
    } else if (status === 'error') {
      const sent = outputs.find((o): o is IError => o.output_type === 'error');
      if (sent) result.error = sent;
      else {
        result.error = errorFromReplyOrStderr(reply?.content ?? {}, outputs);
        result.errorSynthesized = true;
      }
    }
    return result;
  }

  /** Interrupt the running cell: SIGINT to the kernel (`interrupt_mode: signal`) or `interrupt_request` on control. */
  async interrupt(): Promise<void> {
    if (this.process.exited) return;
    if (this.spec.interrupt_mode === 'message') {
      try {
        await this.request('control', 'interrupt_request', {}, 5000);
      } catch {
        // No reply: the caller's wait for the cell decides what happens next.
      }
    } else {
      // The watchdog forwards SIGINT to the kernel it runs.
      this.process.signal('SIGINT');
    }
  }

  /** Check the heartbeat channel: resolves `true` when the kernel echoes a ping within `timeoutMs`. */
  async heartbeat(timeoutMs = 2000): Promise<boolean> {
    return await this.channels.heartbeat(timeoutMs);
  }

  /** Kill the kernel's whole process group now (SIGKILL). */
  kill(): void {
    this.process.kill();
  }

  private async closeSockets(): Promise<void> {
    this.channels.close();
    this.process.closePipes();
    await rm(this.connectionDir, { recursive: true, force: true });
  }

  /**
   * Ask the kernel to shut down (`shutdown_request` on control, reply awaited up to `graceMs`), give it `exitGraceMs`
   * to exit after replying, then kill its process group, close the sockets and remove the connection file.
   */
  async shutdown(graceMs = 2000, exitGraceMs = 100): Promise<void> {
    if (!this.process.exited) {
      let replied = false;
      try {
        await this.request('control', 'shutdown_request', { restart: false }, graceMs);
        replied = true;
      } catch {
        // No reply: it is killed below.
      }
      // A kernel that acknowledged the shutdown has nothing left to do; do not wait out a slow interpreter teardown.
      const exited = await this.process.waitForExit(replied ? exitGraceMs : graceMs);
      if (!exited) this.kill();
    }
    // Whatever the kernel left in its group (children it spawned) goes too.
    this.kill();
    await this.process.waitForExit(1000);
    await this.closeSockets();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

function replyStatus(status: unknown): ExecuteStatus {
  if (status === 'ok') return 'ok';
  if (status === 'abort' || status === 'aborted') return 'aborted';
  return 'error';
}

