import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail as the SMTP server received it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  raw: Buffer;
}

/**
 * A real SMTP server on 127.0.0.1 (smtp-server) for tests and the demo: it keeps every mail it
 * accepts and tells listeners. `refuseNext` makes it answer the next n messages with a temporary
 * failure (451), as a busy mail server would.
 */
export class LocalSmtpServer {
  readonly received: ReceivedMail[] = [];
  refuseNext = 0;
  private readonly listeners = new Set<(mail: ReceivedMail) => void>();

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(port = 0): Promise<LocalSmtpServer> {
    // The instance exists only once the server listens; the data handler reaches it here.
    const holder: { self?: LocalSmtpServer } = {};
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (holder.self!.refuseNext > 0) {
            holder.self!.refuseNext -= 1;
            const busy = Object.assign(new Error('try again later'), { responseCode: 451 });
            callback(busy);
            return;
          }
          const raw = Buffer.concat(chunks);
          simpleParser(raw).then(
            (parsed) => {
              const mail: ReceivedMail = {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                raw,
              };
              holder.self!.received.push(mail);
              for (const listener of holder.self!.listeners) listener(mail);
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.server.address() as AddressInfo;
    holder.self = new LocalSmtpServer(server, address.port);
    return holder.self;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Calls `listener` for every mail accepted from now on; returns unsubscribe. */
  onMail(listener: (mail: ReceivedMail) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
