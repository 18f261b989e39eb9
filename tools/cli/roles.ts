import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOX_CHOICES } from '../../composition/src/index.ts';
import { ROLES } from '../../contracts/src/index.ts';
import { findBoxes } from '../contract-check/boxes.ts';
import { parseArgs } from './flags.ts';
import type { Io } from './io.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A box a variant can name, and the role it fills. */
export interface RoleBox {
  readonly name: string;
  readonly role: string;
}

/** Every box package under boxes/ that names its role in package.json (`hakmem.role`). */
export function discoverWorkspaceBoxes(root = REPO_ROOT): RoleBox[] {
  return findBoxes(join(root, 'boxes')).filter((box) => box.role !== '').map(({ name, role }) => ({ name, role }));
}

/** The boxes compiled into this package: every role's default and every choice a variant has. */
function bundledBoxes(): RoleBox[] {
  const choices = Object.entries(BOX_CHOICES).flatMap(([key, names]) =>
    names.filter((name) => name !== 'none').map((name) => ({ name, role: key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) })));
  const defaults = ROLES.filter((spec) => spec.defaultBox !== 'none').map((spec) => ({ name: spec.defaultBox, role: spec.role }));
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
