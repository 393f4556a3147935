/** Agent software version reported in `agent:hello` and at enrollment. */
export const AGENT_VERSION = '0.1.0';
