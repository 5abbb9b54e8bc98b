// A class on one machine: classroom/setup.sh installs JupyterHub, configurable-http-proxy and the trainbook kernel
// into a fresh venv made from Debian's Python (kernel registered with --sys-prefix), STUDENTS real unix users are
// created (useradd), the hub of classroom/jupyterhub_config.py starts on loopback ports chosen now with its default
// LocalProcessSpawner, every student's server starts through the hub's REST API as that student's unix user, and
// every student runs the Iris epochs notebook (quick mode) through the Jupyter Server API (sessions + the kernel's
// websocket) at the same time. Prints server start p50/p95, kernel and server RSS per student, the hub's own RSS and
// how many students fit in 24 GB. Then nbgrader's release -> fetch -> submit (two students) -> collect -> autograde,
// the students' side through the hub. Everything (hub, proxy, servers, kernels, users, temp folders) is torn down,
// also on failure. Slow (about six minutes on 2 cores; test/slow.ts). Linux, as root (useradd; CI runs as root).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import WebSocket from 'ws';
import { cellSource, type Notebook } from '../../src/notebook/nbformat.js';
import { injectParameters } from '../../src/notebook/run.js';
import { skipUnlessSlow } from '../slow.js';

const STUDENTS = Number(process.env.TRAINBOOK_CLASS_STUDENTS ?? '10');
if (!Number.isInteger(STUDENTS) || STUDENTS < 2) {
  throw new Error(`TRAINBOOK_CLASS_STUDENTS is ${process.env.TRAINBOOK_CLASS_STUDENTS}, expected a whole number of at least 2 (two students submit to nbgrader)`);
}
const repo = resolve(import.meta.dirname, '..', '..');
const NOTEBOOK = 'notebooks/iris/07-epochs.ipynb';
const GIB = 1024 ** 3;

// The nbgrader round trip: an Iris notebook with exercises, the stub nbgrader_config.py writes, and correct answers.
const EXERCISE = '06-validation-step';
const STUB = '  // YOUR CODE HERE\n  throw new Error("exercise not done: write your answer here, run this cell, then its check");';
const ANSWERS = [
  '  return tf.tidy(() => logits.argMax(1).equal(labels).sum().dataSync()[0]);',
  `  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return { loss: sum(batches.map((b) => b.loss)) / batches.length, accuracy: sum(batches.map((b) => b.correct)) / sum(batches.map((b) => b.size)) };`,
];

// The venv's Python: one every student can run (root's pyenv, CI's own Python, is private to root).
const CLASS_PYTHON = '/usr/bin/python3';

function skipReason(): string | false {
  const slow = skipUnlessSlow('a JupyterHub class of 10 real unix users and an nbgrader round trip, about six minutes');
  if (slow) return slow;
  if (process.platform !== 'linux') return 'reads process memory from /proc: Linux only';
  if (process.getuid?.() !== 0) return 'creates the students as unix users (useradd) and runs the hub as root, as a class machine does: run as root (CI does)';
  return false;
}

/** Whether user "nobody"'s permissions (others') reach `path`: every folder above it searchable, the file readable. */
function othersCanRead(path: string): boolean {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === '/') break;
  }
  return (statSync(path).mode & 0o004) !== 0;
}

function run(command: string, args: string[], timeout = 120_000): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}${result.error ? `, ${result.error.message}` : ''}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

// ---- processes, from /proc ----

interface Proc {
  pid: number;
  ppid: number;
  rssBytes: number;
  cmdline: string;
}

function readProcs(): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  const pageSize = 4096;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) "
      const statm = readFileSync(`/proc/${name}/statm`, 'utf8').split(' ');
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      procs.set(Number(name), { pid: Number(name), ppid: Number(fields[1]), rssBytes: Number(statm[1]) * pageSize, cmdline });
    } catch {
      // the process ended while we read it
    }
  }
  return procs;
}

/** A process and all its descendants. */
function tree(root: number, procs = readProcs()): Proc[] {
  const out: Proc[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const proc = procs.get(pid);
    if (proc) out.push(proc);
    for (const p of procs.values()) if (p.ppid === pid) queue.push(p.pid);
  }
  return out;
}

const sumRss = (procs: Proc[]): number => procs.reduce((s, p) => s + p.rssBytes, 0);
const mb = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MB`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? res(address.port) : rej(new Error('no port'))));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---- the hub ----

interface Hub {
  url: string;
  token: string;
  process: ChildProcess;
  log: string;
}

async function api(hub: Hub, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${hub.url}${path}`, {
    method,
    headers: { Authorization: `token ${hub.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function apiJson<T>(hub: Hub, method: string, path: string, body?: unknown, expect: number[] = [200]): Promise<T> {
  const response = await api(hub, method, path, body);
  const text = await response.text();
  if (!expect.includes(response.status)) {
    throw new Error(`${method} ${path}: HTTP ${response.status}, expected ${expect.join(' or ')}: ${text.slice(0, 500)}`);
  }
  return (text === '' ? null : JSON.parse(text)) as T;
}

function hubLogTail(hub: Hub | undefined): string {
  if (!hub || !existsSync(hub.log)) return '(no hub log)';
  return readFileSync(hub.log, 'utf8').split('\n').slice(-40).join('\n');
}

/** The hub log's lines about one student or one kernel (their server's and kernel's own output included). */
function hubLogAbout(hub: Hub, ...needles: string[]): string {
  if (!existsSync(hub.log)) return '(no hub log)';
  const lines = readFileSync(hub.log, 'utf8').split('\n');
  const picked = lines.filter((line) => needles.some((n) => line.includes(n)) || /trainbook kernel|Address already in use|KernelRestarter|Traceback|Error:/.test(line));
  return picked.slice(-60).join('\n') || '(nothing in the hub log)';
}

/** Start a student's server through the hub's REST API; resolves with the milliseconds until it is ready. */
async function startServer(hub: Hub, name: string): Promise<number> {
  const started = performance.now();
  await apiJson(hub, 'POST', `/hub/api/users/${name}/server`, undefined, [201, 202]);
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const user = await apiJson<{ servers: Record<string, { ready: boolean; pending: string | null }> }>(hub, 'GET', `/hub/api/users/${name}`);
    if (user.servers['']?.ready) return performance.now() - started;
    if (!user.servers[''] ) throw new Error(`${name}'s server stopped while starting; hub log:\n${hubLogTail(hub)}`);
    await sleep(250);
  }
  throw new Error(`${name}'s server was not ready after 180 s; hub log:\n${hubLogTail(hub)}`);
}

// ---- one notebook through the Jupyter Server API ----

interface JupyterMessage {
  header: { msg_id: string; msg_type: string };
  parent_header: { msg_id?: string };
  content: Record<string, unknown>;
  channel: string;
}

interface NotebookRun {
  kernelId: string;
  cells: number;
  seconds: number;
  stdout: string;
}

/** Open the course notebook of `name` with the contents API, start a session, run its code cells on the websocket. */
async function runStudentNotebook(hub: Hub, name: string, timeoutMs: number): Promise<NotebookRun> {
  const base = `/user/${name}/api`;
  const file = await apiJson<{ content: Notebook }>(hub, 'GET', `${base}/contents/${NOTEBOOK}?content=1&type=notebook`);
  const notebook = file.content;
  injectParameters(notebook, { quick: 'true' }, 'typescript');
  const session = await apiJson<{ kernel: { id: string } }>(hub, 'POST', `${base}/sessions`, {
    path: NOTEBOOK,
    type: 'notebook',
    name: '07-epochs.ipynb',
    kernel: { name: 'trainbook' },
  }, [201]);
  const kernelId = session.kernel.id;
  const sessionId = randomUUID();
  const ws = new WebSocket(`${hub.url.replace(/^http/, 'ws')}${base}/kernels/${kernelId}/channels?session_id=${sessionId}`, {
    headers: { Authorization: `token ${hub.token}` },
  });
  const started = performance.now();
  const stdout: string[] = [];
  // What the kernel said on the websocket, for a cell that never ends: its states, and any restart.
  const seen: string[] = [];
  const note = (data: WebSocket.RawData): void => {
    const msg = JSON.parse(data.toString()) as JupyterMessage;
    if (msg.header.msg_type === 'status' || msg.channel !== 'iopub') {
      const state = msg.header.msg_type === 'status' ? ` ${String(msg.content.execution_state)}` : '';
      seen.push(`${((performance.now() - started) / 1000).toFixed(1)} s ${msg.channel} ${msg.header.msg_type}${state}`);
    }
  };
  ws.on('message', note);
  try {
    await new Promise<void>((res, rej) => {
      ws.once('open', () => res());
      ws.once('error', rej);
    });
    const openedAfter = (performance.now() - started) / 1000;
    const codeCells = notebook.cells.filter((c) => c.cell_type === 'code');
    for (const [index, cell] of codeCells.entries()) {
      const msgId = randomUUID();
      const reply = new Promise<void>((res, rej) => {
        const timer = setTimeout(() => {
          void describeKernel(hub, base, kernelId).then((state) =>
            rej(new Error(
              `${name}: cell ${index + 1} of ${NOTEBOOK} did not finish in ${timeoutMs / 1000} s (websocket opened ${openedAfter.toFixed(1)} s after the session)\n` +
                `kernel ${kernelId}: ${state}\nmessages on the websocket:\n${seen.slice(-30).join('\n') || '(none)'}\n` +
                `hub log about ${name} and kernel ${kernelId}:\n${hubLogAbout(hub, name, kernelId)}`,
            )),
          );
        }, timeoutMs);
        timer.unref();
        const onClose = (): void => {
          clearTimeout(timer);
          rej(new Error(`${name}: the kernel's websocket closed during cell ${index + 1} of ${NOTEBOOK}`));
        };
        ws.once('close', onClose);
        const onMessage = (data: WebSocket.RawData): void => {
          const msg = JSON.parse(data.toString()) as JupyterMessage;
          if (msg.parent_header.msg_id !== msgId) return;
          if (msg.header.msg_type === 'stream') stdout.push(String(msg.content.text));
          if (msg.header.msg_type === 'error') {
            clearTimeout(timer);
            ws.off('message', onMessage);
            ws.off('close', onClose);
            rej(new Error(`${name}: cell ${index + 1} of ${NOTEBOOK} failed: ${String(msg.content.ename)}: ${String(msg.content.evalue)}`));
          }
          if (msg.channel === 'shell' && msg.header.msg_type === 'execute_reply') {
            clearTimeout(timer);
            ws.off('message', onMessage);
            ws.off('close', onClose);
            if (msg.content.status === 'ok') res();
            else rej(new Error(`${name}: cell ${index + 1} of ${NOTEBOOK} replied ${String(msg.content.status)}`));
          }
        };
        ws.on('message', onMessage);
      });
      ws.send(JSON.stringify({
        header: { msg_id: msgId, username: name, session: sessionId, msg_type: 'execute_request', version: '5.3', date: new Date().toISOString() },
        parent_header: {},
        metadata: {},
        content: { code: cellSource(cell), silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
        channel: 'shell',
        buffers: [],
      }));
      await reply;
    }
    return { kernelId, cells: codeCells.length, seconds: (performance.now() - started) / 1000, stdout: stdout.join('') };
  } finally {
    ws.close();
  }
}

/** The kernel as the student's server sees it (execution state, connections), for a failure message. */
async function describeKernel(hub: Hub, base: string, kernelId: string): Promise<string> {
  try {
    const kernel = await apiJson<Record<string, unknown>>(hub, 'GET', `${base}/kernels/${kernelId}`);
    return JSON.stringify(kernel);
  } catch (error) {
    return `(could not read it: ${(error as Error).message.slice(0, 200)})`;
  }
}

// ---- the class ----

describe('a class on JupyterHub', { skip: skipReason() }, () => {
  let tmp = '';
  let hub: Hub | undefined;
  let venv = '';
  let course = repo;
  // Unix user names, unique to this run (a run killed before its cleanup leaves no name that blocks the next one).
  const tag = randomBytes(2).toString('hex');
  const students = Array.from({ length: STUDENTS }, (_, i) => `tb${tag}s${i + 1}`);
  const created: string[] = [];
  const startMs = new Map<string, number>();

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'trainbook-class-'));
    chmodSync(tmp, 0o755); // the students read the venv (and maybe the course) in here
    venv = join(tmp, 'venv');
    // The students' kernels run Node and the course's dist/ and node_modules/ as the students: where this checkout
    // is private (a clone under /root), the class gets a copy of it that everyone can read, as a class machine would.
    assert.ok(othersCanRead(process.execPath), `Node (${process.execPath}) is not readable by other users; the students' kernels run it: install Node system-wide (e.g. /usr/bin/node)`);
    if (!othersCanRead(join(repo, 'package.json'))) {
      course = join(tmp, 'course');
      mkdirSync(course);
      // Not .git, nor build/ (the test tools' own venvs): the class needs the course, its dist/ and node_modules/.
      run('bash', ['-c', 'tar -C "$0" --exclude=./.git --exclude=./build -cf - . | tar -C "$1" -xf - && chmod -R a+rX "$1"', repo, course], 300_000);
    }
    const setup = spawnSync('bash', [join(course, 'classroom', 'setup.sh'), venv], {
      encoding: 'utf8',
      env: { ...process.env, CLASSROOM_PYTHON: CLASS_PYTHON },
      timeout: 600_000,
    });
    assert.equal(setup.status, 0, `classroom/setup.sh failed (exit ${setup.status}):\n${setup.stdout}\n${setup.stderr}`);
    assert.ok(existsSync(join(venv, 'share', 'jupyter', 'kernels', 'trainbook', 'kernel.json')), 'setup.sh did not register the trainbook kernel in the venv');
    console.log(setup.stdout.trim().split('\n').at(-1));

    const [port, hubPort, proxyApiPort] = [await freePort(), await freePort(), await freePort()];
    const state = join(tmp, 'state');
    const homes = join(tmp, 'homes');
    mkdirSync(state);
    mkdirSync(homes, { mode: 0o755 });
    // The exchange, as nbgrader's documentation sets it up: everyone may write (release, submit) in it.
    mkdirSync(join(tmp, 'exchange'), { mode: 0o777 });
    chmodSync(join(tmp, 'exchange'), 0o777);
    for (const name of students) {
      run('useradd', ['--create-home', '--home-dir', join(homes, name), '--user-group', '--shell', '/bin/bash', name]);
      created.push(name);
    }
    const log = join(tmp, 'hub.log');
    const logFd = openSync(log, 'w');
    const token = randomBytes(24).toString('hex');
    const child = spawn(join(venv, 'bin', 'python'), ['-m', 'jupyterhub', '-f', join(course, 'classroom', 'jupyterhub_config.py')], {
      cwd: state,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: {
        ...process.env,
        PATH: `${join(venv, 'bin')}:${process.env.PATH}`,
        VIRTUAL_ENV: venv,
        CLASSROOM_PORT: String(port),
        CLASSROOM_HUB_PORT: String(hubPort),
        CLASSROOM_PROXY_API_PORT: String(proxyApiPort),
        CLASSROOM_SPAWNER: 'local',
        CLASSROOM_API_TOKEN: token,
        CLASSROOM_EXCHANGE: join(tmp, 'exchange'),
      },
    });
    closeSync(logFd);
    hub = { url: `http://127.0.0.1:${port}`, token, process: child, log };
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the hub exited with ${child.exitCode} while starting:\n${hubLogTail(hub)}`);
      const ok = await api(hub, 'GET', '/hub/api/').then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`the hub did not answer on ${hub.url} within 60 s:\n${hubLogTail(hub)}`);
      await sleep(250);
    }
    await apiJson(hub, 'POST', '/hub/api/users', { usernames: students }, [201]);
  });

  after(async () => {
    const pid = hub?.process.pid;
    if (hub && pid !== undefined && hub.process.exitCode === null) {
      const everything = tree(pid); // servers run in their own sessions: remember them before the hub goes
      await Promise.all(students.map((s) => api(hub!, 'DELETE', `/hub/api/users/${s}/server`).catch(() => undefined)));
      process.kill(-pid, 'SIGTERM');
      const deadline = Date.now() + 20_000;
      while (hub.process.exitCode === null && Date.now() < deadline) await sleep(200);
      const alive = readProcs();
      for (const p of everything) {
        if (alive.has(p.pid)) {
          try {
            process.kill(p.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      await sleep(200);
      const left = everything.filter((p) => readProcs().get(p.pid)?.cmdline === p.cmdline);
      removeClass();
      assert.deepEqual(left.map((p) => `${p.pid} ${p.cmdline}`), [], 'processes of the class were left running');
    } else {
      removeClass();
    }
  });

  function removeClass(): void {
    const failed: string[] = [];
    for (const name of created) {
      const result = spawnSync('userdel', ['--remove', name], { encoding: 'utf8' });
      if (result.status !== 0) failed.push(`${name}: ${result.stderr.trim()}`);
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    assert.deepEqual(failed, [], 'userdel could not remove the students');
  }

  test(`${STUDENTS} students' servers start through the hub's REST API`, async () => {
    const times = await Promise.all(students.map((s) => startServer(hub!, s)));
    students.forEach((s, i) => startMs.set(s, times[i]));
    console.log(`server start: p50 ${(percentile(times, 50) / 1000).toFixed(1)} s, p95 ${(percentile(times, 95) / 1000).toFixed(1)} s (${STUDENTS} at once)`);
  });

  test(`every student runs ${NOTEBOOK} (quick) through the Jupyter Server API at the same time`, async () => {
    assert.equal(startMs.size, STUDENTS, 'the servers did not all start');
    const settled = await Promise.allSettled(students.map((s) => runStudentNotebook(hub!, s, 300_000)));
    const failures = settled.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : []));
    assert.deepEqual(failures, [], `${failures.length} of ${STUDENTS} students' notebooks failed`);
    const runs = settled.map((r) => (r as PromiseFulfilledResult<NotebookRun>).value);
    const procs = readProcs();
    const hubPid = hub!.process.pid!;
    const hubTree = tree(hubPid, procs);
    const kernels: number[] = [];
    const servers: number[] = [];
    for (const [i, run] of runs.entries()) {
      assert.match(run.stdout, /epoch: 4/, `${students[i]}: the notebook did not print its last epoch`);
      const kernel = [...procs.values()].find((p) => p.cmdline.includes(`kernel-${run.kernelId}.json`));
      assert.ok(kernel, `${students[i]}: no process runs kernel ${run.kernelId}`);
      kernels.push(sumRss(tree(kernel.pid, procs)));
      const server = hubTree.find((p) => p.cmdline.includes('jupyterhub.singleuser') && readlinkSync(`/proc/${p.pid}/cwd`) === join(tmp, 'homes', students[i]));
      assert.ok(server, `${students[i]}: no single-user server found under the hub`);
      servers.push(sumRss(tree(server.pid, procs)) - kernels[i]);
    }
    const hubOwn = hubTree.filter((p) => p.pid === hubPid || p.cmdline.includes('configurable-http-proxy'));
    const overhead = sumRss(hubOwn);
    const perStudent = Math.max(...runs.map((_, i) => kernels[i] + servers[i]));
    const fit = Math.floor((24 * GIB - overhead) / perStudent);
    console.log(`notebook run: p50 ${percentile(runs.map((r) => r.seconds), 50).toFixed(1)} s, max ${Math.max(...runs.map((r) => r.seconds)).toFixed(1)} s (${runs[0].cells} cells, ${STUDENTS} at once)`);
    console.log(`kernel RSS after Iris 07 (process tree): p50 ${mb(percentile(kernels, 50))}, max ${mb(Math.max(...kernels))}`);
    console.log(`single-user server RSS (without its kernel): p50 ${mb(percentile(servers, 50))}, max ${mb(Math.max(...servers))}`);
    console.log(`hub overhead (hub ${mb(sumRss(hubOwn.filter((p) => p.pid === hubPid)))} + proxy): ${mb(overhead)}`);
    console.log(`students in 24 GB at the largest server + kernel (${mb(perStudent)}): ${fit}`);
    assert.ok(fit >= 1);
  });
  // The teacher's side runs nbgrader (as root) in a course folder laid out like this checkout (its nbgrader_config.py,
  // one Iris notebook); the students' side goes through the hub to nbgrader's Assignments API in each student's own
  // server, which runs as that student's unix user: nbgrader names each submission after it.
  test('nbgrader through the hub: release, two students fetch, answer and submit, collect, autograde', async () => {
    const teacher = join(tmp, 'teacher');
    mkdirSync(join(teacher, 'notebooks', 'iris'), { recursive: true });
    copyFileSync(join(repo, 'nbgrader_config.py'), join(teacher, 'nbgrader_config.py'));
    copyFileSync(join(repo, 'notebooks', 'iris', `${EXERCISE}.ipynb`), join(teacher, 'notebooks', 'iris', `${EXERCISE}.ipynb`));
    symlinkSync(join(repo, 'data'), join(teacher, 'data'));
    symlinkSync(join(repo, 'node_modules'), join(teacher, 'node_modules'));
    const env = { ...process.env, PATH: `${join(venv, 'bin')}:${process.env.PATH}`, VIRTUAL_ENV: venv, CLASSROOM_EXCHANGE: join(tmp, 'exchange') };
    const nbgrader = (...args: string[]): string => {
      const result = spawnSync(join(venv, 'bin', 'python'), ['-m', 'nbgrader', ...args], { cwd: teacher, env, encoding: 'utf8', timeout: 400_000 });
      const log = `$ nbgrader ${args.join(' ')}\n${result.stdout}\n${result.stderr}`;
      assert.equal(result.status, 0, log);
      return log;
    };
    nbgrader('generate_assignment', 'iris', '--force');
    nbgrader('release_assignment', 'iris', '--force');

    const action = async (student: string, what: 'fetch' | 'submit'): Promise<{ status: string }[]> => {
      const reply = await apiJson<{ success: boolean; value: { assignment_id: string; status: string }[] | string }>(
        hub!, 'POST', `/user/${student}/assignments/${what}?course_id=trainbook&assignment_id=iris`, {},
      ).catch((error: Error) => {
        throw new Error(`${error.message.slice(0, 200)}\nhub and servers' log:\n${hubLogTail(hub)}`);
      });
      assert.ok(reply.success, `${student}: ${what} failed: ${JSON.stringify(reply.value)}`);
      return (reply.value as { assignment_id: string; status: string }[]).filter((a) => a.assignment_id === 'iris');
    };
    // The first student answers both exercises, the second only the first: their grades must differ.
    const [good, partial] = students as [string, string];
    const answered = new Map([[good, ANSWERS.length], [partial, 1]]);
    for (const [student, count] of answered) {
      const listed = await action(student, 'fetch');
      assert.ok(listed.some((a) => a.status === 'fetched'), `${student}: iris is not listed as fetched: ${JSON.stringify(listed)}`);
      // The student edits the fetched notebook through the contents API.
      const path = `/user/${student}/api/contents/assignments/iris/${EXERCISE}.ipynb`;
      const fetched = await apiJson<{ content: Notebook }>(hub!, 'GET', `${path}?content=1&type=notebook`);
      const stubs = fetched.content.cells.filter((c) => (c.metadata as { nbgrader?: { solution?: boolean } }).nbgrader?.solution);
      assert.equal(stubs.length, ANSWERS.length, `${EXERCISE} should hold ${ANSWERS.length} exercises`);
      stubs.slice(0, count).forEach((cell, i) => {
        const text = cellSource(cell);
        assert.ok(text.includes(STUB), `the released stub is not nbgrader_config.py's:\n${text}`);
        cell.source = text.replace(STUB, ANSWERS[i]);
      });
      await apiJson(hub!, 'PUT', path, { type: 'notebook', format: 'json', content: fetched.content }, [200]);
      await action(student, 'submit');
    }
    const inbound = readdirSync(join(tmp, 'exchange', 'trainbook', 'inbound'));
    for (const student of answered.keys()) {
      assert.ok(inbound.some((f) => f.startsWith(`${student}+iris+`)), `no submission named after ${student} in the exchange's inbound: ${inbound.join(', ')}`);
    }

    nbgrader('collect', 'iris');
    const started = performance.now();
    nbgrader('autograde', 'iris', '--force');
    const scores = JSON.parse(spawnSync(join(venv, 'bin', 'python'), ['-c', [
      'import json, sys',
      'from nbgrader.api import Gradebook',
      'with Gradebook("sqlite:///gradebook.db") as gb:',
      '    sys.stdout.write(json.dumps({s.student.id: [s.score, s.max_score] for s in gb.find_assignment("iris").submissions}))',
    ].join('\n')], { cwd: teacher, env, encoding: 'utf8' }).stdout) as Record<string, [number, number]>;
    console.log(`nbgrader through the hub: ${Object.entries(scores).map(([s, [score, max]]) => `${s} ${score} of ${max}`).join(', ')}; autograde ${((performance.now() - started) / 1000).toFixed(0)} s`);
    assert.deepEqual(Object.keys(scores).sort(), [good, partial].sort(), `expected one graded submission per student, got ${JSON.stringify(scores)}`);
    const [score, max] = scores[good]!;
    assert.ok(max > 0 && score === max, `${good} answered every exercise but scored ${score} of ${max}`);
    const [partScore, partMax] = scores[partial]!;
    assert.ok(partScore > 0 && partScore < partMax, `${partial} answered one of ${ANSWERS.length} exercises but scored ${partScore} of ${partMax}`);
  });
});
