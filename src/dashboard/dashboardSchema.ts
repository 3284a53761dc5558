import * as z from "zod";

/** The monitor's dashboard (`http.dashboard`), served on its HTTP server at `/` (docs/dashboard.md). */
export const DashboardSchema = z.strictObject({
  enabled: z.boolean().default(true).describe("Serve the dashboard and its JSON API (`/`, `/api/*`) on the HTTP server."),
  refresh_seconds: z
    .number()
    .min(0.5)
    .max(3_600)
    .default(5)
    .describe("How often the dashboard looks in the reports store for windows other instances wrote; windows this instance reports appear at once."),
});
export type DashboardConfig = z.output<typeof DashboardSchema>;
export const DEFAULT_DASHBOARD: DashboardConfig = { enabled: true, refresh_seconds: 5 };
