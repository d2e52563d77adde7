// The types of body-rules.js (plain JavaScript, loaded as it is by the pages), for the server's TypeScript.

/** Kind name -> the kind byte an ADU carries. */
export declare const KIND_CODES: { readonly slide: 1; readonly text: 2; readonly stroke: 3; readonly rect: 4; readonly image: 5; readonly deleted: 6; readonly current: 7 };

/** One kind's name. */
export type KindName = keyof typeof KIND_CODES;

/** The logical slide canvas, CSS px at scale 1 (every page draws at this size). */
export declare const CANVAS: { readonly width: 1600; readonly height: 900 };

/** Largest absolute coordinate (and width or height) a body may carry, logical px. */
export declare const MAX_COORD: number;

/** Longest slide title, UTF-16 code units. */
export declare const MAX_TITLE_CHARS: number;

/** Longest text object, UTF-16 code units. */
export declare const MAX_TEXT_CHARS: number;

/** Most points in one stroke. */
export declare const MAX_STROKE_POINTS: number;

/** Largest image file an `image` object carries, bytes. */
export declare const MAX_IMAGE_BYTES: number;

/** The image types an `image` object may name. */
export declare const IMAGE_MIMES: readonly string[];

/** Where in a body a problem is (keys and array indexes, outermost first) and what it is. */
export interface BodyProblem {
  /** Path segments inside the body: `['points', 3, 0]`; empty for the body itself. */
  readonly path: readonly (string | number)[];
  /** The problem, `not a number`. */
  readonly problem: string;
}

/** The kind's name for kind byte `code`, or undefined for a byte with no meaning. */
export declare function kindName(code: number): KindName | undefined;

/** Formats a body path: `points[3][0]`, `x`; prefixed by `base` (`slides[0].objects[1].body`) when given. */
export declare function formatBodyPath(path: readonly (string | number)[], base?: string): string;

/** The first problem of `body` as a `kind` body, `x: not a number` (path relative to the body), or undefined when valid. */
export declare function checkBody(kind: string, body: unknown): string | undefined;

/** The first problem of `body` as a `kind` body with its path, or undefined when valid. */
export declare function findBodyProblem(kind: string, body: unknown): BodyProblem | undefined;
