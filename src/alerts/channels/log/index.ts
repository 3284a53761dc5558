import { ChannelsSchema } from "../../alertsSchema.js";
import { logChannel } from "../../logChannel.js";
import type { AlertChannelDefinition } from "../definition.js";

const LogSwitch = ChannelsSchema.shape.log;

/** Each alert as one log line (logChannel), unless `alerts.channels.log` is false. */
export const logChannels = {
  kind: "alert_channel",
  name: "log",
  configKey: "alerts.channels.log",
  schema: LogSwitch,
  create: (enabled, ctx) => (enabled ? [logChannel(ctx.log, ctx.metrics)] : []),
} as const satisfies AlertChannelDefinition<typeof LogSwitch, "alerts.channels.log">;
