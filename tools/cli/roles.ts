import { ROLES, WORKSPACE_BOXES, loadVariant } from '../../composition/src/node.ts';
import { parseArgs } from './flags.ts';
import type { Io } from './io.ts';

export const ROLES_USAGE = `usage: hakmem roles [--json] [--variant FILE]

Lists every role of the design, the box a variant gets by default (and in a shared heap, where it
differs) and every workspace box that fills it. --variant FILE adds the boxes from outside the
workspace that the variant names (paths and installed packages), loaded and checked.
`;

export async function rolesCommand(args: readonly string[], io: Io): Promise<number> {
  const { flags } = parseArgs(args, { json: { type: 'boolean' }, variant: { type: 'string' }, help: { type: 'boolean' } }, 'roles');
  if (flags.help) {
    io.stdout.write(ROLES_USAGE);
    return 0;
  }
  const boxes = Object.entries(WORKSPACE_BOXES).map(([name, box]) => ({ name, role: box.role }));
  if (typeof flags.variant === 'string') {
    const loaded = await loadVariant(flags.variant, process.env);
    for (const [name, box] of loaded.boxes) boxes.push({ name, role: box.role });
  }
  const roles = ROLES.map((spec) => ({
    role: spec.role,
    default: spec.defaultBox,
    ...(spec.defaultSharedBox !== undefined ? { sharedDefault: spec.defaultSharedBox } : {}),
    boxes: boxes.filter((box) => box.role === spec.role).map((box) => box.name),
  }));
  if (flags.json) {
    io.stdout.write(`${JSON.stringify(roles, null, 2)}\n`);
    return 0;
  }
  for (const [i, role] of roles.entries()) {
    const names = role.boxes.map((name) => (name === role.default ? `${name} (default)` : name === role.sharedDefault ? `${name} (shared default)` : name));
    if (!role.boxes.includes(role.default)) names.unshift(`${role.default} (default)`);
    io.stdout.write(`${role.role.padEnd(14)} ${ROLES[i]!.job}\n${''.padEnd(14)} ${names.join(', ')}\n`);
  }
  return 0;
}
