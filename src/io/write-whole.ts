/**
 * Files written whole or not at all: the data goes to a temporary file beside the target, which is then renamed over
 * it (a rename within one folder is atomic on POSIX). A process killed mid-write leaves the old file, or none, never a
 * truncated one. Node has no atomic write of its own; write-file-atomic would be one more dependency for six lines.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

/**
 * Writes `data` to `path` whole or not at all (a temporary file, renamed over `path`).
 *
 * PyTorch: none (`torch.save` writes in place).
 */
export function writeFileWholeSync(path: string, data: string | Uint8Array): void {
  const temp = tempPath(path);
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** {@link writeFileWholeSync}, asynchronous. */
export async function writeFileWhole(path: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPath(path);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
