import { ChannelsSchema } from "../../alertsSchema.js";
import { webhookChannel } from "../../webhookChannel.js";
import type { AlertChannelDefinition } from "../definition.js";

const Webhooks = ChannelsSchema.shape.webhooks;

/** One channel per entry of `alerts.channels.webhooks`, in list order (webhookChannel). */
export const webhookChannels = {
  kind: "alert_channel",
  name: "webhook",
  configKey: "alerts.channels.webhooks",
  schema: Webhooks,
  create: (webhooks, ctx) => webhooks.map((w, i) => webhookChannel(w, i, ctx.metrics, ctx.log)),
} as const satisfies AlertChannelDefinition<typeof Webhooks, "alerts.channels.webhooks">;
