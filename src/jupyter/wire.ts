/**
 * The Jupyter wire protocol (messaging spec v5.3): message shape, signing, framing and connection files.
 *
 * Shared by the notebook runner's kernel client and the project's own kernel. No Jupyter server and no
 * Python: frames go over ZeroMQ sockets (the `zeromq` 6 package) exactly as the spec lays them out:
 * `[...identities, "<IDS|MSG>", signature, header, parent_header, metadata, content, ...buffers]`.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { JsonValue } from '../display/sink.js';

/**
 * Version of the messaging spec this module speaks.
 *
 * PyTorch: none.
 */
export const PROTOCOL_VERSION = '5.3';

/**
 * The frame that separates routing identities from the signed message parts.
 *
 * PyTorch: none.
 */
export const DELIMITER = '<IDS|MSG>';

/** A JSON value as it appears in message content (the library's one definition). */
export type { JsonValue };

/**
 * A JSON object (message content, metadata).
 *
 * PyTorch: none.
 */
export type JsonObject = { [key: string]: JsonValue };

/**
 * Header of a Jupyter message.
 *
 * PyTorch: none (Jupyter's `jupyter_client.session` message header).
 */
export interface MessageHeader {
  /** Unique id of this message (a UUID). */
  msg_id: string;
  /** Id of the client or kernel session that sent it. */
  session: string;
  /** User name of the sender. */
  username: string;
  /** ISO 8601 time the message was created. */
  date: string;
  /** Message type, e.g. `execute_request`, `stream`, `status`. */
  msg_type: string;
  /** Messaging spec version, `"5.3"` here. */
  version: string;
}

/**
 * One Jupyter message: header, parent header (empty object when there is no parent), metadata, content and
 * optional binary buffers.
 *
 * PyTorch: none (the dict `jupyter_client.Session.msg()` builds).
 */
export interface JupyterMessage<C = JsonObject> {
  /** Routing identities that preceded the delimiter (ROUTER sockets need them to reply). */
  identities?: Buffer[];
  header: MessageHeader;
  /** Header of the message this one answers, or `{}`. */
  parent_header: MessageHeader | Record<string, never>;
  metadata: JsonObject;
  content: C;
  /** Extra binary frames after the content. */
  buffers?: Buffer[];
}

/**
 * Options for {@link newMessage}.
 *
 * PyTorch: none.
 */
export interface NewMessageOptions {
  /** Session id of the sender. */
  session: string;
  /** @default "trainbook" */
  username?: string;
  /** The message being answered; its header becomes `parent_header` and its identities are kept. */
  parent?: JupyterMessage<unknown>;
  /** @default {} */
  metadata?: JsonObject;
  /** Binary buffers appended after the content. @default [] */
  buffers?: Buffer[];
}

/**
 * Build a new message with a fresh UUID `msg_id`, the current ISO date and version 5.3.
 *
 * PyTorch: none (`jupyter_client.Session.msg`).
 * @example
 * const msg = newMessage('execute_request', { code: '1 + 1', silent: false }, { session });
 */
export function newMessage<C>(msgType: string, content: C, options: NewMessageOptions): JupyterMessage<C> {
  const header: MessageHeader = {
    msg_id: randomUUID(),
    session: options.session,
    username: options.username ?? 'trainbook',
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
  return {
    identities: options.parent?.identities ?? [],
    header,
    parent_header: options.parent ? options.parent.header : {},
    metadata: options.metadata ?? {},
    content,
    buffers: options.buffers ?? [],
  };
}

/** Digest algorithm named by a `signature_scheme` such as `hmac-sha256`. */
function hmacAlgorithm(signatureScheme: string): string {
  const match = /^hmac-([a-z0-9-]+)$/i.exec(signatureScheme);
  if (!match) {
    throw new Error(`Jupyter wire: signature_scheme is "${signatureScheme}", expected "hmac-<digest>" such as "hmac-sha256"`);
  }
  return match[1].toLowerCase();
}

/**
 * HMAC hex signature of the four signed parts (header, parent header, metadata, content); `""` when the key is
 * empty (signing disabled).
 *
 * PyTorch: none (`jupyter_client.Session.sign`).
 */
export function sign(parts: readonly (Buffer | string)[], key: string, signatureScheme = 'hmac-sha256'): string {
  if (key === '') return '';
  const hmac = createHmac(hmacAlgorithm(signatureScheme), key);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

/**
 * Turn a message into ZeroMQ frames: identities, `<IDS|MSG>`, signature, header, parent header, metadata,
 * content, buffers.
 *
 * PyTorch: none (`jupyter_client.Session.serialize`).
 * @example
 * await shell.send(serialize(msg, info.key, info.signature_scheme));
 */
export function serialize(msg: JupyterMessage<unknown>, key: string, signatureScheme = 'hmac-sha256'): Buffer[] {
  const parts = [
    Buffer.from(JSON.stringify(msg.header)),
    Buffer.from(JSON.stringify(msg.parent_header ?? {})),
    Buffer.from(JSON.stringify(msg.metadata ?? {})),
    Buffer.from(JSON.stringify(msg.content ?? {})),
  ];
  const signature = Buffer.from(sign(parts, key, signatureScheme));
  return [...(msg.identities ?? []), Buffer.from(DELIMITER), signature, ...parts, ...(msg.buffers ?? [])];
}

/**
 * Thrown by {@link deserialize} when a message's signature does not match the session key.
 *
 * PyTorch: none.
 */
export class SignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignatureError';
  }
}

/**
 * Parse ZeroMQ frames into a message, checking the HMAC signature in constant time.
 *
 * Throws {@link SignatureError} on a bad signature and `Error` on malformed frames.
 * PyTorch: none (`jupyter_client.Session.deserialize`).
 * @example
 * for await (const frames of iopub) handle(deserialize(frames, info.key, info.signature_scheme));
 */
export function deserialize<C = JsonObject>(
  frames: readonly Buffer[],
  key: string,
  signatureScheme = 'hmac-sha256',
): JupyterMessage<C> {
  const delimiterIndex = frames.findIndex((f) => f.length === DELIMITER.length && f.toString() === DELIMITER);
  if (delimiterIndex < 0) {
    throw new Error(`Jupyter wire: no "${DELIMITER}" delimiter among ${frames.length} frames; not a Jupyter message`);
  }
  const rest = frames.slice(delimiterIndex + 1);
  if (rest.length < 5) {
    throw new Error(
      `Jupyter wire: ${rest.length} frames after the delimiter, expected at least 5 (signature, header, parent_header, metadata, content)`,
    );
  }
  const [signature, header, parent, metadata, content, ...buffers] = rest;
  if (key !== '') {
    const expected = Buffer.from(sign([header, parent, metadata, content], key, signatureScheme));
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new SignatureError(
        'Jupyter wire: message signature does not match the connection key; the message came from a peer with another key (wrong connection file?) and was rejected',
      );
    }
  }
  const parse = (frame: Buffer, name: string): unknown => {
    try {
      return JSON.parse(frame.toString('utf8'));
    } catch (error) {
      throw new Error(`Jupyter wire: the ${name} frame is not valid JSON (${(error as Error).message})`);
    }
  };
  return {
    identities: frames.slice(0, delimiterIndex).map((f) => Buffer.from(f)),
    header: parse(header, 'header') as MessageHeader,
    parent_header: parse(parent, 'parent_header') as MessageHeader | Record<string, never>,
    metadata: parse(metadata, 'metadata') as JsonObject,
    content: parse(content, 'content') as C,
    buffers: buffers.map((b) => Buffer.from(b)),
  };
}

/**
 * Contents of a kernel connection file (`kernel-<id>.json`).
 *
 * PyTorch: none (`jupyter_client.connect.write_connection_file`).
 */
export interface ConnectionInfo {
  /** `tcp` or `ipc`. */
  transport: 'tcp' | 'ipc';
  /** Address the kernel binds, e.g. `127.0.0.1`. */
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  /** HMAC key; `""` disables signing. */
  key: string;
  /** e.g. `hmac-sha256`. */
  signature_scheme: string;
  /** Name of the kernelspec, when known. */
  kernel_name?: string;
}

/**
 * The five channels of a kernel connection.
 *
 * PyTorch: none.
 */
export type Channel = 'shell' | 'iopub' | 'stdin' | 'control' | 'hb';

/**
 * ZeroMQ endpoint of one channel, e.g. `tcp://127.0.0.1:53211` (or `ipc://<ip>-<port>` for ipc).
 *
 * PyTorch: none.
 */
export function channelUrl(info: ConnectionInfo, channel: Channel): string {
  const port = info[`${channel}_port`];
  return info.transport === 'ipc' ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}

/**
 * Read and check a connection file.
 *
 * PyTorch: none.
 */
export async function readConnectionFile(path: string): Promise<ConnectionInfo> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`Jupyter connection file ${path}: cannot read it as JSON (${(error as Error).message})`);
  }
  return parseConnectionInfo(data, path);
}

/**
 * Check a parsed connection file object, filling the defaults Jupyter uses (`tcp`, `hmac-sha256`).
 *
 * PyTorch: none.
 */
export function parseConnectionInfo(data: unknown, source = 'connection info'): ConnectionInfo {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new Error(`Jupyter connection file ${source}: expected a JSON object, got ${JSON.stringify(data)}`);
  }
  const record = data as Record<string, unknown>;
  for (const port of ['shell_port', 'iopub_port', 'stdin_port', 'control_port', 'hb_port']) {
    const value = record[port];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
      throw new Error(`Jupyter connection file ${source}: ${port} is ${JSON.stringify(value)}, expected a port number 0-65535`);
    }
  }
  const transport = record.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'ipc') {
    throw new Error(`Jupyter connection file ${source}: transport is ${JSON.stringify(transport)}, expected "tcp" or "ipc"`);
  }
  const key = record.key ?? '';
  if (typeof key !== 'string') throw new Error(`Jupyter connection file ${source}: key must be a string`);
  const ip = record.ip ?? '127.0.0.1';
  if (typeof ip !== 'string') throw new Error(`Jupyter connection file ${source}: ip must be a string`);
  const scheme = record.signature_scheme ?? 'hmac-sha256';
  if (typeof scheme !== 'string') throw new Error(`Jupyter connection file ${source}: signature_scheme must be a string`);
  hmacAlgorithm(scheme);
  const info: ConnectionInfo = {
    transport,
    ip,
    shell_port: record.shell_port as number,
    iopub_port: record.iopub_port as number,
    stdin_port: record.stdin_port as number,
    control_port: record.control_port as number,
    hb_port: record.hb_port as number,
    key,
    signature_scheme: scheme,
  };
  if (typeof record.kernel_name === 'string') info.kernel_name = record.kernel_name;
  return info;
}

/**
 * Write a connection file readable only by the owner (mode 0600, it holds the key).
 *
 * PyTorch: none.
 */
export async function writeConnectionFile(path: string, info: ConnectionInfo): Promise<void> {
  await writeFile(path, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
}

/** One free TCP port on `ip`, found by binding port 0. */
function freePort(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, ip, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Ports this process handed to kernels lately. The system may give a released port out again at once, so two kernels
 * started together could get the same one (jupyter_client keeps the same kind of cache, `LocalPortCache`).
 */
const recentPorts = new Set<number>();
const RECENT_PORTS_MAX = 2000;

function rememberPort(port: number): void {
  recentPorts.add(port);
  if (recentPorts.size > RECENT_PORTS_MAX) recentPorts.delete(recentPorts.values().next().value as number);
}

/**
 * New connection info for a kernel to be started: five distinct free TCP ports on `ip`, none handed out lately in this
 * process, and a random key.
 *
 * PyTorch: none (`jupyter_client.connect.write_connection_file` with port 0).
 * @example
 * const info = await newConnectionInfo();
 * await writeConnectionFile(join(dir, 'kernel.json'), info);
 */
export async function newConnectionInfo(ip = '127.0.0.1', kernelName?: string): Promise<ConnectionInfo> {
  const ports = new Set<number>();
  while (ports.size < 5) {
    const port = await freePort(ip);
    if (recentPorts.has(port)) continue;
    ports.add(port);
    rememberPort(port);
  }
  const [shell_port, iopub_port, stdin_port, control_port, hb_port] = [...ports];
  const info: ConnectionInfo = {
    transport: 'tcp',
    ip,
    shell_port,
    iopub_port,
    stdin_port,
    control_port,
    hb_port,
    key: randomUUID(),
    signature_scheme: 'hmac-sha256',
  };
  if (kernelName !== undefined) info.kernel_name = kernelName;
  return info;
}

/**
 * A random session id.
 *
 * PyTorch: none.
 */
export function newSessionId(): string {
  return randomBytes(16).toString('hex');
}
