import { STAFF_ROLES } from '../../../domain';
import { CSRF_HEADER, STAFF_COOKIE } from '../http/access-control';
import { ALL_FACILITIES, createStaffMember, totpFor, type StaffGrant } from '../staff-identity';
import type { Storage } from '../storage/types';
import { inWork, type Clock } from '../work';
import type { HttpAnswer } from './device';

/**
 * A signed-in staff member over real HTTP: the session cookie and CSRF token the browser consoles
 * hold. `TestStaff.create` makes the account directly in the database (as IT would) and signs in
 * with its password and a TOTP code for the service's clock.
 */
export class TestStaff {
  private cookie = '';
  private csrf = '';

  constructor(
    readonly baseUrl: string,
    readonly staffId: string,
    readonly email: string,
    readonly password: string,
    readonly totpSecret: string,
  ) {}

  static async create(
    central: { storage: Storage; clock: Clock; baseUrl: string },
    grants: readonly StaffGrant[],
    name = 'Officer Diaz',
  ): Promise<TestStaff> {
    const email = `staff-${crypto.randomUUID().slice(0, 8)}@facility.example`;
    const created = await inWork(central.storage, central.clock, (work) =>
      createStaffMember(work, { email, name, grants }),
    );
    const staff = new TestStaff(
      central.baseUrl,
      created.staffId,
      email,
      created.initialPassword,
      created.totpSecret,
    );
    const answer = await staff.login(central.clock);
    if (answer.status !== 200) throw new Error(`staff login: ${JSON.stringify(answer.body)}`);
    return staff;
  }

  /** Every role on every facility: what the tests' `central.admin` calls act as. */
  static operator(central: { storage: Storage; clock: Clock; baseUrl: string }) {
    return TestStaff.create(
      central,
      STAFF_ROLES.map((role) => ({ role, facilityId: ALL_FACILITIES })),
      'Test Operator',
    );
  }

  code(clock: Clock): string {
    return totpFor(this.totpSecret, this.email).generate({ timestamp: clock().getTime() });
  }

  async login(clock: Clock, overrides: { password?: string; code?: string } = {}) {
    const response = await fetch(`${this.baseUrl}/v1/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: this.email,
        password: overrides.password ?? this.password,
        code: overrides.code ?? this.code(clock),
      }),
    });
    const body = (await response.json()) as { csrfToken?: string };
    if (response.status === 200) {
      const set = response.headers.getSetCookie().find((c) => c.startsWith(`${STAFF_COOKIE}=`));
      this.cookie = set?.split(';')[0] ?? '';
      this.csrf = body.csrfToken ?? '';
    }
    return { status: response.status, body, setCookie: response.headers.getSetCookie() };
  }

  /** Session cookie and CSRF header, as a browser console sends them. */
  headers(): Record<string, string> {
    return { cookie: this.cookie, [CSRF_HEADER]: this.csrf };
  }

  async call<T = unknown>(method: string, path: string, json?: unknown): Promise<HttpAnswer<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...this.headers(),
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }
}
