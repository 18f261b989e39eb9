import type { RoleSpec } from '../../contracts/src/role-catalog.ts';
import type { BoxTemplate } from './box-template.ts';
import { UsageError } from './flags.ts';

/**
 * How a box outside this repository imports the contracts: the hakmem package's `./contracts` export, a
 * specifier that resolves wherever hakmem is installed (`@hakmem/contracts` is a private workspace package).
 */
export const CONTRACTS_SPECIFIER = 'hakmem/contracts';

export interface ScaffoldRequest {
  readonly template: BoxTemplate;
  readonly spec: RoleSpec;
  readonly name: string;
  readonly variantFile: string;
  /** the hakmem version the box is written against: its peer dependency */
  readonly hakmemVersion: string;
}

/** A new box's files, by path relative to DIR: the package folder NAME/ and the variant file beside it. */
export function scaffoldFiles(request: ScaffoldRequest): Record<string, string> {
  const { template, name, variantFile } = request;
  const renames = classRenames(template, request.spec, name);
  const files: Record<string, string> = {
    [`${name}/package.json`]: packageJson(request),
    [`${name}/tsconfig.json`]: TSCONFIG,
    [`${name}/README.md`]: readme(request, renames),
    [variantFile]: `${JSON.stringify(variantJson(request), null, 2)}\n`,
  };
  for (const [path, text] of Object.entries(template.files)) {
    if (path.startsWith('src/')) files[`${name}/${path}`] = renameSource(text, renames);
  }
  return files;
}

function variantJson({ spec, name }: Pick<ScaffoldRequest, 'spec' | 'name'>): object {
  return { name, extends: 'hakmem', boxes: { [spec.role]: `./${name}` } };
}

/** `tls-freelist` -> `TlsFreelist`: how a box's name prefixes its classes. */
function pascalCase(name: string): string {
  return name.split(/[-._]/).filter(Boolean).map((part) => part[0]!.toUpperCase() + part.slice(1)).join('');
}

/**
 * The template's own declarations renamed after the new box: those named after the template box
 * (`TlsFreelist`, `TlsFreelistOptions`, `SuperSlabBox`) or after its class that implements the role's
 * interface (`ArrayBufferHeap`, `ArrayBufferHeapOptions`). Imported names such as the contracts'
 * `PageArena` keep theirs.
 */
function classRenames(template: BoxTemplate, spec: RoleSpec, name: string): Map<string, string> {
  const to = pascalCase(name);
  const texts = Object.values(template.files);
  const boxPrefix = pascalCase(template.box).toLowerCase();
  const roleInterfaces = spec.interfaceName.split(' & ');
  const roleClasses = texts.flatMap((text) => [...text.matchAll(/\bexport class ([A-Z][\w$]*)[^{]*\bimplements ([^{]+)\{/g)])
    .filter(([, , implemented]) => implemented!.split(',').some((entry) => roleInterfaces.includes(entry.trim())))
    .map(([, declared]) => declared!);
  const renames = new Map<string, string>();
  const imported = new Set<string>();
  for (const text of texts) {
    for (const [, declared] of text.matchAll(/\b(?:class|interface|type|enum|function)\s+([A-Z][\w$]*)/g)) {
      const prefix = declared!.toLowerCase().startsWith(boxPrefix) ? boxPrefix.length : roleClasses.find((role) => declared!.startsWith(role))?.length;
      if (prefix !== undefined) renames.set(declared!, to + declared!.slice(prefix));
    }
    for (const [, names] of text.matchAll(/\bimport\s+(?:type\s+)?\{([^}]*)\}/g)) {
      for (const entry of names!.split(',')) imported.add(entry.trim().replace(/^type\s+/, ''));
    }
  }
  const clash = [...renames.values()].find((renamed) => imported.has(renamed));
  if (clash) throw new UsageError(`the name "${name}" would call a class ${clash}, which the box also imports from the contracts: choose another NAME`);
  return renames;
}

function renameSource(text: string, renames: Map<string, string>): string {
  const renamed = renames.size === 0 ? text : text.replace(new RegExp(`\\b(${[...renames.keys()].join('|')})\\b`, 'g'), (old) => renames.get(old)!);
  return renamed.replace(/(['"])@hakmem\/contracts(?=['"/])/g, `$1${CONTRACTS_SPECIFIER}`);
}

function packageJson({ template, spec, name, hakmemVersion }: ScaffoldRequest): string {
  return `${JSON.stringify({
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    description: `A hakmem box for the role ${spec.role} (${spec.job}), started as a copy of hakmem's ${template.box}.`,
    exports: { '.': './src/index.ts' },
    hakmem: { role: spec.role },
    // a peer: the box must share the contracts (tokens, errors) of the hakmem that composes it
    peerDependencies: { hakmem: `^${hakmemVersion}` },
  }, null, 2)}\n`;
}

/** For `npx tsc` in the box once `npm install` has brought hakmem: the sources import their own files as `.ts`. */
const TSCONFIG = `${JSON.stringify({
  compilerOptions: {
    target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: [],
    strict: true, noEmit: true, allowImportingTsExtensions: true, verbatimModuleSyntax: true, skipLibCheck: true,
  },
  include: ['src'],
}, null, 2)}\n`;

function readme({ template, spec, name, variantFile }: ScaffoldRequest, renames: Map<string, string>): string {
  const classes = [...renames.values()].map((renamed) => `\`${renamed}\``).join(', ') || 'its classes';
  const original = renameSource(template.files['README.md']!.replace(/^# .*\n/, '').trim(), renames);
  return `# ${name} — a hakmem box for the role \`${spec.role}\`

Written by \`hakmem new-box ${spec.role} ${name}\` as a working copy of hakmem's \`${template.box}\` box, the
role's default: it composes, benchmarks and passes the contract checks as it is. Make it yours from there.

## What to change

- \`src/\`: ${classes}, implementing \`${spec.interfaceName}\` (${spec.job}).
  Composition refuses a box that lacks one of the role's members: ${spec.members.map((member) => `\`${member}\``).join(', ')}.
- Keep its imports to its own files, \`${CONTRACTS_SPECIFIER}\` and external libraries (contract D): another
  box reaches it only through composition, by its role. Keep the \`@hotpath\` functions allocation-free.
- \`package.json\`: \`hakmem.role\` names the role it fills; hakmem is a peer dependency, so the box shares
  the contracts of the hakmem that composes it. \`npm install && npx tsc\` here type-checks it.

## Use it

\`${variantFile}\`, beside this folder, names it by path (relative to the variant file):

\`\`\`json
${JSON.stringify(variantJson({ spec, name }), null, 2)}
\`\`\`

From the folder that holds \`${name}/\` and \`${variantFile}\`:

\`\`\`sh
${commented([
  [`hakmem bench random_mixed --variant hakmem --variant ${variantFile}`, 'your box against the default'],
  [`hakmem check ${name}`, 'contracts A-D and the hot-path rules'],
])}
\`\`\`

In your own code (Node): \`const heap = await createAllocatorAsync('${variantFile}')\`, from \`hakmem\`.
An installed hakmem loads this TypeScript through tsx and checks it with ts-morph and dependency-cruiser:
\`npm install --save-dev tsx ts-morph dependency-cruiser\` beside it, or compile the box to JavaScript.

## How ${template.box}, the box you started from, works

${original}
`;
}

function commented(lines: [command: string, comment: string][]): string {
  const width = Math.max(...lines.map(([command]) => command.length));
  return lines.map(([command, comment]) => `${command.padEnd(width)}   # ${comment}`).join('\n');
}
