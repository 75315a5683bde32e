import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(process.cwd(), 'scripts/check-layers.mjs');
const check = (root: string) => spawnSync(process.execPath, [script, root], { encoding: 'utf8' });

/** A tiny tree with src/core, src/scene and src/app, wired as `imports` says. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('layers', () => {
  it('src keeps them', () => {
    const r = check(process.cwd());
    expect(r.stdout + r.stderr).toMatch(/layers hold for \d+ modules/);
    expect(r.status).toBe(0);
  });

  it('a downward tree passes', () => {
    const dir = tree({
      'src/core/a.ts': 'export const a = 1;\n',
      'src/scene/s.ts': "import { a } from '../core/a';\nexport const s = a;\n",
      'src/app/lab.ts': "import { s } from '../scene/s';\nexport const lab = s;\n",
      'src/app/main.ts': "import { lab } from './lab';\nexport const m = lab;\n",
    });
    expect(check(dir).status).toBe(0);
  });

  it('finds core importing the scene, a type-only import of the frame loop, and three.js in the GPU room', () => {
    const dir = tree({
      'src/core/a.ts': "import { s } from '../scene/s';\nexport const a = s;\n",
      'src/scene/s.ts': 'export const s = 1;\n',
      'src/app/lab.ts': 'export type Lab = number;\n',
      'src/app/ui/hud.ts': "import type { Lab } from '../lab';\nexport const h: Lab = 1;\n",
      'src/gpu/k.ts': "import * as THREE from 'three/webgpu';\nexport const k = THREE;\n",
    });
    const r = check(dir);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n').sort();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^layer: src\/app\/ui\/hud imports src\/app\/lab /);
    expect(lines[1]).toMatch(/^layer: src\/core\/a imports src\/scene\/s /);
    expect(lines[2]).toMatch(/^layer: src\/gpu\/k imports three /);
  });
});
