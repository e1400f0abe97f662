/** The simulated AWS account and the pieces tests and the runner use directly. */
export { SimulatedAccount } from './account';
export type {
  BusEvent, CallFilter, CallRecord, LoadedAccountOptions, SavedPeer, SimulatedAccountOptions, SimulatedAccountState, StoredObject,
} from './account';
export { inventory } from './inventory';
export type { Inventory, InventoryImage, InventoryInstance, InventoryParameter, InventoryPeerParameter, InventorySnapshot } from './inventory';
export type { PeerOptions } from './peers';
export { awsManagedEbsKeyArn, isAwsManagedEbsKey } from './kms';
export { AMAZON_OWNER_ID, CANONICAL_OWNER_ID, IMAGE_FAMILIES, WINDOWS_OWNER_ID } from './catalog';
export { SimulatedAwsError } from './errors';
export type { ServiceName } from './errors';
export { runScript } from './commands';
export type { ScriptResult } from './commands';
export type { LogEvent } from './invocations';
export { DEFAULT_TIMINGS } from './timings';
export type { Range, Timings } from './timings';
