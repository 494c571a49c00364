import type { MutationArgs, MutationName } from '../../protocol';
import type { AuthenticatedDevice } from '../http/device-auth';
import type { Work } from '../work';

/** An authoritative mutation handler: applies or throws a Rejection (its writes are undone). */
export type MutationHandler<N extends MutationName> = (
  work: Work,
  device: AuthenticatedDevice,
  args: MutationArgs<N>,
  mutationId: string,
) => Promise<void>;
