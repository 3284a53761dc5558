import * as z from "zod";

/** The `alerts` section (issue 5, in progress). */
export const AlertsSchema = z.strictObject({});

export type AlertsConfig = z.output<typeof AlertsSchema>;
