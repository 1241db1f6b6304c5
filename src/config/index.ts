/**
 * Option validation shared by every constructor.
 *
 * @example
 * ```ts
 * import { validateOptions, num } from './config/index.js';
 * const o = validateOptions('ApiClient', opts, { timeout: num({ min: 0, default: 30_000, unit: 'ms' }) });
 * ```
 *
 * @module
 */
export * from './validate.js';
export * from './enums.js';
export type { ConnectionConfig, Logger } from './ConnectionConfig.js';
export { ConnectionConfigManager } from './ConnectionConfigManager.js';
export type { ConnectionConfigManagerOptions, ConnectionDefaults, DefaultedField } from './ConnectionConfigManager.js';
export { CONNECTION_CONFIG_FIELDS, connectionDefaults } from './connectionDefaults.js';
