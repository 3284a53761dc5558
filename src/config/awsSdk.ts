/**
 * The AWS SDK for JavaScript v3 prints a NodeVersionSupportWarning on Node < 22 because SDK
 * versions published after early January 2027 will need Node 22. dqstream pins a range that
 * supports Node 20 (package.json), so the warning only adds noise to every run's stderr; the SDK's
 * own switch turns it off unless the user set it. Called by each AWS adapter before it makes a client.
 */
export function quietAwsSdkNodeWarning(): void {
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
}
