/** Version of the Berth wire contract (HTTP DTOs, socket frames, command envelopes). */
export const PROTOCOL_VERSION = 1 as const;
