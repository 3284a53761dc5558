import * as z from "zod";

/**
 * A file or folder path from the configuration: non-empty, without a NUL character (no file system
 * takes one, and Node refuses it with a TypeError at the first use, long after the configuration
 * was read). Relative paths in a config file are resolved against its folder (PATH_KEYS).
 */
export const FilePath = z
  .string()
  .min(1)
  .refine((s) => !s.includes("\0"), "expected a path without NUL characters");
