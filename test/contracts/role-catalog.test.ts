import { Project } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { ROLES, missingMembers, roleSpec } from '../../contracts/src/index.ts';
import { findBoxes } from '../../tools/contract-check/boxes.ts';

const project = new Project({ tsConfigFilePath: 'tsconfig.json', skipAddingFilesFromTsConfig: true });
project.addSourceFilesAtPaths('contracts/src/**/*.ts');

/** Every property and method of an interface, inherited ones included, as the type checker sees them. */
function interfaceMembers(name: string): string[] {
  for (const file of project.getSourceFiles()) {
    const found = file.getInterface(name);
    if (found) return found.getType().getProperties().map((symbol) => symbol.getName());
  }
  throw new Error(`no interface ${name} in contracts/`);
}

describe('the role catalog', () => {
  it.each(ROLES.map((spec) => [spec.role, spec] as const))('lists exactly the members of %s\'s interface', (_role, spec) => {
    const expected = spec.interfaceName.split(' & ').flatMap(interfaceMembers);
    expect([...spec.members].sort()).toEqual([...new Set(expected)].sort());
  });

  it('names every role that a workspace box declares', () => {
    for (const box of findBoxes('boxes')) expect(roleSpec(box.role), `${box.name} declares role ${box.role}`).toBeDefined();
  });

  it('says which members a box lacks', () => {
    const learner = roleSpec('learner')!;
    expect(missingMembers(learner, { tick() {}, ticks: 0 })).toEqual([]);
    expect(missingMembers(learner, { ticks: 0 })).toEqual(['tick']);
  });
});
