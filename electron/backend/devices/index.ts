export {
  createDeviceService,
  type DeviceServiceOptions,
  type DeviceEventSink,
} from './device-service';
