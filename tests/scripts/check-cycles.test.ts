import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(process.cwd(), 'scripts/check-cycles.mjs');
const check = (...dirs: string[]) => spawnSync(process.execPath, [script, ...dirs], { encoding: 'utf8' });

describe('import cycles', () => {
  it('src and bench have none', () => {
    const r = check('src', 'bench');
    expect(r.stdout + r.stderr).toMatch(/no import cycles among \d+ modules/);
    expect(r.status).toBe(0);
  });

  it('the checker finds a cycle through a type-only import', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cycles-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a.ts'), "import { b } from './sub/b';\nexport const a = b + 1;\n");
    writeFileSync(join(dir, 'sub/b.ts'), "import type { C } from '../c';\nexport const b: C = 1;\n");
    writeFileSync(
      join(dir, 'c.ts'),
      "import { a } from './a';\nexport type C = number;\nexport const c = a;\n",
    );
    writeFileSync(join(dir, 'd.ts'), "import { a } from './a';\nexport const d = a;\n");
    const r = check(dir);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('a.ts');
    expect(lines[0]).toContain('b.ts');
    expect(lines[0]).toContain('c.ts');
    expect(lines[0]).not.toContain('d.ts');
  });
});
