/**
 * Files the app hands to the person and takes from them: downloads, the JSON file picker and the
 * names files get (timestamps, slugs). Shared by the app shell (scene JSON) and capture (PNG, clips).
 */

const pad = (n: number) => String(n).padStart(2, '0');

/** Local time as it goes into file names: 2026-01-31_14-05-09 (sorts, and no ':' for Windows). */
export function timeStamp(d = new Date()): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}_${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}`;
}

/** A title as a file-name part: lower case, runs of anything else as one '-', 'shot' if nothing is left. */
export function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'shot'
  );
}

export function download(blob: Blob, filename: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** Opens the browser's file picker for one JSON file and hands the chosen file on. */
export function pickJsonFile(onFile: (file: File) => void | Promise<void>): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = 'application/json,.json';
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) void onFile(file);
  });
  input.click();
}
