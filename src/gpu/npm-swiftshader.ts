/**
 * The software Vulkan driver that `npm ci` installs: @sparticuz/chromium (an optional dependency)
 * ships SwiftShader's ICD, its JSON manifest and a Vulkan loader in bin/swiftshader.tar.br. This module
 * finds that package, unpacks the three files once into a cache folder, and — when the machine has no
 * libvulkan.so.1 of its own — loads the package's loader into the process before Dawn asks for it.
 *
 * Why this package: it is the only registry package we found that ships a Linux Vulkan loader and a
 * software ICD together (3.5 MB compressed); Dawn's own npm build (`webgpu`) bundles neither, and
 * Mesa's lavapipe comes only from system packages. The same package also ships a headless Chromium
 * (bin/chromium.br), which the browser tests can use where Debian's is missing (npmChromium below).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';

const PACKAGE = '@sparticuz/chromium';

/** The files Dawn needs; the archive also holds ANGLE's libEGL/libGLESv2, which it does not. */
const NEEDED = ['libvulkan.so.1', 'libvk_swiftshader.so', 'vk_swiftshader_icd.json'] as const;

export interface NpmPackage {
  /** The package folder (…/node_modules/@sparticuz/chromium). */
  readonly root: string;
  /** The node_modules folder that holds it, where node_modules/.cache lives. */
  readonly nodeModules: string;
  readonly version: string;
}

/**
 * Finds the installed package by walking up from this file (src/gpu under vitest, dist-cli in the
 * bundled CLI) through every node_modules on the way, as Node's resolution does; null when absent.
 */
export function findNpmChromium(from = dirname(fileURLToPath(import.meta.url))): NpmPackage | null {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const nodeModules = join(dir, 'node_modules');
    const root = join(nodeModules, PACKAGE);
    if (existsSync(join(root, 'package.json'))) {
      try {
        const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
          version: string;
        };
        return { root, nodeModules, version };
      } catch {
        return null;
      }
    }
    if (dirname(dir) === dir) return null;
  }
}

/** Cache folders in order of preference: next to the package, then the user's cache, then /tmp. */
export function cacheRoots(pkg: NpmPackage): string[] {
  const xdg = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return [
    join(pkg.nodeModules, '.cache', 'occam-lens'),
    join(xdg, 'occam-lens'),
    join(tmpdir(), 'occam-lens-cache'),
  ];
}

/** Regular files of a POSIX (ustar) tar archive, by name; enough for the package's flat archives. */
export function untar(tar: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const text = (start: number, length: number) =>
    tar.toString('latin1', start, start + length).replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= tar.length; ) {
    const name = text(at, 100);
    if (name === '') break; // the two zero blocks that end the archive
    const size = Number.parseInt(text(at + 124, 12).trim() || '0', 8);
    const type = text(at + 156, 1);
    const prefix = text(at + 345, 155);
    if (!Number.isFinite(size)) throw new Error(`malformed tar header for ${name}`);
    if (type === '' || type === '0') {
      files.set(
        (prefix ? `${prefix}/${name}` : name).replace(/^\.\//, ''),
        tar.subarray(at + 512, at + 512 + size),
      );
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/**
 * Publishes `make(tmp)`'s folder at `target` atomically: each process fills a private temporary folder
 * and renames it into place, so a reader sees either no folder or a complete one. Parallel test
 * processes may both unpack (a fraction of a second each); the first rename wins and the loser discards
 * its copy. Unlike a lock file, nothing is left behind to go stale when a process is killed mid-way.
 */
export function publishOnce(target: string, make: (tmp: string) => void): string {
  if (existsSync(target)) return target;
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  mkdirSync(tmp);
  try {
    make(tmp);
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    // Another process published first: its folder is complete, ours was redundant.
    if (!existsSync(target)) throw err;
  }
  return target;
}

export interface NpmSwiftShader {
  /** The folder holding libvulkan.so.1, libvk_swiftshader.so and vk_swiftshader_icd.json. */
  readonly dir: string;
  readonly icd: string;
  readonly loader: string;
  readonly version: string;
}

/** The unpacked driver, unpacking it on first use; null when the package is not installed. */
export function npmSwiftShader(): NpmSwiftShader | null {
  const pkg = findNpmChromium();
  if (!pkg) return null;
  const archive = join(pkg.root, 'bin', 'swiftshader.tar.br');
  if (!existsSync(archive)) return null;
  const stamp = `swiftshader-${pkg.version}-${statSync(archive).size}`;
  let lastError: unknown;
  for (const root of cacheRoots(pkg)) {
    try {
      const dir = publishOnce(join(root, stamp), (tmp) => {
        const files = untar(brotliDecompressSync(readFileSync(archive)));
        for (const name of NEEDED) {
          const data = files.get(name);
          if (!data) throw new Error(`${archive} has no ${name}`);
          writeFileSync(join(tmp, name), data, { mode: name.endsWith('.json') ? 0o644 : 0o755 });
        }
      });
      return {
        dir,
        icd: join(dir, 'vk_swiftshader_icd.json'),
        loader: join(dir, 'libvulkan.so.1'),
        version: pkg.version,
      };
    } catch (err) {
      lastError = err; // read-only folder: try the next cache root
    }
  }
  throw new Error(
    `could not unpack ${archive}: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
  );
}

/**
 * The package's headless Chromium (chrome-headless-shell), unpacked once beside its SwiftShader files,
 * since Chromium loads libvulkan.so.1 and libvk_swiftshader.so from its own folder; null when the
 * package is not installed. The archive is 60 MB of brotli: the first call takes a few seconds.
 */
export function npmChromium(): string | null {
  const pkg = findNpmChromium();
  if (!pkg) return null;
  const bin = join(pkg.root, 'bin');
  if (!existsSync(join(bin, 'chromium.br')) || !existsSync(join(bin, 'swiftshader.tar.br'))) return null;
  const stamp = `chromium-2-${pkg.version}-${statSync(join(bin, 'chromium.br')).size}`;
  let lastError: unknown;
  for (const root of cacheRoots(pkg)) {
    try {
      const dir = publishOnce(join(root, stamp), (tmp) => {
        writeFileSync(join(tmp, 'chromium'), brotliDecompressSync(readFileSync(join(bin, 'chromium.br'))), {
          mode: 0o755,
        });
        for (const [name, data] of untar(
          brotliDecompressSync(readFileSync(join(bin, 'swiftshader.tar.br'))),
        )) {
          writeFileSync(join(tmp, name), data, { mode: name.endsWith('.json') ? 0o644 : 0o755 });
        }
        // NSS, NSPR and expat, which the browser links and a minimal machine may lack (lib/…, used
        // only through npmChromiumEnv when the system has none).
        const al2023 = join(bin, 'al2023.tar.br');
        if (existsSync(al2023)) {
          mkdirSync(join(tmp, 'lib'));
          for (const [name, data] of untar(brotliDecompressSync(readFileSync(al2023)))) {
            if (name.startsWith('lib/') && !name.slice(4).includes('/'))
              writeFileSync(join(tmp, name), data, { mode: 0o755 });
          }
        }
      });
      return join(dir, 'chromium');
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(
    `could not unpack ${join(bin, 'chromium.br')}: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
  );
}

/** Libraries the package's Chromium links that are not part of glibc. */
const CHROMIUM_LIBS = [
  'libnss3.so',
  'libnssutil3.so',
  'libnspr4.so',
  'libplc4.so',
  'libplds4.so',
  'libexpat.so.1',
];

/**
 * The environment to launch npmChromium()'s browser with: the system's libraries where it has them
 * all, else the package's copies first on LD_LIBRARY_PATH (read by ld.so at exec, so it must be set
 * for the child process, not ours).
 */
export function npmChromiumEnv(executable: string): NodeJS.ProcessEnv {
  const lib = join(dirname(executable), 'lib');
  if (!existsSync(lib) || CHROMIUM_LIBS.every(systemHasLibrary)) return { ...process.env };
  const path = process.env.LD_LIBRARY_PATH;
  return { ...process.env, LD_LIBRARY_PATH: path ? `${lib}:${path}` : lib };
}

/** Whether npmChromium() can give a browser (the package and its archive are installed); cheap. */
export function haveNpmChromium(): boolean {
  const pkg = findNpmChromium();
  return pkg !== null && existsSync(join(pkg.root, 'bin', 'chromium.br'));
}

// glibc's RTLD_NODELETE; Node's os.constants.dlopen does not list it.
const RTLD_LAZY = 1;
const RTLD_NOW = 2;
const RTLD_GLOBAL = 0x100;
const RTLD_NODELETE = 0x1000;

/** Whether the dynamic linker finds a `libvulkan.so.1` of the system's (ld.so.cache, LD_LIBRARY_PATH). */
export function systemVulkanLoader(): boolean {
  return systemHasLibrary('libvulkan.so.1');
}

/**
 * Whether the dynamic linker finds library `name` on the system. process.dlopen on a library that is
 * not a Node addon fails either way; the message tells whether the file was found ("did not
 * self-register") or not ("cannot open shared object file").
 */
export function systemHasLibrary(name: string): boolean {
  try {
    process.dlopen({ exports: {} }, name, RTLD_LAZY);
    return true;
  } catch (err) {
    return !/cannot open shared object file|No such file/.test(
      err instanceof Error ? err.message : String(err),
    );
  }
}

/**
 * Loads `loader` into the process for good (RTLD_NODELETE survives Node's dlclose after its "not an
 * addon" error), so Dawn's later dlopen("libvulkan.so.1") resolves to it by soname. This is why no
 * LD_LIBRARY_PATH and no re-exec of the process is needed: it works inside vitest workers too.
 */
export function preloadVulkanLoader(loader: string): void {
  try {
    process.dlopen({ exports: {} }, loader, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!/did not self-register/.test(message)) throw new Error(`could not load ${loader}: ${message}`);
  }
}
