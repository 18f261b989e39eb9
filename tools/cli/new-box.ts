import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROLES, roleSpec } from '../../contracts/src/role-catalog.ts';
import { boxTemplates } from './box-template.ts';
import { parseArgs, UsageError } from './flags.ts';
import type { Io } from './io.ts';
import { scaffoldFiles } from './scaffold-box.ts';
import { packageVersion } from './version.ts';

export const NEW_BOX_USAGE = `usage: hakmem new-box ROLE NAME [--dir DIR]

Writes DIR/NAME/ (DIR defaults to the current folder): a box package for ROLE that starts as a working
copy of the role's default box, its classes named after NAME, with a README saying what to change, and
DIR/variant.json (NAME.variant.json if that exists) naming the box by path for bench, replay and
createAllocator. The box imports the contracts as hakmem/contracts. Then:

  hakmem bench random_mixed --variant hakmem --variant DIR/variant.json
  hakmem check DIR/NAME

Roles: ${ROLES.map((spec) => spec.role).join(', ')} (hakmem roles tells what each does).
`;

/** An npm package name that also makes a folder and a class name: lowercase, starting with a letter. */
const BOX_NAME = /^[a-z][a-z0-9._-]{0,213}$/;

export async function newBoxCommand(args: readonly string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(args, { dir: { type: 'string' }, help: { type: 'boolean' } }, 'new-box');
  if (flags.help) {
    io.stdout.write(NEW_BOX_USAGE);
    return 0;
  }
  const roles = ROLES.map((spec) => spec.role).join(', ');
  if (positionals.length !== 2) throw new UsageError(`hakmem new-box needs a ROLE and a NAME, e.g. hakmem new-box tls-freelist my-freelist (roles: ${roles})`);
  const [role, name] = positionals as [string, string];
  const spec = roleSpec(role);
  if (!spec) throw new UsageError(`unknown role "${role}"; roles: ${roles}`);
  if (!BOX_NAME.test(name)) {
    throw new UsageError(`"${name}" is not a box name: lowercase letters, digits, "-", "." and "_", starting with a letter (it names the npm package, its folder and its classes)`);
  }
  const template = boxTemplates()[role];
  if (!template) throw new UsageError(`no box fills the role ${role} yet, so there is nothing to start ${name} from`);
  const dir = (flags.dir as string | undefined) ?? '.';
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`--dir "${dir}" is a file: give the folder to write ${name}/ into`);
  if (existsSync(join(dir, name))) throw new UsageError(`${join(dir, name)} already exists: choose another NAME or --dir, or remove it`);
  const variantFile = [`variant.json`, `${name}.variant.json`].find((file) => !existsSync(join(dir, file)));
  if (!variantFile) throw new UsageError(`${join(dir, 'variant.json')} and ${join(dir, `${name}.variant.json`)} both exist: choose another --dir, or remove one`);

  const files = scaffoldFiles({ template, spec, name, variantFile, hakmemVersion: packageVersion() });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text, { flag: 'wx' });
  }
  const boxFiles = Object.keys(files).filter((path) => path.startsWith(`${name}/`)).map((path) => path.slice(name.length + 1));
  io.stdout.write(`wrote ${join(dir, name)}/ for the role ${role}, a copy of ${template.box}: ${boxFiles.join(', ')}
wrote ${join(dir, variantFile)}, naming it by path
next: change ${join(dir, name, 'src')}/ (its README says what to keep), then
  hakmem bench random_mixed --variant hakmem --variant ${join(dir, variantFile)}
  hakmem check ${join(dir, name)}
`);
  return 0;
}
