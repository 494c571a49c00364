import { z } from 'zod';
import {
  DeviceError,
  parseDriverOptions,
  type CardReaderCapabilities,
  type CardReaderDriver,
  type CardResult,
  type DriverContext,
  type DriverFactory,
  type DriverSink,
  type DriverSpec,
} from '../../hal';
import { SerialLink, linkTarget, type LinkTarget } from '../serial/link';
import { toCardResult, type CardPolicy } from './card-data';
import {
  ProcessorTokenizerSchema,
  tokenRequestBody,
  tokenizeAtProcessor,
} from './processor-tokens';
import { SwipeFramer } from './swipe-framer';
import { parseSwipe, swipeError } from './tracks';

export const MagstripeOptionsSchema = z
  .object({
    /**
     * Earlier releases keyed an HMAC card token with it; reads now carry the processor's token
     * (or a random reference), so a key left in a configuration file is refused, not kept.
     */
    tokenSecret: z
      .never({
        error: 'tokenSecret is no longer used: remove it (card tokens come from the processor)',
      })
      .optional(),
    /** The card processor this reader tokenizes at; without it reads carry a random reference. */
    processor: ProcessorTokenizerSchema.optional(),
    /** `terminator`: swipes end with CR/ETX; `gap`: a silence ends them. */
    framing: z.enum(['terminator', 'gap']).default('terminator'),
    gapMs: z.number().int().min(20).max(500).default(75),
    /** The reader appends an LRC character after each track. */
    lrc: z.boolean().default(false),
    maxSwipeBytes: z.number().int().min(64).max(4096).default(512),
    fundingByIin: z
      .record(z.string().regex(/^\d{1,8}$/), z.enum(['debit', 'credit', 'prepaid', 'unknown']))
      .default({}),
  })
  .strict();
export type MagstripeOptions = z.output<typeof MagstripeOptionsSchema>;

type CardSink = DriverSink<CardResult, never>;

/**
 * Serial magstripe reader (ISO/IEC 7813 tracks 1 and 2). The number and track bytes never leave
 * this driver: each swipe becomes a card result or a typed error, and its buffers are overwritten.
 * Swipes while input is disabled are overwritten unread.
 */
export class MagstripeDriver implements CardReaderDriver {
  readonly capabilities: CardReaderCapabilities = {
    tracks: [1, 2],
    tokenizes: true,
    detectsFunding: false,
  };
  private link: SerialLink | undefined;
  private framer: SwipeFramer;
  private gapTimer: NodeJS.Timeout | undefined;
  private inputEnabled = false;
  private readonly policy: CardPolicy;

  constructor(
    private readonly target: LinkTarget,
    private readonly options: MagstripeOptions,
    now: () => Date = () => new Date(),
  ) {
    this.framer = new SwipeFramer(options.framing === 'terminator', options.maxSwipeBytes);
    this.policy = { fundingByIin: options.fundingByIin, now };
  }

  async connect(sink: CardSink): Promise<void> {
    this.framer.wipe();
    const link = new SerialLink(this.target, {
      data: (chunk) => this.receive(chunk, sink),
      lost: (reason) => sink.lost(reason),
    });
    await link.open();
    this.link = link;
  }

  async disconnect(): Promise<void> {
    clearTimeout(this.gapTimer);
    this.framer.wipe();
    const link = this.link;
    this.link = undefined;
    await link?.close();
  }

  async setInputEnabled(enabled: boolean): Promise<void> {
    this.inputEnabled = enabled;
    if (!enabled) this.framer.wipe();
  }

  /** Magstripe readers only talk when swiped: the open port is all there is to check. */
  async probe(): Promise<string> {
    return this.link?.isOpen ? 'port open' : 'port closed';
  }

  private receive(chunk: Buffer, sink: CardSink): void {
    sink.seen();
    const events = this.framer.push(chunk);
    chunk.fill(0);
    if (this.options.framing === 'gap') {
      clearTimeout(this.gapTimer);
      this.gapTimer = setTimeout(() => this.handle(this.framer.flush(), sink), this.options.gapMs);
    }
    this.handle(events, sink);
  }

  /** The read carries the processor's token instead of the reader's own once the processor answers. */
  private async deliverTokenized(
    card: CardResult,
    body: Uint8Array<ArrayBuffer>,
    sink: CardSink,
  ): Promise<void> {
    const token = await tokenizeAtProcessor(this.options.processor!, body);
    sink.data(token ? { ...card, token } : card);
  }

  private handle(events: ReturnType<SwipeFramer['push']>, sink: CardSink): void {
    for (const event of events) {
      if (event.kind === 'overflow') {
        if (this.inputEnabled) sink.error(swipeError('overflow', 'the swipe was too long'));
        continue;
      }
      const { frame } = event;
      let tokenRequest: Uint8Array<ArrayBuffer> | undefined;
      try {
        if (!this.inputEnabled) continue;
        const fields = parseSwipe(frame, this.options.lrc);
        tokenRequest = this.options.processor ? tokenRequestBody(fields) : undefined;
        const card = toCardResult(fields, this.policy);
        if (tokenRequest === undefined) sink.data(card);
        else void this.deliverTokenized(card, tokenRequest, sink);
      } catch (error) {
        tokenRequest?.fill(0);
        sink.error(error instanceof DeviceError ? error : swipeError('format', 'unreadable swipe'));
      } finally {
        frame.fill(0);
      }
    }
  }
}

export const magstripeDriver: DriverFactory = {
  deviceClass: 'CardReader',
  create(spec: DriverSpec, context: DriverContext) {
    const options = parseDriverOptions(spec.name, MagstripeOptionsSchema, spec.options);
    return new MagstripeDriver(linkTarget(spec, context), options);
  },
};
