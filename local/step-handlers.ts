/**
 * The real runner handlers, by step name: the simulator invokes exactly the code that runs in Lambda.
 * Every runner function of the stack must be here; the simulator refuses to start without one.
 */
import { handler as abortCleanup } from '../lambda/abort-cleanup';
import { handler as checkAgent } from '../lambda/check-agent';
import { handler as checkCopy } from '../lambda/check-copy';
import { handler as checkImage } from '../lambda/check-image';
import { handler as checkStep } from '../lambda/check-step';
import { handler as checkStopped } from '../lambda/check-stopped';
import { handler as cleanupFailure } from '../lambda/cleanup-failure';
import { handler as copyImage } from '../lambda/copy-image';
import { handler as createImage } from '../lambda/create-image';
import { handler as distribute } from '../lambda/distribute';
import { handler as finish } from '../lambda/finish';
import { handler as finishTests } from '../lambda/finish-tests';
import { handler as launch } from '../lambda/launch';
import { handler as prepare } from '../lambda/prepare';
import { handler as runStep } from '../lambda/run-step';
import { handler as stop } from '../lambda/stop';
import { handler as sweepOrphans } from '../lambda/sweep-orphans';

export type StepHandler = (event: any, context?: any) => Promise<unknown>;

export const STEP_HANDLERS: Record<string, StepHandler> = {
  'prepare': prepare,
  'launch': launch,
  'check-agent': checkAgent,
  'run-step': runStep,
  'check-step': checkStep,
  'stop': stop,
  'check-stopped': checkStopped,
  'create-image': createImage,
  'check-image': checkImage,
  'finish-tests': finishTests,
  'copy-image': copyImage,
  'check-copy': checkCopy,
  'distribute': distribute,
  'finish': finish,
  'cleanup-failure': cleanupFailure,
  'abort-cleanup': abortCleanup,
  'sweep-orphans': sweepOrphans,
};
