/**
 * Expand command-line arguments (notebook files, folders, globs) into a sorted list of `.ipynb` paths.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Folders never searched for notebooks. */
const SKIPPED_DIRS = new Set(['.ipynb_checkpoints', 'node_modules', '.git']);

function walk(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (SKIPPED_DIRS.has(name)) continue;
    const stat = statSync(path);
    if (stat.isDirectory()) found.push(...walk(path));
    else if (name.endsWith('.ipynb')) found.push(path);
  }
  return found;
}

/**
 * Regular expression for a glob with `*`, `**`, `?` and `{a,b}`.
 *
 * PyTorch: none.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) out += '\\{';
      else {
        out += `(?:${glob.slice(i + 1, end).split(',').map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&')).join('|')})`;
        i = end;
      }
    } else out += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/**
 * Notebook paths for arguments: a file is taken as is, a folder is searched recursively, anything with `*`, `?` or
 * `{` is a glob. Throws naming the argument that matched nothing.
 *
 * PyTorch: none.
 */
export function findNotebookPaths(args: readonly string[]): string[] {
  const found: string[] = [];
  for (const arg of args) {
    if (/[*?{]/.test(arg)) {
      const normalized = arg.split(sep).join('/');
      const staticPart = normalized.split('/').filter((_, i, parts) => !/[*?{]/.test(parts.slice(0, i + 1).join('/')));
      const root = staticPart.length > 0 ? staticPart.join('/') : '.';
      const pattern = globToRegExp(normalized.replace(/^\.\//, ''));
      let candidates: string[] = [];
      try {
        candidates = statSync(root).isDirectory() ? walk(root) : [];
      } catch {
        candidates = [];
      }
      const matches = candidates.filter((p) => pattern.test(relative('.', p).split(sep).join('/')) || pattern.test(p.split(sep).join('/')));
      if (matches.length === 0) throw new Error(`no notebook matches "${arg}"`);
      found.push(...matches);
      continue;
    }
    let stat;
    try {
      stat = statSync(arg);
    } catch {
      throw new Error(`"${arg}" does not exist (expected a notebook, a folder of notebooks or a glob such as "notebooks/**/*.ipynb")`);
    }
    if (stat.isDirectory()) {
      const notebooks = walk(arg);
      if (notebooks.length === 0) throw new Error(`folder "${arg}" holds no .ipynb notebooks`);
      found.push(...notebooks);
    } else found.push(arg);
  }
  return [...new Set(found)];
}
