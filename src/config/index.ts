/**
 * Configuration as users see it: seed 000's enums, `ConnectionConfig`, the
 * `ConnectionConfigManager` and the table of defaults. The option-validation
 * rules (`validate.ts`) are statewire's own and stay out of the package entry.
 *
 * @example
 * ```ts
 * import { ConnectionConfigManager, ConnectionType } from './config/index.js';
 * const config = new ConnectionConfigManager().get(ConnectionType.HTTP);
 * ```
 *
 * @module
 */
export * from './enums.js';
export type { ConnectionConfig, Logger } from './ConnectionConfig.js';
export { ConnectionConfigManager } from './ConnectionConfigManager.js';
export type { ConnectionConfigManagerOptions, ConnectionDefaults, DefaultedField } from './ConnectionConfigManager.js';
export { connectionDefaults } from './connectionDefaults.js';
