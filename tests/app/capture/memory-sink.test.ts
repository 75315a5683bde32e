/**
 * The in-memory clip sink's cap (src/app/capture/recorder.ts): a parameter, reported in readable units,
 * reached within a sixteenth of itself (the muxer's chunk size follows the cap), and soft — every
 * byte written is kept at its position, so the file the recorder finalises after stopping is whole.
 * The browser side (a real recording stopping at a small cap, decoded by ffprobe) is in
 * tests/app/e2e/capture.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  MEMORY_CAP_BYTES,
  MemorySink,
  MUX_CHUNK_BYTES,
} from '../../../src/app/capture/recorder';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('MemorySink', () => {
  it('defaults to the stated 1 GiB cap with 4 MiB muxer chunks', () => {
    const sink = new MemorySink();
    expect(sink.capBytes).toBe(MEMORY_CAP_BYTES);
    expect(MEMORY_CAP_BYTES).toBe(2 ** 30);
    expect(sink.chunkBytes).toBe(MUX_CHUNK_BYTES);
    expect(sink.fullMessage).toContain('cap of 1 GiB');
  });

  it('takes the cap as a parameter and scales the chunk size to it (≥ 1 KiB)', () => {
    expect(new MemorySink(64 * 1024).chunkBytes).toBe(4 * 1024);
    expect(new MemorySink(4096).chunkBytes).toBe(1024);
    expect(() => new MemorySink(0)).toThrow(/cap must be positive/);
    expect(() => new MemorySink(Number.NaN)).toThrow(/cap must be positive/);
  });

  it('is full once the bytes written reach the cap, says so clearly, and keeps a whole file', async () => {
    const cap = 10_000;
    const sink = new MemorySink(cap);
    // A muxer's pattern: a placeholder header, then media data in chunks…
    sink.write(bytes(100, 0), 0);
    sink.write(bytes(4000, 1), 100);
    expect(sink.full).toBe(false);
    sink.write(bytes(4000, 2), 4100);
    expect(sink.full).toBe(false);
    expect(sink.heldBytes).toBe(8100);
    // …one more chunk crosses the cap: nothing is refused (that would corrupt the file)…
    sink.write(bytes(4000, 3), 8100);
    expect(sink.full).toBe(true);
    expect(sink.heldBytes).toBe(12_100);
    expect(sink.fullMessage).toBe(
      'The in-memory recording reached its cap of 9.77 KiB: stopped and kept the frames so far. ' +
        'Choose a file (File System Access) to record longer clips.',
    );
    // …and finalising appends the index and patches the header in place.
    sink.write(bytes(50, 4), 12_100);
    sink.write(bytes(100, 5), 0);
    const blob = await sink.close('video/mp4');
    expect(blob.type).toBe('video/mp4');
    const out = new Uint8Array(await blob.arrayBuffer());
    expect(out.length).toBe(12_150);
    const expected = new Uint8Array(12_150);
    expected.fill(5, 0, 100);
    expected.fill(1, 100, 4100);
    expected.fill(2, 4100, 8100);
    expected.fill(3, 8100, 12_100);
    expected.fill(4, 12_100);
    expect(out).toEqual(expected);
  });

  it('copies what it is given (the muxer reuses its chunk buffer) and forgets everything on abort', async () => {
    const sink = new MemorySink(1 << 20);
    const chunk = bytes(8, 7);
    sink.write(chunk, 0);
    chunk.fill(9);
    expect(new Uint8Array(await (await sink.close('video/webm')).arrayBuffer())).toEqual(bytes(8, 7));
    sink.write(bytes(8, 1), 0);
    await sink.abort();
    expect(sink.heldBytes).toBe(0);
    expect(sink.full).toBe(false);
  });

  it('formats byte counts for messages', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(64 * 1024)).toBe('64 KiB');
    expect(formatBytes(1.5 * 2 ** 20)).toBe('1.5 MiB');
    expect(formatBytes(2 ** 30)).toBe('1 GiB');
  });
});
