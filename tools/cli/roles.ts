import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOX_CHOICES } from '../../composition/src/index.ts';
import { ROLES } from '../../contracts/src/index.ts';
import { parseArgs } from './flags.ts';
import type { Io } from './io.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface WorkspaceBox {
  /** the box's short name, as a variant names it (the package name without its scope) */
  readonly name: string;
  readonly role: string;
  readonly description: string;
}

/** Every box package under boxes/ that names its role in package.json (`hakmem.role`). */
export function discoverWorkspaceBoxes(root = REPO_ROOT): WorkspaceBox[] {
  const boxesDir = join(root, 'boxes');
  if (!existsSync(boxesDir)) return [];
  return readdirSync(boxesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(boxesDir, entry.name, 'package.json')))
    .flatMap((entry) => {
      const pkg = JSON.parse(readFileSync(join(boxesDir, entry.name, 'package.json'), 'utf8')) as {
        name: string; description?: string; hakmem?: { role?: string };
      };
      const role = pkg.hakmem?.role;
      return role ? [{ name: pkg.name.replace(/^@[^/]+\//, ''), role, description: pkg.description ?? '' }] : [];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The boxes compiled into this package: every role's default and every choice a variant has. */
function bundledBoxes(): WorkspaceBox[] {
  const choices = Object.entries(BOX_CHOICES).flatMap(([key, names]) =>
    names.filter((name) => name !== 'none').map((name) => ({ name, role: key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), description: '' })));
  const defaults = ROLES.filter((spec) => spec.defaultBox !== 'none').map((spec) => ({ name: spec.defaultBox, role: spec.role, description: '' }));
  return [...defaults, ...choices.filter((choice) => !defaults.some((box) => box.name === choice.name))];
}

export const ROLES_USAGE = `usage: hakmem roles [--json]

Lists every role of the design, the box a variant gets by default and every workspace box that fills it.
`;

export async function rolesCommand(args: readonly string[], io: Io): Promise<number> {
  const { flags } = parseArgs(args, { json: { type: 'boolean' }, help: { type: 'boolean' } }, 'roles');
  if (flags.help) {
    io.stdout.write(ROLES_USAGE);
    return 0;
  }
  const boxes = discoverWorkspaceBoxes();
  // an installed package has its boxes bundled in, not as folders: list the ones a variant can choose
  if (boxes.length === 0) boxes.push(...bundledBoxes());
  const roles = ROLES.map((spec) => ({
    role: spec.role,
    default: spec.defaultBox,
    boxes: boxes.filter((box) => box.role === spec.role).map((box) => box.name),
    job: spec.job,
  }));
  if (flags.json) {
    io.stdout.write(`${JSON.stringify(roles.map(({ role, default: byDefault, boxes: names }) => ({ role, default: byDefault, boxes: names })), null, 2)}\n`);
    return 0;
  }
  for (const role of roles) {
    const names = role.boxes.map((name) => (name === role.default ? `${name} (default)` : name)).join(', ');
    io.stdout.write(`${role.role.padEnd(14)} ${role.job}\n${''.padEnd(14)} ${names || `${role.default} (built into the composition)`}\n`);
  }
  return 0;
}
