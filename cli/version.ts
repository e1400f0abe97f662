/** The version of the package this `bakery` command belongs to, from its package.json (read into the bundle at build time). */
import { version } from '../package.json';

export const PACKAGE_VERSION: string = version;
