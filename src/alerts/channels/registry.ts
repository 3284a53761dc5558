import { kafkaChannels } from "./kafka/index.js";
import { logChannels } from "./log/index.js";
import { webhookChannels } from "./webhook/index.js";

/**
 * Every alert channel, one line each, in the order the alert sink sends to them. A channel is its
 * folder (its definition) plus its line here; its key sits under `alerts.channels`.
 */
export const ALERT_CHANNELS = [logChannels, webhookChannels, kafkaChannels] as const;
