export { createDeviceService } from './device-service';
export { readDevicesFile } from './devices-file';
/** What a bad device configuration or devices file throws (from the HAL). */
export { DeviceConfigError } from '../../../hardware/hal';
