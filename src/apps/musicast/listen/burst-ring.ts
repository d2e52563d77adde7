/**
 * The last whole MP3 frames of a stream, at most `capacity` bytes (Icecast's burst-size), sent to a new listener at
 * once so that its player starts without waiting. Positions are stream offsets: bytes since the first frame.
 */
export class BurstRing {
  /** Frames kept, oldest first from `head`. */
  private frames: Buffer[] = [];
  private head = 0;
  private kept = 0;
  /** The frames joined, built on the first burst() after a change and shared by every listener that takes it. */
  private joined: Buffer | undefined;
  private offset = 0;

  /** `capacity`: most bytes kept, in whole frames. */
  constructor(private readonly capacity: number) {}

  /** Stream offset just past the last frame appended. */
  get end(): number {
    return this.offset;
  }

  /** Stream offset of the first byte of the burst. */
  get start(): number {
    return this.offset - this.kept;
  }

  /** Appends one whole frame (kept by reference: do not change it afterwards); drops the oldest frames over capacity. */
  append(frame: Buffer): void {
    this.offset += frame.length;
    this.frames.push(frame);
    this.kept += frame.length;
    while (this.kept > this.capacity) this.kept -= this.frames[this.head++]!.length;
    if (this.head > 64 && this.head * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.head);
      this.head = 0;
    }
    this.joined = undefined;
  }

  /** The burst: whole frames from `start` to `end`, at most capacity bytes; one Buffer shared until the next append. */
  burst(): Buffer {
    this.joined ??= Buffer.concat(this.head === 0 ? this.frames : this.frames.slice(this.head), this.kept);
    return this.joined;
  }
}
