/**
 * What an image's package metadata may expand to when it is parsed (README, Safety limits). The
 * captured bytes are capped already; these bounds cover what parsing makes of them: an rpm header's
 * DIRNAMES × BASENAMES, a long site-packages prefix joined to millions of one-byte RECORD rows, a
 * JSON record of millions of values. All of them are bounded by what the image's layers hold:
 * a listed path longer than any path of the image names no file of it and is only counted; the
 * paths kept in all, their bytes, and the JSON values parsed have one budget per image, a small
 * multiple of the image's own entries and path bytes.
 */

/** Linux's PATH_MAX: no package manager installed a file through a longer path. */
const PATH_MAX = 4096;
/** The budget's floor (an image of a few files still reads every real package list). */
const FLOOR_PATHS = 1 << 16;
const FLOOR_BYTES = 4 << 20;
/** Listed paths kept per entry of the image (dpkg lists folders too; merged-/usr spellings). */
const PATHS_PER_ENTRY = 4;
/** JSON values parsed per listed path (a conda record: path, type, sha256, size … per file). */
const VALUES_PER_PATH = 16;

export interface ImageShape {
  /** Tar members over all layers. */
  readonly entries: number;
  /** Bytes of their paths. */
  readonly pathBytes: number;
  /** The longest of them. */
  readonly longest: number;
}

export class ListBudget {
  /** A listed path longer than this names no file of the image: counted, never built. */
  readonly longest: number;
  private pathsLeft: number;
  private bytesLeft: number;
  private valuesLeft: number;
  /** Whether some list was cut because the budget was spent. */
  spent = false;

  constructor(shape: ImageShape) {
    this.longest = Math.max(PATH_MAX, shape.longest);
    this.pathsLeft = FLOOR_PATHS + PATHS_PER_ENTRY * shape.entries;
    this.bytesLeft = FLOOR_BYTES + PATHS_PER_ENTRY * shape.pathBytes;
    this.valuesLeft = VALUES_PER_PATH * this.pathsLeft;
  }

  /** For a detector run outside an image (its unit tests): no bound but the path length. */
  static unbounded(): ListBudget {
    return new ListBudget({ entries: Number.MAX_SAFE_INTEGER / 64, pathBytes: Number.MAX_SAFE_INTEGER / 64, longest: 0 });
  }

  /** Takes one path of `bytes`; false once the image's budget is spent. */
  take(bytes: number): boolean {
    if (this.pathsLeft < 1 || this.bytesLeft < bytes) {
      this.spent = true;
      return false;
    }
    this.pathsLeft--;
    this.bytesLeft -= bytes;
    return true;
  }

  /** Takes `n` JSON values to be parsed; false (and nothing taken) when they would pass the budget. */
  takeValues(n: number): boolean {
    if (n > this.valuesLeft) {
      this.spent = true;
      return false;
    }
    this.valuesLeft -= n;
    return true;
  }
}

/** Why a package's list was cut, for its `attribution` and the report's warning. */
export const CUT = 'its file list passes what the image can hold (Safety limits): only the files listed before that are attributed to it';

/** One package's listed paths, built only while they can name a file and the budget lasts. */
export class Listing {
  readonly paths: string[] = [];
  /** Paths longer than any of the image: they name none of its files. */
  skipped = 0;
  cut = false;

  constructor(private readonly budget: ListBudget) {}

  /** Adds the path `build()` makes, of `length` bytes before normalising; false: stop, the budget is spent. */
  add(length: number, build: () => string): boolean {
    if (this.cut) return false;
    if (length > this.budget.longest) {
      this.skipped++;
      return true;
    }
    if (!this.budget.take(length)) {
      this.cut = true;
      return false;
    }
    this.paths.push(build());
    return true;
  }

  /** The package's fields: its paths, and why they are incomplete when they are. */
  result(): { paths: string[]; attribution?: string; limited?: true } {
    if (this.cut) return { paths: this.paths, attribution: CUT, limited: true };
    if (this.skipped > 0)
      return { paths: this.paths, attribution: `${this.skipped} of its listed paths are longer than any path of the image (they name none of its files): counted, not read`, limited: true };
    return { paths: this.paths };
  }
}

/** About how many values a JSON text holds (its separators outside strings, plus one): what JSON.parse would build. */
export function jsonValues(text: string): number {
  let n = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x2c || c === 0x3a) n++;
  }
  return n;
}

/** A package whose file list was over its detector's cap: kept, without files, and the report warns. */
export function overCap(file: string, bytes: number, cap: number): { paths: string[]; attribution: string; limited: true } {
  return { paths: [], attribution: `its ${file} (${bytes} bytes) is over the ${cap >> 20} MiB a file list may have (Safety limits): not read, its files are not attributed to it`, limited: true };
}
