// Makes `import ... from "trainbook"` resolve to this checkout, so the notebooks in
// notebooks/ import the cell library exactly as a user of the npm package would.
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const link = join(root, 'node_modules', 'trainbook');
if (!existsSync(join(root, 'node_modules'))) mkdirSync(join(root, 'node_modules'));
try {
  if (lstatSync(link).isSymbolicLink()) rmSync(link);
} catch {
  // no link yet
}
if (!existsSync(link)) symlinkSync('..', link, 'dir');
