/**
 * A region's resources as plain JSON and back, so an account can be saved between runs. Records hold
 * Maps (tags, volumes by device), Sets (launch permissions, files), Timelines and the odd infinite time
 * (a hung script); each is written as a one-key object (`{"$map": [...]}`, `{"$set": [...]}`,
 * `{"$timeline": [...]}`, `{"$number": "Infinity"}`) and read back into the same type.
 *
 * The public catalog (its images, their snapshots and the `/aws/service/` parameters) is not written: a
 * region recreates it, with the same ids, when it is first used.
 */
import { isCatalogOwner } from './catalog';
import type { DocumentRecord } from './documents/records';
import { kindOfValue } from './permission-items';
import type {
  ImageRecord, InstanceRecord, InvocationRecord, LaunchTemplateRecord, ParameterRecord, RegionState, SnapshotRecord, VolumeRecord,
} from './records';
import { Timeline } from './timeline';

/** JSON values. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What a saved region holds (records encoded with `encodeRecord`). */
export interface RegionStateJson {
  readonly name: string;
  readonly instances: Json[];
  readonly volumes: Json[];
  readonly snapshots: Json[];
  readonly images: Json[];
  readonly parameters: Json[];
  readonly invocations: Json[];
  readonly launchTemplates: Json[];
  /** Absent in states saved before documents were kept. */
  readonly documents?: Json[];
  readonly clientTokens: [string, { fingerprint: string; reservationId: string }][];
}

/** A value of a record as JSON: Maps, Sets, Timelines and non-finite numbers tagged. */
export function encodeRecord(value: unknown): Json {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $number: String(value) };
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Timeline) {
    return { $timeline: value.toEntries().map((entry) => ({ at: encodeRecord(entry.at), value: encodeRecord(entry.value) })) };
  }
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [encodeRecord(k), encodeRecord(v)]) };
  if (value instanceof Set) return { $set: [...value].map(encodeRecord) };
  if (Array.isArray(value)) return value.map(encodeRecord);
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [key, v] of Object.entries(value)) {
      if (v !== undefined) out[key] = encodeRecord(v);
    }
    return out;
  }
  throw new Error(`cannot save a ${typeof value} in the account state`);
}

/** The inverse of `encodeRecord`. */
export function decodeRecord<T>(json: Json): T {
  return decode(json) as T;
}

function decode(json: Json): unknown {
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return json.map(decode);
  const keys = Object.keys(json);
  if (keys.length === 1) {
    const [key] = keys;
    const inner = json[key];
    if (key === '$number') return Number(inner);
    if (key === '$map') return new Map((inner as Json[][]).map(([k, v]) => [decode(k), decode(v)]));
    if (key === '$set') return new Set((inner as Json[]).map(decode));
    if (key === '$timeline') {
      const entries = inner as { at: Json; value: Json }[];
      return Timeline.fromEntries(entries.map((entry) => ({ at: decode(entry.at) as number, value: decode(entry.value) })));
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) out[key] = decode(value);
  return out;
}

/** True for a parameter the catalog recreates. */
export function isPublicParameter(name: string): boolean {
  return name.startsWith('/aws/service/');
}

/** The region's own resources as JSON (the catalog left out). */
export function regionToJson(region: RegionState): RegionStateJson {
  return {
    name: region.name,
    instances: [...region.instances.values()].map(encodeRecord),
    volumes: [...region.volumes.values()].map(encodeRecord),
    snapshots: [...region.snapshots.values()].filter((s) => !isCatalogOwner(s.ownerId)).map(encodeRecord),
    images: [...region.images.values()].filter((i) => !isCatalogOwner(i.ownerId)).map(encodeRecord),
    parameters: [...region.parameters.values()].filter((p) => !isPublicParameter(p.name)).map(encodeRecord),
    invocations: [...region.invocations.entries()].map(([key, record]) => [key, encodeRecord(record)]),
    launchTemplates: [...region.launchTemplates.values()].map(encodeRecord),
    documents: [...region.documents.values()].map(encodeRecord),
    clientTokens: [...region.clientTokens].map(([token, v]) => [token, { fingerprint: v.fingerprint, reservationId: v.reservationId }]),
  };
}

/** Adds saved resources to a region (which already holds the catalog). */
export function regionFromJson(region: RegionState, json: RegionStateJson): void {
  for (const r of json.instances ?? []) put(region.instances, decodeRecord<InstanceRecord>(r));
  for (const r of json.volumes ?? []) put(region.volumes, decodeRecord<VolumeRecord>(r));
  for (const r of json.snapshots ?? []) put(region.snapshots, decodeRecord<SnapshotRecord>(r));
  for (const r of json.images ?? []) put(region.images, withLaunchPermissionKinds(decodeRecord<ImageRecord>(r)));
  for (const r of json.launchTemplates ?? []) put(region.launchTemplates, decodeRecord<LaunchTemplateRecord>(r));
  for (const r of json.documents ?? []) {
    const document = decodeRecord<DocumentRecord>(r);
    region.documents.set(document.name, document);
  }
  for (const r of json.parameters ?? []) {
    const parameter = decodeRecord<ParameterRecord>(r);
    region.parameters.set(parameter.name, parameter);
  }
  for (const entry of json.invocations ?? []) {
    const [key, record] = entry as [string, Json];
    region.invocations.set(key, decodeRecord<InvocationRecord>(record));
  }
  for (const [token, value] of json.clientTokens ?? []) region.clientTokens.set(token, value);
}

/** An image saved when launch permissions were a set of values gets their kinds from the values' formats. */
function withLaunchPermissionKinds(image: ImageRecord): ImageRecord {
  const saved = image.launchPermissions as ImageRecord['launchPermissions'] | Set<string>;
  if (!(saved instanceof Set)) return image;
  return { ...image, launchPermissions: new Map([...saved].map((value) => [value, kindOfValue(value)])) };
}

function put<T extends { readonly id: string }>(map: Map<string, T>, record: T): void {
  map.set(record.id, record);
}
