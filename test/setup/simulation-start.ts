/**
 * Every simulated bake of the test run that names no start time starts at one fixed moment, in this process and in
 * the `bakery` processes the CLI tests spawn (they inherit the variable): no test depends on today's date.
 */
import { SIMULATE_START_VARIABLE } from '../../local/simulation-start';

process.env[SIMULATE_START_VARIABLE] ??= '2030-01-01T00:00:00Z';
