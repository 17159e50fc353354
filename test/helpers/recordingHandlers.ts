/** SDK client handlers for the forwarding tests: answer server-to-client requests and record what arrived. */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

/** What a client's handlers saw. */
export interface Seen {
  sampling: string[];
  elicitation: string[];
  roots: number;
  logs: Array<{ level: string; data: unknown }>;
  updated: string[];
  listChanged: { tools: number; resources: number; prompts: number };
}

/**
 * Registers handlers that answer the server's sampling, elicitation and roots requests predictably
 * ("sampled: <prompt>", "elicited: <message>", one root `rootUri`) and record them, with every notification, in `seen`.
 */
export function registerRecordingHandlers(client: Client, seen: Seen, rootUri: string): void {
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    const first = request.params.messages[0]?.content;
    const prompt = first && !Array.isArray(first) && first.type === 'text' ? first.text : '?';
    seen.sampling.push(prompt);
    return { role: 'assistant', model: 'test-model', content: { type: 'text', text: `sampled: ${prompt}` } };
  });
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    seen.elicitation.push(request.params.message);
    return { action: 'accept', content: { answer: `elicited: ${request.params.message}` } };
  });
  client.setRequestHandler(ListRootsRequestSchema, async () => {
    seen.roots++;
    return { roots: [{ uri: rootUri, name: 'workspace' }] };
  });
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void seen.logs.push({ level: n.params.level, data: n.params.data }));
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void seen.updated.push(n.params.uri));
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => void seen.listChanged.tools++);
  client.setNotificationHandler(ResourceListChangedNotificationSchema, () => void seen.listChanged.resources++);
  client.setNotificationHandler(PromptListChangedNotificationSchema, () => void seen.listChanged.prompts++);
}
