import { dirname, relative, resolve } from 'node:path';
import { Node } from 'ts-morph';
import type { SourceFile } from 'ts-morph';
import type { Box } from './boxes.ts';
import { calledMethodName, hasJsDocTag, isFunctionLike } from './syntax.ts';
import type { ViolationSink } from './syntax.ts';

/**
 * What a learner may import from @hakmem/contracts: its two ports, its own role, event kinds,
 * the generic error helpers, and BoxDescriptor to export itself (composition refuses a learner whose
 * needs go past the ports). Anything else (heap, freelist, refill engine, pools, layout) would let
 * it reach live allocator state, which contract B forbids.
 */
export const LEARNER_ALLOWED_IMPORTS: readonly string[] = ['EventSource', 'PolicyWriter', 'Learner', 'HakmemError', 'HakmemErrorCode', 'BoxDescriptor', 'policyBlockSizes'];
const LEARNER_ALLOWED_PATTERNS = [/^EVENT_[A-Z0-9_]+$/, /^throw[A-Z]\w*$/];
const POLICY_READERS = new Set(['refill-engine', 'policy-table', 'learner']);
const POLICY_READS = new Set(['refillCount', 'listCapacity']);

/** Contract B: a learner's policy takes effect only at the next refill, through the policy table. */
export function checkPolicyScope(file: SourceFile, box: Box, sink: ViolationSink): void {
  if (box.role === 'learner') checkLearnerImports(file, box, sink);
  if (!POLICY_READERS.has(box.role)) checkNoPolicyReads(file, box, sink);
  if (box.role === 'refill-engine') checkPolicyReadsOnRefillPath(file, sink);
}

function isAllowedForLearner(name: string): boolean {
  return LEARNER_ALLOWED_IMPORTS.includes(name) || LEARNER_ALLOWED_PATTERNS.some((pattern) => pattern.test(name));
}

function checkLearnerImports(file: SourceFile, box: Box, sink: ViolationSink): void {
  for (const decl of [...file.getImportDeclarations(), ...file.getExportDeclarations()]) {
    const specifier = decl.getModuleSpecifierValue();
    if (specifier === undefined) continue;
    if (specifier === '@hakmem/contracts') {
      checkContractsNames(decl, sink);
    } else if (leavesTheBox(specifier, file, box)) {
      sink.add('B', decl, `learner imports '${specifier}', which is inside the repo but outside its box: a learner sees only EventSource and PolicyWriter. Take what it needs through its constructor, typed by @hakmem/contracts.`);
    }
  }
}

function checkContractsNames(decl: Node, sink: ViolationSink): void {
  const named = Node.isImportDeclaration(decl) ? decl.getNamedImports() : Node.isExportDeclaration(decl) ? decl.getNamedExports() : [];
  const wholesale = Node.isImportDeclaration(decl) ? (decl.getNamespaceImport() ?? decl.getDefaultImport()) : Node.isExportDeclaration(decl) && !decl.hasNamedExports() ? decl : undefined;
  if (wholesale) {
    sink.add('B', decl, `learner imports all of @hakmem/contracts: it may only see ${LEARNER_ALLOWED_IMPORTS.join(', ')}, event kinds and errors. Import those names one by one.`);
  }
  for (const specifier of named) {
    const name = specifier.getName();
    if (!isAllowedForLearner(name)) {
      sink.add('B', specifier, `learner imports ${name} from @hakmem/contracts: a learner may only see ${LEARNER_ALLOWED_IMPORTS.join(', ')}, EVENT_* kinds and errors, never allocator roles. Publish through PolicyWriter instead of touching ${name}.`);
    }
  }
}

function leavesTheBox(specifier: string, file: SourceFile, box: Box): boolean {
  if (specifier.startsWith('@hakmem/')) return true;
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) return false;
  const target = resolve(dirname(file.getFilePath()), specifier);
  return relative(box.dir, target).startsWith('..');
}

function checkNoPolicyReads(file: SourceFile, box: Box, sink: ViolationSink): void {
  file.forEachDescendant((node) => {
    const method = calledMethodName(node);
    if (method && POLICY_READS.has(method)) {
      sink.add('B', node, `${box.role} box calls .${method}(): only the refill engine reads the policy, when it refills. Let the refill engine pass the number it read into this box.`);
    }
  });
}

function checkPolicyReadsOnRefillPath(file: SourceFile, sink: ViolationSink): void {
  file.forEachDescendant((node) => {
    const method = calledMethodName(node);
    if (!method || !POLICY_READS.has(method)) return;
    const enclosing = node.getAncestors().filter(isFunctionLike);
    if (enclosing.some((fn) => hasJsDocTag(fn, 'refill'))) return;
    const where = enclosing.some((fn) => hasJsDocTag(fn, 'hotpath')) ? 'a @hotpath function' : 'a function not tagged @refill';
    sink.add('B', node, `refill engine calls .${method}() in ${where}: a policy may take effect only at the next refill. Read it in the refill method and tag that method @refill.`);
  });
}
