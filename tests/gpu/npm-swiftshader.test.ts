/** The npm SwiftShader's unpacking: the archive reader and the publish-once folder that parallel processes share. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  findNpmChromium,
  npmSwiftShader,
  publishOnce,
  systemHasLibrary,
  untar,
} from '../../src/gpu/npm-swiftshader';

describe('the npm SwiftShader', () => {
  it('is installed by npm ci and its archive holds the loader, the ICD and its manifest', () => {
    const pkg = findNpmChromium();
    expect(pkg, '@sparticuz/chromium (optional dependency) is not installed').not.toBeNull();
    if (!pkg) return;
    const files = untar(brotliDecompressSync(readFileSync(join(pkg.root, 'bin', 'swiftshader.tar.br'))));
    expect([...files.keys()]).toEqual(
      expect.arrayContaining(['libvulkan.so.1', 'libvk_swiftshader.so', 'vk_swiftshader_icd.json']),
    );
    // ELF magic: whole files, not headers or padding.
    expect(files.get('libvulkan.so.1')?.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    const manifest = JSON.parse(files.get('vk_swiftshader_icd.json')?.toString('utf8') ?? '');
    expect(manifest.ICD.library_path).toBe('./libvk_swiftshader.so');
  });

  it('unpacks into a cache folder whose files equal the archive members', () => {
    const ss = npmSwiftShader();
    expect(ss).not.toBeNull();
    if (!ss) return;
    const pkg = findNpmChromium();
    const files = untar(
      brotliDecompressSync(readFileSync(join(pkg?.root ?? '', 'bin', 'swiftshader.tar.br'))),
    );
    expect(readFileSync(ss.loader).equals(files.get('libvulkan.so.1') as Buffer)).toBe(true);
    expect(existsSync(ss.icd)).toBe(true);
    expect(npmSwiftShader()?.dir).toBe(ss.dir); // a second call reuses the folder
  });
});

describe('systemHasLibrary (the probe that decides whether the npm Vulkan loader stands in)', () => {
  it('finds glibc and not a library that no system has', () => {
    expect(systemHasLibrary('libc.so.6')).toBe(true);
    expect(systemHasLibrary('libocclens-no-such-library.so.9')).toBe(false);
  });
});

describe('publishOnce', () => {
  const base = () => mkdtempSync(join(tmpdir(), 'occam-publish-'));

  it('makes the folder once and never calls make again', () => {
    const target = join(base(), 'a', 'b');
    let calls = 0;
    const make = (tmp: string) => {
      calls++;
      writeFileSync(join(tmp, 'f'), 'x');
    };
    expect(publishOnce(target, make)).toBe(target);
    expect(publishOnce(target, make)).toBe(target);
    expect(calls).toBe(1);
    expect(readFileSync(join(target, 'f'), 'utf8')).toBe('x');
  });

  it('loses a race cleanly: another process published while we unpacked', () => {
    const dir = base();
    const target = join(dir, 'pub');
    const got = publishOnce(target, (tmp) => {
      // The rival's complete folder appears first; our rename then fails and our copy is discarded.
      publishOnce(target, (t) => writeFileSync(join(t, 'who'), 'rival'));
      writeFileSync(join(tmp, 'who'), 'us');
    });
    expect(got).toBe(target);
    expect(readFileSync(join(target, 'who'), 'utf8')).toBe('rival');
    expect(readdirSync(dir)).toEqual(['pub']); // no temporary folder left behind
  });

  it('passes a failure on when nothing was published', () => {
    const dir = base();
    expect(() =>
      publishOnce(join(dir, 'x'), () => {
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(readdirSync(dir)).toEqual([]);
  });
});
