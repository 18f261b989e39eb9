/**
 * Contract D: boxes meet only through @hakmem/contracts and are wired by composition/.
 * Each rule's comment says what to do; tools/contract-check prints it with the violation.
 * Paths are relative to the cruise's base directory (the repo root, or a fixture tree's root).
 * ESM (`export default`): the root package.json has "type": "module", and dependency-cruiser loads ESM configs.
 */
const CONTRACTS_PACKAGE = '^(node_modules/)?@hakmem/contracts(/|$)';

export default {
  forbidden: [
    {
      name: 'no-box-to-box',
      severity: 'error',
      comment:
        'a box imports another box. Boxes meet only through @hakmem/contracts: depend on the role interface there and let composition/ inject the other box.',
      from: { path: '^boxes/([^/]+)/' },
      to: { path: '^(boxes/[^/]+/|(node_modules/)?@hakmem/)', pathNot: ['^boxes/$1/', CONTRACTS_PACKAGE] },
    },
    {
      name: 'no-box-to-composition-or-tools',
      severity: 'error',
      comment:
        'a box imports composition/ or tools/. Boxes are wired from outside: take what you need as a constructor argument typed by @hakmem/contracts.',
      from: { path: '^boxes/' },
      to: { path: '^(composition|tools)/' },
    },
    {
      name: 'contracts-are-leaves',
      severity: 'error',
      comment:
        'contracts import a box, composition/ or tools/. @hakmem/contracts holds only roles, types, tokens and errors: move the shared piece into contracts/ or keep it in the box.',
      from: { path: '^contracts/' },
      to: { path: '^((boxes|composition|tools)/|(node_modules/)?@hakmem/)', pathNot: CONTRACTS_PACKAGE },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'modules import each other in a cycle. Break it by moving the shared part into a module both import.',
      from: {},
      // A cycle closed by a type-only import does not exist at run time.
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^test/fixtures/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['es6', 'cjs'],
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
