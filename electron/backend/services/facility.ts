import type { FacilityConfig } from '../../../domain/facility';
import type { FacilityService } from '../../../domain/types';
import type { CallContext } from '../context';
import { ServiceError } from '../errors';

/** The facility configuration, or `unavailable_service` before the device received one. */
export function requireFacility(context: CallContext): FacilityConfig {
  const facility = context.core.facility();
  if (!facility) {
    throw new ServiceError('unavailable_service', 'this device has no facility configuration yet');
  }
  return facility;
}

export function requireService(context: CallContext, service: FacilityService): FacilityConfig {
  const facility = requireFacility(context);
  if (!facility.services.includes(service)) {
    throw new ServiceError('unavailable_service', `this facility does not offer ${service}`, {
      service,
    });
  }
  return facility;
}
