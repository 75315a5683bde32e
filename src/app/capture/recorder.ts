/**
 * Clip recorder: WebCodecs `VideoEncoder` → mediabunny muxer (MP4 with H.264, WebM with VP9) → a sink
 * that receives positioned writes (a memory buffer with a cap, a File System Access stream, or the
 * headless driver's pipe). Frames are added from a 2-D canvas that already holds the composed frame.
 *
 * mediabunny is the maintained successor of mp4-muxer/webm-muxer (both deprecated in its favour): it
 * takes encoded chunks as they come, writes through a stream target, and finalises either container.
 */
import {
  EncodedPacket,
  EncodedVideoPacketSource,
  Mp4OutputFormat,
  Output,
  StreamTarget,
  type StreamTargetChunk,
  WebMOutputFormat,
} from 'mediabunny';

export type Container = 'mp4' | 'webm';

/** Where the file bytes go. Writes may land at earlier positions (the MP4 header is patched at the end). */
export interface ClipSink {
  readonly kind: string;
  write(data: Uint8Array, position: number): void | Promise<void>;
  /** The file is complete. A memory sink returns it as a Blob; streaming sinks return null. */
  close(mime: string): Promise<Blob | null>;
  /** No file: discard what was written. */
  abort(): Promise<void>;
  /** Bytes held in memory by this sink (0 for streaming sinks). */
  readonly heldBytes: number;
  /** Bytes the muxer gathers before each write (default MUX_CHUNK_BYTES). */
  readonly chunkBytes?: number;
}

/** The muxer's write size for streaming sinks: few, large writes to the file. */
export const MUX_CHUNK_BYTES = 4 * 1024 * 1024;

/** Default cap for in-memory recordings when File System Access is unavailable. */
export const MEMORY_CAP_BYTES = 1024 * 1024 * 1024;

/** 1.5 KiB, 64 MiB, 1 GiB: a byte count for messages. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let u = 0;
  let v = bytes;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : Number(v.toPrecision(3))} ${units[u]}`;
}

/**
 * Holds the file in memory, in the chunks the muxer wrote, up to a cap. The cap is soft on purpose:
 * every write is kept (dropping one would corrupt the file), the recorder checks `full` between frames
 * and stops, and finalising adds only the index. Chunks are at most 1/16 of the cap (≥ 1 KiB, mediabunny's
 * minimum), so the cap is noticed within a sixteenth of it.
 */
export class MemorySink implements ClipSink {
  readonly kind = 'memory';
  private readonly parts: { data: Uint8Array; position: number }[] = [];
  private bytes = 0;
  readonly chunkBytes: number;
  constructor(readonly capBytes = MEMORY_CAP_BYTES) {
    if (!(capBytes > 0)) throw new RangeError(`the memory cap must be positive, got ${capBytes}`);
    this.chunkBytes = Math.max(1024, Math.min(MUX_CHUNK_BYTES, Math.floor(capBytes / 16)));
  }
  get heldBytes(): number {
    return this.bytes;
  }
  /** The cap is reached: record no further frame. */
  get full(): boolean {
    return this.bytes >= this.capBytes;
  }
  /** What the user is told when a recording stops at the cap. */
  get fullMessage(): string {
    return (
      `The in-memory recording reached its cap of ${formatBytes(this.capBytes)}: stopped and kept the frames so far. ` +
      'Choose a file (File System Access) to record longer clips.'
    );
  }
  write(data: Uint8Array, position: number): void {
    this.parts.push({ data: data.slice(), position });
    this.bytes += data.byteLength;
  }
  async close(mime: string): Promise<Blob> {
    let size = 0;
    for (const p of this.parts) size = Math.max(size, p.position + p.data.byteLength);
    const out = new Uint8Array(size);
    for (const p of this.parts) out.set(p.data, p.position);
    this.parts.length = 0;
    return new Blob([out], { type: mime });
  }
  async abort(): Promise<void> {
    this.parts.length = 0;
    this.bytes = 0;
  }
}

/** Streams to a file chosen with the File System Access API (Chromium): memory stays flat. */
export class FileSystemSink implements ClipSink {
  readonly kind = 'file';
  readonly heldBytes = 0;
  private constructor(
    private readonly handle: FileSystemFileHandle,
    private readonly writable: FileSystemWritableFileStream,
  ) {}
  static async create(handle: FileSystemFileHandle): Promise<FileSystemSink> {
    return new FileSystemSink(handle, await handle.createWritable());
  }
  async write(data: Uint8Array, position: number): Promise<void> {
    await this.writable.write({ type: 'write', position, data: data as Uint8Array<ArrayBuffer> });
  }
  async close(): Promise<null> {
    await this.writable.close();
    return null;
  }
  async abort(): Promise<void> {
    await this.writable.abort().catch(() => {});
    await (this.handle as FileSystemFileHandle & { remove?: () => Promise<void> }).remove?.().catch(() => {});
  }
}

interface CodecChoice {
  readonly container: Container;
  /** mediabunny's codec name. */
  readonly codec: 'avc' | 'vp9' | 'vp8';
  /** The WebCodecs codec string actually configured. */
  readonly codecString: string;
}

const CANDIDATES: Record<Container, { codec: CodecChoice['codec']; strings: string[] }[]> = {
  // High profile at levels 4.0 (1080p), 5.0, 5.1 (4K); Main 4.0 as a last resort.
  mp4: [{ codec: 'avc', strings: ['avc1.640028', 'avc1.640032', 'avc1.640033', 'avc1.4D0028'] }],
  webm: [
    { codec: 'vp9', strings: ['vp09.00.41.08', 'vp09.00.51.08'] },
    { codec: 'vp8', strings: ['vp8'] },
  ],
};

function encoderConfig(codecString: string, width: number, height: number, fps: number): VideoEncoderConfig {
  // ~0.12 bits per pixel per frame, at least 2 Mb/s: sharp edges on dark backgrounds stay clean.
  const bitrate = Math.max(2e6, Math.round(width * height * fps * 0.12));
  return {
    codec: codecString,
    width,
    height,
    bitrate,
    framerate: fps,
    latencyMode: 'quality',
    ...(codecString.startsWith('avc1') ? { avc: { format: 'avc' } } : {}),
  } as VideoEncoderConfig;
}

/** The first supported codec for the container, else the other container's (with a message). */
export async function chooseCodec(
  container: Container,
  width: number,
  height: number,
  fps: number,
): Promise<CodecChoice & { message?: string }> {
  if (typeof VideoEncoder === 'undefined')
    throw new Error('this browser has no WebCodecs VideoEncoder: recording needs Chrome, Edge or Safari 17+');
  const tryContainer = async (c: Container): Promise<CodecChoice | null> => {
    for (const cand of CANDIDATES[c]) {
      for (const s of cand.strings) {
        const r = await VideoEncoder.isConfigSupported(encoderConfig(s, width, height, fps)).catch(
          () => null,
        );
        if (r?.supported) return { container: c, codec: cand.codec, codecString: s };
      }
    }
    return null;
  };
  const first = await tryContainer(container);
  if (first) {
    const preferred = CANDIDATES[container][0].codec;
    return first.codec === preferred
      ? first
      : {
          ...first,
          message: `${preferred.toUpperCase()} is not available here; recording ${first.codec.toUpperCase()} instead.`,
        };
  }
  const other: Container = container === 'mp4' ? 'webm' : 'mp4';
  const second = await tryContainer(other);
  if (!second)
    throw new Error(
      `no supported video encoder for ${width}×${height} at ${fps} fps (tried H.264, VP9, VP8)`,
    );
  return {
    ...second,
    message: `${container === 'mp4' ? 'H.264 (MP4)' : 'VP9 (WebM)'} encoding is not supported for ${width}×${height} here; recording ${second.container.toUpperCase()} (${second.codec.toUpperCase()}) instead.`,
  };
}

export interface RecorderOptions {
  readonly container: Container;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Seconds between key frames (default 2). */
  readonly keyInterval?: number;
}

/** Encodes frames and muxes them into a sink. One recorder makes one file. */
export class ClipRecorder {
  frames = 0;
  private error: Error | null = null;
  private muxChain: Promise<void> = Promise.resolve();
  private finished = false;
  private firstMeta = true;

  private constructor(
    readonly choice: CodecChoice & { message?: string },
    readonly options: RecorderOptions,
    private readonly sink: ClipSink,
    private readonly output: Output,
    private readonly source: EncodedVideoPacketSource,
    private readonly encoder: VideoEncoder,
  ) {}

  static async create(options: RecorderOptions, sink: ClipSink): Promise<ClipRecorder> {
    const { width, height, fps } = options;
    if (width % 2 !== 0 || height % 2 !== 0)
      throw new Error(`frame size must be even, got ${width}×${height}`);
    const choice = await chooseCodec(options.container, width, height, fps);
    const writable = new WritableStream<StreamTargetChunk>({
      write: (chunk) => sink.write(chunk.data, chunk.position),
    });
    const output = new Output({
      format: choice.container === 'mp4' ? new Mp4OutputFormat({ fastStart: false }) : new WebMOutputFormat(),
      target: new StreamTarget(writable, { chunked: true, chunkSize: sink.chunkBytes ?? MUX_CHUNK_BYTES }),
    });
    const source = new EncodedVideoPacketSource(choice.codec);
    output.addVideoTrack(source, { frameRate: fps });
    await output.start();
    let rec: ClipRecorder | null = null;
    const encoder = new VideoEncoder({
      output: (chunk, meta) => rec?.onChunk(chunk, meta),
      error: (e) => {
        if (rec) rec.error ??= e instanceof Error ? e : new Error(String(e));
      },
    });
    encoder.configure(encoderConfig(choice.codecString, width, height, fps));
    rec = new ClipRecorder({ ...choice }, options, sink, output, source, encoder);
    return rec;
  }

  get container(): Container {
    return this.choice.container;
  }
  get mimeType(): string {
    return this.choice.container === 'mp4' ? 'video/mp4' : 'video/webm';
  }
  get heldBytes(): number {
    return this.sink.heldBytes;
  }
  get failed(): Error | null {
    return this.error;
  }

  private onChunk(chunk: EncodedVideoChunk, meta: EncodedVideoChunkMetadata | undefined): void {
    const packet = EncodedPacket.fromEncodedChunk(chunk);
    const m = this.firstMeta ? meta : undefined;
    this.firstMeta = false;
    this.muxChain = this.muxChain
      .then(() => this.source.add(packet, m))
      .catch((e) => {
        this.error ??= e as Error;
      });
  }

  /**
   * Encodes the canvas's current pixels as frame number `index` (timestamp index/fps), or at an
   * explicit timestamp in microseconds (real-time mode). Synchronous: safe inside a render task.
   */
  addFrameSync(canvas: HTMLCanvasElement | OffscreenCanvas, index: number, timestampUs?: number): void {
    if (this.error) throw this.error;
    const fps = this.options.fps;
    const ts = timestampUs ?? Math.round((index * 1e6) / fps);
    const frame = new VideoFrame(canvas, {
      timestamp: ts,
      duration: Math.round(1e6 / fps),
      alpha: 'discard',
    });
    const keyEvery = Math.max(1, Math.round((this.options.keyInterval ?? 2) * fps));
    try {
      this.encoder.encode(frame, { keyFrame: this.frames % keyEvery === 0 });
    } finally {
      frame.close();
    }
    this.frames++;
  }

  /** Frames waiting in the encoder. */
  get queued(): number {
    return this.encoder.encodeQueueSize;
  }

  /** Waits until at most `max` frames are waiting in the encoder and the muxer has caught up. */
  async drain(max = 2): Promise<void> {
    while (this.encoder.encodeQueueSize > max && !this.error && this.encoder.state === 'configured') {
      await new Promise<void>((ok) => this.encoder.addEventListener('dequeue', () => ok(), { once: true }));
    }
    await this.muxChain;
    if (this.error) throw this.error;
  }

  /** Flushes and finalises a playable file of every frame added. Returns the Blob (memory sink) or null. */
  async finish(): Promise<Blob | null> {
    if (this.finished) throw new Error('recorder already finished');
    this.finished = true;
    if (this.frames === 0) {
      await this.abort();
      return null;
    }
    await this.encoder.flush();
    this.encoder.close();
    await this.muxChain;
    if (this.error) {
      await this.discard();
      throw this.error;
    }
    await this.output.finalize();
    return this.sink.close(this.mimeType);
  }

  /** Leaves no file. */
  async abort(): Promise<void> {
    this.finished = true;
    if (this.encoder.state !== 'closed') this.encoder.close();
    await this.discard();
  }

  private async discard(): Promise<void> {
    await this.output.cancel().catch(() => {});
    await this.sink.abort();
  }
}
