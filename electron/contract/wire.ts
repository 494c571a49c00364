import { z } from 'zod';
import { ContractErrorSchema } from './errors';

/**
 * The envelope both transports carry (Electron IPC and the harness WebSocket). The transport
 * only checks the envelope; the backend validates method inputs with the method's schema.
 */

/** Largest frame a transport accepts, in bytes; attachments are the biggest payloads. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

export const InvokeFrameSchema = z
  .object({
    type: z.literal('invoke'),
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    method: z.string().min(1).max(64),
    input: z.unknown(),
  })
  .strict();
export type InvokeFrame = z.infer<typeof InvokeFrameSchema>;

export const ResultFrameSchema = z.object({
  type: z.literal('result'),
  /** The invoke's id, or null when the request was too malformed to have one. */
  id: z.number().int().min(0).nullable(),
  result: z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value: z.unknown() }),
    z.object({ ok: z.literal(false), error: ContractErrorSchema }),
  ]),
});
export type ResultFrame = z.infer<typeof ResultFrameSchema>;

const EventFrameSchema = z.object({
  type: z.literal('event'),
  event: z.string(),
  payload: z.unknown(),
});
export type EventFrame = z.infer<typeof EventFrameSchema>;

export const ServerFrameSchema = z.discriminatedUnion('type', [
  ResultFrameSchema,
  EventFrameSchema,
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;

/** Where the browser harness serves the contract, on the same host and port as the renderer. */
export const HARNESS_WS_PATH = '/contract';
