import * as z from "zod";

/**
 * The `s3` section: how dqstream reaches S3 when a location is an `s3://bucket/prefix` URI
 * (reports_dir, baseline.statistics, baseline.constraints). Credentials come from the AWS SDK's
 * default chain (environment, shared files, SSO, web identity, ECS/EC2 metadata). Absent: the
 * defaults below.
 */
export const S3Schema = z.strictObject({
  region: z
    .string()
    .regex(/^[a-z0-9-]+$/, "expected a region name such as us-east-1")
    .optional()
    .describe("AWS region of the buckets (default: the SDK's chain: AWS_REGION, then the shared config profile)."),
  endpoint_url: z
    .url({ protocol: /^https?$/, error: "expected an http(s) URL" })
    .optional()
    .describe(
      "Endpoint override: a VPC endpoint, an S3-compatible store or an emulator (default: the region's public endpoint; AWS_ENDPOINT_URL_S3 also works).",
    ),
  force_path_style: z
    .boolean()
    .optional()
    .describe("Address buckets as `<endpoint>/<bucket>/…` instead of `<bucket>.<endpoint>/…` (default: true with endpoint_url, else false)."),
  request_timeout_ms: z.number().int().min(100).max(600_000).default(30_000).describe("One S3 request attempt is abandoned after this long."),
  max_attempts: z
    .number()
    .int()
    .min(1)
    .max(20)
    .default(3)
    .describe("Attempts per S3 request, the first included (the SDK's standard retry: throttling, 5xx, timeouts, network errors)."),
});

export type S3Config = z.output<typeof S3Schema>;

/** The section's values when the config has no `s3` section. */
export const DEFAULT_S3_CONFIG: S3Config = S3Schema.parse({});
