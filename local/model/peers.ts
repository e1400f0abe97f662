/**
 * Peer accounts: other simulated accounts in the same world as the account that added them. They share its
 * clock (no account of the world is ever behind another), faults and timings; their resources are their own.
 * A peer's roles trust the account that added it (STS AssumeRole), and its organization and organizational
 * units decide which images shared with an organization or OU it sees.
 */
import type { SimulatedAccount } from './account';
import { isValidItem } from './permission-items';

/** How `SimulatedAccount.addPeer` describes a peer. */
export interface PeerOptions {
  /** Names of the peer's IAM roles that trust the account adding it (its code may assume them). */
  readonly roles?: readonly string[];
  /** The peer's organization: `arn:aws:organizations::<management account>:organization/o-…`. */
  readonly organizationArn?: string;
  /** The organizational units the peer is in: `arn:aws:organizations::<management account>:ou/o-…/ou-…`. */
  readonly organizationalUnitArns?: readonly string[];
}

/** A peer's relation to the account that added it. */
export interface PeerTrust extends PeerOptions {
  /** The account whose code may assume the peer's roles. */
  readonly trustedAccountId: string;
}

/** The accounts of one simulated world, by id, and the latest time any of them has seen. */
export class SimulatedWorld {
  readonly accounts = new Map<string, SimulatedAccount>();
  private latest = 0;

  /** The world's time: the (possibly faked) clock, but never earlier than the latest time an account has seen. */
  now(): number {
    this.latest = Math.max(this.latest, Date.now());
    return this.latest;
  }

  /** Moves the world's time forward to at least `t` (a loaded account's clock never goes back). */
  advanceTo(t: number): void {
    this.latest = Math.max(this.latest, t);
  }
}

/** Checks a peer's id and options (a set-up mistake throws a plain Error naming it). */
export function checkPeer(world: SimulatedWorld, accountId: string, options: PeerOptions): void {
  if (!isValidItem('UserId', accountId)) throw new Error(`a peer account id is 12 digits, not '${accountId}'`);
  if (world.accounts.has(accountId)) throw new Error(`account ${accountId} is already in this simulated world`);
  if (options.organizationArn !== undefined && !isValidItem('OrganizationArn', options.organizationArn)) {
    throw new Error(`'${options.organizationArn}' is not an organization ARN (arn:aws:organizations::<account>:organization/o-<id>)`);
  }
  for (const ou of options.organizationalUnitArns ?? []) {
    if (!isValidItem('OrganizationalUnitArn', ou)) {
      throw new Error(`'${ou}' is not an organizational unit ARN (arn:aws:organizations::<account>:ou/o-<id>/ou-<id>)`);
    }
  }
  for (const role of options.roles ?? []) {
    if (!/^[\w+=,.@-]{1,64}$/.test(role)) throw new Error(`'${role}' is not an IAM role name`);
  }
}

/** The organization and OU ARNs of a peer (launch permissions may name them). */
export function membershipsOf(trust: PeerTrust | undefined): string[] {
  if (!trust) return [];
  return [...(trust.organizationArn ? [trust.organizationArn] : []), ...(trust.organizationalUnitArns ?? [])];
}
