/**
 * Issue 17's GPU benchmark kit, end to end at its --smoke sizes: scripts/gpu-kit.mjs assembles the
 * folder outside the repository (so nothing resolves from the repository's node_modules), and its
 * run.sh prints one table with the device name and writes it to --out. Rates are not judged (no
 * timing is asserted); each must be a positive number, never NaN.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the GPU benchmark kit', () => {
  it('assembles a self-contained folder whose run.sh --smoke prints and writes one table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'occam-gpu-kit-'));
    const kit = join(dir, 'kit');
    execFileSync(process.execPath, ['scripts/gpu-kit.mjs', '--out', kit], { stdio: 'pipe' });
    const r = spawnSync('sh', [join(kit, 'run.sh'), '--smoke', '--out', join(dir, 'results')], {
      encoding: 'utf8',
      cwd: dir,
      timeout: 540_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Occam Lens GPU benchmark \(--smoke sizes\) on .+ via .+, Node v\d+/);
    const files = readdirSync(join(dir, 'results'));
    expect(files).toHaveLength(1);
    const table = readFileSync(join(dir, 'results', files[0]), 'utf8');
    expect(r.stdout).toContain(table.trim());
    const rows = table.split('\n').filter((l) => /^\| (engine|models|randnet|ladder) /.test(l));
    const parts = rows.map((l) => l.split('|')[1].trim());
    expect(parts.filter((p) => p === 'engine')).toHaveLength(4); // ULA and MALA at 2^10 and 2^12
    expect(parts.filter((p) => p === 'models')).toHaveLength(2);
    expect(parts).toContain('randnet');
    expect(parts).toContain('ladder');
    for (const l of rows) {
      const rate = l.split('|')[4].trim();
      const m = /^([\d.]+) (G|M|k|)\/s/.exec(rate);
      expect(m, l).not.toBeNull();
      expect(Number(m?.[1])).toBeGreaterThan(0);
    }
  }, 600_000);
});
