// The protocol revisions a session-era client may ask for, as the MCP SDK v1 lists them (its
// SUPPORTED_PROTOCOL_VERSIONS). Kept here because importing the SDK's constant evaluates all of its zod
// schemas (~0.8 MB of code) before the gateway can listen (cold start); a unit test checks the two agree.

/** Every revision the SDK v1 supports, newest first (2025-11-25 … 2024-10-07). */
export const supportedProtocolVersions: readonly string[] = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'];

/** The newest of them, what the gateway asks for when it initializes a server itself (the SDK's LATEST_PROTOCOL_VERSION). */
export const latestProtocolVersion: string = supportedProtocolVersions[0]!;
