import * as z from "zod";
import { path } from "../components/Component.js";

/**
 * A file or folder path from the configuration: non-empty, without a NUL character (no file system
 * takes one, and Node refuses it with a TypeError at the first use, long after the configuration
 * was read). Marked as a path: relative paths in a config file are resolved against its folder
 * (readConfigFileResolved), wherever the schema uses it.
 */
export const FilePath = path(
  z
    .string()
    .min(1)
    .refine((s) => !s.includes("\0"), "expected a path without NUL characters"),
);
