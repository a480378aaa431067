/** Injection token of the process-wide `NatsConnection` that `NatsModule` opens. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

/** Injection token of the `NatsModuleOptions` the module was configured with. */
export const NATS_MODULE_OPTIONS = Symbol('NATS_MODULE_OPTIONS');
