import { createHash } from 'node:crypto';
import type { HttpAnswer } from './device';

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A customer of the customer API over real HTTP, for tests and benchmarks. */
export class TestCustomer {
  token = '';
  customerId = '';

  constructor(
    readonly baseUrl: string,
    readonly email = `c${crypto.randomUUID().slice(0, 8)}@example.com`,
    public password = 'correct horse battery',
  ) {}

  async call<T = unknown>(method: string, path: string, json?: unknown): Promise<HttpAnswer<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Registers for a resident and logs in. */
  async register(residentId: string): Promise<this> {
    const registered = await this.call('POST', '/v1/customers/register', {
      email: this.email,
      password: this.password,
      displayName: 'Rosa Lopez',
      residentId,
      acceptedTermsVersion: '2026-01',
    });
    if (registered.status !== 202) throw new Error(`register: ${JSON.stringify(registered.body)}`);
    const login = await this.login();
    if (login.status !== 200) throw new Error(`login: ${JSON.stringify(login.body)}`);
    return this;
  }

  async login(password = this.password) {
    const answer = await this.call<{
      token: string;
      customerId: string;
      mustChangePassword: boolean;
    }>('POST', '/v1/customers/login', {
      email: this.email,
      password,
    });
    if (answer.status === 200) {
      this.token = answer.body.token;
      this.customerId = answer.body.customerId;
    }
    return answer;
  }

  /** Uploads `bytes` whole as an attachment of the message being composed. */
  async upload(bytes: Buffer, messageId: string, mime: string, sha256 = sha256Of(bytes)) {
    const response = await fetch(
      `${this.baseUrl}/v1/customer/blobs/${sha256}?message=${messageId}`,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${this.token}`,
          'content-type': mime,
          'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}`,
        },
        body: new Uint8Array(bytes),
      },
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** Buys a bundle with a processor token (TestCentral.cardToken). */
  buyStamps(
    cardToken: string,
    residentId: string,
    bundleId = 'bundle-5',
    purchaseId = crypto.randomUUID(),
  ) {
    return this.call('POST', '/v1/customer/stamps', {
      purchaseId,
      residentId,
      bundleId,
      card: { token: cardToken },
    });
  }
}
