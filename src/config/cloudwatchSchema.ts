import * as z from "zod";

/** The `cloudwatch` section (issue 5, in progress). */
export const CloudWatchSchema = z.strictObject({});

export type CloudWatchConfig = z.output<typeof CloudWatchSchema>;
