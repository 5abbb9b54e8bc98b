import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DELIMITER,
  SignatureError,
  channelUrl,
  deserialize,
  newConnectionInfo,
  newMessage,
  readConnectionFile,
  serialize,
  sign,
  writeConnectionFile,
} from '../../src/jupyter/wire.js';

test('sign matches the HMAC-SHA256 that Python computes over the four parts', () => {
  // Golden value from:
  // python3 -c "import hmac,hashlib; h=hmac.new(b'secret-key', digestmod=hashlib.sha256);
  //   [h.update(p) for p in [b'{\"msg_id\":\"a\"}', b'{}', b'{}', b'{\"code\":\"1+1\"}']]; print(h.hexdigest())"
  const parts = ['{"msg_id":"a"}', '{}', '{}', '{"code":"1+1"}'];
  assert.equal(sign(parts, 'secret-key'), '712005a3ddfac00ddc4b5e88335391b3a6ee2873954746371defcd8f11725fad');
  assert.equal(sign(parts, ''), '');
});

test('newMessage fills a v5.3 header with a uuid msg_id and an ISO date', () => {
  const msg = newMessage('execute_request', { code: '1' }, { session: 's1' });
  assert.match(msg.header.msg_id, /^[0-9a-f-]{36}$/);
  assert.equal(msg.header.version, '5.3');
  assert.equal(msg.header.msg_type, 'execute_request');
  assert.equal(msg.header.session, 's1');
  assert.ok(!Number.isNaN(Date.parse(msg.header.date)));
  assert.deepEqual(msg.parent_header, {});
  const reply = newMessage('execute_reply', { status: 'ok' }, { session: 's2', parent: msg });
  assert.deepEqual(reply.parent_header, msg.header);
});

test('serialize then deserialize round-trips identities, content and buffers', () => {
  const msg = newMessage('comm_msg', { data: { x: [1, 'ü'] } }, { session: 's' });
  msg.identities = [Buffer.from('client-1')];
  msg.buffers = [Buffer.from([0, 1, 2])];
  const frames = serialize(msg, 'k');
  assert.equal(frames[1].toString(), DELIMITER);
  assert.equal(frames.length, 1 + 1 + 1 + 4 + 1);
  const back = deserialize(frames, 'k');
  assert.deepEqual(back.header, msg.header);
  assert.deepEqual(back.content, msg.content);
  assert.deepEqual(back.identities, msg.identities);
  assert.deepEqual(back.buffers, msg.buffers);
});

test('deserialize rejects a message signed with another key or tampered with', () => {
  const msg = newMessage('status', { execution_state: 'idle' }, { session: 's' });
  assert.throws(() => deserialize(serialize(msg, 'right'), 'wrong'), SignatureError);
  const frames = serialize(msg, 'right');
  frames[frames.length - 1] = Buffer.from('{"execution_state":"busy"}');
  assert.throws(() => deserialize(frames, 'right'), /signature does not match/);
  assert.throws(() => deserialize([Buffer.from('x')], 'right'), /no "<IDS\|MSG>" delimiter/);
});

test('connection files round-trip with five distinct ports and owner-only mode', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wire-'));
  const info = await newConnectionInfo('127.0.0.1', 'tslab');
  const ports = [info.shell_port, info.iopub_port, info.stdin_port, info.control_port, info.hb_port];
  assert.equal(new Set(ports).size, 5);
  const path = join(dir, 'kernel.json');
  await writeConnectionFile(path, info);
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.deepEqual(await readConnectionFile(path), info);
  assert.equal(channelUrl(info, 'shell'), `tcp://127.0.0.1:${info.shell_port}`);
  assert.ok((await readFile(path, 'utf8')).includes('"signature_scheme": "hmac-sha256"'));
});

test('kernels started together by one process never get the same port (the runner runs notebooks in parallel)', async () => {
  // The system hands a port that was just released out again; without a memory of the ports given to kernels that
  // have not bound them yet, 100 kernels' 500 ports held the same port twice in nearly every run.
  const infos = await Promise.all(Array.from({ length: 100 }, () => newConnectionInfo('127.0.0.1')));
  const ports = infos.flatMap((i) => [i.shell_port, i.iopub_port, i.stdin_port, i.control_port, i.hb_port]);
  const twice = ports.filter((p, i) => ports.indexOf(p) !== i);
  assert.deepEqual(twice, [], `ports handed to two kernels: ${twice.join(', ')}`);
});

test('readConnectionFile names the bad field', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wire-'));
  const path = join(dir, 'bad.json');
  await writeConnectionFile(path, { shell_port: 'x' } as never);
  await assert.rejects(readConnectionFile(path), /shell_port is "x", expected a port number/);
});
