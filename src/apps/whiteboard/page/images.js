// Decoded images, one per image version (the model's entry is the key, so a superseded version's bitmap goes
// with it). Decoding is asynchronous: the first ask starts it, and `onReady` runs once the bitmap is there.

const decoded = new WeakMap(); // entry -> ImageBitmap | 'pending' | 'failed'

/** Counts, for the status line and tests. */
export const imageStats = { decoded: 0, failed: 0 };

/** The entry's decoded bitmap, or undefined (decoding starts now if it has not; `onReady()` when done). */
export function bitmapOf(entry, onReady) {
  const have = decoded.get(entry);
  if (have instanceof ImageBitmap) return have;
  if (have === undefined && entry.bytes) {
    decoded.set(entry, 'pending');
    createImageBitmap(new Blob([entry.bytes], { type: entry.body.mime })).then(
      (bitmap) => {
        decoded.set(entry, bitmap);
        imageStats.decoded += 1;
        onReady();
      },
      () => {
        decoded.set(entry, 'failed');
        imageStats.failed += 1;
      },
    );
  }
  return undefined;
}
