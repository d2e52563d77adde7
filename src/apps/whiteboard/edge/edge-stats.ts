/** What the whiteboard edge of a node did, for `/metrics`: refusals by code, ADUs, images adapted for small devices. */

/** Counters of one node's whiteboard (every presentation together). */
export class WhiteboardStats {
  /** Browser messages, connections and network ADUs refused, by ERR_WB_* code. */
  readonly refusals = new Map<string, number>();
  /** Whole ADUs this node's presenters and decks published. */
  adusOut = 0;
  /** Whole ADUs the module delivered here. */
  adusIn = 0;
  /** Delivered ADUs dropped for carrying a version at or below the one held (this node's own among them). */
  stale = 0;
  /** Images sent to small devices transcoded (2-bit grayscale PNG). */
  imagesTranscoded = 0;
  /** Bytes small devices were spared: original minus transcoded, summed over the images sent to them. */
  bytesSaved = 0;
  /** Images sent to a small device in the original because the transcode was refused. */
  transcodeFailures = 0;

  /** Counts one refusal of `code`. */
  refuse(code: string): void {
    this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
  }
}
