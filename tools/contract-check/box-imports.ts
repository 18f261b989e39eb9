import { dirname, relative, resolve, sep } from 'node:path';
import { Node, SyntaxKind } from 'ts-morph';
import type { SourceFile } from 'ts-morph';
import type { Box } from './boxes.ts';
import type { ViolationSink } from './syntax.ts';

/** What a box may import of this project: the contracts, by package name or through the root package. */
const CONTRACTS = /^(@hakmem\/contracts|hakmem\/contracts)(\/|$)/;
const PROJECT = /^(@hakmem\/|hakmem(\/|$))/;

/** Every module specifier a file names: imports, re-exports and dynamic imports. */
function specifiers(file: SourceFile): { text: string; node: Node }[] {
  const found = [...file.getImportDeclarations(), ...file.getExportDeclarations()].flatMap((declaration) => {
    const specifier = declaration.getModuleSpecifier();
    return specifier ? [{ text: specifier.getLiteralText(), node: specifier as Node }] : [];
  });
  for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const [argument] = call.getArguments();
    if (call.getExpression().getKind() === SyntaxKind.ImportKeyword && argument && Node.isStringLiteral(argument)) {
      found.push({ text: argument.getLiteralText(), node: argument });
    }
  }
  return found;
}

/**
 * Contract D for one box on its own (a box directory outside this repository, which dependency-cruiser's
 * path rules cannot see): the same rules as .dependency-cruiser.js, read from the import statements.
 */
export function checkBoxImports(file: SourceFile, box: Box, sink: ViolationSink): void {
  for (const { text, node } of specifiers(file)) {
    if (text.startsWith('.')) {
      const target = resolve(dirname(file.getFilePath()), text);
      const inside = !relative(box.dir, target).startsWith('..') && !relative(box.dir, target).includes(`..${sep}`);
      if (!inside) {
        sink.add('D', node, `${text} leaves the box, rule no-box-to-box: a box imports only its own files, @hakmem/contracts and external libraries; let composition inject the other box.`);
      }
    } else if (PROJECT.test(text) && !CONTRACTS.test(text)) {
      sink.add('D', node, `${text}, rule no-box-to-box: a box imports another box or the composition. Boxes meet only through @hakmem/contracts: depend on the role interface there and let composition inject the other box.`);
    }
  }
}
